package sweep

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/fpsolve/fpsolve/scenario"
)

// Preset is a built-in experiment: plans (a scenario and its axes, for
// each noise model compared) and a verdict computed from the fits.
type Preset struct {
	Name string
	// Doc says in a sentence what the preset shows.
	Doc string
	// Plans returns fresh plans (their scenarios may be modified).
	Plans func() ([]*Plan, error)
	// judge returns the preset's checks and one-line verdicts.
	judge func(d *Document) ([]Check, []string)
}

// Judge sets the checks and verdicts of a whole (merged or unsharded)
// document of the preset.
func (p Preset) Judge(d *Document) {
	if p.judge != nil {
		d.Checks, d.Verdicts = p.judge(d)
	}
}

// Presets returns the built-in experiments, in the order of the paper's
// claims.
func Presets() []Preset {
	return []Preset{
		{Name: "sgd-batch", Doc: "ln τ vs batch size B at fixed η on the 1-D tilted double well: linear for SGD noise, slope against 2ΔL/η·(s/h_a + (1−s)/|h_b|)", Plans: batchPlans, judge: judgeSGD},
		{Name: "sgd-lr", Doc: "ln τ vs 1/η at fixed B, and the linear-scaling rule: equal B/η gives equal τ", Plans: lrPlans, judge: judgeLR},
		{Name: "sgld-temperature", Doc: "white noise: ln τ vs 1/T, slope against the barrier ΔL", Plans: temperaturePlans, judge: judgeTemperature},
		{Name: "sharpness", Doc: "Styblinski–Tang with Hessian scale k, and a well whose minima alone have curvature k: ln τ linear in 1/k for SGD noise, linear in ln k (τ ∝ k⁻¹, resp. k^(−1/2)) for white noise", Plans: sharpnessPlans, judge: judgeSharpness},
		{Name: "selection", Doc: "stationary mass of a flat vs a sharp minimum of equal loss over B at fixed η (1-D and 2-D): SGD favours the flat one exponentially in B/η, white noise only by a constant factor; the mass in each minimum over time from a uniform start, SGD vs white noise, and under decaying learning rates", Plans: selectionAllPlans, judge: judgeSelectionAll},
	}
}

// LookupPreset returns the preset called name.
func LookupPreset(name string) (Preset, error) {
	var names []string
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Preset{}, fmt.Errorf("--preset %q: unknown preset; choose one of %s", name, strings.Join(names, ", "))
}

// The scenarios of the presets.
const (
	doubleWell = `
landscape: {formula: "x^4/4 - x^2/2 + 0.1*x"}
domain: [[-2.5, 2.5]]
cells: [2000]
boundary: reflecting
time: {end: 100}
output: {formats: []}
`
	// sgdLocal is the paper's local model, |H| of the minimum blending
	// into |H| of the saddle, with no floor.
	sgdLocal = `noise: {model: sgd-local, lr: 0.1, batch: 1, psd: abs, epsilon: 0, floor: 0}`
	// literalH is D ∝ softabs(L″) with a small floor: the noise nearly
	// vanishes at the inflection points.
	literalH = `noise: {model: sgd, lr: 0.1, batch: 1, psd: softabs, epsilon: 0.05, floor: 0.001}`
	white    = `noise: {model: white, temperature: 0.05}`

	// curvatureWell varies only the curvature of the minima (ΔL and the
	// barrier top's curvature stay fixed).
	curvatureWell = `
landscape: {builtin: curvature-well, params: {k: 2}}
domain: [[-1.6, 1.6]]
cells: [3000]
boundary: reflecting
time: {end: 100}
output: {formats: []}
`
	styblinski = `
landscape: {builtin: styblinski-tang, params: {k: 1}}
domain: [[-7.5, 7.5]]
cells: [3000]
boundary: reflecting
time: {end: 100}
output: {formats: []}
`
	// flatSharp1D is the y = 0 slice of the flat-sharp built-in: minima of
	// equal loss at x = ∓1 with h = 2e^{∓1/2} (1.21 and 3.30).
	flatSharp1D = `
landscape: {formula: "exp(0.5*x)*(x^2-1)^2/4"}
domain: [[-2.2, 2.2]]
cells: [2000]
boundary: reflecting
time: {end: 100}
output: {formats: []}
`
)

