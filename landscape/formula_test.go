package landscape

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// handCase is a formula with hand-derived value, gradient and Hessian.
type handCase struct {
	name   string
	src    string
	dim    int
	lo, hi []float64 // box the test points are drawn from
	exact  func(p []float64) (v float64, g, h []float64)
}

var handCases = []handCase{
	{
		name: "double-well",
		src:  "x^4/4 - x^2/2 + 0.1*x",
		dim:  1,
		lo:   []float64{-2}, hi: []float64{2},
		exact: func(p []float64) (float64, []float64, []float64) {
			x := p[0]
			return x*x*(x*x-2)/4 + 0.1*x, []float64{(x-1)*x*(x+1) + 0.1}, []float64{3*x*x - 1}
		},
	},
	{
		name: "sin-exp-log",
		src:  "sin(x)*exp(y) + x^3*y^2 - log(1+x^2)",
		dim:  2,
		lo:   []float64{-2, -1}, hi: []float64{2, 1},
		exact: func(p []float64) (float64, []float64, []float64) {
			x, y := p[0], p[1]
			s, c, ey, r := math.Sin(x), math.Cos(x), math.Exp(y), 1+x*x
			v := s*ey + x*x*x*y*y - math.Log(r)
			g := []float64{c*ey + 3*x*x*y*y - 2*x/r, s*ey + 2*x*x*x*y}
			hxx := -s*ey + 6*x*y*y - 2*(1-x*x)/(r*r)
			hxy := c*ey + 6*x*x*y
			hyy := s*ey + 2*x*x*x
			return v, g, []float64{hxx, hxy, hxy, hyy}
		},
	},
	{
		name: "powers",
		src:  "pow(x, y) + x^-2 + y^2.5 + (x*y)^0 - x**3/cos(y)",
		dim:  2,
		lo:   []float64{0.5, 0.2}, hi: []float64{2, 1.5},
		exact: func(p []float64) (float64, []float64, []float64) {
			x, y := p[0], p[1]
			lx, cy, sy := math.Log(x), math.Cos(y), math.Sin(y)
			xy := math.Exp(y * lx)
			v := xy + 1/(x*x) + math.Pow(y, 2.5) + 1 - x*x*x/cy
			g := []float64{
				y*xy/x - 2/(x*x*x) - 3*x*x/cy,
				xy*lx + 2.5*math.Pow(y, 1.5) - x*x*x*sy/(cy*cy),
			}
			hxx := y*(y-1)*xy/(x*x) + 6/(x*x*x*x) - 6*x/cy
			hxy := xy/x*(1+y*lx) - 3*x*x*sy/(cy*cy)
			hyy := xy*lx*lx + 3.75*math.Sqrt(y) - x*x*x*(cy*cy+2*sy*sy)/(cy*cy*cy)
			return v, g, []float64{hxx, hxy, hxy, hyy}
		},
	},
	{
		name: "negative-base-integer-powers",
		src:  "(x-3)^3 + (y-2)^-1",
		dim:  2,
		lo:   []float64{-1, -1}, hi: []float64{1, 1},
		exact: func(p []float64) (float64, []float64, []float64) {
			a, b := p[0]-3, p[1]-2
			return a*a*a + 1/b, []float64{3 * a * a, -1 / (b * b)}, []float64{6 * a, 0, 0, 2 / (b * b * b)}
		},
	},
	{
		name: "mixed-3d",
		src:  "sqrt(1 + x^2 + 2*y^2) + tanh(x*z) + pi*cosh(y)*sinh(z) + atan(x - z) + abs(y)^3 + 2**x/(1 + z^2) + e^(-y)*x",
		dim:  3,
		lo:   []float64{-1.5, -1.5, -1.5}, hi: []float64{1.5, 1.5, 1.5},
		exact: mixed3D,
	},
}

