package scenario

import "strings"

// Defaults fills the unset optional fields of s with their documented
// defaults and rewrites aliases and the case of enumerated words to canonical
// names (for example "BE" → "backward-euler", "sgld" → "white"). It never
// overwrites a value that is set, and it is idempotent. Unknown words are
// left for Validate to report.
//
// The defaults are:
//
//	cells            1000 (1-D), 200 per axis (2-D), 60 per axis (3-D)
//	boundary         reflecting
//	convention       ito
//	noise            psd softabs, epsilon 0.05, floor 0 (sgd, sgd-local);
//	                 floor 0 (data)
//	initial          uniform, when no variant is given
//	time             dt end/100, scheme tr-bdf2, adaptive true, tol 1e-4
//	output           dir "out", formats [png, csv, json]
//	simulate         walkers 1000, dynamics sde, dt 0.001, max_time 1e6
//	solver.linear    auto
//	data             n 64, seed 1, noise 0.1 (when the data block is given)
//
// Numbers in Landscape.Params become float64.
func (s *Scenario) Defaults() {
	if len(s.Cells) == 0 {
		n := map[int]int{1: 1000, 2: 200, 3: 60}[len(s.Domain)]
		if n > 0 {
			s.Cells = make([]int, len(s.Domain))
			for i := range s.Cells {
				s.Cells[i] = n
			}
		}
	}

	if len(s.Boundary.Axes) == 0 && s.Boundary.All == "" {
		s.Boundary.All = Reflecting
	}
	s.Boundary.All = canonicalOr(boundaryWords, s.Boundary.All)
	for i := range s.Boundary.Axes {
		for j := range 2 {
			s.Boundary.Axes[i][j] = canonicalOr(boundaryWords, s.Boundary.Axes[i][j])
		}
	}

	s.Convention = defaultWord(conventions, s.Convention, Ito)

	n := &s.Noise
	n.Model = canonicalOr(noiseModels, n.Model)
	switch n.Model {
	case SGD, SGDLocal:
		n.PSD = defaultWord(psdMaps, n.PSD, PSDSoftAbs)
		if n.Epsilon == nil {
			n.Epsilon = ptr(0.05)
		}
		if n.Floor == nil {
			n.Floor = ptr(0.0)
		}
	case Data:
		if n.Floor == nil {
			n.Floor = ptr(0.0)
		}
	}
	n.PSD = canonicalOr(psdMaps, n.PSD)
	n.Schedule.defaults()

	in := &s.Initial
	if in.Gaussian == nil && in.Minimum == nil && !in.Uniform && in.Point == nil {
		in.Uniform = true
	}

	t := &s.Time
	if t.DT == 0 && t.End > 0 {
		t.DT = t.End / 100
	}
	t.Scheme = defaultWord(schemes, t.Scheme, TRBDF2)
	if t.Adaptive == nil {
		t.Adaptive = ptr(true)
	}
	if t.Tol == 0 {
		t.Tol = 1e-4
	}

	if s.Output.Dir == "" {
		s.Output.Dir = "out"
	}
	if s.Output.Formats == nil {
		s.Output.Formats = []string{"png", "csv", "json"}
	}
	for i, f := range s.Output.Formats {
		s.Output.Formats[i] = canonicalOr(formats, f)
	}

	m := &s.Simulate
	if m.Walkers == 0 {
		m.Walkers = 1000
	}
	m.Dynamics = defaultWord(dynamics, m.Dynamics, "sde")
	if m.DT == 0 {
		m.DT = 0.001
	}
	if m.MaxTime == 0 {
		m.MaxTime = 1e6
	}

	s.Solver.Linear = defaultWord(linears, s.Solver.Linear, LinearAuto)

	if s.Landscape.Params != nil {
		s.Landscape.Params = floatParams(s.Landscape.Params).(map[string]any)
	}
	s.Data.defaults()
}

// defaultWord returns def for an empty word, else the canonical form of w.
func defaultWord(e enum, w, def string) string {
	if strings.TrimSpace(w) == "" {
		return def
	}
	return canonicalOr(e, w)
}

// canonicalOr returns the canonical form of w, or w unchanged if unknown.
func canonicalOr(e enum, w string) string {
	if c, ok := e.canonical(w); ok {
		return c
	}
	return w
}

// floatParams converts every integer in decoded YAML values to float64.
func floatParams(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = floatParams(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = floatParams(e)
		}
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	return v
}

func ptr[T any](v T) *T { return &v }
