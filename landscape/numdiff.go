package landscape

import "fmt"

// FiniteDifference approximates the gradient and the Hessian of l at x by
// central differences with step h > 0, storing them in grad (len d) and hess
// (len d·d, row-major) when these are non-nil. It uses only l.Value.
//
// The gradient error is about h²|L‴|/6 + ε|L|/h and the Hessian error about
// h²|L⁗|/12 + ε|L|/h², ε the machine epsilon, so h ≈ 1e-4 suits landscapes
// of unit scale. FiniteDifference exists to cross-check exact derivatives in
// tests; it is not used by the solvers. It panics if h ≤ 0 or a slice has the
// wrong length.
func FiniteDifference(l Landscape, x, grad, hess []float64, h float64) {
	d := l.Dim()
	if !(h > 0) {
		panic(fmt.Sprintf("landscape: finite-difference step h = %v, want h > 0", h))
	}
	checkLengths(d, x, grad, hess)
	p := make([]float64, d)
	at := func(i int, si float64, j int, sj float64) float64 {
		copy(p, x)
		if i >= 0 {
			p[i] += si * h
		}
		if j >= 0 {
			p[j] += sj * h
		}
		return l.Value(p)
	}
	f0 := at(-1, 0, -1, 0)
	for i := range d {
		fp, fm := at(i, 1, -1, 0), at(i, -1, -1, 0)
		if grad != nil {
			grad[i] = (fp - fm) / (2 * h)
		}
		if hess == nil {
			continue
		}
		hess[i*d+i] = (fp - 2*f0 + fm) / (h * h)
		for j := i + 1; j < d; j++ {
			hij := (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h)
			hess[i*d+j], hess[j*d+i] = hij, hij
		}
	}
}
