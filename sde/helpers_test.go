package sde_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/sde"
)

// reference holds the values of testdata/reference.json.
type reference struct {
	Tilt     float64   `json:"tilt"`
	T        float64   `json:"T"`
	Domain   []float64 `json:"domain"`
	XA       float64   `json:"x_a_left_min"`
	XC       float64   `json:"x_c_right_min"`
	MFPTAtoC float64   `json:"mfpt_a_to_c"`
	MFPTCtoA float64   `json:"mfpt_c_to_a"`
}

func loadReference(t testing.TB) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// doubleWell returns the problem of the 1-D white-noise reference: walkers
// from minimum a (the left one) to the half-line from minimum c on.
func doubleWell(t testing.TB, ref reference) (sde.Problem, *landscape.Critical) {
	t.Helper()
	l, err := landscape.Builtin("double-well", 1, map[string]any{"tilt": ref.Tilt})
	if err != nil {
		t.Fatal(err)
	}
	g, err := grid.New(grid.Axis{Lo: ref.Domain[0], Hi: ref.Domain[1], N: 1000})
	if err != nil {
		t.Fatal(err)
	}
	c, err := landscape.FindCritical(l, []float64{ref.Domain[0]}, []float64{ref.Domain[1]}, landscape.CriticalSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Minima) != 2 || len(c.Saddles) != 1 {
		t.Fatalf("critical points: %d minima, %d saddles", len(c.Minima), len(c.Saddles))
	}
	a, b := c.Nearest([]float64{ref.XA}), c.Nearest([]float64{ref.XC})
	tg, err := sde.NewTarget(sde.TargetBeyond, c, landscape.NewBasinMap(g, l, c), b, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return sde.Problem{
		Loss:      l,
		Diffusion: operators.White{D: 1, T: ref.T},
		Walls:     sde.WallsOf(g),
		Target:    tg,
		Start:     c.Minima[a].X,
	}, c
}
