package bench

import (
	"context"
	"testing"

	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

func model(b *testing.B, name string) *scenario.Model {
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

// stationary times assembly and the stationary solve (target: 1-D 6400
// cells ≤ 1 ms; 2-D 200×200 ≤ 50 ms).
func stationary(b *testing.B, name string) {
	m := model(b, name)
	for b.Loop() {
		op, err := m.Operator()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := solver.Stationary(op, nil, linear.Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSteady1D6400(b *testing.B)    { stationary(b, "steady-1d") }
func BenchmarkSteady2D200x200(b *testing.B) { stationary(b, "steady-2d") }

// evolve times assembly and the time loop with the scenario's outputs
// (moments at every output, as `fpsolve run` records them).
func evolve(b *testing.B, name string) {
	m := model(b, name)
	for b.Loop() {
		op, err := m.Operator()
		if err != nil {
			b.Fatal(err)
		}
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
}

// Target ≤ 0.1 s (t ≤ 40, 81 outputs, 3200 cells).
func BenchmarkSurvival1D3200(b *testing.B) { evolve(b, "survival-1d") }

// Target ≤ 1 s (t ≤ 10, 101 outputs, 200×200).
func BenchmarkEvolve2D200x200(b *testing.B) { evolve(b, "evolve-2d") }

// BenchmarkFloorTriad is a STREAM-style triad a = b + s·c over 10⁶ doubles
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
