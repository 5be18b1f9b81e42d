package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/landscape"
)

// Document is the JSON of `fpsolve sweep` (DESIGN.md §6): the points, each
// with its parameters and the full result of the measurement, and the
// fits. Plans and Shard identify the sweep so that shards can be merged.
type Document struct {
	Preset string     `json:"preset,omitempty"`
	Plans  []PlanInfo `json:"plans"`
	// Shard is "i/n" for one shard of a sweep, empty for a whole sweep.
	Shard string `json:"shard,omitempty"`
	// Total is the number of points of the whole sweep.
	Total  int     `json:"points_total"`
	Points []Point `json:"points"`
	Fits   []Fit   `json:"fits"`
	// Checks and Verdicts are a preset's comparisons with the theory.
	Checks   []Check  `json:"checks,omitempty"`
	Verdicts []string `json:"verdicts,omitempty"`
}

// PlanInfo identifies a plan in a Document.
type PlanInfo struct {
	Name     string    `json:"name,omitempty"`
	Axes     []Axis    `json:"axes"`
	BaseHash string    `json:"base_hash"`
	Measure  string    `json:"measure"`
	Points   int       `json:"points"`
	Fits     []FitInfo `json:"fits"`
}

// FitInfo is a FitSpec as stored in a Document.
type FitInfo struct {
	Key        string `json:"key"`
	XTransform string `json:"x_transform"`
	Y          string `json:"y"`
}

// Check is one number a preset holds against an expectation.
type Check struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Expected float64 `json:"expected"`
	// RelErr is |Value/Expected − 1|.
	RelErr float64 `json:"rel_err"`
	Note   string  `json:"note,omitempty"`
}

// NewDocument assembles the document of the given points of plans; shard
// is "" for the whole sweep or "i/n".
func NewDocument(preset string, plans []*Plan, points []Point, shard string) (*Document, error) {
	d := &Document{Preset: preset, Shard: shard, Points: points}
	for _, p := range plans {
		h, err := Hash(p.Base)
		if err != nil {
			return nil, err
		}
		info := PlanInfo{Name: p.Name, Axes: p.Axes, BaseHash: h, Measure: p.Measure.String(), Points: p.Len(), Fits: []FitInfo{}}
		for _, f := range p.specs() {
			y := f.Y
			if y == "" {
				y = LogMFPT
			}
			info.Fits = append(info.Fits, FitInfo{f.Key, f.X.String(), y})
		}
		d.Plans = append(d.Plans, info)
		d.Total += p.Len()
	}
	if d.Points == nil {
		d.Points = []Point{}
	}
	slices.SortFunc(d.Points, func(a, b Point) int { return a.Index - b.Index })
	if shard == "" {
		d.Fits = Fits(plansOf(d), d.Points)
	}
	if d.Fits == nil {
		d.Fits = []Fit{}
	}
	return d, nil
}

// plansOf rebuilds the plans of d far enough to compute fits (no base
// scenarios).
func plansOf(d *Document) []*Plan {
	var out []*Plan
	for _, info := range d.Plans {
		p := &Plan{Name: info.Name, Axes: info.Axes, Fits: []FitSpec{}}
		if info.Measure == Stationary.String() {
			p.Measure = Stationary
		}
		if info.Measure == Evolution.String() {
			p.Measure = Evolution
		}
		for _, f := range info.Fits {
			t, _ := ParseTransform(f.XTransform)
			p.Fits = append(p.Fits, FitSpec{Key: f.Key, X: t, Y: f.Y})
		}
		out = append(out, p)
	}
	return out
}

// Read reads a Document written by Write.
func Read(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not a sweep JSON file: %w", path, err)
	}
	if len(d.Plans) == 0 {
		return nil, fmt.Errorf("%s: not a sweep JSON file (no plans)", path)
	}
	return &d, nil
}

// Marshal returns the indented JSON of d.
func (d *Document) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode sweep JSON: %w", err)
	}
	return append(b, '\n'), nil
}

