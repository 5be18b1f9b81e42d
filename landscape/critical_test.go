package landscape_test

import (
	"encoding/json"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/landscape"
)

// refCritical is a critical point of testdata/critical_points.json.
type refCritical struct {
	Label   string        `json:"label"`
	Kind    string        `json:"kind"`
	X       float64       `json:"x"`
	Y       float64       `json:"y"`
	Value   float64       `json:"value"`
	Hessian [2][2]float64 `json:"hessian"`
}

// readCriticalReference reads the Müller–Brown, Styblinski–Tang and
// flat-sharp reference points, keyed by label.
func readCriticalReference(t testing.TB) (mb, st, fs map[string]refCritical) {
	t.Helper()
	b, err := os.ReadFile("testdata/critical_points.json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		MullerBrown []refCritical `json:"muller_brown"`
		Styblinski  []refCritical `json:"styblinski_tang_2d"`
		FlatSharp   struct {
			CriticalPoints []refCritical `json:"critical_points"`
		} `json:"flat_sharp"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	byLabel := func(ps []refCritical) map[string]refCritical {
		m := make(map[string]refCritical)
		for _, p := range ps {
			m[p.Label] = p
		}
		return m
	}
	return byLabel(r.MullerBrown), byLabel(r.Styblinski), byLabel(r.FlatSharp.CriticalPoints)
}

// wantPoint is an expected critical point.
type wantPoint struct {
	label string
	x     []float64
	loss  float64
	eig   []float64 // ascending
}

// fromRef returns the expected point of the 2-D reference p, with the
// eigenvalues of its symmetric 2×2 Hessian in closed form.
func fromRef(p refCritical) wantPoint {
	a, b, d := p.Hessian[0][0], p.Hessian[0][1], p.Hessian[1][1]
	m, r := (a+d)/2, math.Hypot((a-d)/2, b)
	return wantPoint{label: p.Label, x: []float64{p.X, p.Y}, loss: p.Value, eig: []float64{m - r, m + r}}
}

// refPoints returns the points of ref with the given labels, in order.
func refPoints(ref map[string]refCritical, labels ...string) []wantPoint {
	w := make([]wantPoint, len(labels))
	for i, l := range labels {
		w[i] = fromRef(ref[l])
	}
	return w
}

// criticalCase is a FindCritical test case. Expected points are listed in
// the order FindCritical must return them.
type criticalCase struct {
	name    string
	l       landscape.Landscape
	lo, hi  []float64
	minima  []wantPoint
	saddles []wantPoint
	others  []wantPoint
	// connects lists, for each saddle, the labels of the two minima it
	// connects, in either order.
	connects [][2]string
	// xTol is the absolute tolerance on positions, relTol the relative one
	// on losses and eigenvalues.
	xTol, relTol float64
}

// mustBuiltin returns the built-in landscape or fails the test.
func mustBuiltin(t testing.TB, name string, dim int, params map[string]any) landscape.Landscape {
	t.Helper()
	l, err := landscape.Builtin(name, dim, params)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Reference values of the tilted double well x⁴/4 − x²/2 + 0.1·x, from
// /work/shared/reference/1d_white_noise.json (case a, tilt 0.1): the roots of
// x³ − x + 0.1, their losses and L″ = 3x² − 1, accurate to about 10⁻¹⁶.
var (
	dwLeft   = wantPoint{label: "left", x: []float64{-1.0466805318046022}, loss: -0.35238607380003645, eig: []float64{2.2866204069762945}}
	dwRight  = wantPoint{label: "right", x: []float64{0.9456492739235914}, loss: -0.15263944177378452, eig: []float64{1.682757647816647}}
	dwSaddle = wantPoint{label: "saddle", x: []float64{0.10103125788101082}, loss: 0.005025515573820983, eig: []float64{-0.969378054792942}}
)

func criticalCases(t *testing.T) []criticalCase {
	mb, st, fs := readCriticalReference(t)
	beta := 0.5
	fsSaddle := (-2 + math.Sqrt(4+beta*beta)) / beta
	return []criticalCase{
		{
			// Tolerances: the roots are simple and L″ ≥ 0.97 there, so
			// Newton's method polished to |L′| ~ 10⁻¹⁷ places them within a
			// few ulps; 10⁻¹² leaves room for the reference's own rounding.
			name: "double-well tilt 0", l: mustBuiltin(t, "double-well", 1, nil),
			lo: []float64{-2.5}, hi: []float64{2.5},
			minima: []wantPoint{
				{label: "left", x: []float64{-1}, loss: -0.25, eig: []float64{2}},
				{label: "right", x: []float64{1}, loss: -0.25, eig: []float64{2}},
			},
			saddles:  []wantPoint{{label: "saddle", x: []float64{0}, loss: 0, eig: []float64{-1}}},
			connects: [][2]string{{"left", "right"}},
			xTol:     1e-12, relTol: 1e-12,
		},
		{
			name: "double-well tilt 0.1", l: mustBuiltin(t, "double-well", 1, map[string]any{"tilt": 0.1}),
			lo: []float64{-2.5}, hi: []float64{2.5},
			minima:   []wantPoint{dwLeft, dwRight},
			saddles:  []wantPoint{dwSaddle},
			connects: [][2]string{{"left", "right"}},
			xTol:     1e-12, relTol: 1e-12,
		},
		{
			// Tolerances 10⁻⁹ as in the landscape tests of the reference:
			// the Hessian entries are O(10³), so positions are resolved to
			// ~10⁻¹⁶ and losses/eigenvalues to ~10⁻¹³ relative; 10⁻⁹ is a
			// generous bound that still detects a wrong root.
			name: "muller-brown", l: mustBuiltin(t, "muller-brown", 2, nil),
			lo: []float64{-1.5, -0.5}, hi: []float64{1.2, 2.0},
			minima:  refPoints(mb, "MA", "MB", "MC"),
			saddles: refPoints(mb, "S2", "S1"),
			// Connectivity from /work/shared/reference/critical_points.json
			// (field connects), verified there by integrating the descent.
			connects: [][2]string{{"MC", "MB"}, {"MC", "MA"}},
			xTol:     1e-9, relTol: 1e-9,
		},
		{
			// LR/RL and LM/ML (and MR/RM) have equal losses, so they order
			// by x.
			name: "styblinski-tang 2-D", l: mustBuiltin(t, "styblinski-tang", 2, nil),
			lo: []float64{-5, -5}, hi: []float64{5, 5},
			minima:   refPoints(st, "LL", "LR", "RL", "RR"),
			saddles:  refPoints(st, "LM", "ML", "MR", "RM"),
			others:   refPoints(st, "MM"),
			connects: [][2]string{{"LR", "LL"}, {"RL", "LL"}, {"RR", "LR"}, {"RR", "RL"}},
			xTol:     1e-9, relTol: 1e-9,
		},
		{
			// Both minima have L = 0, so the flat one at x = −1 comes first.
			// The saddle position is the closed form, not the reference.
			name: "flat-sharp", l: mustBuiltin(t, "flat-sharp", 2, map[string]any{"beta": beta}),
			lo: []float64{-2.5, -2}, hi: []float64{2.5, 2},
			minima: refPoints(fs, "flat_min", "sharp_min"),
			saddles: []wantPoint{func() wantPoint {
				w := fromRef(fs["saddle"])
				w.x[0] = fsSaddle
				return w
			}()},
			connects: [][2]string{{"flat_min", "sharp_min"}},
			xTol:     1e-12, relTol: 1e-12,
		},
		{
			name: "quadratic diag(1, 2)", l: mustBuiltin(t, "quadratic", 2, map[string]any{"A": [][]float64{{1, 0}, {0, 2}}}),
			lo: []float64{-1, -1}, hi: []float64{1, 1},
			minima: []wantPoint{{label: "origin", x: []float64{0, 0}, loss: 0, eig: []float64{1, 2}}},
			xTol:   1e-12, relTol: 1e-12,
		},
	}
}

// relDiff returns |got − want| / max(|want|, 1): relative for large values
// and absolute below 1, where the critical losses cross zero.
func relDiff(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1)
}

// checkPoints compares found points with the expected ones, in order, and
// returns the label of each found point.
func checkPoints(t *testing.T, what string, got []landscape.Point, want []wantPoint, kind landscape.Kind, xTol, relTol float64) []string {
	t.Helper()
	if len(got) != len(want) {
		var xs []string
		for _, p := range got {
			xs = append(xs, fmt.Sprintf("%v (%v)", p.X, p.Kind))
		}
		t.Fatalf("%d %s %s, want %d", len(got), what, strings.Join(xs, ", "), len(want))
	}
	labels := make([]string, len(got))
	var worstX, worstL, worstE float64
	defer func() {
		if len(got) > 0 {
			t.Logf("%s: max |Δx| %.2g, max loss error %.2g, max eigenvalue error %.2g", what, worstX, worstL, worstE)
		}
	}()
	for i, p := range got {
		w := want[i]
		labels[i] = w.label
		var dx float64
		for k := range w.x {
			dx = math.Max(dx, math.Abs(p.X[k]-w.x[k]))
		}
		worstX = math.Max(worstX, dx)
		worstL = math.Max(worstL, relDiff(p.Loss, w.loss))
		if dx > xTol {
			t.Errorf("%s %d (%s): x = %.17g, want %.17g (|Δx| = %.2g > %g)", what, i, w.label, p.X, w.x, dx, xTol)
		}
		if e := relDiff(p.Loss, w.loss); e > relTol {
			t.Errorf("%s %d (%s): L = %.17g, want %.17g (error %.2g > %g)", what, i, w.label, p.Loss, w.loss, e, relTol)
		}
		var scale float64
		for _, l := range w.eig {
			scale = math.Max(scale, math.Abs(l))
		}
		for k := range w.eig {
			worstE = math.Max(worstE, math.Abs(p.Eigenvalues[k]-w.eig[k])/scale)
		}
		for k := range w.eig {
			if e := math.Abs(p.Eigenvalues[k]-w.eig[k]) / scale; e > relTol {
				t.Errorf("%s %d (%s): eigenvalues %.17g, want %.17g (error %.2g > %g)", what, i, w.label, p.Eigenvalues, w.eig, e, relTol)
				break
			}
		}
		if p.Kind != kind {
			t.Errorf("%s %d (%s): kind %v, want %v", what, i, w.label, p.Kind, kind)
		}
		checkEigen(t, p)
	}
	return labels
}

// checkEigen checks that the columns of p.Eigenvectors are unit
// eigenvectors of p.Hessian with the sign convention, to 10⁻¹² relative to
// the largest |eigenvalue| (LAPACK's backward error is a few ε·‖H‖).
func checkEigen(t *testing.T, p landscape.Point) {
	t.Helper()
	d := len(p.X)
	var scale float64
	for _, l := range p.Eigenvalues {
		scale = math.Max(scale, math.Abs(l))
	}
	for j := range d {
		var nrm, res float64
		big := 0
		for i := range d {
			v := p.Eigenvectors[i*d+j]
			nrm += v * v
			if !(math.Abs(v) <= math.Abs(p.Eigenvectors[big*d+j])) {
				big = i
			}
			var hv float64
			for k := range d {
				hv += p.Hessian[i*d+k] * p.Eigenvectors[k*d+j]
			}
			res = math.Max(res, math.Abs(hv-p.Eigenvalues[j]*v))
		}
		if !(math.Abs(nrm-1) <= 1e-12) || res > 1e-12*scale || p.Eigenvectors[big*d+j] <= 0 {
			t.Errorf("x = %v: eigenvector %d: |v|² = %v, |Hv − λv| = %.2g, largest component %v",
				p.X, j, nrm, res, p.Eigenvectors[big*d+j])
		}
	}
	if !slices.IsSorted(p.Eigenvalues) {
		t.Errorf("x = %v: eigenvalues %v not ascending", p.X, p.Eigenvalues)
	}
}

func TestFindCritical(t *testing.T) {
	for _, tc := range criticalCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			c, err := landscape.FindCritical(tc.l, tc.lo, tc.hi, landscape.CriticalSettings{})
			if err != nil {
				t.Fatal(err)
			}
			minLabels := checkPoints(t, "minima", c.Minima, tc.minima, landscape.Minimum, tc.xTol, tc.relTol)
			sp := make([]landscape.Point, len(c.Saddles))
			for i, s := range c.Saddles {
				sp[i] = s.Point
			}
			checkPoints(t, "saddles", sp, tc.saddles, landscape.SaddlePoint, tc.xTol, tc.relTol)
			checkPoints(t, "others", c.Others, tc.others, landscape.Maximum, tc.xTol, tc.relTol)
			for i, s := range c.Saddles {
				var got [2]string
				for j, m := range s.Connects {
					if m < 0 || m >= len(minLabels) {
						t.Fatalf("saddle %d (%s): Connects = %v", i, tc.saddles[i].label, s.Connects)
					}
					got[j] = minLabels[m]
				}
				want := tc.connects[i]
				if got != want && got != [2]string{want[1], want[0]} {
					t.Errorf("saddle %d (%s) connects %v, want %v", i, tc.saddles[i].label, got, want)
				}
				// The barrier from each connected minimum is the loss
				// difference, to the same relative tolerance.
				for _, m := range s.Connects {
					b := c.Barrier(i, m)
					want := tc.saddles[i].loss - tc.minima[m].loss
					if relDiff(b, want) > tc.relTol {
						t.Errorf("saddle %d: Barrier from %s = %.17g, want %.17g", i, minLabels[m], b, want)
					}
				}
			}
			t.Logf("%d minima, %d saddles, %d others", len(c.Minima), len(c.Saddles), len(c.Others))
		})
	}
}

// TestDoubleWellBarriers checks Barrier, LowestSaddle and Nearest on the
// tilted double well against the barriers of
// /work/shared/reference/1d_white_noise.json (tilt 0.1), whose losses are
// accurate to ~10⁻¹⁶; 10⁻¹² allows for rounding of the differences.
func TestDoubleWellBarriers(t *testing.T) {
	l := mustBuiltin(t, "double-well", 1, map[string]any{"tilt": 0.1})
	c, err := landscape.FindCritical(l, []float64{-2.5}, []float64{2.5}, landscape.CriticalSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Minima) != 2 || len(c.Saddles) != 1 {
		t.Fatalf("%d minima, %d saddles", len(c.Minima), len(c.Saddles))
	}
	for _, tc := range []struct {
		m    int
		want float64
	}{{0, 0.3574115893738574}, {1, 0.1576649573476055}} {
		if s := c.LowestSaddle(tc.m); s != 0 {
			t.Errorf("LowestSaddle(%d) = %d, want 0", tc.m, s)
		}
		if b := c.Barrier(0, tc.m); !(math.Abs(b-tc.want) <= 1e-12) {
			t.Errorf("Barrier(0, %d) = %.17g, want %.17g", tc.m, b, tc.want)
		}
	}
	if s := c.LowestSaddle(2); s != -1 {
		t.Errorf("LowestSaddle(2) = %d, want -1", s)
	}
	for _, tc := range []struct {
		x    float64
		want int
	}{{-2, 0}, {-0.06, 0}, {-0.04, 1}, {0.101, 1}, {2.4, 1}} {
		// The midpoint of the minima is −0.0505.
		if m := c.Nearest([]float64{tc.x}); m != tc.want {
			t.Errorf("Nearest(%v) = %d, want %d", tc.x, m, tc.want)
		}
	}
	if m := (&landscape.Critical{}).Nearest([]float64{0}); m != -1 {
		t.Errorf("Nearest with no minima = %d, want -1", m)
	}
}

// TestFindCriticalDegenerate checks the classification of critical points
// with singular Hessians, each on the box [−1, 1]², where it is the only
// critical point.
func TestFindCriticalDegenerate(t *testing.T) {
	for _, tc := range []struct {
		formula string
		kind    landscape.Kind
		// xTol bounds the distance of the found point from the origin.
		// Newton's method converges only linearly to a degenerate root
		// (by the factor 2/3 per step for x⁴), but keeps polishing while
		// |∇L| decreases; 10⁻¹² is far above what 100 steps reach (the
		// errors seen are below 10⁻¹⁹) and far below a lattice spacing.
		xTol float64
	}{
		// L = x² is critical on the whole line x = 0; the scan's single
		// seed lands on one point of it, whose eigenvalues are [0 2].
		{"x^2", landscape.Other, math.Inf(1)},
		// Every eigenvalue vanishes at the origin, so only the comparison
		// with the curvature scale of the scan can tell.
		{"x^4 + y^4", landscape.Other, 1e-12},
		{"x^3 - 3*x*y^2", landscape.Other, 1e-12}, // the monkey saddle
		// Very anisotropic but not degenerate: the eigenvalue ratio
		// 5·10⁻¹⁰ is above the threshold 10⁻¹⁰.
		{"x^2 + 1e-9*y^2", landscape.Minimum, 1e-12},
	} {
		l, err := landscape.Formula(tc.formula, 2)
		if err != nil {
			t.Fatal(err)
		}
		c, err := landscape.FindCritical(l, []float64{-1, -1}, []float64{1, 1}, landscape.CriticalSettings{})
		if err != nil {
			t.Fatal(err)
		}
		all := append(slices.Clone(c.Minima), c.Others...)
		for _, s := range c.Saddles {
			all = append(all, s.Point)
		}
		if len(all) != 1 {
			t.Errorf("%s: found %d critical points, want 1", tc.formula, len(all))
			continue
		}
		p := all[0]
		if p.Kind != tc.kind || !(math.Abs(p.X[0]) <= 1e-12) || !(math.Abs(p.X[1]) <= tc.xTol) {
			t.Errorf("%s: %v at %v with eigenvalues %v; want %v at the origin", tc.formula, p.Kind, p.X, p.Eigenvalues, tc.kind)
		}
	}
}

// TestFindCriticalEmpty checks that a box without critical points gives an
// empty result and no error.
func TestFindCriticalEmpty(t *testing.T) {
	l := mustBuiltin(t, "quadratic", 2, nil)
	c, err := landscape.FindCritical(l, []float64{1, 1}, []float64{2, 2}, landscape.CriticalSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Minima)+len(c.Saddles)+len(c.Others) != 0 {
		t.Errorf("found %+v in a box without critical points", c)
	}
}

// TestFindCriticalSettings checks a custom scan and tolerance on the 3-D
// Styblinski–Tang function, which has 3³ = 27 critical points: 2³ minima,
// 12 index-1 saddles, 6 index-2 saddles and one maximum.
func TestFindCriticalSettings(t *testing.T) {
	l := mustBuiltin(t, "styblinski-tang", 3, nil)
	lo, hi := []float64{-5, -5, -5}, []float64{5, 5, 5}
	c, err := landscape.FindCritical(l, lo, hi, landscape.CriticalSettings{Scan: []int{16, 20, 24}, Tol: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	var kinds [4]int
	for _, p := range c.Others {
		kinds[p.Kind]++
	}
	if len(c.Minima) != 8 || len(c.Saddles) != 12 || kinds[landscape.Other] != 6 || kinds[landscape.Maximum] != 1 {
		t.Errorf("%d minima, %d saddles, others by kind %v; want 8, 12, [0 0 1 6]", len(c.Minima), len(c.Saddles), kinds)
	}
	// Each index-1 saddle differs from two minima in one coordinate and
	// connects them; both ends must be found.
	for i, s := range c.Saddles {
		if s.Connects[0] < 0 || s.Connects[1] < 0 || s.Connects[0] == s.Connects[1] {
			t.Errorf("saddle %d at %v connects %v", i, s.X, s.Connects)
		}
	}
	// The global minimum has loss 3·(−39.16616570377141), from the 1-D
	// values of /work/shared/reference/critical_points.json; relative 10⁻¹³
	// bounds the rounding of the sum.
	if got, want := c.Minima[0].Loss, 3*-39.16616570377141; relDiff(got, want) > 1e-13 {
		t.Errorf("global minimum loss %.17g, want %.17g", got, want)
	}
}

func TestFindCriticalErrors(t *testing.T) {
	dw := mustBuiltin(t, "double-well", 1, nil)
	mb := mustBuiltin(t, "muller-brown", 2, nil)
	nan := math.NaN()
	for _, tc := range []struct {
		name   string
		l      landscape.Landscape
		lo, hi []float64
		s      landscape.CriticalSettings
		msg    string
	}{
		{"nil landscape", nil, []float64{0}, []float64{1}, landscape.CriticalSettings{}, "nil landscape"},
		{"short lo", mb, []float64{0}, []float64{1, 1}, landscape.CriticalSettings{}, "lengths 1 and 2, want 2"},
		{"long hi", dw, []float64{0}, []float64{1, 1}, landscape.CriticalSettings{}, "lengths 1 and 2, want 1"},
		{"lo = hi", mb, []float64{0, 1}, []float64{1, 1}, landscape.CriticalSettings{}, "axis 1 interval [1, 1]"},
		{"lo > hi", dw, []float64{1}, []float64{0}, landscape.CriticalSettings{}, "axis 0 interval [1, 0]"},
		{"NaN bound", dw, []float64{nan}, []float64{0}, landscape.CriticalSettings{}, "axis 0 interval [NaN, 0]"},
		{"infinite bound", dw, []float64{0}, []float64{math.Inf(1)}, landscape.CriticalSettings{}, "must be finite"},
		{"scan length", mb, []float64{0, 0}, []float64{1, 1}, landscape.CriticalSettings{Scan: []int{10}}, "Scan has length 1"},
		{"scan too small", mb, []float64{0, 0}, []float64{1, 1}, landscape.CriticalSettings{Scan: []int{10, 2}}, "Scan[1] = 2"},
		{"scan too large", mb, []float64{0, 0}, []float64{1, 1}, landscape.CriticalSettings{Scan: []int{1 << 14, 1 << 14}}, "too many points"},
		{"negative tol", dw, []float64{0}, []float64{1}, landscape.CriticalSettings{Tol: -1}, "Tol = -1"},
		{"NaN tol", dw, []float64{0}, []float64{1}, landscape.CriticalSettings{Tol: nan}, "Tol = NaN"},
	} {
		c, err := landscape.FindCritical(tc.l, tc.lo, tc.hi, tc.s)
		if err == nil || c != nil {
			t.Errorf("%s: got %v, %v; want an error", tc.name, c, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "landscape: ") {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.msg)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[landscape.Kind]string{
		landscape.Minimum: "minimum", landscape.SaddlePoint: "saddle", landscape.Maximum: "maximum",
		landscape.Other: "other", landscape.Kind(7): "Kind(7)",
	} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func ExampleFindCritical() {
	l, err := landscape.Builtin("double-well", 1, map[string]any{"tilt": 0.1})
	if err != nil {
		log.Fatal(err)
	}
	c, err := landscape.FindCritical(l, []float64{-2.5}, []float64{2.5}, landscape.CriticalSettings{})
	if err != nil {
		log.Fatal(err)
	}
	for i, m := range c.Minima {
		fmt.Printf("minimum %d: x = %.6f, L = %.6f, L″ = %.6f\n", i, m.X[0], m.Loss, m.Eigenvalues[0])
	}
	for i, s := range c.Saddles {
		fmt.Printf("saddle %d: x = %.6f, L = %.6f, connects minima %d and %d\n", i, s.X[0], s.Loss, s.Connects[0], s.Connects[1])
		for _, m := range s.Connects {
			fmt.Printf("  barrier from minimum %d: %.6f\n", m, c.Barrier(i, m))
		}
	}
	// Output:
	// minimum 0: x = -1.046681, L = -0.352386, L″ = 2.286620
	// minimum 1: x = 0.945649, L = -0.152639, L″ = 1.682758
	// saddle 0: x = 0.101031, L = 0.005026, connects minima 0 and 1
	//   barrier from minimum 0: 0.357412
	//   barrier from minimum 1: 0.157665
}

func BenchmarkFindCriticalMullerBrown(b *testing.B) {
	l := mustBuiltin(b, "muller-brown", 2, nil)
	lo, hi := []float64{-1.5, -0.5}, []float64{1.2, 2.0}
	for b.Loop() {
		if _, err := landscape.FindCritical(l, lo, hi, landscape.CriticalSettings{}); err != nil {
			b.Fatal(err)
		}
	}
}
