package grid

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestIndexCoordsRoundTrip(t *testing.T) {
	g, err := New(Axis{Lo: -1, Hi: 1, N: 4}, Axis{Lo: 0, Hi: 3, N: 3}, Axis{Lo: 0, Hi: 1, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 24 || g.Stride(1) != 4 || g.Stride(2) != 12 {
		t.Fatalf("len %d strides %d %d", g.Len(), g.Stride(1), g.Stride(2))
	}
	idx := make([]int, 3)
	x := make([]float64, 3)
	for c := 0; c < g.Len(); c++ {
		g.Coords(c, idx)
		if g.Index(idx) != c {
			t.Fatalf("round trip %d → %v → %d", c, idx, g.Index(idx))
		}
		g.Center(c, x)
		if l, ok := g.Locate(x); !ok || l != c {
			t.Fatalf("Locate(Center(%d)) = %d, %v", c, l, ok)
		}
		for k := 0; k < 3; k++ {
			if g.Coord(c, k) != idx[k] {
				t.Fatalf("Coord(%d,%d) = %d, want %d", c, k, g.Coord(c, k), idx[k])
			}
		}
	}
	if !(math.Abs(g.CellVolume()-0.5*1*0.5) <= 1e-15) || !(math.Abs(g.FaceArea(0)-0.5) <= 1e-15) {
		t.Errorf("volume %g face area %g", g.CellVolume(), g.FaceArea(0))
	}
}

func TestNeighborBoundaries(t *testing.T) {
	g, _ := New(Axis{Lo: 0, Hi: 1, N: 3, Low: Reflecting, High: Absorbing}, Axis{Lo: 0, Hi: 1, N: 4, Low: Periodic, High: Periodic})
	if _, ok := g.Neighbor(2, 0, +1); ok {
		t.Error("cell 2 has a +x neighbour at a wall")
	}
	if c, ok := g.Neighbor(0, 1, -1); !ok || c != 9 {
		t.Errorf("periodic −y neighbour of 0 = %d, %v; want 9", c, ok)
	}
	if c, ok := g.Neighbor(10, 1, +1); !ok || c != 1 {
		t.Errorf("periodic +y neighbour of 10 = %d, %v; want 1", c, ok)
	}
}

func TestNewRejects(t *testing.T) {
	for _, axes := range [][]Axis{
		nil,
		{{Lo: 0, Hi: 1, N: 1}},
		{{Lo: 1, Hi: 1, N: 10}},
		{{Lo: 0, Hi: math.Inf(1), N: 10}},
		{{Lo: 0, Hi: 1, N: 10, Low: Periodic}},
		{{Lo: 0, Hi: 1, N: 2}, {Lo: 0, Hi: 1, N: 2}, {Lo: 0, Hi: 1, N: 2}, {Lo: 0, Hi: 1, N: 2}},
	} {
		if _, err := New(axes...); err == nil {
			t.Errorf("New(%v) accepted", axes)
		}
	}
}

// TestMoments checks mass, mean and covariance of a Gaussian sampled at cell
// centres: the midpoint rule is spectrally accurate for it.
func TestMoments(t *testing.T) {
	g, _ := New(Axis{Lo: -4.5, Hi: 5.5, N: 100}, Axis{Lo: -4, Hi: 4, N: 80})
	p := make([]float64, g.Len())
	// N((0.5, 0), [[0.3, 0.1], [0.1, 0.2]]) (inverse [[4, −2], [−2, 6]]).
	g.Sample(p, func(x []float64) float64 {
		u, v := x[0]-0.5, x[1]
		return math.Exp(-(4*u*u - 4*u*v + 6*v*v) / 2)
	})
	g.Normalize(p)
	mean, cov := make([]float64, 2), make([]float64, 4)
	if m := g.Covariance(cov, mean, p); !(math.Abs(m-1) <= 1e-14) {
		t.Errorf("mass %g", m)
	}
	want := []float64{0.3, 0.1, 0.1, 0.2}
	for i := range want {
		if !(math.Abs(cov[i]-want[i]) <= 1e-14) {
			t.Errorf("cov[%d] = %.16g, want %.16g", i, cov[i], want[i])
		}
	}
	if !(math.Abs(mean[0]-0.5) <= 1e-14) || !(math.Abs(mean[1]) <= 1e-14) {
		t.Errorf("mean %v", mean)
	}
}

// TestInterpolateLinear checks that multilinear interpolation reproduces a
// bilinear function exactly between centres.
func TestInterpolateLinear(t *testing.T) {
	g, _ := New(Axis{Lo: 0, Hi: 1, N: 7}, Axis{Lo: -1, Hi: 1, N: 5})
	f := func(x []float64) float64 { return 1 + 2*x[0] - 3*x[1] + 0.5*x[0]*x[1] }
	v := make([]float64, g.Len())
	g.Sample(v, f)
	for _, x := range [][]float64{{0.3, 0.1}, {0.5, -0.55}, {0.8, 0.7}} {
		if got, want := g.Interpolate(v, x), f(x); !(math.Abs(got-want) <= 1e-13) {
			t.Errorf("Interpolate(%v) = %g, want %g", x, got, want)
		}
	}
}

// TestMomentsDirect compares Mean and Covariance on 1-, 2- and 3-D grids
// with random densities against the definition summed cell by cell with
// Center, including a narrow density far from the origin (where raw
// moments would cancel).
func TestMomentsDirect(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		axes []Axis
	}{
		{"1-D", []Axis{{Lo: -2, Hi: 3, N: 17}}},
		{"2-D", []Axis{{Lo: -2, Hi: 3, N: 9}, {Lo: 0, Hi: 1, N: 6}}},
		{"3-D", []Axis{{Lo: -2, Hi: 3, N: 5}, {Lo: 0, Hi: 1, N: 4}, {Lo: -1, Hi: 0, N: 7}}},
		{"far", []Axis{{Lo: 1e6, Hi: 1e6 + 1e-3, N: 8}, {Lo: -5e5, Hi: -5e5 + 1e-3, N: 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(tc.axes...)
			if err != nil {
				t.Fatal(err)
			}
			d, n := g.Dim(), g.Len()
			p := make([]float64, n)
			for c := range p {
				p[c] = rnd.Float64()
			}
			// The definition, two passes over Center.
			x := make([]float64, d)
			wantMean, wantCov := make([]float64, d), make([]float64, d*d)
			var mass float64
			for c, v := range p {
				g.Center(c, x)
				mass += v
				for k := range x {
					wantMean[k] += v * x[k]
				}
			}
			for k := range wantMean {
				wantMean[k] /= mass
			}
			for c, v := range p {
				g.Center(c, x)
				for i := range d {
					for j := range d {
						wantCov[i*d+j] += v * (x[i] - wantMean[i]) * (x[j] - wantMean[j]) / mass
					}
				}
			}
			mean, cov := make([]float64, d), make([]float64, d*d)
			if m, want := g.Covariance(cov, mean, p), mass*g.CellVolume(); !(math.Abs(m-want) <= 1e-14*want) {
				t.Errorf("mass %g, want %g", m, want)
			}
			for k := range mean {
				if !(math.Abs(mean[k]-wantMean[k]) <= 1e-14*math.Max(1, math.Abs(wantMean[k]))) {
					t.Errorf("mean[%d] = %.17g, want %.17g", k, mean[k], wantMean[k])
				}
			}
			scale := math.Abs(wantCov[0])
			for i := range d {
				scale = math.Max(scale, math.Abs(wantCov[i*d+i]))
			}
			for i := range wantCov {
				if !(math.Abs(cov[i]-wantCov[i]) <= 1e-12*scale) {
					t.Errorf("cov[%d] = %.17g, want %.17g", i, cov[i], wantCov[i])
				}
			}
		})
	}
}

// BenchmarkCovariance200x200 is the moments `fpsolve run` records at every
// output of a 200×200 run.
func BenchmarkCovariance200x200(b *testing.B) {
	g, _ := New(Axis{Lo: -2, Hi: 2, N: 200}, Axis{Lo: -2, Hi: 2, N: 200})
	p := make([]float64, g.Len())
	for c := range p {
		p[c] = float64(c % 7)
	}
	mean, cov := make([]float64, 2), make([]float64, 4)
	for b.Loop() {
		g.Covariance(cov, mean, p)
	}
}
