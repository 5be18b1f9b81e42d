package linear

import (
	"testing"
)

func BenchmarkThomas1e6(b *testing.B) {
	const n = 1_000_000
	m := tridiag(n, false, 1)
	s, err := New(m, Settings{Method: Thomas})
	if err != nil {
		b.Fatal(err)
	}
	rhs := randVec(n, 2)
	x := make([]float64, n)
	b.ResetTimer()
	for range b.N {
		if err := s.Solve(x, rhs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkThomasCyclic1e6(b *testing.B) {
	const n = 1_000_000
	m := tridiag(n, true, 1)
	s, err := New(m, Settings{Method: Thomas})
	if err != nil {
		b.Fatal(err)
	}
	rhs := randVec(n, 2)
	x := make([]float64, n)
	b.ResetTimer()
	for range b.N {
		if err := s.Solve(x, rhs); err != nil {
			b.Fatal(err)
		}
	}
}

// bench200 is the implicit step I − Δt·L on a 200×200 grid (5-point,
// Δt·D/h² = 10), giving n = 40000 and kl = ku = 200.
func bench200() *gridOpts {
	return &gridOpts{nx: 200, ny: 200, dt: 10, seed: 1}
}

func BenchmarkBandLUFactor200x200(b *testing.B) {
	m := implicitStep(*bench200())
	b.ResetTimer()
	for range b.N {
		if _, err := New(m, Settings{Method: BandLU}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBandLUSolve200x200(b *testing.B) {
	m := implicitStep(*bench200())
	s, err := New(m, Settings{Method: BandLU})
	if err != nil {
		b.Fatal(err)
	}
	n, _ := m.Dims()
	rhs := randVec(n, 2)
	x := make([]float64, n)
	b.ResetTimer()
	for range b.N {
		if err := s.Solve(x, rhs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBiCGSTAB400x400 solves one implicit step I − Δt·L with
// Δt·D/h² = 10 on a 400×400 grid from a zero initial guess to 1e-10,
// including the ILU(0) set-up.
func BenchmarkBiCGSTAB400x400(b *testing.B) {
	m := implicitStep(gridOpts{nx: 400, ny: 400, dt: 10, seed: 1})
	n, _ := m.Dims()
	rhs := randVec(n, 2)
	x := make([]float64, n)
	iters := 0
	b.ResetTimer()
	for range b.N {
		s, err := New(m, Settings{Method: BiCGSTAB})
		if err != nil {
			b.Fatal(err)
		}
		clear(x)
		if err := s.Solve(x, rhs); err != nil {
			b.Fatal(err)
		}
		iters = s.(*bicgstab).iters
	}
	b.ReportMetric(float64(iters), "iter")
}

func BenchmarkMulVec1000x1000(b *testing.B) {
	m := implicitStep(gridOpts{nx: 1000, ny: 1000, nine: true, dt: 1, seed: 1})
	n, _ := m.Dims()
	x := randVec(n, 2)
	y := make([]float64, n)
	b.ResetTimer()
	for range b.N {
		MulVec(y, m, x)
	}
}
