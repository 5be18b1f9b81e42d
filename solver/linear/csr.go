package linear

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/james-bowman/sparse"
)

// rawCSR is a validated view of the arrays of a square CSR matrix.
type rawCSR struct {
	n      int
	indptr []int
	ind    []int
	data   []float64
}

// raw returns the validated raw arrays of m, which must be square with
// consistent row pointers and in-range column indices.
func raw(m *sparse.CSR) (rawCSR, error) {
	if m == nil {
		return rawCSR{}, fmt.Errorf("linear: nil matrix")
	}
	r, c := m.Dims()
	if r != c {
		return rawCSR{}, fmt.Errorf("linear: matrix is %d×%d, not square", r, c)
	}
	sm := m.RawMatrix()
	if len(sm.Indptr) != r+1 {
		return rawCSR{}, fmt.Errorf("linear: CSR row pointer has length %d, want %d", len(sm.Indptr), r+1)
	}
	nnz := sm.Indptr[r]
	if sm.Indptr[0] != 0 || nnz > len(sm.Ind) || nnz > len(sm.Data) {
		return rawCSR{}, fmt.Errorf("linear: inconsistent CSR arrays")
	}
	for i := 0; i < r; i++ {
		if sm.Indptr[i+1] < sm.Indptr[i] {
			return rawCSR{}, fmt.Errorf("linear: CSR row pointer decreases at row %d", i)
		}
	}
	for _, j := range sm.Ind[:nnz] {
		if j < 0 || j >= c {
			return rawCSR{}, fmt.Errorf("linear: column index %d out of range [0,%d)", j, c)
		}
	}
	return rawCSR{n: r, indptr: sm.Indptr, ind: sm.Ind[:nnz], data: sm.Data[:nnz]}, nil
}

func (a rawCSR) size() int { return a.n }

// mulVec sets dst = A·x.
func (a rawCSR) mulVec(dst, x []float64) {
	ind, data := a.ind, a.data
	ptr := a.indptr
	dst = dst[:a.n]
	for i := range dst {
		lo, hi := ptr[i], ptr[i+1]
		cols := ind[lo:hi]
		vals := data[lo:hi:hi]
		vals = vals[:len(cols)]
		var s float64
		for k, j := range cols {
			s += vals[k] * x[j]
		}
		dst[i] = s
	}
}

// residual sets r = b − A·x and returns ‖r‖₂.
func (a rawCSR) residual(r, b, x []float64) float64 {
	ind, data := a.ind, a.data
	ptr := a.indptr
	r = r[:a.n]
	b = b[:a.n]
	var nrm float64
	for i := range r {
		lo, hi := ptr[i], ptr[i+1]
		cols := ind[lo:hi]
		vals := data[lo:hi]
		vals = vals[:len(cols)]
		s := b[i]
		for k, j := range cols {
			s -= vals[k] * x[j]
		}
		r[i] = s
		nrm += s * s
	}
	return math.Sqrt(nrm)
}

// residualExtra sets r = b − A·x, accumulating each row in double-double
// arithmetic (error-free products by FMA and error-free sums by TwoSum)
// before rounding once, and returns ‖r‖₂. The computed residual is then
// accurate even when it is many orders of magnitude smaller than the terms
// A·x, which iterative refinement of ill-conditioned systems relies on.
func (a rawCSR) residualExtra(r, b, x []float64) float64 {
	ind, data := a.ind, a.data
	ptr := a.indptr
	r = r[:a.n]
	b = b[:a.n]
	var nrm float64
	for i := range r {
		lo, hi := ptr[i], ptr[i+1]
		cols := ind[lo:hi]
		vals := data[lo:hi]
		vals = vals[:len(cols)]
		s, c := b[i], 0.0
		for k, j := range cols {
			p := -vals[k] * x[j]
			pe := math.FMA(-vals[k], x[j], -p) // exact: −a·x = p + pe
			t := s + p
			z := t - s
			c += (s - (t - z)) + (p - z) + pe // exact: s + p = t + error
			s = t
		}
		v := s + c
		r[i] = v
		nrm += v * v
	}
	return math.Sqrt(nrm)
}

// MulVec computes dst = M·x for a CSR matrix M, overwriting dst. Entries with
// repeated column indices within a row are summed, as a CSR matrix means.
// It reads the raw CSR arrays directly and allocates nothing. MulVec panics
// if the lengths of dst and x do not match the dimensions of m, or if dst and
// x share memory.
func MulVec(dst []float64, m *sparse.CSR, x []float64) {
	r, c := m.Dims()
	if len(dst) != r || len(x) != c {
		panic(fmt.Sprintf("linear: MulVec dimension mismatch: matrix %d×%d, len(dst)=%d, len(x)=%d", r, c, len(dst), len(x)))
	}
	if r > 0 && c > 0 && overlaps(dst, x) {
		panic("linear: MulVec dst and x overlap")
	}
	sm := m.RawMatrix()
	a := rawCSR{n: r, indptr: sm.Indptr, ind: sm.Ind, data: sm.Data}
	a.mulVecPar(dst, x)
}

