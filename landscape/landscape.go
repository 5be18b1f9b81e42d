package landscape

// Landscape is a loss L: Rᵈ → R with exact first and second derivatives.
//
// Implementations must be safe for concurrent use by multiple goroutines.
type Landscape interface {
	// Dim returns the number of parameters d (1, 2 or 3).
	Dim() int

	// Value returns L(x). len(x) must be Dim().
	Value(x []float64) float64

	// Derivatives returns L(x), stores ∇L(x) in grad (len d) when grad is
	// non-nil and the Hessian ∂ᵢ∂ⱼL(x) in hess (len d·d, row-major) when
	// hess is non-nil.
	Derivatives(x, grad, hess []float64) float64
}
