package escape_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/internal/reference"
	"github.com/fpsolve/fpsolve/scenario"
)

// loadReference returns the shared reference values.
func loadReference(t *testing.T) *reference.Values {
	t.Helper()
	r, err := reference.Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// analyze builds the scenario and runs the escape analysis.
func analyze(t *testing.T, yaml string, s escape.Settings) *escape.Result {
	t.Helper()
	sc, err := scenario.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	m, err := scenario.Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.EscapeProblem()
	if err != nil {
		t.Fatal(err)
	}
	res, err := escape.Analyze(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func near(got, want, rel float64) bool { return math.Abs(got/want-1) <= rel }

// transition returns the transition from minimum i.
func transition(t *testing.T, res *escape.Result, from int) escape.Transition {
	for _, tr := range res.Transitions {
		if tr.From == from {
			return tr
		}
	}
	t.Fatalf("no transition from %d in %+v", from, res.Transitions)
	return escape.Transition{}
}

// checkFour checks the four estimators against the exact values: MFPT
// against τ(a→c), flux and survival against λ₀ (absorption at c), spectral
// λ₁ against λ₁ (reflecting), all within 1e-3 relative (4000 cells).
func checkFour(t *testing.T, name string, res *escape.Result, aToC, cToA, lambda0, lambda1 float64) {
	t.Helper()
	// Minimum 0 is the deeper (left) well a, minimum 1 the right well c.
	left, right := transition(t, res, 0), transition(t, res, 1)
	if !near(left.MFPT, aToC, 1e-3) || !near(right.MFPT, cToA, 1e-3) {
		t.Errorf("%s: MFPT %g, %g; want %g, %g", name, left.MFPT, right.MFPT, aToC, cToA)
	}
	if !near(left.RateFlux, lambda0, 1e-3) {
		t.Errorf("%s: flux rate %g, want λ₀ = %g", name, left.RateFlux, lambda0)
	}
	if left.RateSurvival == nil || !near(*left.RateSurvival, lambda0, 1e-3) {
		t.Errorf("%s: survival rate %v, want λ₀ = %g (fit %+v)", name, *left.RateSurvival, lambda0, *left.Survival)
	}
	if len(res.Spectral) != 1 || !near(res.Spectral[0].Lambda1, lambda1, 1e-3) {
		t.Errorf("%s: spectral %+v, want λ₁ = %g", name, res.Spectral, lambda1)
	}
	// Hill relation and the QSD identity hold to solver precision.
	if !near(left.MFPTQSD*left.RatePrincipal, 1, 1e-9) {
		t.Errorf("%s: ⟨τ⟩_QSD·λ₀ = %g", name, left.MFPTQSD*left.RatePrincipal)
	}
}

func TestWhiteNoise1D(t *testing.T) {
	ref := loadReference(t)
	for _, c := range ref.White {
		name := fmt.Sprintf("white tilt=%g T=%g", c.Tilt, c.T)
		res := analyze(t, fmt.Sprintf(`
landscape: {builtin: double-well, params: {tilt: %g}}
domain: [[-2.5, 2.5]]
cells: [4000]
noise: {model: white, temperature: %g}
`, c.Tilt, c.T), escape.Settings{})
		checkFour(t, name, res, c.AToC, c.CToA, c.Lambda0, c.Lambda1)
		if tr := transition(t, res, 0); tr.Theory.EyringKramers == nil || tr.Theory.SGD != nil {
			t.Errorf("%s: theory %+v", name, tr.Theory)
		}
	}
}

// TestSGDLocal1D also checks the fitted s of Theorem 3.2 against the
// reference (s for which τ(s) equals the exact τ(a→c)) within 1e-3, the
// exponent-only s and the Itô Laplace estimate (its exponent is ΔΦ; the
// quadrature along the path is accurate to 1e-6).
func TestSGDLocal1D(t *testing.T) {
	ref := loadReference(t)
	for _, c := range ref.SGDLocal {
		name := fmt.Sprintf("sgd-local tilt=%g B=%g", c.Tilt, c.B)
		res := analyze(t, fmt.Sprintf(`
landscape: {builtin: double-well, params: {tilt: %g}}
domain: [[-2.5, 2.5]]
cells: [4000]
noise: {model: sgd-local, lr: %g, batch: %g, psd: abs, epsilon: 0, floor: 0}
`, c.Tilt, c.Eta, c.B), escape.Settings{})
		checkFour(t, name, res, c.AToC, c.CToA, c.Lambda0, c.Lambda1)
		tr := transition(t, res, 0)
		sg := tr.Theory.SGD
		if sg == nil {
			t.Fatalf("%s: no SGD theory", name)
		}
		if !(math.Abs(sg.S-c.S) <= 1e-3) || !sg.SInRange {
			t.Errorf("%s: s = %.6f, want %.6f", name, sg.S, c.S)
		}
		if !(math.Abs(sg.SExponent-c.SExp) <= 1e-3) {
			t.Errorf("%s: exponent-only s = %.6f, want %.6f", name, sg.SExponent, c.SExp)
		}
		if !near(sg.TauHalf, c.TauHalf, 1e-9) {
			t.Errorf("%s: τ(½) = %g, want %g", name, sg.TauHalf, c.TauHalf)
		}
		if lp := tr.Theory.Laplace; lp == nil || !(math.Abs(lp.Exponent-c.DPhi) <= 1e-6*c.DPhi) || !near(lp.Tau, c.Laplace, 1e-5) {
			t.Errorf("%s: Laplace %+v, want ΔΦ = %g, τ = %g", name, lp, c.DPhi, c.Laplace)
		}
	}
}

// TestFlatSharp2D: the white-noise MFPT from the flat minimum to the line
// x = 1 within 1e-3 of the reference, flux-over-population within 1% of
// 1/MFPT, and the Eyring–Kramers rate printed (checked against the
// reference's value).
func TestFlatSharp2D(t *testing.T) {
	ref := loadReference(t).FlatSharp
	res := analyze(t, fmt.Sprintf(`
landscape: {builtin: flat-sharp, params: {beta: %g}}
domain: [[-2.5, 2.5], [-2, 2]]
cells: [200, 160]
noise: {model: white, temperature: %g}
`, ref.Beta, ref.T), escape.Settings{SkipSurvival: true})
	tr := transition(t, res, 0)
	if !near(tr.MFPT, ref.MFPT, 1e-3) {
		t.Errorf("MFPT %g, want %g", tr.MFPT, ref.MFPT)
	}
	if !near(tr.RateFlux*tr.MFPT, 1, 0.01) {
		t.Errorf("flux rate × MFPT = %g", tr.RateFlux*tr.MFPT)
	}
	if ek := tr.Theory.EyringKramers; ek == nil || !near(*ek, ref.EKFlat, 1e-9) {
		t.Errorf("Eyring–Kramers %v, want %g", ek, ref.EKFlat)
	}
}

// TestStyblinskiTangPaths checks the multi-path bookkeeping on the 2-D
// Styblinski–Tang function (four minima, each with two escape paths) under
// white noise T = 4 (barriers 25 and 39, so ΔL/T ≈ 6–10): every path's
// flux, principal and spectral estimates agree with 1/MFPT (exit time over
// splitting probability) within 1%, the Eyring–Kramers rate within 10%
// (its error is O(T/ΔL)), and the totals add the two paths.
func TestStyblinskiTangPaths(t *testing.T) {
	res := analyze(t, `
landscape: {builtin: styblinski-tang}
domain: [[-5, 5], [-5, 5]]
cells: [200, 200]
noise: {model: white, temperature: 4}
`, escape.Settings{SkipSurvival: true})
	if len(res.Transitions) != 8 || len(res.Totals) != 4 {
		t.Fatalf("%d transitions, %d totals", len(res.Transitions), len(res.Totals))
	}
	for _, tr := range res.Transitions {
		name := fmt.Sprintf("%d→%d", tr.From, tr.To)
		for est, r := range map[string]float64{"flux": tr.RateFlux, "principal": tr.RatePrincipal, "spectral": *tr.RateSpectral} {
			if !near(r*tr.MFPT, 1, 0.01) {
				t.Errorf("%s: %s rate × MFPT = %g", name, est, r*tr.MFPT)
			}
		}
		if ek := *tr.Theory.EyringKramers; !near(ek*tr.MFPT, 1, 0.1) {
			t.Errorf("%s: Eyring–Kramers × MFPT = %g", name, ek*tr.MFPT)
		}
		if tr.Splitting == nil {
			t.Fatalf("%s: no splitting probability", name)
		}
	}
	// Minima 0 and 3 sit on the diagonal and their two paths are mirror
	// images: the exits split evenly between the two neighbours. The
	// splittings into the two neighbours add to nearly 1; the rest (here
	// ≤ 0.3%) crosses a neighbour's basin without passing its minimum and
	// reaches the far basin, which absorbs too.
	split := map[[2]int]float64{}
	for _, tr := range res.Transitions {
		split[[2]int{tr.From, tr.To}] = *tr.Splitting
	}
	for _, m := range [][3]int{{0, 1, 2}, {3, 1, 2}, {1, 0, 3}, {2, 0, 3}} {
		a, b := split[[2]int{m[0], m[1]}], split[[2]int{m[0], m[2]}]
		if sum := a + b; !(sum > 0.99 && sum <= 1+1e-9) {
			t.Errorf("splittings out of %d add to %g", m[0], sum)
		}
		if (m[0] == 0 || m[0] == 3) && !(math.Abs(a-b) <= 1e-9) {
			t.Errorf("splittings out of %d: %g and %g, want equal by symmetry", m[0], a, b)
		}
	}
	for _, tot := range res.Totals {
		sum := 0.0
		for _, tr := range res.Transitions {
			if tr.From == tot.Minimum {
				sum += 1 / tr.MFPT
			}
		}
		if !near(tot.RateMFPT, sum, 1e-12) {
			t.Errorf("total out of %d: %g, paths add to %g", tot.Minimum, tot.RateMFPT, sum)
		}
	}
}