// parallelNNZ is the number of stored entries above which mulVecPar splits
// the rows among goroutines.
const parallelNNZ = 1 << 17

// mulVecPar sets dst = A·x, splitting large products into row blocks of
// about equal numbers of entries that are computed concurrently. Each row
// is computed by exactly one goroutine in the same order as by mulVec, so
// the result is bitwise identical.
func (a rawCSR) mulVecPar(dst, x []float64) {
	nnz := a.indptr[a.n]
	workers := min(runtime.GOMAXPROCS(0), 8)
	if nnz < parallelNNZ || workers < 2 {
		a.mulVec(dst, x)
		return
	}
	var wg sync.WaitGroup
	lo := 0
	for w := 1; w <= workers; w++ {
		hi := a.n
		if w < workers {
			target := nnz / workers * w
			hi = sort.SearchInts(a.indptr[:a.n+1], target)
		}
		if hi <= lo {
			continue
		}
		sub := rawCSR{n: hi - lo, indptr: a.indptr[lo : hi+1], ind: a.ind, data: a.data}
		d := dst[lo:hi]
		wg.Go(func() { sub.mulVec(d, x) })
		lo = hi
	}
	wg.Wait()
}

// Transpose returns Mᵀ as a new CSR matrix: entry (i, j, v) of M becomes
// entry (j, i, v) of the result. The transpose is exact (values are copied,
// not recomputed) and the column indices within each row of the result are
// sorted in increasing order. Duplicate entries of M are kept as adjacent
// duplicates. Explicitly stored zeros are kept.
func Transpose(m *sparse.CSR) *sparse.CSR {
	r, c := m.Dims()
	sm := m.RawMatrix()
	nnz := sm.Indptr[r]
	ptr := make([]int, c+1)
	for _, j := range sm.Ind[:nnz] {
		ptr[j+1]++
	}
	for j := 0; j < c; j++ {
		ptr[j+1] += ptr[j]
	}
	next := make([]int, c)
	copy(next, ptr[:c])
	ind := make([]int, nnz)
	data := make([]float64, nnz)
	// Visiting rows in increasing order makes each output row sorted.
	for i := 0; i < r; i++ {
		for k := sm.Indptr[i]; k < sm.Indptr[i+1]; k++ {
			j := sm.Ind[k]
			p := next[j]
			ind[p] = i
			data[p] = sm.Data[k]
			next[j] = p + 1
		}
	}
	return sparse.NewCSR(c, r, ptr, ind, data)
}

// overlaps reports whether the backing arrays of a and b share memory.
func overlaps(a, b []float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0 := &a[0]
	a1 := &a[len(a)-1]
	b0 := &b[0]
	b1 := &b[len(b)-1]
	return addr(a0) <= addr(b1) && addr(b0) <= addr(a1)
}

// structure summarizes the nonzero pattern of a square matrix. Explicitly
// stored zeros are ignored.
type structure struct {
	n        int
	nnz      int
	kl, ku   int  // lower and upper bandwidth
	tridiag  bool // all entries satisfy |i−j| ≤ 1
	cyclic   bool // tridiagonal apart from the corners (0,n−1) and (n−1,0), n ≥ 3
	dominant bool // weakly diagonally dominant by rows or by columns
}

// analyze computes the structure of a.
func analyze(a rawCSR) structure {
	n := a.n
	st := structure{n: n, nnz: len(a.data), tridiag: true}
	corner := false
	rowOK := true
	colSum := make([]float64, n) // Σ_{i≠j} |a_ij| per column j
	diag := make([]float64, n)
	for i := 0; i < n; i++ {
		var off float64
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			v := a.data[k]
			if v == 0 {
				continue
			}
			j := a.ind[k]
			d := i - j
			if d > st.kl {
				st.kl = d
			}
			if -d > st.ku {
				st.ku = -d
			}
			if d == 0 {
				diag[i] += v
				continue
			}
			off += math.Abs(v)
			colSum[j] += math.Abs(v)
			if d > 1 || d < -1 {
				if n >= 3 && ((i == 0 && j == n-1) || (i == n-1 && j == 0)) {
					corner = true
				} else {
					st.tridiag = false
				}
			}
		}
		if math.Abs(diag[i]) < off {
			rowOK = false
		}
	}
	if st.tridiag && corner {
		st.cyclic = true
		st.tridiag = false
	}
	colOK := true
	for j := 0; j < n; j++ {
		if math.Abs(diag[j]) < colSum[j] {
			colOK = false
			break
		}
	}
	st.dominant = rowOK || colOK
	// Weak dominance also needs nonzero diagonal entries.
	for _, d := range diag {
		if d == 0 {
			st.dominant = false
			break
		}
	}
	return st
}
