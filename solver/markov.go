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

// maxGTHBytes bounds the band storage of newGTH.
const maxGTHBytes = 2 << 30

// newGTH factorizes M = Aᵀ restricted to the cells with keep[c] (numbered in
// order; full maps the restricted index to the cell), whose off-diagonal
// entries must be ≥ 0, with exact row sums of M given per restricted index
// (≤ 0: minus the leak of each cell). A zero final pivot is allowed (the
// singular generator of a closed chain); solveT then returns its null
// vector.
func newGTH(a *sparse.CSR, keep []bool, sums []float64) (*gthLU, []int, error) {
	return newGTHScaled(a, keep, sums, 1)
}

// newGTHScaled is newGTH for M = (scale·A)ᵀ off the diagonal. With
// scale = −c and row sums 1 + c·leak it factorizes (I − c·A)ᵀ: all
// off-diagonal entries ≤ 0 and all row sums > 0, the mirror image of the
// generator case, for which the same elimination is again free of
// cancellation. That matters for implicit steps much longer than the
// fastest relaxation, where I − c·A is nearly the singular −c·A.
func newGTHScaled(a *sparse.CSR, keep []bool, sums []float64, scale float64) (*gthLU, []int, error) {
	raw := a.RawMatrix()
	n := raw.I
	pos := make([]int, n)
	full := make([]int, 0, n)
	for c := 0; c < n; c++ {
		pos[c] = -1
		if keep[c] {
			pos[c] = len(full)
			full = append(full, c)
		}
	}
	k := len(full)
	// M[pos[j]][pos[i]] = A[i][j]: the band of M is the transposed band of A.
	kl, ku := 0, 0
	for _, i := range full {
		pi := pos[i]
		for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
			if pj := pos[raw.Ind[p]]; pj >= 0 {
				kl = max(kl, pj-pi)
				ku = max(ku, pi-pj)
			}
		}
	}
	w := kl + ku + 1
	if int64(k)*int64(w)*8 > maxGTHBytes {
		return nil, nil, fmt.Errorf("band elimination needs %d MB (n = %d, bandwidth %d)", int64(k)*int64(w)*8>>20, k, w)
	}
	f := &gthLU{n: k, kl: kl, ku: ku, w: w, band: make([]float64, k*w)}
	for _, i := range full {
		pi := pos[i]
		for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
			pj := pos[raw.Ind[p]]
			if pj < 0 || pj == pi {
				continue
			}
			if raw.Data[p] < 0 {
				return nil, nil, fmt.Errorf("negative off-diagonal entry (%d, %d) = %g", i, raw.Ind[p], raw.Data[p])
			}
			f.band[pj*w+pi-pj+kl] = scale * raw.Data[p]
		}
	}
	if err := f.eliminate(append([]float64(nil), sums...)); err != nil {
		return nil, nil, err
	}
	return f, full, nil
}

// eliminate runs the GTH elimination in place.
func (f *gthLU) eliminate(sum []float64) error {
	n, w, kl, ku := f.n, f.w, f.kl, f.ku
	b := f.band
	for k := 0; k < n; k++ {
		rk := k*w - k + kl // index of (k, j) is rk + j
		hi := min(n-1, k+ku)
		off := 0.0
		for _, v := range b[rk+k+1 : rk+hi+1] {
			off += v
		}
		piv := sum[k] - off // a sum of terms of one sign (≤ 0 for a generator)
		b[rk+k] = piv
		if piv == 0 {
			if k == n-1 {
				break
			}
			return fmt.Errorf("zero pivot at %d of %d: part of the chain cannot reach the absorbing set", k, n)
		}
		for i := k + 1; i <= min(n-1, k+kl); i++ {
			ri := i*w - i + kl
			mik := b[ri+k]
			if mik == 0 {
				continue
			}
			l := mik / piv // ≤ 0
			b[ri+k] = l
			// Row i gains −l·(row k): amounts of the off-diagonals' sign.
			// The diagonal entry it also touches is recomputed from the row
			// sum when i becomes the pivot, so it is not special-cased.
			if hi == k+1 {
				b[ri+k+1] -= l * b[rk+k+1]
			} else {
				floats.AddScaled(b[ri+k+1:ri+hi+1], -l, b[rk+k+1:rk+hi+1])
			}
			sum[i] -= l * sum[k] // adds an amount of the row sums' sign
		}
	}
	return nil
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
	n, w, kl, ku := f.n, f.w, f.kl, f.ku
	band := f.band
	y := x
	last := band[(n-1)*w+kl]
	if last == 0 {
		for i := range y {
			y[i] = 0
		}
		y[n-1] = 1
	} else {
		// Uᵀ·y = b, forward, by columns of Uᵀ (= rows of U, contiguous in
		// the band): y_k is final once the rows above have been applied.
		copy(y, b)
		for k := 0; k < n; k++ {
			rk := k*w - k + kl
			yk := y[k] / band[rk+k]
			y[k] = yk
			if yk != 0 {
				hi := min(n-1, k+ku)
				for j, u := range band[rk+k+1 : rk+hi+1] {
					y[k+1+j] -= u * yk
				}
			}
		}
	}
	// Lᵀ·x = y, backward, by rows of L (contiguous): x_k is final once the
	// rows below have been applied; L has a unit diagonal.
	for k := n - 1; k >= 0; k-- {
		xk := x[k]
		if last == 0 && xk > 1e250 {
			// The null vector can span e^{±700} between a wall and a well:
			// rescale what is computed so far before it overflows (values
			// that underflow are below 1e-300 of the largest).
			for i := range x[:k+1] {
				x[i] *= 1e-250
			}
			for i := k + 1; i < n; i++ {
				x[i] *= 1e-250
			}
			xk = x[k]
		}
		if xk == 0 {
			continue
		}
		rk := k*w - k + kl
		lo := max(0, k-kl)
		for i, l := range band[rk+lo : rk+k] {
			x[lo+i] -= l * xk
		}
	}
}