// base parses a preset scenario from its parts and applies the overrides.
func base(name string, yaml []string, sets ...string) (*scenario.Scenario, error) {
	s, err := scenario.Parse([]byte("name: " + name + "\n" + strings.Join(yaml, "\n") + "\n"))
	if err != nil {
		return nil, fmt.Errorf("preset scenario %s: %w", name, err)
	}
	for _, a := range sets {
		if err := s.Set(a); err != nil {
			return nil, fmt.Errorf("preset scenario %s: %w", name, err)
		}
	}
	return s, nil
}

func values(from, to float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = from + (to-from)*float64(i)/float64(n-1)
	}
	return v
}

func inverses(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = 1 / x
	}
	return out
}

func batchPlans() ([]*Plan, error) {
	b := Axis{Key: "noise.batch", Values: values(1, 6, 6)}
	fit := []FitSpec{{Key: "noise.batch", Y: LogMFPT}}
	local, err := base("sgd-batch-local", []string{doubleWell, sgdLocal})
	if err != nil {
		return nil, err
	}
	lit, err := base("sgd-batch-literal", []string{doubleWell, literalH})
	if err != nil {
		return nil, err
	}
	// The same model in the divergence form ∇·(D∇P): the exponent is the
	// same, the prefactor is not.
	div, err := base("sgd-batch-divergence", []string{doubleWell, sgdLocal}, "convention=divergence")
	if err != nil {
		return nil, err
	}
	return []*Plan{
		{Name: "sgd-local", Base: local, Axes: []Axis{b}, Fits: fit},
		{Name: "literal-H", Base: lit, Axes: []Axis{b}, Fits: fit},
		{Name: "sgd-local-divergence", Base: div, Axes: []Axis{b}, Fits: fit},
	}, nil
}

func lrPlans() ([]*Plan, error) {
	// 1/η evenly spaced from 5 to 20, so the points are even on the
	// fit's abscissa.
	lr := Axis{Key: "noise.lr", Values: inverses(values(5, 20, 7))}
	fit := []FitSpec{{Key: "noise.lr", X: Inverse, Y: LogMFPT}}
	local, err := base("sgd-lr-local", []string{doubleWell, sgdLocal}, "noise.batch=2")
	if err != nil {
		return nil, err
	}
	lit, err := base("sgd-lr-literal", []string{doubleWell, literalH}, "noise.batch=2")
	if err != nil {
		return nil, err
	}
	scaling, err := base("sgd-lr-scaling", []string{doubleWell, sgdLocal})
	if err != nil {
		return nil, err
	}
	return []*Plan{
		{Name: "sgd-local", Base: local, Axes: []Axis{lr}, Fits: fit},
		{Name: "literal-H", Base: lit, Axes: []Axis{lr}, Fits: fit},
		// B/η = 20 throughout: the linear-scaling rule says τ (in time
		// units) stays the same.
		{Name: "linear-scaling", Base: scaling, Axes: []Axis{{Key: "noise.lr", Values: []float64{0.05, 0.1, 0.15, 0.2}}},
			Derive: func(v map[string]float64) []Param { return []Param{{"noise.batch", 20 * v["noise.lr"]}} },
			Fits:   []FitSpec{{Key: "noise.lr", Y: LogMFPT}}},
	}, nil
}

