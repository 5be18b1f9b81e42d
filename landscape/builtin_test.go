package landscape

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// builtinCase is a built-in landscape with an independently hand-derived
// value, gradient and Hessian, and the same loss written as a formula.
type builtinCase struct {
	name    string
	dim     int
	params  map[string]any
	lo, hi  []float64
	exact   func(p []float64) (v float64, g, h []float64)
	formula string
}

// stExact returns the hand-derived Styblinski–Tang derivatives with
// sharpness k: with u = √k·x per axis, L = ½Σ u(u(u² − 16) + 5),
// ∂ᵢL = √k(2uᵢ³ − 16uᵢ + 5/2) and ∂ᵢ∂ᵢL = k(6uᵢ² − 16).
func stExact(k float64) func(p []float64) (float64, []float64, []float64) {
	return func(p []float64) (float64, []float64, []float64) {
		d := len(p)
		sk := math.Sqrt(k)
		g, h := make([]float64, d), make([]float64, d*d)
		var v float64
		for i, x := range p {
			u := sk * x
			v += u * (u*(u*u-16) + 5) / 2
			g[i] = sk * (2*u*u*u - 16*u + 2.5)
			h[i*d+i] = k * (6*u*u - 16)
		}
		return v, g, h
	}
}

// stFormula returns the Styblinski–Tang loss with sharpness k in d
// variables as a formula.
func stFormula(d int, k float64) string {
	s := fmt.Sprintf("sqrt(%g)", k)
	terms := make([]string, d)
	for i, v := range axisNames[:d] {
		terms[i] = fmt.Sprintf("(%[1]s*%[2]s)^4 - 16*(%[1]s*%[2]s)^2 + 5*%[1]s*%[2]s", s, v)
	}
	return "0.5*(" + strings.Join(terms, " + ") + ")"
}

// mbExact returns the hand-derived Müller–Brown derivatives in matrix form:
// with δ = (x − x₀ₖ, y − y₀ₖ) and Mₖ = [[2aₖ, bₖ], [bₖ, 2cₖ]], qₖ = ½δᵀMₖδ,
// ∇qₖ = Mₖδ, so ∇L = s·Σ Eₖ Mₖδ and H = s·Σ Eₖ (Mₖδ(Mₖδ)ᵀ + Mₖ) with
// Eₖ = Aₖ e^{qₖ}.
func mbExact(s float64) func(p []float64) (float64, []float64, []float64) {
	A := [4]float64{-200, -100, -170, 15}
	a := [4]float64{-1, -1, -6.5, 0.7}
	b := [4]float64{0, 0, 11, 0.6}
	c := [4]float64{-10, -10, -6.5, 0.7}
	x0 := [4]float64{1, 0, -0.5, -1}
	y0 := [4]float64{0, 0.5, 1.5, 1}
	return func(p []float64) (float64, []float64, []float64) {
		var v float64
		g, h := make([]float64, 2), make([]float64, 4)
		for k := range 4 {
			d := [2]float64{p[0] - x0[k], p[1] - y0[k]}
			M := [2][2]float64{{2 * a[k], b[k]}, {b[k], 2 * c[k]}}
			Md := [2]float64{M[0][0]*d[0] + M[0][1]*d[1], M[1][0]*d[0] + M[1][1]*d[1]}
			E := s * A[k] * math.Exp(0.5*(d[0]*Md[0]+d[1]*Md[1]))
			v += E
			for i := range 2 {
				g[i] += E * Md[i]
				for j := range 2 {
					h[2*i+j] += E * (Md[i]*Md[j] + M[i][j])
				}
			}
		}
		return v, g, h
	}
}

// mullerBrownFormula returns the Müller–Brown potential times scale as a
// formula.
func mullerBrownFormula(scale float64) string {
	A := [4]float64{-200, -100, -170, 15}
	a := [4]float64{-1, -1, -6.5, 0.7}
	b := [4]float64{0, 0, 11, 0.6}
	c := [4]float64{-10, -10, -6.5, 0.7}
	x0 := [4]float64{1, 0, -0.5, -1}
	y0 := [4]float64{0, 0.5, 1.5, 1}
	terms := make([]string, 4)
	for k := range 4 {
		terms[k] = fmt.Sprintf("(%g)*exp((%g)*(x-(%g))^2 + (%g)*(x-(%g))*(y-(%g)) + (%g)*(y-(%g))^2)",
			A[k], a[k], x0[k], b[k], x0[k], y0[k], c[k], y0[k])
	}
	return fmt.Sprintf("(%g)*(%s)", scale, strings.Join(terms, " + "))
}

