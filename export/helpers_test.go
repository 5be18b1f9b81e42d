package export

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
)

// testGrids returns a 1-D, a 2-D and a 3-D grid with uneven sizes and
// awkward bounds.
func testGrids(t testing.TB) []*grid.Grid {
	t.Helper()
	axes := [][]grid.Axis{
		{{Lo: -1, Hi: 2.5, N: 7}},
		{{Lo: 0, Hi: 1, N: 5}, {Lo: -3.3, Hi: 1.1, N: 4}},
		{{Lo: -1, Hi: 1, N: 3}, {Lo: 0.1, Hi: 0.7, N: 4}, {Lo: 10, Hi: 1e3, N: 2}},
	}
	var gs []*grid.Grid
	for _, a := range axes {
		g, err := grid.New(a...)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	return gs
}

// randomField returns a field on g with values spread over many magnitudes
// and both signs.
func randomField(g *grid.Grid, rng *rand.Rand) []float64 {
	f := make([]float64, g.Len())
	for i := range f {
		f[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	}
	return f
}

// sameBits reports whether a and b hold bit-identical values (any NaN
// matches any NaN).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
