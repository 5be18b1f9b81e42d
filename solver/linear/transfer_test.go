package linear

import (
	"fmt"
	"math"
	"testing"
)

// TestProlongAdd: the 2-D fast path of prolongAdd equals the interpolation
// rows of P (prolongation.row) for even and odd sizes, an axis too short to
// coarsen, and constant interpolation.
func TestProlongAdd(t *testing.T) {
	for _, c := range []struct {
		shape    []int
		constant bool
	}{
		{[]int{8, 6}, false}, {[]int{9, 7}, false}, {[]int{37, 23}, false},
		{[]int{4, 5}, false}, {[]int{3, 10}, false}, {[]int{10, 3}, false},
		{[]int{37, 23}, true},
	} {
		t.Run(fmt.Sprintf("%v constant=%v", c.shape, c.constant), func(t *testing.T) {
			p := newProlongation(c.shape)
			if c.constant {
				p.constant()
			}
			nc := p.coarse[0] * p.coarse[1]
			src := randVec(nc, 4)
			got := randVec(c.shape[0]*c.shape[1], 5)
			want := interpolated(p, got, src)
			p.prolongAdd(got, src)
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-14 {
					t.Fatalf("cell %d: %g, want %g", i, got[i], want[i])
				}
			}
		})
	}
}

// interpolated returns base + P·coarse by the interpolation rows of P
// (prolongation.row), cell by cell: the reference of the fast transfers.
func interpolated(p *prolongation, base, coarse []float64) []float64 {
	out := append([]float64(nil), base...)
	var cols []int
	var ws []float64
	p.forEachFine(func(c int, co []int) {
		cols, ws = p.row(co, cols, ws)
		for k, j := range cols {
			out[c] += ws[k] * coarse[j]
		}
	})
	return out
}
