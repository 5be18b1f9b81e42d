package solver

import (
	"github.com/james-bowman/sparse"
)

// shifted returns I − c·A. A must store its diagonal.
func shifted(a *sparse.CSR, c float64) *sparse.CSR {
	raw := a.RawMatrix()
	n := raw.I
	indptr := append([]int(nil), raw.Indptr...)
	ind := append([]int(nil), raw.Ind...)
	data := make([]float64, len(raw.Data))
	for i := 0; i < n; i++ {
		for j := indptr[i]; j < indptr[i+1]; j++ {
			switch {
			case ind[j] == i:
				data[j] = 1 - c*raw.Data[j]
			default:
				data[j] = -c * raw.Data[j]
			}
		}
	}
	return sparse.NewCSR(n, n, indptr, ind, data)
}

// restrict returns the submatrix of m (or of mᵀ when trans) on the rows and
// columns i with keep[i], and the map from submatrix index to full index.
func restrict(m *sparse.CSR, keep []bool, trans bool) (*sparse.CSR, []int) {
	raw := m.RawMatrix()
	n := raw.I
	pos := make([]int, n)
	var full []int
	for i := 0; i < n; i++ {
		pos[i] = -1
		if keep[i] {
			pos[i] = len(full)
			full = append(full, i)
		}
	}
	k := len(full)
	var indptr, ind []int
	var data []float64
	if !trans {
		indptr = make([]int, 0, k+1)
		for _, i := range full {
			indptr = append(indptr, len(ind))
			for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
				if p := pos[raw.Ind[j]]; p >= 0 {
					ind = append(ind, p)
					data = append(data, raw.Data[j])
				}
			}
		}
		indptr = append(indptr, len(ind))
		return sparse.NewCSR(k, k, indptr, ind, data), full
	}
	// Transpose while restricting: count, then fill (columns come out sorted
	// because rows are visited in order).
	indptr = make([]int, k+1)
	for _, i := range full {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			if p := pos[raw.Ind[j]]; p >= 0 {
				indptr[p+1]++
			}
		}
	}
	for r := 0; r < k; r++ {
		indptr[r+1] += indptr[r]
	}
	ind = make([]int, indptr[k])
	data = make([]float64, indptr[k])
	next := append([]int(nil), indptr[:k]...)
	for r, i := range full {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			if p := pos[raw.Ind[j]]; p >= 0 {
				ind[next[p]] = r
				data[next[p]] = raw.Data[j]
				next[p]++
			}
		}
	}
	return sparse.NewCSR(k, k, indptr, ind, data), full
}
