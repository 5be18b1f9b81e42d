package export_test

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/fpsolve/fpsolve/export"
	"github.com/fpsolve/fpsolve/grid"
)

func ExampleCSV() {
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 1, N: 4})
	if err != nil {
		log.Fatal(err)
	}
	p := []float64{0.5, 1.5, 1.5, 0.5}
	if err := export.CSV(os.Stdout, g, []string{"P"}, [][]float64{p}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// x,P
	// 0.125,0.5
	// 0.375,1.5
	// 0.625,1.5
	// 0.875,0.5
}

func ExampleNPY() {
	// A 3×2 grid: numpy sees shape (Ny, Nx) = (2, 3), so a[j, i] is cell (i, j).
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 3, N: 3}, grid.Axis{Lo: 0, Hi: 1, N: 2})
	if err != nil {
		log.Fatal(err)
	}
	p := make([]float64, g.Len())
	g.Sample(p, func(x []float64) float64 { return x[0] })
	var buf bytes.Buffer
	if err := export.NPY(&buf, g, p); err != nil {
		log.Fatal(err)
	}
	shape, data, err := export.ReadNPY(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shape, data)
	// Output:
	// [2 3] [0.5 1.5 2.5 0.5 1.5 2.5]
}