// mixed3D is the hand-derived value, gradient and Hessian of the mixed-3d
// formula, term by term.
func mixed3D(p []float64) (float64, []float64, []float64) {
	x, y, z := p[0], p[1], p[2]
	g, h := make([]float64, 3), make([]float64, 9)
	addH := func(i, j int, v float64) {
		h[i*3+j] += v
		if i != j {
			h[j*3+i] += v
		}
	}
	var v float64

	// √r with r = 1 + x² + 2y²: ∂ᵢ√r = rᵢ/(2√r), ∂ᵢ∂ⱼ√r = rᵢⱼ/(2√r) − rᵢrⱼ/(4r^{3/2}).
	r := 1 + x*x + 2*y*y
	s := math.Sqrt(r)
	ri, rii := [3]float64{2 * x, 4 * y, 0}, [3]float64{2, 4, 0}
	v += s
	for i := range 3 {
		g[i] += ri[i] / (2 * s)
		addH(i, i, rii[i]/(2*s))
		for j := i; j < 3; j++ {
			addH(i, j, -ri[i]*ri[j]/(4*s*r))
		}
	}

	// tanh(u), u = xz: ∇u = (z, 0, x), ∂ₓ∂_z u = 1, tanh′ = 1 − t², tanh″ = −2t(1 − t²).
	t := math.Tanh(x * z)
	t1, t2 := 1-t*t, -2*t*(1-t*t)
	u := [3]float64{z, 0, x}
	v += t
	for i := range 3 {
		g[i] += t1 * u[i]
		for j := i; j < 3; j++ {
			addH(i, j, t2*u[i]*u[j])
		}
	}
	addH(0, 2, t1)

	// π cosh(y) sinh(z).
	chy, shy, chz, shz := math.Cosh(y), math.Sinh(y), math.Cosh(z), math.Sinh(z)
	v += math.Pi * chy * shz
	g[1] += math.Pi * shy * shz
	g[2] += math.Pi * chy * chz
	addH(1, 1, math.Pi*chy*shz)
	addH(1, 2, math.Pi*shy*chz)
	addH(2, 2, math.Pi*chy*shz)

	// atan(w), w = x − z: atan′ = 1/(1 + w²), atan″ = −2w/(1 + w²)².
	w := x - z
	a1 := 1 / (1 + w*w)
	a2 := -2 * w * a1 * a1
	dw := [3]float64{1, 0, -1}
	v += math.Atan(w)
	for i := range 3 {
		g[i] += a1 * dw[i]
		for j := i; j < 3; j++ {
			addH(i, j, a2*dw[i]*dw[j])
		}
	}

	// |y|³: derivative 3y|y|, second derivative 6|y|.
	ay := math.Abs(y)
	v += ay * ay * ay
	g[1] += 3 * y * ay
	addH(1, 1, 6*ay)

	// 2ˣ q(z), q = 1/(1 + z²), q′ = −2z q², q″ = (6z² − 2) q³.
	p2, ln2 := math.Exp2(x), math.Ln2
	q := 1 / (1 + z*z)
	q1, q2 := -2*z*q*q, (6*z*z-2)*q*q*q
	v += p2 * q
	g[0] += ln2 * p2 * q
	g[2] += p2 * q1
	addH(0, 0, ln2*ln2*p2*q)
	addH(0, 2, ln2*p2*q1)
	addH(2, 2, p2*q2)

	// x e^{−y}.
	ey := math.Exp(-y)
	v += x * ey
	g[0] += ey
	g[1] -= x * ey
	addH(0, 1, -ey)
	addH(1, 1, x*ey)
	return v, g, h
}

// TestFormulaHandDerived checks Value and Derivatives of formulas against
// hand-derived closed forms at 200 random points each.
//
// Both sides are computed in float64 with O(10) rounded operations, so they
// agree to a small multiple of ε ≈ 2.2e-16 in the normwise relative sense
// (relative to max(‖·‖∞, 1), see relErrFloor); 1e-12 leaves a margin of more
// than 1000.
func TestFormulaHandDerived(t *testing.T) {
	const tol = 1e-12
	for _, c := range handCases {
		e, err := Formula(c.src, c.dim)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var worstV, worstG, worstH float64
		for _, p := range randomPoints(200, c.lo, c.hi, 1) {
			wv, wg, wh := c.exact(p)
			v, g, h := derivatives(e, p)
			if val := e.Value(p); val != v {
				t.Errorf("%s at %v: Value = %v, Derivatives value = %v; want identical", c.name, p, val, v)
			}
			worstV = math.Max(worstV, relErrScalar(v, wv, 1))
			worstG = math.Max(worstG, relErrFloor(g, wg, 1))
			worstH = math.Max(worstH, relErrFloor(h, wh, 1))
		}
		if worstV > tol || worstG > tol || worstH > tol {
			t.Errorf("%s: max relative error value %.3g, gradient %.3g, Hessian %.3g; want ≤ %g",
				c.name, worstV, worstG, worstH, tol)
		}
		t.Logf("%s: max relative error value %.2g, gradient %.2g, Hessian %.2g", c.name, worstV, worstG, worstH)
	}
}

// TestFormulaFiniteDifference checks the exact derivatives of the formulas
// against central differences with h = 1e-4, within the error bounds of
// fdTolerance (truncation h²M₃/6 and h²M₄/3 plus rounding, derived from h
// and local estimates of the third and fourth derivatives). It logs the
// largest ratio of error to bound and the largest normwise relative error.
func TestFormulaFiniteDifference(t *testing.T) {
	const h = 1e-4
	for _, c := range handCases {
		e, err := Formula(c.src, c.dim)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkFiniteDifference(t, c.name, e, randomPoints(50, c.lo, c.hi, 2), h)
	}
}

