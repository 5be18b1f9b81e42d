package sweep

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Transform maps a swept value x to the abscissa of a fit.
type Transform int

const (
	// Identity is x itself.
	Identity Transform = iota
	// Inverse is 1/x (for example 1/η or 1/T).
	Inverse
	// Log is ln x.
	Log
)

// ParseTransform parses identity (or x), inverse (or 1/x) and log (or ln).
func ParseTransform(s string) (Transform, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "identity", "x", "linear", "":
		return Identity, nil
	case "inverse", "1/x":
		return Inverse, nil
	case "log", "ln":
		return Log, nil
	}
	return 0, fmt.Errorf("unknown transform %q: use identity, inverse or log", s)
}

// String returns identity, inverse or log.
func (t Transform) String() string {
	switch t {
	case Inverse:
		return "inverse"
	case Log:
		return "log"
	}
	return "identity"
}

// Apply returns the abscissa of x.
func (t Transform) Apply(x float64) float64 {
	switch t {
	case Inverse:
		return 1 / x
	case Log:
		return math.Log(x)
	}
	return x
}

// Label writes the abscissa of key: "noise.batch", "1/noise.lr",
// "log noise.k".
func (t Transform) Label(key string) string {
	switch t {
	case Inverse:
		return "1/" + key
	case Log:
		return "log " + key
	}
	return key
}

// The quantities a fit can have as ordinate (natural logarithms).
const (
	// LogMFPT is ln τ, τ the mean first passage time from the minimum.
	LogMFPT = "log mfpt"
	// LogIterations is ln(τ/η), the escape time in SGD iterations.
	LogIterations = "log iterations"
	// LogMassRatio is ln(m_flat/m_sharp), the ratio of the stationary
	// masses of the flattest and the sharpest minimum (smallest and
	// largest determinant of the Hessian).
	LogMassRatio = "log mass ratio"
)

// FitSpec asks for a line through the points of a plan along one axis: y
// against X(value of Key), separately for every combination of the other
// axes' values and, for escape times, for every transition.
type FitSpec struct {
	Key string    `json:"key"`
	X   Transform `json:"-"`
	// Y is LogMFPT (the default when empty), LogIterations or
	// LogMassRatio.
	Y string `json:"y"`
}

// Fit is the least-squares line y = Slope·x + Intercept through N points,
// with the standard errors of slope and intercept (from the residual
// variance with N − 2 degrees of freedom) and Pearson's r.
type Fit struct {
	Series string `json:"series,omitempty"`
	// Transition is [from, to] for escape times; nil for mass ratios.
	Transition []int `json:"transition,omitempty"`
	// At holds the values of the plan's other axes.
	At map[string]float64 `json:"at,omitempty"`
	// X is the abscissa's label (for example "1/noise.lr"); Key and
	// XTransform say how it was made.
	X          string  `json:"x"`
	Key        string  `json:"key"`
	XTransform string  `json:"x_transform"`
	Y          string  `json:"y"`
	Slope      float64 `json:"slope"`
	Intercept  float64 `json:"intercept"`
	R          float64 `json:"r"`
	SlopeErr   float64 `json:"slope_err"`
	// InterceptErr is the standard error of the intercept.
	InterceptErr float64 `json:"intercept_err"`
	N            int     `json:"n"`
	// Xs and Ys are the fitted data.
	Xs []float64 `json:"xs"`
	Ys []float64 `json:"ys"`
	// Theory compares the slope with the analytic exponents over the same
	// points (escape fits only).
	Theory *FitTheory `json:"theory,omitempty"`
}

// FitTheory holds, for an escape-time fit, the least-squares slopes that
// the analytic escape times have over the fit's points. Each slope is that
// of ln τ_theory evaluated at every point, so it applies to any abscissa:
//
//	SGD theory   ln τ(s) = ln(2π/|H_be|) + (2BΔL/η)·(s/H_ae + (1−s)/|H_be|)
//	Laplace      ln τ = ln(prefactor) + ΔΦ, ΔΦ the quasi-potential barrier
//	             ∫∇L·D⁻¹dθ along the minimum-energy path
//	barrier      ΔL/T (white noise; the exponent of Kramers' τ)
//
// The prefactors matter when the swept field changes curvatures (the
// sharpness k): then ln(2π/|H_be|) moves with it.
type FitTheory struct {
	// SMean, SMin and SMax summarise the s that the escape analysis
	// fitted at each point (τ(s) equal to the measured τ, with the
	// theorem's prefactor 2π/|H_be|).
	SMean float64 `json:"s_mean,omitempty"`
	SMin  float64 `json:"s_min,omitempty"`
	SMax  float64 `json:"s_max,omitempty"`
	// SExponentMean is the mean s for which the exponent alone equals ΔΦ.
	SExponentMean float64 `json:"s_exponent_mean,omitempty"`
	// SlopeMeanS is the slope of ln τ(SMean); SlopeSExponent that of
	// ln τ(SExponentMean).
	SlopeMeanS     float64 `json:"slope_theory_mean_s,omitempty"`
	SlopeSExponent float64 `json:"slope_theory_s_exponent,omitempty"`
	// SFromSlope is the s for which the slope of ln τ(s) equals the
	// fitted slope.
	SFromSlope float64 `json:"s_from_slope,omitempty"`
	// SlopeLaplace is the slope of the Laplace estimate's ln τ.
	SlopeLaplace float64 `json:"slope_laplace,omitempty"`
	// SlopeBarrier is the slope of ΔL/T (white noise) and Barrier the
	// mean barrier ΔL.
	SlopeBarrier float64 `json:"slope_barrier_over_t,omitempty"`
	Barrier      float64 `json:"barrier"`
}