// Merge joins the shards of one sweep into the document of the whole
// sweep, with the fits recomputed. The shards must come from the same
// plans (same axes, base scenario hashes, measures and fits) and together
// hold every point exactly once.
func Merge(shards []*Document) (*Document, error) {
	if len(shards) == 0 {
		return nil, errors.New("--merge: no files to merge")
	}
	first := shards[0]
	var points []Point
	seen := map[int]bool{}
	for i, d := range shards {
		if d.Preset != first.Preset {
			return nil, fmt.Errorf("--merge: file %d is from preset %q, file 1 from %q: merge only shards of one sweep", i+1, d.Preset, first.Preset)
		}
		if !reflect.DeepEqual(d.Plans, first.Plans) {
			return nil, fmt.Errorf("--merge: file %d comes from a different plan than file 1 (axes, base scenario or fits differ): merge only shards of one sweep", i+1)
		}
		for _, p := range d.Points {
			if seen[p.Index] {
				return nil, fmt.Errorf("--merge: point %d appears in more than one file: each shard must be given once", p.Index)
			}
			seen[p.Index] = true
			points = append(points, p)
		}
	}
	if len(points) != first.Total {
		var missing []string
		for i := 0; i < first.Total && len(missing) < 10; i++ {
			if !seen[i] {
				missing = append(missing, fmt.Sprint(i))
			}
		}
		return nil, fmt.Errorf("--merge: the files hold %d of %d points (missing %s…): give every shard's JSON file", len(points), first.Total, strings.Join(missing, ", "))
	}
	d := &Document{Preset: first.Preset, Plans: first.Plans, Total: first.Total, Points: points}
	slices.SortFunc(d.Points, func(a, b Point) int { return a.Index - b.Index })
	d.Fits = Fits(plansOf(d), d.Points)
	if d.Fits == nil {
		d.Fits = []Fit{}
	}
	return d, nil
}

// pointJSON is the JSON form of a Point: its parameters and the result of
// the measurement as `fpsolve escape --json` writes it (minima, saddles,
// transitions), or the stationary basin masses.
type pointJSON struct {
	Index       int                   `json:"index"`
	Series      string                `json:"series,omitempty"`
	Params      map[string]float64    `json:"params"`
	Noise       *noiseJSON            `json:"noise,omitempty"`
	Minima      []criticalJSON        `json:"minima,omitempty"`
	Saddles     []criticalJSON        `json:"saddles,omitempty"`
	Convention  string                `json:"convention,omitempty"`
	Target      string                `json:"target,omitempty"`
	Spectral    []escape.SpectralPair `json:"spectral,omitempty"`
	Transitions []escape.Transition   `json:"transitions,omitempty"`
	Basins      []BasinMass           `json:"basins,omitempty"`
	MassTotal   *float64              `json:"mass_total,omitempty"`
	Evolution   *EvolutionResult      `json:"evolution,omitempty"`
	Error       string                `json:"error,omitempty"`
}

type noiseJSON struct {
	Model       string  `json:"model"`
	Temperature float64 `json:"temperature,omitempty"`
	LR          float64 `json:"lr,omitempty"`
	Batch       float64 `json:"batch,omitempty"`
}

type criticalJSON struct {
	X           []float64 `json:"x"`
	Loss        float64   `json:"loss"`
	Eigenvalues []float64 `json:"hessian_eigenvalues"`
	Connects    []int     `json:"connects,omitempty"`
}