// checkFiniteDifference compares l with FiniteDifference at the points.
func checkFiniteDifference(t *testing.T, name string, l Landscape, pts [][]float64, h float64) {
	t.Helper()
	var ratioG, ratioH, relG, relH float64
	for _, p := range pts {
		_, g, hs := derivatives(l, p)
		fg, fh := finiteDifference(l, p, h)
		tolG, tolH := fdTolerance(l, p, h)
		eg, eh := absErr(fg, g), absErr(fh, hs)
		if eg > tolG || eh > tolH {
			t.Errorf("%s at %v: finite-difference errors %.3g (gradient), %.3g (Hessian) exceed the bounds %.3g, %.3g",
				name, p, eg, eh, tolG, tolH)
		}
		ratioG, ratioH = math.Max(ratioG, eg/tolG), math.Max(ratioH, eh/tolH)
		relG, relH = math.Max(relG, relErr(fg, g)), math.Max(relH, relErr(fh, hs))
	}
	t.Logf("%s: finite-difference error/bound ≤ %.2f (gradient), %.2f (Hessian); relative error ≤ %.2g, %.2g",
		name, ratioG, ratioH, relG, relH)
}

// TestFormulaGradientOnly checks that asking for the gradient alone, which
// seeds two axes per evaluation, gives bit-identical results to asking for
// the gradient with the Hessian, and that asking for neither gives the value.
func TestFormulaGradientOnly(t *testing.T) {
	for _, c := range handCases {
		e, err := Formula(c.src, c.dim)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, p := range randomPoints(20, c.lo, c.hi, 3) {
			v, g, _ := derivatives(e, p)
			g2 := make([]float64, c.dim)
			v2 := e.Derivatives(p, g2, nil)
			v3 := e.Derivatives(p, nil, nil)
			if v2 != v || v3 != v {
				t.Errorf("%s at %v: values %v (gradient only), %v (neither), want %v", c.name, p, v2, v3, v)
			}
			for i := range g {
				if g2[i] != g[i] {
					t.Errorf("%s at %v: gradient-only ∂%d = %v, want %v", c.name, p, i, g2[i], g[i])
				}
			}
			hOnly := make([]float64, c.dim*c.dim)
			_, _, h := derivatives(e, p)
			e.Derivatives(p, nil, hOnly)
			for i := range h {
				if hOnly[i] != h[i] {
					t.Errorf("%s at %v: Hessian-only entry %d = %v, want %v", c.name, p, i, hOnly[i], h[i])
				}
			}
		}
	}
}

// TestFormulaSemantics checks parsing and evaluation rules on exact values.
func TestFormulaSemantics(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		src  string
		dim  int
		x    []float64
		want float64
	}{
		{"-x^2", 1, []float64{3}, -9},        // ^ binds tighter than unary minus
		{"-2^2", 1, []float64{0}, -4},        // same for constants
		{"2^3^2", 1, []float64{0}, 512},      // ^ associates to the right: 2⁹
		{"x**2", 1, []float64{3}, 9},         // ** is a synonym of ^
		{"x ^ 2 * 3", 1, []float64{2}, 12},   // ^ before *
		{"x/2/2", 1, []float64{8}, 2},        // / associates to the left
		{"x - 1 - 1", 1, []float64{5}, 3},    // − associates to the left
		{"+x - -x", 1, []float64{1.5}, 3},    // unary plus and minus
		{"1e-3*x", 1, []float64{2}, 0.002},   // exponent notation
		{"x^0", 1, []float64{5}, 1},          // x⁰ = 1
		{"x^-2", 1, []float64{2}, 0.25},      // negative integer power
		{"2^-1", 1, []float64{0}, 0.5},       // folded constant
		{"x^3", 1, []float64{-2}, -8},        // integer power of a negative base
		{"(-2)^3", 1, []float64{0}, -8},      // folded, same rule
		{"x^0.5", 1, []float64{-4}, nan},     // non-integer power of a negative base, as math.Pow
		{"(-8)^(1/3)", 1, []float64{0}, nan}, // same, folded
		{"x^2.5", 1, []float64{4}, 32},       // 4^2.5 = 32 exactly in math.Pow
		{"pow(2, 10)", 1, []float64{0}, 1024},
		{"pow(x, y)", 2, []float64{2, 3}, 8},
		{"abs(x)", 1, []float64{-2}, 2},
		{"pi", 1, []float64{0}, math.Pi},
		{"e", 1, []float64{0}, math.E},
		{"e^x", 1, []float64{2}, math.Exp(2)}, // e^x is compiled as exp(x)
		{"x +\n y", 2, []float64{1, 2}, 3},    // formulas may span lines
		{"z*y*x", 3, []float64{2, 3, 5}, 30},
		{"log(x)", 1, []float64{0}, math.Inf(-1)},
		{"1/x", 1, []float64{0}, math.Inf(1)},
	}
	for _, c := range cases {
		e, err := Formula(c.src, c.dim)
		if err != nil {
			t.Errorf("Formula(%q): %v", c.src, err)
			continue
		}
		if got := e.Value(c.x); !sameFloat(got, c.want) {
			t.Errorf("Formula(%q).Value(%v) = %v, want %v", c.src, c.x, got, c.want)
		}
		if got := e.Derivatives(c.x, make([]float64, c.dim), make([]float64, c.dim*c.dim)); !sameFloat(got, c.want) {
			t.Errorf("Formula(%q).Derivatives(%v) = %v, want %v", c.src, c.x, got, c.want)
		}
		if e.String() != c.src || e.Dim() != c.dim {
			t.Errorf("Formula(%q): String() = %q, Dim() = %d", c.src, e.String(), e.Dim())
		}
	}
}

