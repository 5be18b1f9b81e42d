package plot_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/plot"
)

func ExampleDensity2D_Save() {
	// The Boltzmann density exp(−L/D) of a double well at D = 0.2, with
	// the contours and critical points of L, on a log₁₀ colour scale.
	l, err := landscape.Formula("(x^2-1)^2 + y^2", 2)
	if err != nil {
		log.Fatal(err)
	}
	g, err := grid.New(grid.Axis{Lo: -2, Hi: 2, N: 80}, grid.Axis{Lo: -1.5, Hi: 1.5, N: 60})
	if err != nil {
		log.Fatal(err)
	}
	crit, err := landscape.FindCritical(l, []float64{-2, -1.5}, []float64{2, 1.5}, landscape.CriticalSettings{})
	if err != nil {
		log.Fatal(err)
	}
	p := make([]float64, g.Len())
	g.Sample(p, func(x []float64) float64 { return math.Exp(-l.Value(x) / 0.2) })
	g.Normalize(p)

	dir, err := os.MkdirTemp("", "fpsolve-plot")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "stationary.png")
	d := plot.Density2D{Grid: g, P: p, Loss: l, Critical: crit, Log: true, Title: "stationary density, D = 0.2"}
	if err := d.Save(path); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", filepath.Base(path))
	// Output:
	// wrote stationary.png
}