func temperaturePlans() ([]*Plan, error) {
	fit := []FitSpec{{Key: "noise.temperature", X: Inverse, Y: LogMFPT}}
	w, err := base("sgld-temperature", []string{doubleWell, white})
	if err != nil {
		return nil, err
	}
	return []*Plan{
		{Name: "white", Base: w, Axes: []Axis{{Key: "noise.temperature", Values: inverses(values(1/0.06, 1/0.03, 8))}}, Fits: fit},
		{Name: "white-small-barrier", Base: w.Clone(), Axes: []Axis{{Key: "noise.temperature", Values: inverses(values(1/0.4, 1/0.1, 6))}}, Fits: fit},
	}, nil
}

func sharpnessPlans() ([]*Plan, error) {
	k := Axis{Key: "landscape.params.k", Values: []float64{0.5, 0.659753955, 0.870550563, 1.148698355, 1.515716567, 2}, Log: true}
	both := []FitSpec{{Key: k.Key, X: Inverse}, {Key: k.Key, X: Log}}
	local, err := base("sharpness-local", []string{styblinski, sgdLocal}, "noise.lr=0.2")
	if err != nil {
		return nil, err
	}
	lit, err := base("sharpness-literal", []string{styblinski, literalH}, "noise.lr=0.2")
	if err != nil {
		return nil, err
	}
	w, err := base("sharpness-white", []string{styblinski, white}, "noise.temperature=3")
	if err != nil {
		return nil, err
	}
	// Only the minima's curvature h_a = k changes: Kramers predicts
	// τ ∝ k^(−1/2) for white noise, the SGD theorem ln τ linear in 1/k.
	ka := Axis{Key: "landscape.params.k", Values: []float64{2, 3, 4, 6, 8, 12, 16}, Log: true}
	bothA := []FitSpec{{Key: ka.Key, X: Inverse}, {Key: ka.Key, X: Log}}
	localA, err := base("sharpness-only-ha-local", []string{curvatureWell, sgdLocal}, "noise.batch=2")
	if err != nil {
		return nil, err
	}
	whiteA, err := base("sharpness-only-ha-white", []string{curvatureWell, white})
	if err != nil {
		return nil, err
	}
	return []*Plan{
		{Name: "sgd-local", Base: local, Axes: []Axis{k}, Fits: both},
		{Name: "white", Base: w, Axes: []Axis{k}, Fits: both},
		{Name: "literal-H", Base: lit, Axes: []Axis{k}, Fits: both},
		{Name: "sgd-local-only-h_a", Base: localA, Axes: []Axis{ka}, Fits: bothA},
		{Name: "white-only-h_a", Base: whiteA, Axes: []Axis{ka}, Fits: bothA},
	}, nil
}

func selectionPlans() ([]*Plan, error) {
	b := Axis{Key: "noise.batch", Values: values(1, 8, 8)}
	fit := []FitSpec{{Key: "noise.batch", Y: LogMassRatio}}
	local, err := base("selection-local", []string{flatSharp1D, sgdLocal})
	if err != nil {
		return nil, err
	}
	lit, err := base("selection-literal", []string{flatSharp1D, literalH})
	if err != nil {
		return nil, err
	}
	w, err := base("selection-white", []string{flatSharp1D, white})
	if err != nil {
		return nil, err
	}
	// Matched noise: T = η/(2B)·√(h_flat·h_sharp) = η/(2B)·2 with η = 0.1,
	// the SGD diffusion at the geometric mean of the two curvatures.
	matched := func(v map[string]float64) []Param {
		return []Param{{"noise.temperature", 0.1 / v["noise.batch"]}}
	}
	return []*Plan{
		{Name: "sgd-local", Base: local, Axes: []Axis{b}, Measure: Stationary, Fits: fit},
		{Name: "white-matched", Base: w, Axes: []Axis{b}, Derive: matched, Measure: Stationary, Fits: fit},
		{Name: "literal-H", Base: lit, Axes: []Axis{b}, Measure: Stationary, Fits: fit},
	}, nil
}

// trName writes a transition as "0→1".
func trName(f Fit) string {
	if len(f.Transition) != 2 {
		return ""
	}
	return fmt.Sprintf("%d→%d", f.Transition[0], f.Transition[1])
}

