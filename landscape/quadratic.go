package landscape

import (
	"fmt"
	"strings"
)

// quadratic is L = ½ xᵀAx with A symmetric, so ∇L = Ax and the Hessian is A.
type quadratic struct {
	dim int
	a   []float64 // row-major, never modified after construction
}

// newQuadratic returns the quadratic built-in.
func newQuadratic(dim int, p params) (Landscape, error) {
	a, err := p.symmetric("A", dim)
	if err != nil {
		return nil, err
	}
	return quadratic{dim: dim, a: a}, nil
}

// Dim returns the dimension of the domain.
func (q quadratic) Dim() int { return q.dim }

// Value returns L(x).
func (q quadratic) Value(x []float64) float64 { return q.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores ∇L(x) = Ax in grad and A in hess when
// they are non-nil.
func (q quadratic) Derivatives(x, grad, hess []float64) float64 {
	d := q.dim
	checkLengths(d, x, grad, hess)
	var v float64
	for i := range d {
		var ax float64
		for j := range d {
			ax += q.a[i*d+j] * x[j]
		}
		if grad != nil {
			grad[i] = ax
		}
		v += x[i] * ax
	}
	if hess != nil {
		copy(hess, q.a)
	}
	return v / 2
}

// String returns the name and parameters, such as
// "quadratic(A=[[2 0.5] [0.5 1]])".
func (q quadratic) String() string {
	d := q.dim
	rows := make([]string, d)
	for i := range d {
		r := make([]string, d)
		for j := range d {
			r[j] = formatFloat(q.a[i*d+j])
		}
		rows[i] = "[" + strings.Join(r, " ") + "]"
	}
	return fmt.Sprintf("quadratic(A=[%s])", strings.Join(rows, " "))
}