// TestFormulaSpecialPoints checks derivatives where a subexpression is
// singular or where a naive rule would lose a term.
func TestFormulaSpecialPoints(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	cases := []struct {
		src   string
		x     []float64
		wantG []float64
		wantH []float64
	}{
		// The inner second derivative must survive at 0: (f∘u)″ = f′(u)u″
		// + f″(u)u′² = 1·2 + 0 (gonum's hyperdual.Sin, Tan and Atan drop
		// it at exactly 0, hence our own chain rule).
		{"sin(x^2)", []float64{0}, []float64{0}, []float64{2}},
		{"atan(x^2)", []float64{0}, []float64{0}, []float64{2}},
		{"tanh(x^2)", []float64{0}, []float64{0}, []float64{2}},
		// |x| at 0 takes the right-hand derivatives, so |x|³ and |x|² stay exact.
		{"abs(x)", []float64{0}, []float64{1}, []float64{0}},
		{"abs(x)^3", []float64{0}, []float64{0}, []float64{0}},
		{"abs(x)^2", []float64{0}, []float64{0}, []float64{2}},
		{"abs(x)", []float64{-3}, []float64{-1}, []float64{0}},
		// x^2.5 at 0: 2.5·0^1.5 = 0 and 3.75·0^0.5 = 0.
		{"x^2.5", []float64{0}, []float64{0}, []float64{0}},
		// √x at 0 has an infinite derivative, which must not leak into ∂_y
		// (0·∞ is taken as 0 for directions the subexpression does not
		// depend on).
		{"sqrt(x) + y", []float64{0, 5}, []float64{inf, 1}, []float64{-inf, 0, 0, 0}},
		// A negative base with a variable exponent: only the derivatives
		// along x, with y held fixed at the integer 3, exist.
		{"pow(x, y)", []float64{-2, 3}, []float64{12, nan}, []float64{-12, nan, nan, nan}},
	}
	for _, c := range cases {
		e, err := Formula(c.src, len(c.x))
		if err != nil {
			t.Fatalf("Formula(%q): %v", c.src, err)
		}
		_, g, h := derivatives(e, c.x)
		for i := range g {
			if !sameFloat(g[i], c.wantG[i]) {
				t.Errorf("%q at %v: gradient %v, want %v", c.src, c.x, g, c.wantG)
				break
			}
		}
		for i := range h {
			if !sameFloat(h[i], c.wantH[i]) {
				t.Errorf("%q at %v: Hessian %v, want %v", c.src, c.x, h, c.wantH)
				break
			}
		}
	}
}