func relErr(v, want float64) float64 { return math.Abs(v/want - 1) }

// sRange describes the spread of the fitted s and whether it lies in
// (0, 1).
func sRange(th *FitTheory) string {
	in := "inside"
	if th.SMin <= 0 || th.SMax >= 1 {
		in = "NOT inside"
	}
	return fmt.Sprintf("s ∈ [%.3f, %.3f], %s (0, 1)", th.SMin, th.SMax, in)
}

// judgeSGD compares each escape fit's slope with the theory's: with the
// mean of the points' fitted s, and with the s of the exponent alone.
func judgeSGD(d *Document) ([]Check, []string) {
	var checks []Check
	var lines []string
	for _, f := range d.Fits {
		th := f.Theory
		if th == nil || th.SlopeMeanS == 0 {
			continue
		}
		name := fmt.Sprintf("%s %s ln τ vs %s", f.Series, trName(f), f.X)
		checks = append(checks,
			Check{Name: name + ": slope / theory slope (mean fitted s)", Value: f.Slope, Expected: th.SlopeMeanS, RelErr: relErr(f.Slope, th.SlopeMeanS)},
			Check{Name: name + ": slope / theory slope (s of the exponent ΔΦ)", Value: f.Slope, Expected: th.SlopeSExponent, RelErr: relErr(f.Slope, th.SlopeSExponent)},
			Check{Name: name + ": slope / Laplace slope", Value: f.Slope, Expected: th.SlopeLaplace, RelErr: relErr(f.Slope, th.SlopeLaplace)},
		)
		shape := "linear"
		if math.Abs(f.R) < 0.999 {
			shape = "NOT linear"
		}
		lines = append(lines, fmt.Sprintf("%s: %s (r = %.5f), slope %.4g ± %.2g; theory %.4g with mean s = %.3f (%+.1f%%), %.4g with the exponent's s = %.3f (%+.1f%%); s from the slope %.3f; %s",
			name, shape, f.R, f.Slope, f.SlopeErr, th.SlopeMeanS, th.SMean, 100*(f.Slope/th.SlopeMeanS-1),
			th.SlopeSExponent, th.SExponentMean, 100*(f.Slope/th.SlopeSExponent-1), th.SFromSlope, sRange(th)))
	}
	return checks, lines
}

// judgeLR adds the linear-scaling check to judgeSGD.
func judgeLR(d *Document) ([]Check, []string) {
	var scaling []Fit
	var rest []Fit
	for _, f := range d.Fits {
		if f.Series == "linear-scaling" {
			scaling = append(scaling, f)
		} else {
			rest = append(rest, f)
		}
	}
	checks, lines := judgeSGD(&Document{Fits: rest})
	for _, f := range scaling {
		lo, hi := slices.Min(f.Ys), slices.Max(f.Ys)
		spread := math.Exp(hi-lo) - 1
		checks = append(checks, Check{Name: fmt.Sprintf("linear-scaling %s: max τ / min τ − 1 at B/η = 20", trName(f)), Value: spread, Expected: 0, RelErr: spread})
		verdict := "equal τ"
		if spread > 0.01 {
			verdict = "NOT equal τ"
		}
		lines = append(lines, fmt.Sprintf("linear scaling %s: B/η = 20 at η = %.3g…%.3g gives %s: max/min − 1 = %.2g (τ ≈ %.5g)", trName(f), slices.Min(f.Xs), slices.Max(f.Xs), verdict, spread, math.Exp(f.Ys[0])))
	}
	return checks, lines
}