// fsExact returns the hand-derived flat-sharp derivatives: with
// P(x) = (x⁴ − 2x² + 1)/4, P′ = x³ − x, P″ = 3x² − 1 and w = e^{βx},
// L = w(P + y²/2), Lₓ = w(β(P + y²/2) + P′), Lₓₓ = w(β²(P + y²/2) + 2βP′ + P″),
// Lₓᵧ = βwy, Lᵧ = wy, Lᵧᵧ = w.
func fsExact(beta float64) func(p []float64) (float64, []float64, []float64) {
	return func(p []float64) (float64, []float64, []float64) {
		x, y := p[0], p[1]
		w := math.Exp(beta * x)
		P := (x*x*x*x - 2*x*x + 1) / 4
		P1, P2 := x*x*x-x, 3*x*x-1
		G := P + y*y/2
		return w * G,
			[]float64{w * (beta*G + P1), w * y},
			[]float64{w * (beta*beta*G + 2*beta*P1 + P2), beta * w * y, beta * w * y, w}
	}
}

// quadExact returns L = ½xᵀAx, ∇L = Ax and H = A computed with gonum/mat.
func quadExact(a []float64) func(p []float64) (float64, []float64, []float64) {
	return func(p []float64) (float64, []float64, []float64) {
		d := len(p)
		A := mat.NewDense(d, d, slices.Clone(a))
		x := mat.NewVecDense(d, slices.Clone(p))
		var ax mat.VecDense
		ax.MulVec(A, x)
		return mat.Dot(x, &ax) / 2, slices.Clone(ax.RawVector().Data), slices.Clone(a)
	}
}

var builtinCases = func() []builtinCase {
	var cs []builtinCase
	cs = append(cs,
		builtinCase{
			name: "double-well", dim: 1, params: map[string]any{"tilt": 0.3},
			lo: []float64{-2}, hi: []float64{2},
			exact: func(p []float64) (float64, []float64, []float64) {
				x := p[0]
				return x*x*(x*x-2)/4 + 0.3*x, []float64{(x-1)*x*(x+1) + 0.3}, []float64{3*x*x - 1}
			},
			formula: "x^4/4 - x^2/2 + 0.3*x",
		},
		builtinCase{
			name: "double-well", dim: 1, params: nil,
			lo: []float64{-2}, hi: []float64{2},
			exact: func(p []float64) (float64, []float64, []float64) {
				x := p[0]
				return x * x * (x*x - 2) / 4, []float64{(x - 1) * x * (x + 1)}, []float64{3*x*x - 1}
			},
			formula: "x^4/4 - x^2/2",
		},
	)
	for d := 1; d <= 3; d++ {
		for _, k := range []float64{1, 2.5} {
			lo, hi := box(d, -4/math.Sqrt(k), 4/math.Sqrt(k))
			cs = append(cs, builtinCase{
				name: "styblinski-tang", dim: d, params: map[string]any{"k": k},
				lo: lo, hi: hi, exact: stExact(k), formula: stFormula(d, k),
			})
		}
	}
	for _, s := range []float64{1, 0.05} {
		cs = append(cs, builtinCase{
			name: "muller-brown", dim: 2, params: map[string]any{"scale": s},
			lo: []float64{-1.5, -0.5}, hi: []float64{1.2, 2},
			exact: mbExact(s), formula: mullerBrownFormula(s),
		})
	}
	for _, beta := range []float64{0.5, 1.3} {
		cs = append(cs, builtinCase{
			name: "flat-sharp", dim: 2, params: map[string]any{"beta": beta},
			lo: []float64{-2, -1.5}, hi: []float64{2, 1.5},
			exact: fsExact(beta), formula: fmt.Sprintf("exp(%g*x)*((x^2-1)^2/4 + y^2/2)", beta),
		})
	}
	lo1, hi1 := box(1, -3, 3)
	lo2, hi2 := box(2, -3, 3)
	lo3, hi3 := box(3, -3, 3)
	cs = append(cs,
		builtinCase{
			name: "quadratic", dim: 1, params: map[string]any{"A": 3},
			lo: lo1, hi: hi1, exact: quadExact([]float64{3}), formula: "0.5*3*x^2",
		},
		builtinCase{
			name: "quadratic", dim: 2, params: nil,
			lo: lo2, hi: hi2, exact: quadExact([]float64{1, 0, 0, 1}), formula: "0.5*(x^2 + y^2)",
		},
		builtinCase{
			// As YAML decodes [[2, 0.5], [0.5, 1]]: ints and floats in []any.
			name: "quadratic", dim: 2, params: map[string]any{"A": []any{[]any{2, 0.5}, []any{0.5, 1}}},
			lo: lo2, hi: hi2, exact: quadExact([]float64{2, 0.5, 0.5, 1}), formula: "0.5*(2*x^2 + 2*0.5*x*y + y^2)",
		},
		builtinCase{
			name: "quadratic", dim: 3, params: map[string]any{"A": [][]float64{{4, 1, 0}, {1, 3, -0.5}, {0, -0.5, -2}}},
			lo: lo3, hi: hi3, exact: quadExact([]float64{4, 1, 0, 1, 3, -0.5, 0, -0.5, -2}),
			formula: "0.5*(4*x^2 + 3*y^2 - 2*z^2) + x*y - 0.5*y*z",
		},
	)
	return cs
}()