// TestFormulaErrors checks that invalid formulas give a *FormulaError whose
// message names the problem and whose position points at it.
func TestFormulaErrors(t *testing.T) {
	cases := []struct {
		src    string
		dim    int
		want   string // substring of the message
		column int    // 1-based column, 0 for a whole-formula error
	}{
		{"", 1, "the formula is empty", 0},
		{"  \n ", 2, "the formula is empty", 0},
		{"x+", 1, "syntax error", 3},
		{"(x", 1, "syntax error", 3},
		{"x y", 2, "syntax error", 3},
		{"foo(x)", 1, `unknown function "foo"`, 1},
		{"min(x, 1)", 1, `unknown function "min"`, 1},
		{"sin(x,y)", 2, "sin takes 1 argument, got 2", 1},
		{"pow(x)", 1, "pow takes 2 arguments, got 1", 1},
		{"exp()", 1, "exp takes 1 argument, got 0", 1},
		{"z", 2, `unknown variable "z": the domain has 2 axes, use x, y`, 1},
		{"x + y", 1, `unknown variable "y": the domain has 1 axis, use x`, 5},
		{"2*w", 3, `unknown variable "w": the domain has 3 axes, use x, y, z`, 3},
		{"exp", 1, `"exp" is a function`, 1},
		{"x > 1", 1, `comparison ">"`, 3},
		{"x == 1", 1, `comparison "=="`, 3},
		{`"str"`, 1, "strings are not allowed", 1},
		{"x.y", 2, "member access", 3},
		{"x[0]", 1, "indexing", 2},
		{"true", 1, "booleans are not allowed", 1},
		{"nil", 1, "nil is not allowed", 1},
		{"x % 2", 1, `operator "%"`, 3},
		{"x and x", 1, `operator "and"`, 3},
		{"!x", 1, `operator "!"`, 1},
		{"x | exp()", 1, "pipe operator", 5},
		{"x > 0 ? x : 0", 1, "conditionals are not allowed", 0},
		{"let a = x; a", 1, "let declarations", 0},
		{"[x]", 1, "arrays and maps", 1},
		{"x; x", 1, "sequences", 0},
		{"x^2;", 1, "sequences", 4},
		{"x^2 ; // end", 1, "sequences", 5},
		{"1 +\n foo(x)", 1, `unknown function "foo"`, 2},
		{"x", 0, "formulas support 1, 2 or 3", 0},
		{"x", 4, "formulas support 1, 2 or 3", 0},
		{strings.Repeat("x+", maxFormulaLen/2) + "x", 1, "at most 65536", 0},
	}
	for _, c := range cases {
		e, err := Formula(c.src, c.dim)
		if err == nil {
			t.Errorf("Formula(%q, %d) = %v, want an error", c.src, c.dim, e)
			continue
		}
		var fe *FormulaError
		if !errors.As(err, &fe) {
			t.Errorf("Formula(%q, %d): error %T is not a *FormulaError", c.src, c.dim, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("Formula(%q, %d): error %q does not contain %q", c.src, c.dim, msg, c.want)
		}
		if len(c.src) < 100 && !strings.Contains(msg, strconv.Quote(c.src)) {
			t.Errorf("Formula(%q, %d): error %q does not quote the formula", c.src, c.dim, msg)
		}
		if c.column != 0 && fe.Column != c.column {
			t.Errorf("Formula(%q, %d): error at column %d, want %d (%s)", c.src, c.dim, fe.Column, c.column, msg)
		}
	}
}

// TestFormulaErrorLine checks the line and column of an error on a second
// line.
func TestFormulaErrorLine(t *testing.T) {
	_, err := Formula("1 +\n foo(x)", 1)
	var fe *FormulaError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FormulaError", err)
	}
	if fe.Line != 2 || fe.Column != 2 || fe.Offset != 5 {
		t.Errorf("line %d column %d offset %d, want 2, 2, 5", fe.Line, fe.Column, fe.Offset)
	}
	if want := `landscape: formula "1 +\n foo(x)", line 2 column 2: unknown function "foo"`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want prefix %q", err, want)
	}
}