// MarshalJSON writes the point in the form of §6. Numbers that are not
// finite (a formula evaluated where it does not apply) are written as 0
// and listed in the transition's notes, since JSON has no NaN.
func (p Point) MarshalJSON() ([]byte, error) {
	j := pointJSON{Index: p.Index, Series: p.Series, Params: p.Params, Error: p.Error}
	if p.Noise.Model != "" {
		j.Noise = &noiseJSON{p.Noise.Model, p.Noise.T, p.Noise.LR, p.Noise.Batch}
	}
	if r := p.Result; r != nil {
		j.Minima, j.Saddles = []criticalJSON{}, []criticalJSON{}
		for _, m := range r.Minima {
			j.Minima = append(j.Minima, criticalJSON{X: m.X, Loss: m.Loss, Eigenvalues: m.Eigenvalues})
		}
		for _, s := range r.Saddles {
			j.Saddles = append(j.Saddles, criticalJSON{X: s.X, Loss: s.Loss, Eigenvalues: s.Eigenvalues, Connects: s.Connects[:]})
		}
		j.Convention, j.Target, j.Spectral = r.Convention, r.Target, r.Spectral
		j.Transitions = make([]escape.Transition, len(r.Transitions))
		for i, t := range r.Transitions {
			j.Transitions[i] = finiteTransition(t)
		}
	}
	j.Evolution = p.Evolution
	if st := p.Stationary; st != nil {
		j.Basins, j.MassTotal = st.Basins, &st.MassTotal
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a point written by MarshalJSON.
func (p *Point) UnmarshalJSON(b []byte) error {
	var j pointJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = Point{Index: j.Index, Series: j.Series, Params: j.Params, Error: j.Error}
	if j.Noise != nil {
		p.Noise = escape.Noise{Model: j.Noise.Model, T: j.Noise.Temperature, LR: j.Noise.LR, Batch: j.Noise.Batch}
	}
	if j.Minima != nil || j.Transitions != nil {
		r := &escape.Result{Convention: j.Convention, Target: j.Target, Spectral: j.Spectral, Transitions: j.Transitions}
		for _, m := range j.Minima {
			r.Minima = append(r.Minima, landscape.Point{X: m.X, Loss: m.Loss, Eigenvalues: m.Eigenvalues})
		}
		for _, s := range j.Saddles {
			sd := landscape.Saddle{Point: landscape.Point{X: s.X, Loss: s.Loss, Eigenvalues: s.Eigenvalues}, Connects: [2]int{-1, -1}}
			copy(sd.Connects[:], s.Connects)
			r.Saddles = append(r.Saddles, sd)
		}
		p.Result = r
	}
	p.Evolution = j.Evolution
	if j.Basins != nil {
		p.Stationary = &StationaryResult{Basins: j.Basins}
		if j.MassTotal != nil {
			p.Stationary.MassTotal = *j.MassTotal
		}
	}
	return nil
}

// finiteTransition returns t with every non-finite float field set to 0
// and named in its notes.
func finiteTransition(t escape.Transition) escape.Transition {
	if t.Ratios != nil {
		r := make(map[string]float64, len(t.Ratios))
		for k, v := range t.Ratios {
			if !finite(v) {
				t.Notes = append(t.Notes, fmt.Sprintf("ratios_to_inverse_mfpt.%s is %v: written as 0", k, v))
				v = 0
			}
			r[k] = v
		}
		t.Ratios = r
	}
	t.Notes = slices.Clone(t.Notes)
	zeroNonFinite(reflect.ValueOf(&t).Elem(), "", &t.Notes)
	return t
}

// zeroNonFinite walks the exported float fields of v (through pointers to
// structs) and replaces NaN and ±Inf by 0, noting each.
func zeroNonFinite(v reflect.Value, path string, notes *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || !v.CanSet() {
			return
		}
		// Work on a copy: the pointee is shared with the caller's result.
		c := reflect.New(v.Elem().Type())
		c.Elem().Set(v.Elem())
		v.Set(c)
		zeroNonFinite(c.Elem(), path, notes)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			zeroNonFinite(v.Field(i), name, notes)
		}
	case reflect.Float64:
		if x := v.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
			*notes = append(*notes, fmt.Sprintf("%s is %v: written as 0", path, x))
			v.SetFloat(0)
		}
	}
}

// unmarshal decodes the JSON of a document.
func (d *Document) unmarshal(b []byte) error { return json.Unmarshal(b, d) }
