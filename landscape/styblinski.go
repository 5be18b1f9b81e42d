package landscape

import (
	"fmt"
	"math"
)

// styblinskiTang is L = ½ Σᵢ (uᵢ⁴ − 16uᵢ² + 5uᵢ) with uᵢ = √k·xᵢ.
//
// With f(u) = u⁴ − 16u² + 5u, ∂ᵢL = ½√k·f′(uᵢ) = ½√k(4uᵢ³ − 32uᵢ + 5) and
// ∂ᵢ∂ᵢL = ½k·f″(uᵢ) = ½k(12uᵢ² − 32); the Hessian is diagonal.
type styblinskiTang struct {
	dim   int
	k     float64
	sqrtK float64
}

// newStyblinskiTang returns the styblinski-tang built-in.
func newStyblinskiTang(dim int, p params) (Landscape, error) {
	k, err := p.positive("k", 1)
	if err != nil {
		return nil, err
	}
	return styblinskiTang{dim: dim, k: k, sqrtK: math.Sqrt(k)}, nil
}

// Dim returns the dimension of the domain.
func (s styblinskiTang) Dim() int { return s.dim }

// Value returns L(x).
func (s styblinskiTang) Value(x []float64) float64 { return s.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores ∇L(x) in grad and the diagonal Hessian
// in hess when they are non-nil.
func (s styblinskiTang) Derivatives(x, grad, hess []float64) float64 {
	d := s.dim
	checkLengths(d, x, grad, hess)
	if hess != nil {
		clear(hess)
	}
	var sum float64
	for i, xi := range x {
		u := s.sqrtK * xi
		u2 := u * u
		sum += u2*u2 - 16*u2 + 5*u
		if grad != nil {
			grad[i] = 0.5 * s.sqrtK * (4*u*u2 - 32*u + 5)
		}
		if hess != nil {
			hess[i*d+i] = 0.5 * s.k * (12*u2 - 32)
		}
	}
	return 0.5 * sum
}

// String returns the name and parameters, such as "styblinski-tang(k=1)".
func (s styblinskiTang) String() string {
	return fmt.Sprintf("styblinski-tang(k=%s)", formatFloat(s.k))
}
