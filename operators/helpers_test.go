package operators

import "github.com/fpsolve/fpsolve/grid"

func mustGrid(axes ...grid.Axis) *grid.Grid {
	g, err := grid.New(axes...)
	if err != nil {
		panic(err)
	}
	return g
}

func axis(lo, hi float64, n int, low, high grid.Boundary) grid.Axis {
	return grid.Axis{Lo: lo, Hi: hi, N: n, Low: low, High: high}
}