// label returns a name for the case in messages.
func (c builtinCase) label() string { return fmt.Sprintf("%s/%dD%v", c.name, c.dim, c.params) }

// TestBuiltinClosedForms checks every built-in against independently
// hand-derived closed forms at 200 random points, to 1e-12 normwise
// relative error (relative to max(‖·‖∞, 1), see relErrFloor) (both sides are O(10) rounded float64 operations, so the
// differences are a few ε ≈ 2.2e-16 times the scale), and that Value is
// identical to the value returned by Derivatives.
func TestBuiltinClosedForms(t *testing.T) {
	const tol = 1e-12
	for _, c := range builtinCases {
		l, err := Builtin(c.name, c.dim, c.params)
		if err != nil {
			t.Fatalf("%s: %v", c.label(), err)
		}
		if l.Dim() != c.dim {
			t.Errorf("%s: Dim() = %d", c.label(), l.Dim())
		}
		var worstV, worstG, worstH float64
		for _, p := range randomPoints(200, c.lo, c.hi, 5) {
			wv, wg, wh := c.exact(p)
			v, g, h := derivatives(l, p)
			if val := l.Value(p); val != v {
				t.Errorf("%s at %v: Value = %v, Derivatives value = %v; want identical", c.label(), p, val, v)
			}
			worstV = math.Max(worstV, relErrScalar(v, wv, 1))
			worstG = math.Max(worstG, relErrFloor(g, wg, 1))
			worstH = math.Max(worstH, relErrFloor(h, wh, 1))
		}
		if worstV > tol || worstG > tol || worstH > tol {
			t.Errorf("%s: max relative error value %.3g, gradient %.3g, Hessian %.3g; want ≤ %g",
				c.label(), worstV, worstG, worstH, tol)
		}
		t.Logf("%s: max relative error value %.2g, gradient %.2g, Hessian %.2g", c.label(), worstV, worstG, worstH)
	}
}