// LinearFit fits y = a·x + b by least squares. It needs at least three
// points and two distinct x. When all y are equal r is reported as 0.
func LinearFit(x, y []float64) (Fit, error) {
	n := len(x)
	if n != len(y) {
		return Fit{}, fmt.Errorf("sweep: LinearFit: %d abscissae and %d ordinates", n, len(y))
	}
	if n < 3 {
		return Fit{}, errors.New("sweep: a fit needs at least three points")
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Fit{}, errors.New("sweep: a fit needs at least two distinct abscissae")
	}
	f := Fit{N: n, Slope: sxy / sxx}
	f.Intercept = my - f.Slope*mx
	if syy > 0 {
		f.R = sxy / math.Sqrt(sxx*syy)
	}
	var rss float64
	for i := range x {
		e := y[i] - f.Slope*x[i] - f.Intercept
		rss += e * e
	}
	s2 := rss / float64(n-2)
	f.SlopeErr = math.Sqrt(s2 / sxx)
	f.InterceptErr = math.Sqrt(s2 * (1/float64(n) + mx*mx/sxx))
	f.Xs, f.Ys = slices.Clone(x), slices.Clone(y)
	return f, nil
}

// slopeOf returns the least-squares slope of y against x (NaN when the
// points are not enough).
func slopeOf(x, y []float64) float64 {
	f, err := LinearFit(x, y)
	if err != nil {
		return math.NaN()
	}
	return f.Slope
}

// specs returns the plan's fits, or the default ones.
func (p *Plan) specs() []FitSpec {
	if p.Fits != nil {
		return p.Fits
	}
	var out []FitSpec
	y := LogMFPT
	if p.Measure == Stationary {
		y = LogMassRatio
	}
	for _, a := range p.Axes {
		if len(a.Values) >= 3 {
			t := Identity
			if a.Log {
				t = Log
			}
			out = append(out, FitSpec{Key: a.Key, X: t, Y: y})
		}
	}
	return out
}

// Fits computes the fits of every plan from the points (in any order;
// points with an error are left out).
func Fits(plans []*Plan, points []Point) []Fit {
	pts := slices.Clone(points)
	slices.SortFunc(pts, func(a, b Point) int { return a.Index - b.Index })
	var out []Fit
	for _, p := range plans {
		var mine []Point
		for _, q := range pts {
			if q.Series == p.Name && q.Error == "" {
				mine = append(mine, q)
			}
		}
		for _, spec := range p.specs() {
			out = append(out, p.fitsAlong(spec, mine)...)
		}
	}
	return out
}

// fitsAlong fits spec through the points, grouped by the other axes.
func (p *Plan) fitsAlong(spec FitSpec, pts []Point) []Fit {
	if spec.Y == "" {
		spec.Y = LogMFPT
	}
	var groups [][]Point
	index := map[string]int{}
	for _, q := range pts {
		var b strings.Builder
		for _, a := range p.Axes {
			if a.Key != spec.Key {
				fmt.Fprintf(&b, "%s=%v;", a.Key, q.Params[a.Key])
			}
		}
		k := b.String()
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], q)
	}
	var out []Fit
	for _, g := range groups {
		var at map[string]float64
		for _, a := range p.Axes {
			if a.Key != spec.Key {
				if at == nil {
					at = map[string]float64{}
				}
				at[a.Key] = g[0].Params[a.Key]
			}
		}
		label := func(f *Fit) {
			f.Series, f.At = p.Name, at
			f.X, f.Key, f.XTransform, f.Y = spec.X.Label(spec.Key), spec.Key, spec.X.String(), spec.Y
		}
		if spec.Y == LogMassRatio {
			var xs, ys []float64
			for _, q := range g {
				if r, ok := massRatio(q); ok {
					xs = append(xs, spec.X.Apply(q.Params[spec.Key]))
					ys = append(ys, math.Log(r))
				}
			}
			if f, err := LinearFit(xs, ys); err == nil {
				label(&f)
				out = append(out, f)
			}
			continue
		}
		for _, tr := range transitions(g) {
			f, ok := escapeFit(spec, g, tr)
			if ok {
				label(&f)
				out = append(out, f)
			}
		}
	}
	return out
}

