package solver

import (
	"context"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// benchStep runs one implicit (backward Euler, Δt = 0.01) step on an n×n
// 2-D double well with SGD noise, including the linear-solver set-up, as a
// first step of a run would.
func benchStep(b *testing.B, n int) {
	l := testloss.FlatSharp(0.5)
	g := plane(-2.5, 2.5, n, n)
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: l, Diffusion: operators.SGD{Loss: l, Scale: 0.025, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3}})
	if err != nil {
		b.Fatal(err)
	}
	p0 := make([]float64, g.Len())
	gaussian(g, p0, []float64{-1, 0}, [][]float64{{0.1, 0}, {0, 0.1}})
	p := make([]float64, len(p0))
	for b.Loop() {
		copy(p, p0)
		if _, err := Evolve(context.Background(), op, p, 0, []float64{0.01}, Settings{Scheme: BackwardEuler, DT: 0.01}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImplicitStep400x400(b *testing.B)   { benchStep(b, 400) }
func BenchmarkImplicitStep1000x1000(b *testing.B) { benchStep(b, 1000) }

// BenchmarkMFPT1D1e5 solves Aᵀτ = −1 for the tilted double well under
// sgd noise on 10⁵ cells (target: the right well).
func BenchmarkMFPT1D1e5(b *testing.B) {
	l := testloss.DoubleWell(0.1)
	g := line(-2.5, 2.5, 100000, grid.Reflecting, grid.Reflecting)
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: l,
		Diffusion: operators.SGD{Loss: l, Scale: 0.025, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3},
		Sinks:     []operators.Sink{operators.Box{Lo: []float64{0.9456492739235914}, Hi: []float64{2.5}}}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := MFPT(op, linear.Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMFPT2D400x400 solves the white-noise MFPT of the flat/sharp well
// to the line x = 1 on 400×400 cells.
func BenchmarkMFPT2D400x400(b *testing.B) {
	R, A := grid.Reflecting, grid.Absorbing
	g, err := grid.New(grid.Axis{Lo: -2.5, Hi: 1, N: 400, Low: R, High: A}, grid.Axis{Lo: -2, Hi: 2, N: 400, Low: R, High: R})
	if err != nil {
		b.Fatal(err)
	}
	op, err := operators.Assemble(operators.Problem{Grid: g, Loss: testloss.FlatSharp(0.5), Diffusion: operators.White{D: 2, T: 0.05}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := MFPT(op, linear.Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}