// TestBuiltinMatchesFormula checks that each built-in equals, to 1e-12
// normwise relative error (relative to max(‖·‖∞, 1)), the formula of the same loss differentiated
// automatically (hyperdual numbers), at 200 random points.
func TestBuiltinMatchesFormula(t *testing.T) {
	const tol = 1e-12
	for _, c := range builtinCases {
		l, err := Builtin(c.name, c.dim, c.params)
		if err != nil {
			t.Fatalf("%s: %v", c.label(), err)
		}
		e, err := Formula(c.formula, c.dim)
		if err != nil {
			t.Fatalf("%s: %v", c.label(), err)
		}
		var worstV, worstG, worstH float64
		for _, p := range randomPoints(200, c.lo, c.hi, 6) {
			v, g, h := derivatives(l, p)
			fv, fg, fh := derivatives(e, p)
			worstV = math.Max(worstV, relErrScalar(fv, v, 1))
			worstG = math.Max(worstG, relErrFloor(fg, g, 1))
			worstH = math.Max(worstH, relErrFloor(fh, h, 1))
		}
		if worstV > tol || worstG > tol || worstH > tol {
			t.Errorf("%s vs %q: max relative difference value %.3g, gradient %.3g, Hessian %.3g; want ≤ %g",
				c.label(), c.formula, worstV, worstG, worstH, tol)
		}
		t.Logf("%s vs formula: max relative difference value %.2g, gradient %.2g, Hessian %.2g", c.label(), worstV, worstG, worstH)
	}
}

// TestBuiltinFiniteDifference checks each built-in against central
// differences with h = 1e-4 within the bounds of fdTolerance.
func TestBuiltinFiniteDifference(t *testing.T) {
	for _, c := range builtinCases {
		l, err := Builtin(c.name, c.dim, c.params)
		if err != nil {
			t.Fatalf("%s: %v", c.label(), err)
		}
		checkFiniteDifference(t, c.label(), l, randomPoints(50, c.lo, c.hi, 7), 1e-4)
	}
}

// reference holds the critical points copied into testdata from
// /work/shared/reference (see the _source note in the file).
type reference struct {
	MullerBrown      []refPoint `json:"muller_brown"`
	StyblinskiTang2D []refPoint `json:"styblinski_tang_2d"`
	FlatSharp        struct {
		Beta           float64    `json:"beta"`
		CriticalPoints []refPoint `json:"critical_points"`
	} `json:"flat_sharp"`
}

// refPoint is a reference critical point.
type refPoint struct {
	Label   string        `json:"label"`
	Kind    string        `json:"kind"`
	X       float64       `json:"x"`
	Y       float64       `json:"y"`
	Value   float64       `json:"value"`
	Hessian [2][2]float64 `json:"hessian"`
}

// flat returns the Hessian row-major, scaled by s.
func (p refPoint) flat(s float64) []float64 {
	h := p.Hessian
	return []float64{s * h[0][0], s * h[0][1], s * h[1][0], s * h[1][1]}
}

// loadReference reads testdata/critical_points.json.
func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/critical_points.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.MullerBrown) != 5 || len(r.StyblinskiTang2D) != 9 || len(r.FlatSharp.CriticalPoints) != 3 {
		t.Fatalf("reference has %d, %d, %d points; want 5, 9, 3",
			len(r.MullerBrown), len(r.StyblinskiTang2D), len(r.FlatSharp.CriticalPoints))
	}
	return r
}

// checkCritical checks that p is a critical point of l: |∇L|∞ < gradTol,
// L within 1e-12 relative of want·s, and the Hessian within hessTol
// normwise relative of the reference Hessian times s.
func checkCritical(t *testing.T, l Landscape, name string, x []float64, p refPoint, s, gradTol, hessTol float64) (gradMax, hessErr float64) {
	t.Helper()
	v, g, h := derivatives(l, x)
	gradMax = maxAbs(g)
	hessErr = relErr(h, p.flat(s))
	if gradMax >= gradTol {
		t.Errorf("%s %s: |∇L| = %.3g, want < %.3g", name, p.Label, gradMax, gradTol)
	}
	if hessErr > hessTol {
		t.Errorf("%s %s: Hessian %v, reference %v: relative error %.3g > %g", name, p.Label, h, p.flat(s), hessErr, hessTol)
	}
	if e := relErrScalar(v, s*p.Value, 1e-300); e > 1e-12 {
		t.Errorf("%s %s: L = %v, reference %v: relative error %.3g", name, p.Label, v, s*p.Value, e)
	}
	det := h[0]*h[3] - h[1]*h[2]
	switch p.Kind {
	case "minimum":
		if det <= 0 || h[0] <= 0 {
			t.Errorf("%s %s: Hessian %v is not positive definite", name, p.Label, h)
		}
	case "saddle":
		if det >= 0 {
			t.Errorf("%s %s: Hessian %v is not indefinite", name, p.Label, h)
		}
	case "maximum":
		if det <= 0 || h[0] >= 0 {
			t.Errorf("%s %s: Hessian %v is not negative definite", name, p.Label, h)
		}
	}
	return gradMax, hessErr
}