// transitions lists the (from, to) pairs measured at any of the points.
func transitions(pts []Point) [][2]int {
	var out [][2]int
	for _, q := range pts {
		if q.Result == nil {
			continue
		}
		for _, t := range q.Result.Transitions {
			k := [2]int{t.From, t.To}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

// escapeFit fits the escape times of transition tr and the theory's
// exponents beside them.
func escapeFit(spec FitSpec, pts []Point, tr [2]int) (Fit, bool) {
	var xs, ys []float64
	var sgdE0, sgdE1, laplace, whiteE []float64
	var sSum, sMin, sMax, sxSum, barrier float64
	sMin, sMax = math.Inf(1), math.Inf(-1)
	haveSGD, haveLaplace, white := true, true, true
	for _, q := range pts {
		if q.Result == nil {
			continue
		}
		for _, t := range q.Result.Transitions {
			if t.From != tr[0] || t.To != tr[1] || !(t.MFPT > 0) || math.IsInf(t.MFPT, 0) {
				continue
			}
			y := math.Log(t.MFPT)
			if spec.Y == LogIterations {
				if t.Iterations == nil || !(*t.Iterations > 0) {
					continue
				}
				y = math.Log(*t.Iterations)
			}
			xs = append(xs, spec.X.Apply(q.Params[spec.Key]))
			ys = append(ys, y)
			barrier += t.Barrier
			if sg := t.Theory.SGD; sg != nil && finite(sg.S) && finite(sg.SExponent) && q.Noise.LR > 0 {
				k := 2 * q.Noise.Batch * t.Barrier / q.Noise.LR
				pre := math.Log(2 * math.Pi / sg.HBE)
				sgdE0 = append(sgdE0, pre+k/sg.HBE)
				sgdE1 = append(sgdE1, pre+k/sg.HAE)
				sSum += sg.S
				sxSum += sg.SExponent
				sMin, sMax = math.Min(sMin, sg.S), math.Max(sMax, sg.S)
			} else {
				haveSGD = false
			}
			if lp := t.Theory.Laplace; lp != nil && lp.Tau > 0 && finite(lp.Tau) {
				laplace = append(laplace, math.Log(lp.Tau))
			} else {
				haveLaplace = false
			}
			if q.Noise.Model == "white" && q.Noise.T > 0 {
				whiteE = append(whiteE, t.Barrier/q.Noise.T)
			} else {
				white = false
			}
		}
	}
	f, err := LinearFit(xs, ys)
	if err != nil {
		return Fit{}, false
	}
	f.Transition = []int{tr[0], tr[1]}
	th := &FitTheory{Barrier: barrier / float64(len(xs))}
	if haveSGD {
		n := float64(len(xs))
		th.SMean, th.SMin, th.SMax, th.SExponentMean = sSum/n, sMin, sMax, sxSum/n
		e := func(s float64) []float64 {
			out := make([]float64, len(xs))
			for i := range out {
				out[i] = s*sgdE1[i] + (1-s)*sgdE0[i]
			}
			return out
		}
		s0, s1 := slopeOf(xs, e(0)), slopeOf(xs, e(1))
		th.SlopeMeanS = slopeOf(xs, e(th.SMean))
		th.SlopeSExponent = slopeOf(xs, e(th.SExponentMean))
		if s1 != s0 {
			th.SFromSlope = (f.Slope - s0) / (s1 - s0)
		}
	}
	if haveLaplace {
		th.SlopeLaplace = slopeOf(xs, laplace)
	}
	if white {
		th.SlopeBarrier = slopeOf(xs, whiteE)
	}
	f.Theory = th
	return f, true
}

// massRatio returns m_flat/m_sharp of a stationary point.
func massRatio(q Point) (float64, bool) {
	st := q.Stationary
	if st == nil || len(st.Basins) < 2 {
		return 0, false
	}
	flat, sharp, ok := flatSharp(st.Basins)
	if !ok {
		return 0, false
	}
	r := st.Basins[flat].Mass / st.Basins[sharp].Mass
	return r, r > 0 && finite(r)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
