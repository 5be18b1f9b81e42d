package bench

import (
	"context"
	"testing"
	"time"

	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

func model(b testing.TB, name string) *scenario.Model {
	b.Helper()
	s, err := scenario.Load("../testdata/bench/" + name + ".yaml")
	if err != nil {
		b.Fatal(err)
	}
	m, err := scenario.Build(s)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// assembled returns the model of the named case, its generator and its
// initial density.
func assembled(b *testing.B, name string) (*scenario.Model, *operators.Operator, []float64) {
	m := model(b, name)
	op, err := m.Operator()
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.Initial()
	if err != nil {
		b.Fatal(err)
	}
	return m, op, p
}

// report attaches the case's target (seconds) and its floor: the bytes one
// product with the generator moves (CSR: 12 bytes per stored entry, plus
// reading x and writing y), which the report divides by the measured
// triad bandwidth. The ratio to the floor is thus "how many matrix sweeps
// the case costs".
func report(b *testing.B, target float64, nnz, n int) {
	b.ReportMetric(target, "target-s")
	b.ReportMetric(float64(12*nnz+16*n), "floor-B")
}

// stationary times assembly and the stationary solve.
func stationary(b *testing.B, name string, target float64) {
	m := model(b, name)
	var nnz int
	for b.Loop() {
		op, err := m.Operator()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := solver.Stationary(op, nil, linear.Settings{}); err != nil {
			b.Fatal(err)
		}
		nnz = op.A.NNZ()
	}
	report(b, target, nnz, m.Grid.Len())
}

// BenchmarkSteady1D6400: fplanck 0.024 s, FiPy 0.51 s; target ≤ 1 ms.
func BenchmarkSteady1D6400(b *testing.B) { stationary(b, "steady-1d", 1e-3) }

// BenchmarkSteady2D200x200: fplanck 1.46 s, FiPy 5.9 s; target ≤ 50 ms.
func BenchmarkSteady2D200x200(b *testing.B) { stationary(b, "steady-2d", 0.05) }

// evolve times assembly and the time loop with the scenario's outputs
// (moments at every output, as `fpsolve run` records them).
func evolve(b *testing.B, name string, target float64) {
	m := model(b, name)
	var nnz int
	for b.Loop() {
		op, err := m.Operator()
		if err != nil {
			b.Fatal(err)
		}
		nnz = op.A.NNZ()
		p, err := m.Initial()
		if err != nil {
			b.Fatal(err)
		}
		d := m.Grid.Dim()
		mean, cov := make([]float64, d), make([]float64, d*d)
		if _, err := solver.Evolve(context.Background(), op, p, 0, m.OutputTimes(), m.Steps, func(_ float64, p []float64) error {
			m.Grid.Covariance(cov, mean, p)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, target, nnz, m.Grid.Len())
}

// BenchmarkSurvival1D3200: fplanck 630 s, FiPy 16 s; target ≤ 0.1 s for
// t ≤ 40 with 81 outputs.
func BenchmarkSurvival1D3200(b *testing.B) { evolve(b, "survival-1d", 0.1) }

// BenchmarkEvolve2D200x200: fplanck 50 s; target ≤ 1 s (t ≤ 10, 101
// outputs).
func BenchmarkEvolve2D200x200(b *testing.B) { evolve(b, "evolve-2d", 1) }

// step times one implicit step including the linear-solver set-up for its
// step size. The generator's one-time preparation is outside the loop, as
// in a run, which assembles once: assembly, and (on the iterative path) its
// conversion to stencil storage and the Galerkin products kept per
// operator, done by a first, untimed run; that run's time is reported as
// first-s (everything but the assembly).
func step(b *testing.B, name string, target float64) {
	m, op, p0 := assembled(b, name)
	p := make([]float64, len(p0))
	copy(p, p0)
	start := time.Now()
	if _, err := solver.Evolve(context.Background(), op, p, 0, m.OutputTimes(), m.Steps, nil); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start).Seconds()
	for b.Loop() {
		copy(p, p0)
		if _, err := solver.Evolve(context.Background(), op, p, 0, m.OutputTimes(), m.Steps, nil); err != nil {
			b.Fatal(err)
		}
	}
	report(b, target, op.A.NNZ(), m.Grid.Len())
	b.ReportMetric(first, "first-s")
}

// BenchmarkStep400Iso: FiPy 1.36 s; target ≤ 50 ms.
func BenchmarkStep400Iso(b *testing.B) { step(b, "step-400-iso", 0.05) }

// BenchmarkStep400Aniso: FiPy 1.4 s; target ≤ 50 ms.
func BenchmarkStep400Aniso(b *testing.B) { step(b, "step-400-aniso", 0.05) }

// BenchmarkSteps400AnisoTen is ten steps of the anisotropic case in one run
// (the solver set up once, as a run with a fixed step does); the target is
// 10 × 50 ms, so ÷target is per step.
func BenchmarkSteps400AnisoTen(b *testing.B) { step(b, "steps-400-aniso", 0.5) }

// BenchmarkStep1000: target ≤ 0.5 s and ≤ 2 GB (see B/op).
func BenchmarkStep1000(b *testing.B) { step(b, "step-1000", 0.5) }

// BenchmarkFloorTriad is a STREAM-style triad a = b + s·c over 2²⁰ doubles
// (24 MB moved): the memory-bandwidth floor.
func BenchmarkFloorTriad(b *testing.B) {
	n := 1 << 20
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		y[i], z[i] = float64(i), 1
	}
	b.SetBytes(int64(24 * n))
	for b.Loop() {
		for i := range x {
			x[i] = y[i] + 3*z[i]
		}
	}
}

// BenchmarkFloorSerial is a 9-point product over 400² cells, on one
// goroutine and from the last-level cache: the speed of one core of the
// host as our kernels see it (0.72 ms on a quiet host here, 1.5 ms at its
// busiest). The host is shared; compare runs only where it agrees.
func BenchmarkFloorSerial(b *testing.B) {
	const nx, n = 400, 400 * 400
	var c [9][]float64
	for t := range c {
		c[t] = make([]float64, n)
		for i := range c[t] {
			c[t][i] = float64(i%7) + 1
		}
	}
	x, y := make([]float64, n), make([]float64, n)
	lo, hi := nx+1, n-nx-1
	k := hi - lo
	c0, c1, c2, c3, c4 := c[0][lo:hi], c[1][lo:hi], c[2][lo:hi], c[3][lo:hi], c[4][lo:hi]
	c5, c6, c7, c8 := c[5][lo:hi], c[6][lo:hi], c[7][lo:hi], c[8][lo:hi]
	x0, x1, x2 := x[lo-nx-1:][:k], x[lo-nx:][:k], x[lo-nx+1:][:k]
	x3, x4, x5 := x[lo-1:][:k], x[lo:][:k], x[lo+1:][:k]
	x6, x7, x8 := x[lo+nx-1:][:k], x[lo+nx:][:k], x[lo+nx+1:][:k]
	ys := y[lo:hi]
	for b.Loop() {
		for i := range ys {
			ys[i] = c0[i]*x0[i] + c1[i]*x1[i] + c2[i]*x2[i] + c3[i]*x3[i] + c4[i]*x4[i] +
				c5[i]*x5[i] + c6[i]*x6[i] + c7[i]*x7[i] + c8[i]*x8[i]
		}
	}
}

// BenchmarkFloorMatVec1000x1000 is one product with the generator of the
// 10⁶-cell step case (CSR, 5 points per row).
func BenchmarkFloorMatVec1000x1000(b *testing.B) {
	_, op, p := assembled(b, "step-1000")
	y := make([]float64, len(p))
	b.SetBytes(int64(12*op.A.NNZ() + 16*len(p)))
	for b.Loop() {
		linear.MulVec(y, op.A, p)
	}
}