// TestMullerBrownCriticalPoints checks the three minima and two saddles of
// the reference: at the reference points (exact to 1 ulp ≈ 1e-16), the
// gradient is ~|H|·1e-16 ≈ 1e-13·scale, far below 1e-9·scale, and the
// Hessians agree with the 35-digit reference to ~1e-15, far below 1e-9.
func TestMullerBrownCriticalPoints(t *testing.T) {
	ref := loadReference(t)
	for _, s := range []float64{1, 0.05} {
		l, err := Builtin("muller-brown", 2, map[string]any{"scale": s})
		if err != nil {
			t.Fatal(err)
		}
		var worstG, worstH float64
		for _, p := range ref.MullerBrown {
			g, h := checkCritical(t, l, l.(fmt.Stringer).String(), []float64{p.X, p.Y}, p, s, 1e-9*s, 1e-9)
			worstG, worstH = math.Max(worstG, g/s), math.Max(worstH, h)
		}
		t.Logf("muller-brown scale %g: max |∇L|/scale %.2g, max Hessian relative error %.2g", s, worstG, worstH)
	}
}

// TestStyblinskiTangCriticalPoints checks the nine critical points of the
// 2-D reference with the same tolerances, and that the sharpness k
// multiplies the Hessian at every critical point by k and leaves the value
// unchanged: at x/√k the value differs only by the rounding of √k·(x/√k),
// ~1e-16 relative, and the Hessian is k times the reference to ~1e-15.
func TestStyblinskiTangCriticalPoints(t *testing.T) {
	ref := loadReference(t)
	for _, k := range []float64{1, 0.25, 2, 10} {
		l, err := Builtin("styblinski-tang", 2, map[string]any{"k": k})
		if err != nil {
			t.Fatal(err)
		}
		sk := math.Sqrt(k)
		var worstG, worstH float64
		for _, p := range ref.StyblinskiTang2D {
			x := []float64{p.X / sk, p.Y / sk}
			// The value is unchanged (scale 1); the Hessian is scaled by k.
			v, g, h := derivatives(l, x)
			if e := relErrScalar(v, p.Value, 1e-300); e > 1e-13 {
				t.Errorf("k = %g %s: L = %v, want %v (relative error %.3g)", k, p.Label, v, p.Value, e)
			}
			if e := relErr(h, p.flat(k)); e > 1e-12 {
				t.Errorf("k = %g %s: Hessian %v, want k·reference %v (relative error %.3g)", k, p.Label, h, p.flat(k), e)
			}
			if h[1] != 0 || h[2] != 0 {
				t.Errorf("k = %g %s: off-diagonal Hessian %v, %v, want 0", k, p.Label, h[1], h[2])
			}
			worstG, worstH = math.Max(worstG, maxAbs(g)), math.Max(worstH, relErr(h, p.flat(k)))
			if k == 1 {
				checkCritical(t, l, "styblinski-tang", x, p, 1, 1e-9, 1e-9)
			} else if maxAbs(g) >= 1e-9*sk {
				t.Errorf("k = %g %s: |∇L| = %.3g, want < %.3g", k, p.Label, maxAbs(g), 1e-9*sk)
			}
		}
		t.Logf("styblinski-tang k = %g: max |∇L| %.2g, max relative error of Hessian vs k·reference %.2g", k, worstG, worstH)
	}
}

