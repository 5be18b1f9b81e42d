package operators

import (
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
)

// flatSharpSGD is the 2-D flat/sharp well e^{x/2}[(x²−1)²/4 + y²/2] under
// SGD noise (full Hessian, so the 9-point stencil) on an n×n grid.
func flatSharpSGD(n int) Problem {
	R := grid.Reflecting
	l := testloss.Wells2()
	return Problem{Grid: mustGrid(axis(-2, 2, n, R, R), axis(-2, 2, n, R, R)), Loss: l, Diffusion: SGD{Loss: l, Scale: 0.025, PSD: SoftAbs, Eps: 0.05, Floor: 1e-3}}
}

// BenchmarkAssemble1000x1000 assembles the 10⁶-cell generator with
// Hessian-dependent, non-diagonal diffusion.
func BenchmarkAssemble1000x1000(b *testing.B) {
	p := flatSharpSGD(1000)
	for b.Loop() {
		if _, err := Assemble(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply1000x1000 is one matrix–vector product A·P at 10⁶ cells.
func BenchmarkApply1000x1000(b *testing.B) {
	op, err := Assemble(flatSharpSGD(1000))
	if err != nil {
		b.Fatal(err)
	}
	p := make([]float64, op.Grid.Len())
	for i := range p {
		p[i] = 1
	}
	dst := make([]float64, len(p))
	for b.Loop() {
		op.Apply(dst, p)
	}
}
