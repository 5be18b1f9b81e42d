package solver_test

import (
	"fmt"
	"log"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// The mean first passage time from the deep minimum of the tilted double
// well x⁴/4 − x²/2 + 0.1x to its other minimum under white noise T = 0.1
// (the exact value is 177.9697…).
func ExampleMFPT() {
	loss, err := landscape.Builtin("double-well", 1, map[string]any{"tilt": 0.1})
	if err != nil {
		log.Fatal(err)
	}
	g, err := grid.New(grid.Axis{Lo: -2.5, Hi: 2.5, N: 2000})
	if err != nil {
		log.Fatal(err)
	}
	crit, err := landscape.FindCritical(loss, []float64{-2.5}, []float64{2.5}, landscape.CriticalSettings{})
	if err != nil {
		log.Fatal(err)
	}
	a, c := crit.Minima[0].X[0], crit.Minima[1].X[0]
	op, err := operators.Assemble(operators.Problem{
		Grid:      g,
		Loss:      loss,
		Diffusion: operators.White{D: 1, T: 0.1},
		// Arrival at minimum c: the half-line from c on.
		Sinks: []operators.Sink{operators.Box{Lo: []float64{c}, Hi: []float64{2.5}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	tau, err := solver.MFPT(op, linear.Settings{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("minima at %.4f and %.4f\n", a, c)
	fmt.Printf("τ(a→c) = %.2f\n", g.Interpolate(tau, []float64{a}))
	// Output:
	// minima at -1.0467 and 0.9456
	// τ(a→c) = 177.97
}