// TestFlatSharpCriticalPoints checks the minima (±1, 0) and the saddle
// against /work/shared/reference/2d_flat_sharp_well.json for β = 0.5, the
// saddle x = (−2 + √(4+β²))/β for several β, and that the sharp Hessian is
// e^{2β} times the flat one.
func TestFlatSharpCriticalPoints(t *testing.T) {
	ref := loadReference(t)
	l, err := Builtin("flat-sharp", 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ref.FlatSharp.Beta != 0.5 {
		t.Fatalf("reference β = %v, want the default 0.5", ref.FlatSharp.Beta)
	}
	want := map[string]string{"flat_min": "minimum", "sharp_min": "minimum", "saddle": "saddle"}
	for _, p := range ref.FlatSharp.CriticalPoints {
		p.Kind = want[p.Label]
		// The minima are exact points (gradient exactly 0); the saddle is
		// rounded to 1 ulp, giving |∇L| ~ |H|·1e-17.
		g, h := checkCritical(t, l, "flat-sharp", []float64{p.X, p.Y}, p, 1, 1e-14, 1e-14)
		t.Logf("flat-sharp %s: |∇L| %.2g, Hessian relative error %.2g", p.Label, g, h)
	}
	_, _, h := derivatives(l, []float64{-1, 0})
	if h[0] != 1.2130613194252668 && relErrScalar(h[0], 1.2130613194252668, 1) > 1e-15 {
		t.Errorf("flat minimum ∂ₓ∂ₓL = %v, want 1.2130613194252668", h[0])
	}
	if relErrScalar(h[3], 0.6065306597126334, 1) > 1e-15 {
		t.Errorf("flat minimum ∂ᵧ∂ᵧL = %v, want 0.6065306597126334", h[3])
	}
	for _, beta := range []float64{0.25, 0.5, 1, 2} {
		l, err := Builtin("flat-sharp", 2, map[string]any{"beta": beta})
		if err != nil {
			t.Fatal(err)
		}
		xs := (-2 + math.Sqrt(4+beta*beta)) / beta
		_, g, h := derivatives(l, []float64{xs, 0})
		if maxAbs(g) > 1e-14 || h[0] >= 0 || h[3] <= 0 {
			t.Errorf("β = %g: saddle x = %v has ∇L = %v, Hessian %v", beta, xs, g, h)
		}
		_, _, hf := derivatives(l, []float64{-1, 0})
		_, _, hs := derivatives(l, []float64{1, 0})
		r := math.Exp(2 * beta)
		if e := relErr(hs, []float64{r * hf[0], 0, 0, r * hf[3]}); e > 1e-14 {
			t.Errorf("β = %g: sharp Hessian %v is not e^{2β} × flat Hessian %v (relative error %.3g)", beta, hs, hf, e)
		}
	}
}

// TestDoubleWellCriticalPoints checks the untilted double well: minima
// x = ±1 with L = −1/4 and L″ = 2, barrier top x = 0 with L = 0 and L″ = −1,
// all exact in floating point.
func TestDoubleWellCriticalPoints(t *testing.T) {
	l, err := Builtin("double-well", 1, map[string]any{"tilt": 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ x, v, h float64 }{{-1, -0.25, 2}, {0, 0, -1}, {1, -0.25, 2}} {
		v, g, h := derivatives(l, []float64{c.x})
		if v != c.v || g[0] != 0 || h[0] != c.h {
			t.Errorf("x = %v: L, L′, L″ = %v, %v, %v; want %v, 0, %v", c.x, v, g[0], h[0], c.v, c.h)
		}
	}
}

// TestBuiltinErrors checks that bad names, dimensions and parameters give
// errors naming the offending item.
func TestBuiltinErrors(t *testing.T) {
	cases := []struct {
		name   string
		dim    int
		params map[string]any
		want   []string // substrings of the message
	}{
		{"nope", 1, nil, []string{`"nope"`, "double-well", "quadratic"}},
		{"muller-brown", 1, nil, []string{`"muller-brown"`, "supports dimension 2, not 1"}},
		{"flat-sharp", 3, nil, []string{`"flat-sharp"`, "2, not 3"}},
		{"double-well", 2, nil, []string{`"double-well"`, "1, not 2"}},
		{"styblinski-tang", 4, nil, []string{`"styblinski-tang"`, "1, 2 or 3, not 4"}},
		{"quadratic", 0, nil, []string{`"quadratic"`, "not 0"}},
		{"double-well", 1, map[string]any{"tlit": 1}, []string{`"tlit"`, "allowed: tilt"}},
		{"muller-brown", 2, map[string]any{"scale": 1, "k": 2}, []string{`"k"`, "allowed: scale"}},
		{"styblinski-tang", 2, map[string]any{"k": -1}, []string{`"k"`, "> 0"}},
		{"styblinski-tang", 2, map[string]any{"k": 0}, []string{`"k"`, "> 0"}},
		{"styblinski-tang", 2, map[string]any{"k": "abc"}, []string{`"k"`, "must be a number"}},
		{"styblinski-tang", 2, map[string]any{"k": []any{1}}, []string{`"k"`, "must be a number"}},
		{"double-well", 1, map[string]any{"tilt": math.NaN()}, []string{`"tilt"`, "finite"}},
		{"muller-brown", 2, map[string]any{"scale": 0}, []string{`"scale"`, "> 0"}},
		{"flat-sharp", 2, map[string]any{"beta": math.Inf(1)}, []string{`"beta"`, "finite"}},
		{"quadratic", 2, map[string]any{"A": []any{[]any{1, 2}, []any{3, 4}}}, []string{`"A"`, "symmetric", "[0][1] = 2 but [1][0] = 3"}},
		{"quadratic", 2, map[string]any{"A": []any{[]any{1, 2}}}, []string{`"A"`, "2×2"}},
		{"quadratic", 2, map[string]any{"A": []any{[]any{1, 2}, []any{2}}}, []string{`"A"`, "row 1"}},
		{"quadratic", 2, map[string]any{"A": []any{[]any{1, "x"}, []any{2, 1}}}, []string{`"A"`, "entry [0][1]"}},
		{"quadratic", 2, map[string]any{"A": true}, []string{`"A"`, "got true"}},
		{"quadratic", 2, map[string]any{"A": nil}, []string{`"A"`}},
		{"quadratic", 1, map[string]any{"A": []any{math.NaN()}}, []string{`"A"`, "not finite"}},
		{"quadratic", 2, map[string]any{"A": []any{}}, []string{`"A"`}},
	}
	for _, c := range cases {
		l, err := Builtin(c.name, c.dim, c.params)
		if err == nil {
			t.Errorf("Builtin(%q, %d, %v) = %v, want an error", c.name, c.dim, c.params, l)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Builtin(%q, %d, %v): error %q does not contain %q", c.name, c.dim, c.params, err, w)
			}
		}
	}
}

// TestBuiltinParamForms checks that the forms a parameter may take decode
// to the same landscape.
func TestBuiltinParamForms(t *testing.T) {
	x := []float64{0.7, -0.4, 1.3}
	same := func(label string, a, b Landscape) {
		t.Helper()
		va, ga, ha := derivatives(a, x[:a.Dim()])
		vb, gb, hb := derivatives(b, x[:b.Dim()])
		if va != vb || relErr(ga, gb) != 0 || relErr(ha, hb) != 0 {
			t.Errorf("%s: %v and %v differ", label, a, b)
		}
	}
	must := func(name string, dim int, p map[string]any) Landscape {
		t.Helper()
		l, err := Builtin(name, dim, p)
		if err != nil {
			t.Fatalf("Builtin(%q, %d, %v): %v", name, dim, p, err)
		}
		return l
	}
	base := must("styblinski-tang", 2, map[string]any{"k": 2.0})
	for _, v := range []any{2, int64(2), uint8(2), float32(2), "2", " 2.0 "} {
		same(fmt.Sprintf("k = %#v", v), base, must("styblinski-tang", 2, map[string]any{"k": v}))
	}
	want := must("quadratic", 2, map[string]any{"A": [][]float64{{2, 0.5}, {0.5, 1}}})
	for _, v := range []any{
		[]any{[]any{2, 0.5}, []any{0.5, 1}},
		[]any{[]float64{2, 0.5}, []float64{0.5, 1}},
		[][]any{{2, 0.5}, {0.5, 1}},
		[2][2]float64{{2, 0.5}, {0.5, 1}},
		[]any{2, 0.5, 0.5, 1},
		[]float64{2, 0.5, 0.5 + 1e-17, 1}, // asymmetry below 1e-12 is averaged away
	} {
		same(fmt.Sprintf("A = %#v", v), want, must("quadratic", 2, map[string]any{"A": v}))
	}
	id := must("quadratic", 3, nil)
	for _, v := range []any{"identity", 1, []any{[]any{1, 0, 0}, []any{0, 1, 0}, []any{0, 0, 1}}} {
		same(fmt.Sprintf("A = %#v", v), id, must("quadratic", 3, map[string]any{"A": v}))
	}
	mb := must("muller-brown", 2, nil)
	for _, name := range []string{"Muller-Brown", "mueller-brown", "muller_brown", " MUELLER_BROWN "} {
		same("name "+name, mb, must(name, 2, map[string]any{}))
	}
}

// TestBuiltinString checks the String method of each built-in.
func TestBuiltinString(t *testing.T) {
	cases := []struct {
		name   string
		dim    int
		params map[string]any
		want   string
	}{
		{"double-well", 1, map[string]any{"tilt": 0.1}, "double-well(tilt=0.1)"},
		{"double-well", 1, nil, "double-well(tilt=0)"},
		{"styblinski-tang", 3, nil, "styblinski-tang(k=1)"},
		{"muller-brown", 2, map[string]any{"scale": 0.05}, "muller-brown(scale=0.05)"},
		{"flat-sharp", 2, nil, "flat-sharp(beta=0.5)"},
		{"quadratic", 2, map[string]any{"A": []any{[]any{2, 0.5}, []any{0.5, 1}}}, "quadratic(A=[[2 0.5] [0.5 1]])"},
	}
	for _, c := range cases {
		l, err := Builtin(c.name, c.dim, c.params)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.(fmt.Stringer).String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

// TestBuiltins checks the listing: names, dimensions and parameters, that
// the documented defaults are accepted and equal the absent-parameter
// landscape, and that the listing is a copy.
func TestBuiltins(t *testing.T) {
	infos := Builtins()
	want := []struct {
		name   string
		dims   []int
		params []string
	}{
		{"double-well", []int{1}, []string{"tilt"}},
		{"curvature-well", []int{1}, []string{"k"}},
		{"styblinski-tang", []int{1, 2, 3}, []string{"k"}},
		{"muller-brown", []int{2}, []string{"scale"}},
		{"flat-sharp", []int{2}, []string{"beta"}},
		{"quadratic", []int{1, 2, 3}, []string{"A"}},
	}
	if len(infos) != len(want) {
		t.Fatalf("%d built-ins, want %d", len(infos), len(want))
	}
	for i, w := range want {
		info := infos[i]
		if info.Name != w.name || !slices.Equal(info.Dims, w.dims) || info.Formula == "" || info.Doc == "" {
			t.Errorf("built-in %d: %+v, want name %q dims %v and a formula and doc", i, info, w.name, w.dims)
		}
		defaults := map[string]any{}
		for j, p := range info.Params {
			if j >= len(w.params) || p.Name != w.params[j] || p.Doc == "" {
				t.Errorf("%s: parameter %d is %+v, want %v", info.Name, j, p, w.params)
			}
			defaults[p.Name] = p.Default
		}
		for _, d := range info.Dims {
			a, err := Builtin(info.Name, d, defaults)
			if err != nil {
				t.Fatalf("%s with defaults %v: %v", info.Name, defaults, err)
			}
			b, err := Builtin(info.Name, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := []float64{0.3, -0.7, 1.1}[:d]
			va, ga, ha := derivatives(a, x)
			vb, gb, hb := derivatives(b, x)
			if va != vb || relErr(ga, gb) != 0 || relErr(ha, hb) != 0 {
				t.Errorf("%s %d-D: explicit defaults differ from absent parameters", info.Name, d)
			}
		}
	}
	infos[0].Dims[0], infos[0].Params[0].Name = 9, "changed"
	if again := Builtins(); again[0].Dims[0] != 1 || again[0].Params[0].Name != "tilt" {
		t.Error("modifying the result of Builtins changed the registry")
	}
}

// BenchmarkBuiltinDerivativesMullerBrown measures L, ∇L and the Hessian of
// the closed-form Müller–Brown built-in, for comparison with
// BenchmarkFormulaDerivativesMullerBrown.
func BenchmarkBuiltinDerivativesMullerBrown(b *testing.B) {
	l, err := Builtin("muller-brown", 2, nil)
	if err != nil {
		b.Fatal(err)
	}
	x, g, h := []float64{-0.3, 0.9}, make([]float64, 2), make([]float64, 4)
	b.ReportAllocs()
	for b.Loop() {
		l.Derivatives(x, g, h)
	}
}
