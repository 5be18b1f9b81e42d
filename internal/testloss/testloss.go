// Package testloss provides losses given by closed forms (value, gradient,
// Hessian written out by hand), for tests of the numerical packages that
// must not depend on package landscape's formula compiler.
package testloss

import "math"

// Loss is a loss with hand-written derivatives; it implements
// landscape.Landscape.
type Loss struct {
	D    int
	F    func(x []float64) float64
	Grad func(x, g []float64)
	Hess func(x, h []float64)
}

// Dim returns the dimension.
func (l Loss) Dim() int { return l.D }

// Value returns L(x).
func (l Loss) Value(x []float64) float64 { return l.F(x) }

// Derivatives returns L(x) and stores ∇L and H where asked.
func (l Loss) Derivatives(x, g, h []float64) float64 {
	if g != nil {
		l.Grad(x, g)
	}
	if h != nil {
		l.Hess(x, h)
	}
	return l.F(x)
}

// Diagonal returns l with the off-diagonal Hessian entries dropped (so that
// an SGD diffusion built from it is diagonal).
func (l Loss) Diagonal() Loss {
	d, hess := l.D, l.Hess
	l.Hess = func(x, h []float64) {
		hess(x, h)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				if i != j {
					h[i*d+j] = 0
				}
			}
		}
	}
	return l
}

// DoubleWell is x⁴/4 − x²/2 + tilt·x.
func DoubleWell(tilt float64) Loss {
	return Loss{D: 1,
		F:    func(x []float64) float64 { return x[0]*x[0]*x[0]*x[0]/4 - x[0]*x[0]/2 + tilt*x[0] },
		Grad: func(x, g []float64) { g[0] = x[0]*x[0]*x[0] - x[0] + tilt },
		Hess: func(x, h []float64) { h[0] = 3*x[0]*x[0] - 1 },
	}
}

// Quadratic is ½θᵀHθ for a 1×1 or 2×2 matrix h (row-major).
func Quadratic(h []float64) Loss {
	d := 1
	if len(h) == 4 {
		d = 2
	}
	return Loss{D: d,
		F: func(x []float64) float64 {
			s := 0.0
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					s += x[i] * h[i*d+j] * x[j]
				}
			}
			return s / 2
		},
		Grad: func(x, g []float64) {
			for i := 0; i < d; i++ {
				g[i] = 0
				for j := 0; j < d; j++ {
					g[i] += h[i*d+j] * x[j]
				}
			}
		},
		Hess: func(_, hh []float64) { copy(hh, h) },
	}
}

// FlatSharp is e^{βx}[(x²−1)²/4 + y²/2].
func FlatSharp(beta float64) Loss {
	q := func(x []float64) float64 { return (x[0]*x[0]-1)*(x[0]*x[0]-1)/4 + x[1]*x[1]/2 }
	return Loss{D: 2,
		F: func(x []float64) float64 { return math.Exp(beta*x[0]) * q(x) },
		Grad: func(x, g []float64) {
			e := math.Exp(beta * x[0])
			g[0] = e * (beta*q(x) + x[0]*(x[0]*x[0]-1))
			g[1] = e * x[1]
		},
		Hess: func(x, h []float64) {
			e := math.Exp(beta * x[0])
			qx := x[0] * (x[0]*x[0] - 1)
			h[0] = e * (beta*beta*q(x) + 2*beta*qx + 3*x[0]*x[0] - 1)
			h[1] = e * beta * x[1]
			h[2] = h[1]
			h[3] = e
		},
	}
}

// Wells2 is (x²−1)² + y² + 0.3·x·y, a 2-D double well with a cross term.
func Wells2() Loss {
	return Loss{D: 2,
		F: func(x []float64) float64 {
			return (x[0]*x[0]-1)*(x[0]*x[0]-1) + x[1]*x[1] + 0.3*x[0]*x[1]
		},
		Grad: func(x, g []float64) {
			g[0] = 4*x[0]*(x[0]*x[0]-1) + 0.3*x[1]
			g[1] = 2*x[1] + 0.3*x[0]
		},
		Hess: func(x, h []float64) { h[0] = 12*x[0]*x[0] - 4; h[1] = 0.3; h[2] = 0.3; h[3] = 2 },
	}
}

// Bowl3 is Σ xᵢ⁴/4 + x·y/2 + y·z/3 in three dimensions.
func Bowl3() Loss {
	return Loss{D: 3,
		F: func(x []float64) float64 {
			return (x[0]*x[0]*x[0]*x[0]+x[1]*x[1]*x[1]*x[1]+x[2]*x[2]*x[2]*x[2])/4 + x[0]*x[1]/2 + x[1]*x[2]/3
		},
		Grad: func(x, g []float64) {
			g[0] = x[0]*x[0]*x[0] + x[1]/2
			g[1] = x[1]*x[1]*x[1] + x[0]/2 + x[2]/3
			g[2] = x[2]*x[2]*x[2] + x[1]/3
		},
		Hess: func(x, h []float64) {
			h[0], h[1], h[2] = 3*x[0]*x[0], 0.5, 0
			h[3], h[4], h[5] = 0.5, 3*x[1]*x[1], 1.0/3
			h[6], h[7], h[8] = 0, 1.0/3, 3*x[2]*x[2]
		},
	}
}
