package sde_test

import (
	"context"
	"testing"

	"github.com/fpsolve/fpsolve/sde"
)

// BenchmarkWalkers1D measures walker-steps per second of the 1-D
// Euler–Maruyama fast path on two workers: the white-noise double well of
// the reference with T = 0.2, 2000 walkers from minimum a to minimum c at
// Δt = 0.005 (about 6000 steps each).
func BenchmarkWalkers1D(b *testing.B) {
	ref := loadReference(b)
	p, _ := doubleWell(b, ref)
	var steps int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 2000, Step: 0.005, MaxTime: 1e5, Seed: uint64(i), Workers: 2})
		if err != nil {
			b.Fatal(err)
		}
		steps += r.Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "walker-steps/s")
}