// TestFormulaConcurrent evaluates one Expr from several goroutines and
// checks every result against a serial evaluation.
func TestFormulaConcurrent(t *testing.T) {
	c := handCases[4]
	e, err := Formula(c.src, c.dim)
	if err != nil {
		t.Fatal(err)
	}
	pts := randomPoints(100, c.lo, c.hi, 4)
	want := make([][]float64, len(pts))
	for k, p := range pts {
		_, _, want[k] = derivatives(e, p)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, p := range pts {
				_, _, h := derivatives(e, p)
				for i := range h {
					if h[i] != want[k][i] {
						errs <- "concurrent Hessian differs from serial one"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// FuzzFormula compiles arbitrary text for 0 to 4 axes and checks, at an
// arbitrary point:
//
//   - a rejected formula gives a *FormulaError whose position lies inside
//     the formula;
//   - an accepted one keeps its source and dimension; Value, Derivatives
//     with the Hessian, with the gradient only and with neither give the
//     same value, and the same gradient; the Hessian is symmetric;
//   - the term tree, interpreted node by node, gives the value of the
//     compiled closures bit for bit;
//   - rewrites that cannot change the value compile and give it bit for bit
//     ((f), +(f), pow(f, 1), (f)*1; −(f) gives −v and (f)^2 gives v·v);
//   - where L is smooth at the scale of a finite-difference step (central
//     differences with three steps agree within their rounding bounds), the
//     gradient and the Hessian match them (see checkAgainstDifferences).
//
// Run it with a short minimization budget, as the scenario targets (see
// scenario/fuzz_test.go): inputs grow to kilobytes, and the engine's
// minimization of each new one otherwise stalls the worker for up to 60 s:
//
//	go test -run '^$' -fuzz '^FuzzFormula$' -fuzztime 10m -fuzzminimizetime 5s -parallel 1 ./landscape/
func FuzzFormula(f *testing.F) {
	seeds := []string{
		"x^2", "exp(0.5*x)*((x^2-1)^2/4 + y^2/2)", "sin(x,y)", "x.y", "pow(x, y)",
		"-(-x)^-3", "abs(x)^2.5", "1/0", "((((x))))", "x | exp()", "let a = 1; a",
		"z*sqrt(y)/log(x)", "2^x^y", "e^pi", "atan(cosh(sinh(tanh(x))))", "x ? y : z",
		"1e309*x", "0x1F", "x ** -0.5", "", "(", "'a'",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i), 0.5, -1.25, 2.0)
	}
	f.Fuzz(func(t *testing.T, src string, dim uint8, x, y, z float64) {
		d := int(dim % 5) // 0 and 4 are invalid dimensions
		e, err := Formula(src, d)
		if err != nil {
			var fe *FormulaError
			if !errors.As(err, &fe) {
				t.Fatalf("Formula(%q, %d): error %T, want *FormulaError", src, d, err)
			}
			if fe.Offset > utf8.RuneCountInString(src) || fe.Offset < -1 || fe.Msg == "" || err.Error() == "" {
				t.Fatalf("Formula(%q, %d): bad error %+v", src, d, fe)
			}
			return
		}
		if e.String() != src || e.Dim() != d {
			t.Fatalf("Formula(%q, %d): String() = %q, Dim() = %d", src, d, e.String(), e.Dim())
		}
		p := []float64{x, y, z}[:d]
		v := e.Value(p)
		g, h := make([]float64, d), make([]float64, d*d)
		if w := e.Derivatives(p, g, h); !sameFloat(v, w) {
			t.Fatalf("Formula(%q) at %v: Value %v, Derivatives %v", src, p, v, w)
		}
		if w := e.Derivatives(p, nil, nil); !sameFloat(v, w) {
			t.Fatalf("Formula(%q) at %v: Value %v, Derivatives without derivatives %v", src, p, v, w)
		}
		g2 := make([]float64, d)
		if w := e.Derivatives(p, g2, nil); !sameFloat(v, w) {
			t.Fatalf("Formula(%q) at %v: Value %v, Derivatives without Hessian %v", src, p, v, w)
		}
		for i := range g {
			if !sameFloat(g[i], g2[i]) {
				t.Fatalf("Formula(%q) at %v: gradient %v with Hessian, %v without", src, p, g, g2)
			}
			for j := range i {
				if !sameFloat(h[i*d+j], h[j*d+i]) {
					t.Fatalf("Formula(%q) at %v: Hessian %v not symmetric", src, p, h)
				}
			}
		}

		tree, err := parse(src)
		if err != nil {
			t.Fatalf("Formula(%q) compiled but parse fails: %v", src, err)
		}
		b := builder{src: src, dim: d}
		tm, err := b.build(tree.Node)
		if err != nil {
			t.Fatalf("Formula(%q) compiled but build fails: %v", src, err)
		}
		if w, _ := evalWithError(tm, p); !sameFloat(v, w) {
			t.Fatalf("Formula(%q) at %v: compiled %v, term tree %v", src, p, v, w)
		}

		checkRewrites(t, src, d, p, v, g)
		checkAgainstDifferences(t, e, tm, p, g, h)
	})
}

// checkRewrites compiles forms of src that must evaluate exactly like it
// (the newlines end a trailing // comment) and compares value and gradient.
func checkRewrites(t *testing.T, src string, d int, p []float64, v float64, g []float64) {
	t.Helper()
	if len(src)+16 > maxFormulaLen {
		return
	}
	neg := func(x float64) float64 { return -x }
	same := func(x float64) float64 { return x }
	for _, r := range []struct {
		form       string
		value      float64
		gradFactor func(float64) float64 // nil: gradient not compared
	}{
		{"(\n%s\n)", v, same},
		{"+(\n%s\n)", v, same},
		{"pow(\n%s\n, 1)", v, same},
		{"(\n%s\n)*1", v, same},
		{"-(\n%s\n)", -v, neg},
		{"(\n%s\n)^2", v * v, nil},
	} {
		s := strings.Replace(r.form, "%s", src, 1)
		e, err := Formula(s, d)
		if err != nil {
			t.Fatalf("Formula(%q) compiles but the rewrite %q does not: %v", src, s, err)
		}
		g2 := make([]float64, d)
		if w := e.Derivatives(p, g2, nil); !sameFloat(w, r.value) {
			t.Fatalf("Formula(%q) at %v = %v but %q = %v, want %v", src, p, v, s, w, r.value)
		}
		for i := range g2 {
			if r.gradFactor != nil && !sameFloat(g2[i], r.gradFactor(g[i])) {
				t.Fatalf("Formula(%q) at %v: gradient %v but %q has %v", src, p, g, s, g2)
			}
		}
	}
}

// evalWithError interprets t at x with the operations of the compiled
// closures, and returns the value with a first-order bound on its rounding
// error: each operation adds a few units of rounding of its result (plus
// the spacing of subnormal numbers, 2⁻¹⁰⁷⁴), each elementary function also
// the effect of one rounding of its argument (as from argument reduction),
// and errors of operands propagate through the derivatives of the
// operation. Constants are exact: differences of values see the same
// rounded constants.
func evalWithError(t *term, x []float64) (v, err float64) {
	const u, tiny = 0x1p-53, 0x1p-1074
	switch t.op {
	case opConst:
		return t.c, 0
	case opVar:
		return x[t.n], 0
	case opNeg:
		a, ea := evalWithError(t.a, x)
		return -a, ea
	case opAdd, opSub, opMul, opDiv:
		a, ea := evalWithError(t.a, x)
		b, eb := evalWithError(t.b, x)
		r := evalBinary(t.op, a, b)
		switch t.op {
		case opAdd, opSub:
			err = ea + eb
		case opMul:
			err = math.Abs(a)*eb + math.Abs(b)*ea
		default:
			err = (ea + math.Abs(r)*eb) / math.Abs(b)
		}
		return r, err + u*math.Abs(r) + tiny
	case opPowInt:
		a, ea := evalWithError(t.a, x)
		n := t.n
		r := ipow(a, n)
		steps := 1.0
		if n >= -64 && n <= 64 {
			steps = 2 * math.Log2(math.Abs(float64(n))+1)
		}
		return r, math.Abs(float64(n)*ipow(a, n-1))*ea + (steps+1)*(u*math.Abs(r)+tiny)
	case opPowConst:
		a, ea := evalWithError(t.a, x)
		r := math.Pow(a, t.c)
		return r, math.Abs(t.c*math.Pow(a, t.c-1))*(ea+u*math.Abs(a)) + 2*(u*math.Abs(r)+tiny)
	case opPow:
		a, ea := evalWithError(t.a, x)
		b, eb := evalWithError(t.b, x)
		r := math.Pow(a, b)
		if !(a > 0) {
			// Along b the power is not smooth here; along a it is aᵇ for
			// the current b.
			if eb != 0 {
				eb = math.Inf(1)
			}
			return r, math.Abs(b*math.Pow(a, b-1))*ea + eb + 2*(u*math.Abs(r)+tiny)
		}
		return r, math.Abs(r)*(math.Abs(b/a)*(ea+u*math.Abs(a))+math.Abs(math.Log(a))*(eb+u*math.Abs(b))) + 2*(u*math.Abs(r)+tiny)
	}
	a, ea := evalWithError(t.a, x)
	r := evalUnary(t.op, a)
	var d1 float64 // |f′(a)|
	switch t.op {
	case opExp:
		d1 = r
	case opLog:
		d1 = 1 / a
	case opSqrt:
		d1 = 0.5 / r
	case opSin:
		d1 = math.Cos(a)
	case opCos:
		d1 = math.Sin(a)
	case opTanh:
		d1 = 1 - r*r
	case opCosh:
		d1 = math.Sinh(a)
	case opSinh:
		d1 = math.Cosh(a)
	case opAtan:
		d1 = 1 / (1 + a*a)
	case opAbs:
		return r, ea
	}
	return r, math.Abs(d1)*(ea+u*math.Abs(a)) + 4*(u*math.Abs(r)+tiny)
}

// difference is a finite-difference estimate with step s and the bound of
// its rounding error.
type difference struct{ est, noise float64 }

// agreeing returns the estimate of the smallest step when the estimates at
// three steps (s, s/π, s/10) are finite, their rounding bounds below 1e-4 of
// their size, and they agree within 1e-5 relative plus those bounds, so that
// truncation and rounding are both small; and the tolerance for comparing
// an exact derivative with it.
func agreeing(at func(s float64) (difference, bool), s float64) (est, tol float64, ok bool) {
	var ds [3]difference
	for i, f := range []float64{1, 1 / math.Pi, 0.1} {
		var ok bool
		if ds[i], ok = at(s * f); !ok || math.IsInf(ds[i].est, 0) || math.IsNaN(ds[i].est) ||
			math.IsInf(ds[i].noise, 0) || math.IsNaN(ds[i].noise) {
			return 0, 0, false
		}
	}
	noise, scale := 0.0, 0.0
	for _, d := range ds {
		noise = math.Max(noise, d.noise)
		scale = math.Max(scale, math.Abs(d.est))
	}
	// Estimates dominated by rounding agree vacuously (as for sin(sinh(x))
	// at x = 171.5, whose argument's rounding exceeds its period).
	if !(noise <= 1e-4*scale) {
		return 0, 0, false
	}
	for i := range ds {
		for j := range i {
			if math.Abs(ds[i].est-ds[j].est) > 1e-5*scale+2*(ds[i].noise+ds[j].noise) {
				return 0, 0, false
			}
		}
	}
	// The estimates agree to 1e-5 of their size plus rounding, so truncation
	// is below that; 1e-3 leaves a wide margin, and 8× the rounding bound
	// covers the first-order rounding model.
	return ds[2].est, 1e-3*scale + 8*noise, true
}

// checkAgainstDifferences compares the gradient g and Hessian h of e at p
// with central differences of values where they are reliable: p moderate,
// every difference finite and consistent across step sizes (agreeing), and
// for the gradient also the second difference along the axis, so that kinks
// such as |x| at 0 (where Derivatives takes the right-hand derivative and
// central differences give 0) are excluded.
func checkAgainstDifferences(t *testing.T, e *Expr, tm *term, p, g, h []float64) {
	t.Helper()
	d := len(p)
	for _, x := range p {
		if !(math.Abs(x) <= 1e3) {
			return
		}
	}
	at := func(steps ...float64) (float64, float64) {
		q := slices.Clone(p)
		for i := 0; i+1 < len(steps); i += 2 {
			q[int(steps[i])] += steps[i+1]
		}
		v, err := evalWithError(tm, q)
		if w := e.Value(q); !sameFloat(v, w) {
			t.Fatalf("Formula(%q) at %v: compiled %v, term tree %v", e.String(), q, w, v)
		}
		return v, err
	}
	// span returns the actual distance between p[i]+s and p[i]−s.
	span := func(i int, s float64) float64 { return (p[i] + s) - (p[i] - s) }
	for i := range d {
		s0 := 1e-3 * math.Max(1, math.Abs(p[i]))
		second := func(s float64) (difference, bool) {
			vp, ep := at(float64(i), s)
			v0, e0 := at()
			vm, em := at(float64(i), -s)
			w := span(i, s) / 2
			return difference{(vp - 2*v0 + vm) / (w * w), (ep + 2*e0 + em) / (w * w)}, w > 0
		}
		hii, tolH, smooth := agreeing(second, s0)
		if !smooth {
			continue
		}
		first := func(s float64) (difference, bool) {
			vp, ep := at(float64(i), s)
			vm, em := at(float64(i), -s)
			w := span(i, s)
			return difference{(vp - vm) / w, (ep + em) / w}, w > 0
		}
		if gi, tol, ok := agreeing(first, s0); ok && !(math.Abs(g[i]-gi) <= tol) {
			t.Fatalf("Formula(%q) at %v: ∂%d L = %v, central differences %v (tolerance %.3g)", e.String(), p, i, g[i], gi, tol)
		}
		if !(math.Abs(h[i*d+i]-hii) <= tolH) {
			t.Fatalf("Formula(%q) at %v: ∂%d∂%d L = %v, second differences %v (tolerance %.3g)", e.String(), p, i, i, h[i*d+i], hii, tolH)
		}
		for j := range i {
			s1 := 1e-3 * math.Max(1, math.Abs(p[j]))
			mixed := func(s float64) (difference, bool) {
				r := s1 / s0 // the same relative step on both axes
				vpp, epp := at(float64(i), s, float64(j), r*s)
				vpm, epm := at(float64(i), s, float64(j), -r*s)
				vmp, emp := at(float64(i), -s, float64(j), r*s)
				vmm, emm := at(float64(i), -s, float64(j), -r*s)
				w := span(i, s) * span(j, r*s)
				return difference{(vpp - vpm - vmp + vmm) / w, (epp + epm + emp + emm) / w}, w > 0
			}
			if hij, tol, ok := agreeing(mixed, s0); ok && !(math.Abs(h[i*d+j]-hij) <= tol) {
				t.Fatalf("Formula(%q) at %v: ∂%d∂%d L = %v, mixed differences %v (tolerance %.3g)", e.String(), p, i, j, h[i*d+j], hij, tol)
			}
		}
	}
}

// BenchmarkFormulaDerivatives2D measures L, ∇L and the Hessian of a 2-D
// formula: three hyperdual evaluations.
func BenchmarkFormulaDerivatives2D(b *testing.B) {
	e, err := Formula("exp(0.5*x)*((x^2-1)^2/4 + y^2/2)", 2)
	if err != nil {
		b.Fatal(err)
	}
	x, g, h := []float64{0.3, -0.2}, make([]float64, 2), make([]float64, 4)
	b.ReportAllocs()
	for b.Loop() {
		e.Derivatives(x, g, h)
	}
}

// BenchmarkFormulaValue2D measures L alone for the same formula.
func BenchmarkFormulaValue2D(b *testing.B) {
	e, err := Formula("exp(0.5*x)*((x^2-1)^2/4 + y^2/2)", 2)
	if err != nil {
		b.Fatal(err)
	}
	x := []float64{0.3, -0.2}
	b.ReportAllocs()
	for b.Loop() {
		e.Value(x)
	}
}

// BenchmarkFormulaDerivativesMullerBrown measures L, ∇L and the Hessian of
// the Müller–Brown potential written as a formula.
func BenchmarkFormulaDerivativesMullerBrown(b *testing.B) {
	e, err := Formula(mullerBrownFormula(1), 2)
	if err != nil {
		b.Fatal(err)
	}
	x, g, h := []float64{-0.3, 0.9}, make([]float64, 2), make([]float64, 4)
	b.ReportAllocs()
	for b.Loop() {
		e.Derivatives(x, g, h)
	}
}
