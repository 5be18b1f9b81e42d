package solver

import (
	"fmt"

	"gonum.org/v1/gonum/floats"

	"github.com/james-bowman/sparse"
)

// gthLU is a band LU factorization without pivoting of a matrix M whose
// off-diagonal entries are non-negative and whose row sums s are known
// exactly and are ≤ 0: the transpose of a (sub-)generator restricted to the
// live cells. Following Grassmann, Taksar and Heyman, every pivot is
// recomputed as the row sum minus the off-diagonal entries, and the row sums
// are carried through the elimination. All quantities then keep one sign and
// no subtraction of nearly equal numbers occurs, so mean first passage times
// of 10¹¹ and stationary densities spanning e^{−100} come out to full
// relative precision, where plain elimination loses digits in proportion to
// the condition number.
type gthLU struct {
	n, kl, ku int
	w         int       // kl + ku + 1
	band      []float64 // row-major: entry (i, j) at i*w + j − i + kl
}

// bandwidths returns the lower and upper bandwidths of m.
func bandwidths(m *sparse.CSR) (kl, ku int) {
	raw := m.RawMatrix()
	for i := 0; i < raw.I; i++ {
		for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
			j := raw.Ind[p]
			kl = max(kl, i-j)
			ku = max(ku, j-i)
		}
	}
	return kl, ku
}

// maxGTHBytes bounds the band storage of newGTH.
const maxGTHBytes = 2 << 30

// newGTH factorizes m (n×n, off-diagonals ≥ 0) with exact row sums s (≤ 0).
// A zero final pivot is allowed (the singular generator of a closed chain);
// solveT then returns its null vector.
func newGTH(m *sparse.CSR, s []float64) (*gthLU, error) {
	raw := m.RawMatrix()
	n := raw.I
	kl, ku := bandwidths(m)
	w := kl + ku + 1
	if int64(n)*int64(w)*8 > maxGTHBytes {
		return nil, fmt.Errorf("band elimination needs %d MB (n = %d, bandwidth %d)", int64(n)*int64(w)*8>>20, n, w)
	}
	f := &gthLU{n: n, kl: kl, ku: ku, w: w, band: make([]float64, n*w)}
	for i := 0; i < n; i++ {
		for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
			j := raw.Ind[p]
			if j != i {
				if raw.Data[p] < 0 {
					return nil, fmt.Errorf("negative off-diagonal entry (%d, %d) = %g", i, j, raw.Data[p])
				}
				f.band[i*w+j-i+kl] = raw.Data[p]
			}
		}
	}
	sum := append([]float64(nil), s...)
	b := f.band
	for k := 0; k < n; k++ {
		rk := k*w - k + kl // index of (k, j) is rk + j
		hi := min(n-1, k+ku)
		off := 0.0
		for j := k + 1; j <= hi; j++ {
			off += b[rk+j]
		}
		piv := sum[k] - off // ≤ 0, a sum of non-positive terms
		b[rk+k] = piv
		if piv == 0 {
			if k == n-1 {
				break
			}
			return nil, fmt.Errorf("zero pivot at %d of %d: part of the chain cannot reach the absorbing set", k, n)
		}
		for i := k + 1; i <= min(n-1, k+kl); i++ {
			ri := i*w - i + kl
			mik := b[ri+k]
			if mik == 0 {
				continue
			}
			l := mik / piv // ≤ 0
			b[ri+k] = l
			// Row i gains −l·(row k): non-negative amounts off the diagonal.
			// The diagonal entry it also touches is recomputed from the row
			// sum when i becomes the pivot, so it is not special-cased.
			floats.AddScaled(b[ri+k+1:ri+hi+1], -l, b[rk+k+1:rk+hi+1])
			sum[i] -= l * sum[k] // adds a non-positive amount
		}
	}
	return f, nil
}

// solve stores in x the solution of M·x = b (M = L·U).
func (f *gthLU) solve(x, b []float64) {
	n, w, kl, ku := f.n, f.w, f.kl, f.ku
	copy(x, b)
	for i := 0; i < n; i++ {
		ri := i*w - i + kl
		s := x[i]
		for k := max(0, i-kl); k < i; k++ {
			s -= f.band[ri+k] * x[k]
		}
		x[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		ri := i*w - i + kl
		s := x[i]
		for j := i + 1; j <= min(n-1, i+ku); j++ {
			s -= f.band[ri+j] * x[j]
		}
		x[i] = s / f.band[ri+i]
	}
}

// solveT stores in x the solution of Mᵀ·x = b (Mᵀ = Uᵀ·Lᵀ). When the last
// pivot is zero (M singular with zero row sums), b is ignored and x is the
// null vector of Mᵀ with x[n−1] = 1, all entries ≥ 0.
func (f *gthLU) solveT(x, b []float64) {
	n, w, kl := f.n, f.w, f.kl
	y := x
	last := f.band[(n-1)*w+kl]
	if last == 0 {
		for i := range y {
			y[i] = 0
		}
		y[n-1] = 1
	} else {
		// Uᵀ·y = b: forward, column i of U is row i of Uᵀ.
		copy(y, b)
		for i := 0; i < n; i++ {
			s := y[i]
			for k := max(0, i-f.ku); k < i; k++ {
				s -= f.band[k*w-k+kl+i] * y[k]
			}
			y[i] = s / f.band[i*w+kl]
		}
	}
	// Lᵀ·x = y: backward (unit diagonal).
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k <= min(n-1, i+kl); k++ {
			s -= f.band[k*w-k+kl+i] * x[k]
		}
		x[i] = s
	}
}
