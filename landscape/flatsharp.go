package landscape

import "math"

// flatSharp is L = e^{βx} g(x, y) with g = (x²−1)²/4 + y²/2.
//
// With w = e^{βx}, gₓ = x(x²−1), gₓₓ = 3x² − 1:
// ∂ₓL = w(βg + gₓ), ∂ᵧL = w·y, ∂ₓ∂ₓL = w(β²g + 2βgₓ + gₓₓ), ∂ₓ∂ᵧL = wβy and
// ∂ᵧ∂ᵧL = w.
type flatSharp struct {
	beta float64
}

// newFlatSharp returns the flat-sharp built-in.
func newFlatSharp(_ int, p params) (Landscape, error) {
	beta, err := p.float("beta", 0.5)
	if err != nil {
		return nil, err
	}
	return flatSharp{beta: beta}, nil
}

// Dim returns 2.
func (flatSharp) Dim() int { return 2 }

// Value returns L(x).
func (f flatSharp) Value(x []float64) float64 { return f.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores ∇L(x) in grad and the Hessian in hess
// when they are non-nil.
func (f flatSharp) Derivatives(x, grad, hess []float64) float64 {
	checkLengths(2, x, grad, hess)
	u, y, b := x[0], x[1], f.beta
	w := math.Exp(b * u)
	s := u*u - 1
	g := s*s/4 + y*y/2
	gx := u * s
	if grad != nil {
		grad[0], grad[1] = w*(b*g+gx), w*y
	}
	if hess != nil {
		hxy := w * b * y
		hess[0], hess[1], hess[2], hess[3] = w*(b*b*g+2*b*gx+3*u*u-1), hxy, hxy, w
	}
	return w * g
}

// String returns the name and parameters, such as "flat-sharp(beta=0.5)".
func (f flatSharp) String() string {
	return "flat-sharp(beta=" + formatFloat(f.beta) + ")"
}