func judgeTemperature(d *Document) ([]Check, []string) {
	var checks []Check
	var lines []string
	for _, f := range d.Fits {
		th := f.Theory
		if th == nil {
			continue
		}
		name := fmt.Sprintf("%s %s ln τ vs 1/T", f.Series, trName(f))
		e := relErr(f.Slope, th.Barrier)
		checks = append(checks, Check{Name: name + ": slope / ΔL", Value: f.Slope, Expected: th.Barrier, RelErr: e})
		lines = append(lines, fmt.Sprintf("%s (T %.3g…%.3g): slope %.5g ± %.2g vs ΔL = %.5g (%+.2f%%), r = %.6f",
			name, 1/slices.Max(f.Xs), 1/slices.Min(f.Xs), f.Slope, f.SlopeErr, th.Barrier, 100*(f.Slope/th.Barrier-1), f.R))
	}
	return checks, lines
}

func judgeSharpness(d *Document) ([]Check, []string) {
	var checks []Check
	var lines []string
	byKey := map[string]Fit{}
	var order []string
	for _, f := range d.Fits {
		k := f.Series + " " + trName(f)
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k+" "+f.XTransform] = f
		byKey[k] = f
	}
	for _, k := range order {
		inv, okI := byKey[k+" inverse"]
		lg, okL := byKey[k+" log"]
		if !okI || !okL {
			continue
		}
		better := "1/k (exponential in 1/k)"
		if math.Abs(lg.R) > math.Abs(inv.R) {
			better = "ln k (polynomial in k)"
		}
		line := fmt.Sprintf("%s: ln τ vs 1/k r = %.5f (slope %.4g), vs ln k r = %.5f (slope %.4g): closer to linear in %s",
			k, inv.R, inv.Slope, lg.R, lg.Slope, better)
		if th := inv.Theory; th != nil && th.SlopeMeanS != 0 {
			line += fmt.Sprintf("; SGD theory slope in 1/k %.4g with mean s (%+.1f%%), %.4g with the exponent's s; %s",
				th.SlopeMeanS, 100*(inv.Slope/th.SlopeMeanS-1), th.SlopeSExponent, sRange(th))
			checks = append(checks, Check{Name: k + ": slope in 1/k / theory (exponent's s)", Value: inv.Slope, Expected: th.SlopeSExponent, RelErr: relErr(inv.Slope, th.SlopeSExponent)})
		}
		if strings.HasPrefix(k, "white") {
			// Every curvature scaled by k: τ ∝ 1/k; only the minima's: τ ∝ 1/√k.
			want, law := -1.0, "1/k"
			if strings.Contains(k, "only-h_a") {
				want, law = -0.5, "1/√k"
			}
			checks = append(checks, Check{Name: fmt.Sprintf("%s: slope in ln k / Kramers (%g)", k, want), Value: lg.Slope, Expected: want, RelErr: relErr(lg.Slope, want)})
			line += fmt.Sprintf("; Kramers predicts τ ∝ %s, slope %g (%+.1f%%)", law, want, 100*(lg.Slope/want-1))
		}
		lines = append(lines, line)
	}
	return checks, lines
}

func judgeSelection(d *Document) ([]Check, []string) {
	var checks []Check
	var lines []string
	for _, f := range d.Fits {
		if f.Y != LogMassRatio {
			continue
		}
		lo, hi := math.Exp(f.Ys[0]), math.Exp(f.Ys[len(f.Ys)-1])
		kind := "exponential in B/η"
		if math.Abs(f.Slope)*(slices.Max(f.Xs)-slices.Min(f.Xs)) < 0.1*math.Abs(f.Ys[0]) || math.Abs(f.Slope) < 0.05 {
			kind = "about constant (polynomial at most)"
		}
		lines = append(lines, fmt.Sprintf("%s: m_flat/m_sharp %.4g at B = %g → %.4g at B = %g (η = 0.1); ln ratio vs B slope %.4g ± %.2g, r = %.5f: %s",
			f.Series, lo, f.Xs[0], hi, f.Xs[len(f.Xs)-1], f.Slope, f.SlopeErr, f.R, kind))
		checks = append(checks, Check{Name: f.Series + ": d ln(m_flat/m_sharp)/dB", Value: f.Slope, Note: kind})
	}
	return checks, lines
}
