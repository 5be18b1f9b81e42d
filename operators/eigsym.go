package operators

import "math"

// eigSym computes the eigen-decomposition of the symmetric d×d matrix a
// (row-major, d ≤ 3) by cyclic Jacobi rotations: a = V·diag(λ)·Vᵀ with the
// eigenvectors in the columns of v. a is not modified.
func eigSym(d int, a, lambda, v []float64) {
	var m [9]float64
	copy(m[:d*d], a[:d*d])
	for i := 0; i < d*d; i++ {
		v[i] = 0
	}
	for i := 0; i < d; i++ {
		v[i*d+i] = 1
	}
	for sweep := 0; sweep < 50; sweep++ {
		off := 0.0
		for p := 0; p < d; p++ {
			for q := p + 1; q < d; q++ {
				off += m[p*d+q] * m[p*d+q]
			}
		}
		scale := 0.0
		for i := 0; i < d; i++ {
			scale += m[i*d+i] * m[i*d+i]
		}
		if off <= 1e-32*scale || off == 0 {
			break
		}
		for p := 0; p < d; p++ {
			for q := p + 1; q < d; q++ {
				apq := m[p*d+q]
				if apq == 0 {
					continue
				}
				theta := (m[q*d+q] - m[p*d+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < d; k++ {
					mkp, mkq := m[k*d+p], m[k*d+q]
					m[k*d+p] = c*mkp - s*mkq
					m[k*d+q] = s*mkp + c*mkq
				}
				for k := 0; k < d; k++ {
					mpk, mqk := m[p*d+k], m[q*d+k]
					m[p*d+k] = c*mpk - s*mqk
					m[q*d+k] = s*mpk + c*mqk
				}
				for k := 0; k < d; k++ {
					vkp, vkq := v[k*d+p], v[k*d+q]
					v[k*d+p] = c*vkp - s*vkq
					v[k*d+q] = s*vkp + c*vkq
				}
			}
		}
	}
	for i := 0; i < d; i++ {
		lambda[i] = m[i*d+i]
	}
}
