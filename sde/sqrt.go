package sde

import (
	"fmt"
	"math"
)

// psdTol is the relative size below which a Cholesky pivot counts as zero:
// D is then semi-definite along that direction.
const psdTol = 1e-12

// cholesky stores in l (d×d, row-major, lower triangular) a factor with
// l·lᵀ = a for the symmetric positive semi-definite d×d matrix a. Pivots
// smaller than 10⁻¹²·max|a_kk| are taken as zero and their column is
// zeroed, so semi-definite matrices are factored too. It returns an error
// if a has a negative pivot beyond that tolerance or a non-finite entry.
func cholesky(l, a []float64, d int) error {
	if d == 1 {
		if !(a[0] >= 0) || math.IsInf(a[0], 0) {
			return fmt.Errorf("sde: diffusion D = %g is not ≥ 0", a[0])
		}
		l[0] = math.Sqrt(a[0])
		return nil
	}
	scale := 0.0
	for k := 0; k < d; k++ {
		scale = math.Max(scale, math.Abs(a[k*d+k]))
	}
	tol := psdTol * scale
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			s := a[i*d+j]
			for k := 0; k < j; k++ {
				s -= l[i*d+k] * l[j*d+k]
			}
			if i == j {
				switch {
				case math.IsNaN(s) || math.IsInf(s, 0):
					return fmt.Errorf("sde: diffusion matrix %v is not finite", a[:d*d])
				case s < -tol*float64(d):
					return fmt.Errorf("sde: diffusion matrix %v is not positive semi-definite", a[:d*d])
				case s <= tol:
					l[i*d+i] = 0
				default:
					l[i*d+i] = math.Sqrt(s)
				}
				continue
			}
			if l[j*d+j] == 0 {
				l[i*d+j] = 0
				continue
			}
			l[i*d+j] = s / l[j*d+j]
		}
		for j := i + 1; j < d; j++ {
			l[i*d+j] = 0
		}
	}
	return nil
}
