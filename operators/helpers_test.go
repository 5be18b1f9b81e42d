package operators

import "github.com/fpsolve/fpsolve/grid"

// testLoss is a loss given by closed forms, for tests independent of the
// landscape package.
type testLoss struct {
	d    int
	f    func(x []float64) float64
	grad func(x, g []float64)
	hess func(x, h []float64)
}

func (l testLoss) Dim() int                  { return l.d }
func (l testLoss) Value(x []float64) float64 { return l.f(x) }
func (l testLoss) Derivatives(x, g, h []float64) float64 {
	if g != nil {
		l.grad(x, g)
	}
	if h != nil {
		l.hess(x, h)
	}
	return l.f(x)
}

// doubleWell is x⁴/4 − x²/2 + tilt·x.
func doubleWell(tilt float64) testLoss {
	return testLoss{d: 1,
		f:    func(x []float64) float64 { return x[0]*x[0]*x[0]*x[0]/4 - x[0]*x[0]/2 + tilt*x[0] },
		grad: func(x, g []float64) { g[0] = x[0]*x[0]*x[0] - x[0] + tilt },
		hess: func(x, h []float64) { h[0] = 3*x[0]*x[0] - 1 },
	}
}

// quadratic2 is ½θᵀAθ in two dimensions.
func quadratic2(a [4]float64) testLoss {
	return testLoss{d: 2,
		f: func(x []float64) float64 {
			return 0.5 * (a[0]*x[0]*x[0] + 2*a[1]*x[0]*x[1] + a[3]*x[1]*x[1])
		},
		grad: func(x, g []float64) { g[0] = a[0]*x[0] + a[1]*x[1]; g[1] = a[2]*x[0] + a[3]*x[1] },
		hess: func(x, h []float64) { copy(h, a[:]) },
	}
}

// wells2 is (x²−1)² + y² + 0.3·x·y, a 2-D double well.
func wells2() testLoss {
	return testLoss{d: 2,
		f: func(x []float64) float64 {
			return (x[0]*x[0]-1)*(x[0]*x[0]-1) + x[1]*x[1] + 0.3*x[0]*x[1]
		},
		grad: func(x, g []float64) {
			g[0] = 4*x[0]*(x[0]*x[0]-1) + 0.3*x[1]
			g[1] = 2*x[1] + 0.3*x[0]
		},
		hess: func(x, h []float64) { h[0] = 12*x[0]*x[0] - 4; h[1] = 0.3; h[2] = 0.3; h[3] = 2 },
	}
}

// bowl3 is Σ xᵢ⁴/4 + x·y/2 + y·z/3 in three dimensions.
func bowl3() testLoss {
	return testLoss{d: 3,
		f: func(x []float64) float64 {
			return (x[0]*x[0]*x[0]*x[0]+x[1]*x[1]*x[1]*x[1]+x[2]*x[2]*x[2]*x[2])/4 + x[0]*x[1]/2 + x[1]*x[2]/3
		},
		grad: func(x, g []float64) {
			g[0] = x[0]*x[0]*x[0] + x[1]/2
			g[1] = x[1]*x[1]*x[1] + x[0]/2 + x[2]/3
			g[2] = x[2]*x[2]*x[2] + x[1]/3
		},
		hess: func(x, h []float64) {
			h[0], h[1], h[2] = 3*x[0]*x[0], 0.5, 0
			h[3], h[4], h[5] = 0.5, 3*x[1]*x[1], 1.0/3
			h[6], h[7], h[8] = 0, 1.0/3, 3*x[2]*x[2]
		},
	}
}

func mustGrid(axes ...grid.Axis) *grid.Grid {
	g, err := grid.New(axes...)
	if err != nil {
		panic(err)
	}
	return g
}

func axis(lo, hi float64, n int, low, high grid.Boundary) grid.Axis {
	return grid.Axis{Lo: lo, Hi: hi, N: n, Low: low, High: high}
}
