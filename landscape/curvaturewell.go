package landscape

import "fmt"

// curvatureWell is the symmetric double well
//
//	L = −x²/2 + (¼ + c)x⁴ − 2c·x⁶ + c·x⁸,  c = (k − 2)/8,
//
// whose minima x = ±1 have L = −¼ and curvature L″ = k while the barrier
// top x = 0 keeps L = 0 and L″ = −1: only the curvature of the minima
// changes with k. For 2 ≤ k ≤ 16, x = 0, ±1 are its only critical points (at k = 18 a degenerate pair appears at ±½).
type curvatureWell struct {
	k, c float64
}

// newCurvatureWell returns the curvature-well built-in.
func newCurvatureWell(_ int, p params) (Landscape, error) {
	k, err := p.float("k", 2)
	if err != nil {
		return nil, err
	}
	if !(k >= 2 && k <= 16) {
		return nil, fmt.Errorf("parameter k = %g: want 2 ≤ k ≤ 16 (below 2 the x⁸ coefficient turns negative and the well opens; from k = 18 on new critical points appear between the minima and the barrier)", k)
	}
	return curvatureWell{k: k, c: (k - 2) / 8}, nil
}

// Dim returns 1.
func (curvatureWell) Dim() int { return 1 }

// Value returns L(x).
func (w curvatureWell) Value(x []float64) float64 { return w.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores L′(x) = −x + 4(¼+c)x³ − 12c·x⁵ + 8c·x⁷
// in grad and L″(x) = −1 + 12(¼+c)x² − 60c·x⁴ + 56c·x⁶ in hess when they are
// non-nil.
func (w curvatureWell) Derivatives(x, grad, hess []float64) float64 {
	checkLengths(1, x, grad, hess)
	u := x[0]
	u2 := u * u
	u4 := u2 * u2
	a, c := 0.25+w.c, w.c
	if grad != nil {
		grad[0] = u * (-1 + 4*a*u2 - 12*c*u4 + 8*c*u4*u2)
	}
	if hess != nil {
		hess[0] = -1 + 12*a*u2 - 60*c*u4 + 56*c*u4*u2
	}
	return -u2/2 + a*u4 - 2*c*u4*u2 + c*u4*u4
}

// String returns the name and parameters, such as "curvature-well(k=4)".
func (w curvatureWell) String() string {
	return "curvature-well(k=" + formatFloat(w.k) + ")"
}
