package sde

import (
	"errors"
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/landscape"
)

// Examples is a loss made of n per-example losses ℓᵢ, L = (1/n)·Σᵢ ℓᵢ:
// what minibatch SGD samples. Implementations must be safe for concurrent
// use (dataset.Set is one).
type Examples interface {
	landscape.Landscape
	// Len returns the number of examples n.
	Len() int
	// BatchGradient stores (1/|batch|)·Σ_{i∈batch} ∇ℓᵢ(x) in dst.
	BatchGradient(dst, x []float64, batch []int)
}

// checkMinibatch validates the parts of p and s that Minibatch needs.
func checkMinibatch(p *Problem, s *Settings, d int) error {
	switch {
	case p.Examples == nil:
		return errors.New("sde: minibatch dynamics needs per-example losses (Problem.Examples)")
	case p.Examples.Dim() != d:
		return fmt.Errorf("sde: examples of dimension %d for a %d-D loss", p.Examples.Dim(), d)
	case s.Batch < 1 || s.Batch > p.Examples.Len():
		return fmt.Errorf("sde: batch size %d, want 1 ≤ B ≤ n = %d", s.Batch, p.Examples.Len())
	case !(s.Floor >= 0) || math.IsInf(s.Floor, 0):
		return fmt.Errorf("sde: floor %g, want a finite number ≥ 0", s.Floor)
	}
	return nil
}

// walkMinibatch runs one walker of minibatch SGD. Each step draws a batch
// of B distinct examples uniformly (a partial Fisher–Yates shuffle of the
// walker's permutation, from the walker's own stream; the permutation is
// reset at the start so that the walk depends only on its seed), steps
// θ ← θ − η·gℬ(θ) (+ √(2ηT0)·ζ), applies the walls, and ends at the first
// iterate inside the target.
func (w *worker) walkMinibatch() (Status, int64, error) {
	pl := w.pl
	d, n, b := pl.d, pl.ex.Len(), pl.batch
	if len(w.perm) != n {
		w.perm = make([]int, n)
	}
	perm := w.perm
	for i := range perm {
		perm[i] = i
	}
	x, y, g := w.x, w.y, w.g
	rng := w.rng
	for k := int64(1); k <= pl.maxSteps; k++ {
		for j := 0; j < b; j++ {
			r := j + rng.IntN(n-j)
			perm[j], perm[r] = perm[r], perm[j]
		}
		pl.ex.BatchGradient(g, x, perm[:b])
		for i := 0; i < d; i++ {
			y[i] = x[i] - pl.h*g[i]
		}
		if pl.floorAmp > 0 {
			for i := 0; i < d; i++ {
				y[i] += pl.floorAmp * rng.NormFloat64()
			}
		}
		if absorbed, err := pl.confine(y); err != nil {
			return 0, k, err
		} else if absorbed {
			return Absorbed, k, nil
		}
		if pl.target.Contains(y) {
			return Arrived, k, nil
		}
		copy(x, y)
		if k%cancelEvery == 0 && w.stop.Load() {
			return cancelled, k, nil
		}
	}
	return Capped, pl.maxSteps, nil
}
