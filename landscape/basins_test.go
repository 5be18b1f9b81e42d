package landscape_test

import (
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
)

// mustGrid returns the grid or fails the test.
func mustGrid(t testing.TB, axes ...grid.Axis) *grid.Grid {
	t.Helper()
	g, err := grid.New(axes...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// mustCritical returns the critical points of l in [lo, hi] or fails the
// test.
func mustCritical(t testing.TB, l landscape.Landscape, lo, hi []float64) *landscape.Critical {
	t.Helper()
	c, err := landscape.FindCritical(l, lo, hi, landscape.CriticalSettings{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBasinMap1D checks the exact one-dimensional basins of the tilted
// double well: the label switches at the saddle itself, not at a cell face.
func TestBasinMap1D(t *testing.T) {
	l := mustBuiltin(t, "double-well", 1, map[string]any{"tilt": 0.1})
	c := mustCritical(t, l, []float64{-2.5}, []float64{2.5})
	g := mustGrid(t, grid.Axis{Lo: -2.5, Hi: 2.5, N: 4000})
	b := landscape.NewBasinMap(g, l, c)
	xs := c.Saddles[0].X[0]
	below := math.Nextafter(xs, math.Inf(-1))
	for _, tc := range []struct {
		x    float64
		want int
	}{
		{-2.5, 0}, {-1, 0}, {below, 0}, {xs, 1}, {0.5, 1}, {2.5, 1},
		{-2.6, -1}, {2.6, -1},
	} {
		if got := b.Of([]float64{tc.x}); got != tc.want {
			t.Errorf("Of(%.17g) = %d, want %d", tc.x, got, tc.want)
		}
	}
	// Every cell centre is labelled by the side of the saddle it lies on.
	x := make([]float64, 1)
	for i, lab := range b.Labels {
		g.Center(i, x)
		want := 0
		if x[0] >= xs {
			want = 1
		}
		if lab != want {
			t.Fatalf("cell %d at %v: label %d, want %d", i, x[0], lab, want)
		}
	}
}

// TestBasinMap1DMasses integrates the Boltzmann density ∝ e^{−L/T} of the
// tilted double well (tilt 0.1, T = 0.1) over the two basins and compares
// with /work/shared/reference/1d_white_noise.json (case a, tilt 0.1, T 0.1:
// stationary.mass_left_of_saddle = 0.8590602252371262, from spectral
// quadrature accurate to ~10⁻¹²).
//
// The density is sampled at the 4000 cell centres and normalized by the
// midpoint sum, so the total is 1 to rounding (10⁻¹²; the density at the
// walls, ~10⁻³¹, makes the midpoint rule spectrally accurate there). The
// mass left of the saddle is the midpoint sum over whole cells plus the
// proportional share of the cell containing the saddle. Both O(h²) error
// terms of that partial sum, the Euler–Maclaurin end term h²/24·p′ and the
// error of splitting a cell of constant density, are proportional to
// p′ = −p·L′/T, which vanishes at the saddle; what remains is O(h²·p″) ~
// 10⁻⁶·p at worst and ~10⁻¹¹ in practice. The required accuracy 10⁻⁵
// leaves a wide margin.
func TestBasinMap1DMasses(t *testing.T) {
	const temp, n = 0.1, 4000
	l := mustBuiltin(t, "double-well", 1, map[string]any{"tilt": 0.1})
	c := mustCritical(t, l, []float64{-2.5}, []float64{2.5})
	g := mustGrid(t, grid.Axis{Lo: -2.5, Hi: 2.5, N: n})
	b := landscape.NewBasinMap(g, l, c)
	p := make([]float64, n)
	x := make([]float64, 1)
	var z float64
	for i := range p {
		g.Center(i, x)
		p[i] = math.Exp(-l.Value(x) / temp)
		z += p[i] * g.CellVolume()
	}
	for i := range p {
		p[i] /= z
	}
	m := b.Masses(p)
	if len(m) != 2 {
		t.Fatalf("Masses returned %d values, want 2", len(m))
	}
	const want = 0.8590602252371262
	if !(math.Abs(m[0]-want) <= 1e-5) {
		t.Errorf("mass left of the saddle %.12f, want %.12f (error %.2g > 1e-5)", m[0], want, m[0]-want)
	}
	if !(math.Abs(m[0]+m[1]-1) <= 1e-12) {
		t.Errorf("total mass %.15f, want 1", m[0]+m[1])
	}
	t.Logf("mass left of saddle %.12f, reference %.12f, error %.2g", m[0], want, m[0]-want)
}

// TestBasinMap1DUnreached checks that where steepest descent leaves the
// domain the label is −1: on [−2.5, 0.5] the right minimum of the double
// well lies outside, so everything right of the saddle is unlabelled, and
// its mass is not counted.
func TestBasinMap1DUnreached(t *testing.T) {
	l := mustBuiltin(t, "double-well", 1, map[string]any{"tilt": 0.1})
	c := mustCritical(t, l, []float64{-2.5}, []float64{0.5})
	if len(c.Minima) != 1 || len(c.Saddles) != 1 || c.Saddles[0].Connects[0] != 0 || c.Saddles[0].Connects[1] != -1 {
		t.Fatalf("%d minima, saddles %+v", len(c.Minima), c.Saddles)
	}
	g := mustGrid(t, grid.Axis{Lo: -2.5, Hi: 0.5, N: 30})
	b := landscape.NewBasinMap(g, l, c)
	if got := b.Of([]float64{0.2}); got != -1 {
		t.Errorf("Of(0.2) = %d, want -1", got)
	}
	if got := b.Of([]float64{0}); got != 0 {
		t.Errorf("Of(0) = %d, want 0", got)
	}
	// A uniform density of total mass 1: the basin is [−2.5, saddle].
	p := make([]float64, g.Len())
	for i := range p {
		p[i] = 1.0 / 3
	}
	want := (c.Saddles[0].X[0] + 2.5) / 3
	if m := b.Masses(p); len(m) != 1 || !(math.Abs(m[0]-want) <= 1e-14) {
		t.Errorf("Masses = %v, want [%.15f]", m, want)
	}
	// Without critical points nothing is labelled.
	b = landscape.NewBasinMap(g, l, nil)
	for i, lab := range b.Labels {
		if lab != -1 {
			t.Fatalf("nil Critical: label %d of cell %d", lab, i)
		}
	}
	if m := b.Masses(p); len(m) != 0 {
		t.Errorf("nil Critical: Masses = %v", m)
	}
}

// components returns the number of connected regions of cells with label
// lab, counting cells as adjacent through faces only (diag false) or also
// through edges and corners (diag true).
func components(g *grid.Grid, labels []int, lab int, diag bool) int {
	nx, ny := g.N(0), g.N(1)
	seen := make([]bool, len(labels))
	n := 0
	var stack []int
	for c := range labels {
		if labels[c] != lab || seen[c] {
			continue
		}
		n++
		seen[c] = true
		stack = append(stack[:0], c)
		for len(stack) > 0 {
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			i, j := e%nx, e/nx
			for dj := -1; dj <= 1; dj++ {
				for di := -1; di <= 1; di++ {
					if (di == 0 && dj == 0) || (!diag && di != 0 && dj != 0) {
						continue
					}
					a, b := i+di, j+dj
					if a < 0 || a >= nx || b < 0 || b >= ny {
						continue
					}
					f := a + b*nx
					if labels[f] == lab && !seen[f] {
						seen[f] = true
						stack = append(stack, f)
					}
				}
			}
		}
	}
	return n
}

// TestBasinMapMullerBrown checks the discrete basins of the Müller–Brown
// potential on a 200×200 grid.
func TestBasinMapMullerBrown(t *testing.T) {
	l := mustBuiltin(t, "muller-brown", 2, nil)
	lo, hi := []float64{-1.5, -0.5}, []float64{1.2, 2.0}
	c := mustCritical(t, l, lo, hi)
	g := mustGrid(t, grid.Axis{Lo: lo[0], Hi: hi[0], N: 200}, grid.Axis{Lo: lo[1], Hi: hi[1], N: 200})
	b := landscape.NewBasinMap(g, l, c)
	if len(b.Labels) != g.Len() {
		t.Fatalf("%d labels for %d cells", len(b.Labels), g.Len())
	}
	// The cell holding each minimum is in its basin.
	for m, p := range c.Minima {
		if got := b.Of(p.X); got != m {
			t.Errorf("minimum %d at %v: label %d", m, p.X, got)
		}
	}
	// Each basin is one region, connected through cell faces.
	counts := make(map[int]int)
	for _, lab := range b.Labels {
		counts[lab]++
	}
	for m := range c.Minima {
		if n := components(g, b.Labels, m, false); n != 1 {
			t.Errorf("basin %d has %d face-connected components, want 1", m, n)
		}
	}
	// Points 90 % of the way from a minimum to a saddle it connects to lie
	// in its basin: the unstable manifold of a saddle runs into the basins
	// it connects, and at the MB saddles the basins are several cells wide
	// there (the segment point is ≥ 0.02 from the saddle, 1.5 cells).
	for i, s := range c.Saddles {
		for _, m := range s.Connects {
			x := make([]float64, 2)
			for k := range x {
				x[k] = c.Minima[m].X[k] + 0.9*(s.X[k]-c.Minima[m].X[k])
			}
			if got := b.Of(x); got != m {
				t.Errorf("saddle %d: point %v between it and minimum %d has label %d", i, x, m, got)
			}
		}
	}
	t.Logf("cells per label: %v", counts)
}

// TestBasinMapFlatSharp checks that along the valley y ≈ 0 of the
// flat-sharp landscape the basin boundary sits at the saddle to within two
// cells.
func TestBasinMapFlatSharp(t *testing.T) {
	const beta = 0.5
	l := mustBuiltin(t, "flat-sharp", 2, map[string]any{"beta": beta})
	lo, hi := []float64{-2.5, -2}, []float64{2.5, 2}
	c := mustCritical(t, l, lo, hi)
	g := mustGrid(t, grid.Axis{Lo: lo[0], Hi: hi[0], N: 200}, grid.Axis{Lo: lo[1], Hi: hi[1], N: 160})
	b := landscape.NewBasinMap(g, l, c)
	xs := (-2 + math.Sqrt(4+beta*beta)) / beta
	h := g.H(0)
	x := make([]float64, 2)
	checked := 0
	for i, lab := range b.Labels {
		g.Center(i, x)
		if !(math.Abs(x[1]) <= 0.1) {
			continue
		}
		want := -1
		switch {
		case x[0] < xs-2*h:
			want = 0 // flat minimum (−1, 0)
		case x[0] > xs+2*h:
			want = 1 // sharp minimum (1, 0)
		default:
			continue
		}
		checked++
		if lab != want {
			t.Errorf("cell %d at %v: label %d, want %d", i, x, lab, want)
		}
	}
	if checked == 0 {
		t.Fatal("no cells checked")
	}
}

// TestBasinMapPeriodic checks that descent wraps around a periodic axis:
// L = −cos(π(x − 0.2)) + y² on [0, 2) × [−1, 1], periodic in x, has its
// minimum at (0.2, 0) and its saddle at (1.2, 0); cells right of the saddle
// descend through x = 2 ≡ 0 to the minimum, so every cell is in basin 0.
// Without the wrap those cells end at the face x = 2 and are unlabelled.
func TestBasinMapPeriodic(t *testing.T) {
	l, err := landscape.Formula("-cos(pi*(x-0.2)) + y^2", 2)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := []float64{0, -1}, []float64{2, 1}
	c := mustCritical(t, l, lo, hi)
	if len(c.Minima) != 1 || len(c.Saddles) != 1 {
		t.Fatalf("%d minima, %d saddles", len(c.Minima), len(c.Saddles))
	}
	for _, tc := range []struct {
		name string
		bc   grid.Boundary
		want int // label of cells right of the saddle
	}{{"periodic", grid.Periodic, 0}, {"reflecting", grid.Reflecting, -1}} {
		g := mustGrid(t, grid.Axis{Lo: 0, Hi: 2, N: 80, Low: tc.bc, High: tc.bc}, grid.Axis{Lo: -1, Hi: 1, N: 40})
		b := landscape.NewBasinMap(g, l, c)
		x := make([]float64, 2)
		for i, lab := range b.Labels {
			g.Center(i, x)
			want := 0
			if x[0] > 1.2+2*g.H(0) {
				want = tc.want
			} else if x[0] > 1.2-2*g.H(0) {
				continue
			}
			if lab != want {
				t.Errorf("%s: cell %d at %v: label %d, want %d", tc.name, i, x, lab, want)
				break
			}
		}
	}
}

// TestBasinMap3D checks the 3-D Styblinski–Tang function on a 30³ grid:
// the cell of each of the 8 minima carries its label, and the masses of a
// uniform density add up to the domain volume (every cell descends to a
// minimum of the separable function, so none is unlabelled).
func TestBasinMap3D(t *testing.T) {
	l := mustBuiltin(t, "styblinski-tang", 3, nil)
	lo, hi := []float64{-5, -5, -5}, []float64{5, 5, 5}
	c := mustCritical(t, l, lo, hi)
	ax := grid.Axis{Lo: -5, Hi: 5, N: 30}
	g := mustGrid(t, ax, ax, ax)
	b := landscape.NewBasinMap(g, l, c)
	for m, p := range c.Minima {
		if got := b.Of(p.X); got != m {
			t.Errorf("minimum %d at %v: label %d", m, p.X, got)
		}
	}
	p := make([]float64, g.Len())
	for i := range p {
		p[i] = 1
	}
	var total float64
	for _, m := range b.Masses(p) {
		total += m
	}
	// 1000 is the volume 10³; the sum of 27000 cell volumes rounds to 10⁻¹⁰.
	if !(math.Abs(total-1000) <= 1e-9) {
		t.Errorf("total mass %v, want 1000", total)
	}
}

func BenchmarkNewBasinMapMullerBrown1000(b *testing.B) {
	l := mustBuiltin(b, "muller-brown", 2, nil)
	lo, hi := []float64{-1.5, -0.5}, []float64{1.2, 2.0}
	c := mustCritical(b, l, lo, hi)
	g := mustGrid(b, grid.Axis{Lo: lo[0], Hi: hi[0], N: 1000}, grid.Axis{Lo: lo[1], Hi: hi[1], N: 1000})
	for b.Loop() {
		landscape.NewBasinMap(g, l, c)
	}
}
