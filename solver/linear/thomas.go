package linear

import (
	"fmt"
	"math"
)

// thomas solves tridiagonal and cyclic tridiagonal systems.
//
// For a tridiagonal T with sub-diagonal a, diagonal d and super-diagonal c,
// elimination without pivoting gives the pivots
//
//	m₀ = d₀,  mᵢ = dᵢ − aᵢ·c′ᵢ₋₁,  c′ᵢ = cᵢ/mᵢ,
//
// and T·x = b is solved by yᵢ = (bᵢ − aᵢ·yᵢ₋₁)/mᵢ followed by
// xᵢ = yᵢ − c′ᵢ·xᵢ₊₁. A cyclic matrix M = T + u·vᵀ with corner entries
// β = M(0,n−1), α = M(n−1,0) uses u = (γ,0,…,0,α)ᵀ, v = (1,0,…,0,β/γ)ᵀ
// and T's diagonal modified to d₀−γ and dₙ₋₁−αβ/γ; then
// x = y − z·(vᵀy)/(1 + vᵀz) with T·y = b and T·z = u.
type thomas struct {
	n      int
	sub    []float64 // aᵢ, sub[0] unused
	invPiv []float64 // 1/mᵢ
	supP   []float64 // c′ᵢ
	// Cyclic correction.
	cyclic bool
	z      []float64 // T⁻¹u
	vLast  float64   // β/γ
	denom  float64   // 1 + vᵀz
}

func (t *thomas) Name() string {
	if t.cyclic {
		return "thomas (cyclic, sherman-morrison)"
	}
	return "thomas"
}

// newThomas factorizes a tridiagonal or cyclic tridiagonal matrix.
func newThomas(a rawCSR, st structure) (*thomas, error) {
	if !st.tridiag && !st.cyclic {
		return nil, fmt.Errorf("%w: thomas needs a (cyclic) tridiagonal matrix, have kl=%d, ku=%d", ErrStructure, st.kl, st.ku)
	}
	n := a.n
	sub := make([]float64, n)
	diag := make([]float64, n)
	sup := make([]float64, n)
	var alpha, beta float64 // M(n−1,0), M(0,n−1)
	for i := 0; i < n; i++ {
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			j, v := a.ind[k], a.data[k]
			switch {
			case j == i:
				diag[i] += v
			case j == i-1:
				sub[i] += v
			case j == i+1:
				sup[i] += v
			case i == 0 && j == n-1:
				beta += v
			case i == n-1 && j == 0:
				alpha += v
			default:
				if v != 0 {
					return nil, fmt.Errorf("%w: entry (%d,%d) outside the tridiagonal band", ErrStructure, i, j)
				}
			}
		}
	}
	t := &thomas{n: n, sub: sub, invPiv: make([]float64, n), supP: make([]float64, n)}
	var gamma float64
	if st.cyclic && (alpha != 0 || beta != 0) {
		t.cyclic = true
		gamma = -diag[0]
		if gamma == 0 {
			gamma = -1
		}
		t.vLast = beta / gamma
		diag[0] -= gamma
		diag[n-1] -= alpha * beta / gamma
	}
	// Factorize; sup is reused as storage for c′.
	for i := 0; i < n; i++ {
		m := diag[i]
		scale := math.Abs(diag[i]) + math.Abs(sub[i]) + math.Abs(sup[i])
		if i > 0 {
			m -= sub[i] * t.supP[i-1]
		}
		if m == 0 || math.Abs(m) <= 0x1p-52*scale || math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("%w: thomas pivot %d is %.3g (no pivoting is done; use the direct method)", ErrSingular, i, m)
		}
		t.invPiv[i] = 1 / m
		t.supP[i] = sup[i] / m
	}
	if t.cyclic {
		u := make([]float64, n)
		u[0] = gamma
		u[n-1] = alpha
		t.z = make([]float64, n)
		t.sweep(t.z, u)
		t.denom = 1 + t.z[0] + t.vLast*t.z[n-1]
		scale := 1 + math.Abs(t.z[0]) + math.Abs(t.vLast*t.z[n-1])
		if math.Abs(t.denom) <= 0x1p-50*scale || math.IsNaN(t.denom) {
			return nil, fmt.Errorf("%w: sherman-morrison denominator %.3g for the cyclic tridiagonal matrix", ErrSingular, t.denom)
		}
	}
	return t, nil
}

// sweep solves T·x = b with the stored factors (no cyclic correction).
func (t *thomas) sweep(x, b []float64) {
	n := t.n
	if n == 0 {
		return
	}
	x = x[:n]
	b = b[:n]
	sub := t.sub[:n]
	inv := t.invPiv[:n]
	cp := t.supP[:n]
	prev := b[0] * inv[0]
	x[0] = prev
	for i := 1; i < n; i++ {
		prev = (b[i] - sub[i]*prev) * inv[i]
		x[i] = prev
	}
	next := x[n-1]
	for i := n - 2; i >= 0; i-- {
		next = x[i] - cp[i]*next
		x[i] = next
	}
}

// Solve solves M·x = b in O(n) operations without allocating.
func (t *thomas) Solve(x, b []float64) error {
	if err := checkArgs(t.n, x, b); err != nil {
		return err
	}
	t.sweep(x, b)
	if t.cyclic {
		n := t.n
		f := (x[0] + t.vLast*x[n-1]) / t.denom
		z := t.z[:n]
		x = x[:n]
		for i, zi := range z {
			x[i] -= f * zi
		}
	}
	return nil
}
