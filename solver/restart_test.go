package solver

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
)

// TestRestart: a run restarted from any state that OnState reported (with
// the outputs not yet observed) observes bitwise the same densities as the
// uninterrupted run, ends with the same density and takes the remaining
// steps, for every scheme, fixed and adaptive, with and without breaks of
// a piecewise-constant generator (a state on a break included).
func TestRestart(t *testing.T) {
	g := line(-2.5, 2.5, 120, grid.Reflecting, grid.Reflecting)
	ops := sgdLadder(t, g)
	start := func() []float64 {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{0.9}, [][]float64{{0.01}})
		return p
	}
	times := []float64{0.7, 1.5, 2.5, 3}
	breaks := []float64{1.2, 2.5}
	cases := []struct {
		name      string
		s         Settings
		piecewise bool
	}{
		{"tr-bdf2 fixed", Settings{Scheme: TRBDF2, DT: 0.1}, false},
		{"backward-euler fixed", Settings{Scheme: BackwardEuler, DT: 0.1}, false},
		{"crank-nicolson fixed", Settings{Scheme: CrankNicolson, DT: 0.1}, false},
		{"bdf2 fixed", Settings{Scheme: BDF2, DT: 0.1}, false},
		{"tr-bdf2 adaptive", Settings{Scheme: TRBDF2, DT: 0.01, Adaptive: true, Tol: 1e-5}, false},
		{"backward-euler adaptive", Settings{Scheme: BackwardEuler, DT: 0.01, Adaptive: true, Tol: 1e-4, MaxDT: 0.3}, false},
		{"bdf2 piecewise", Settings{Scheme: BDF2, DT: 0.1}, true},
		{"tr-bdf2 fixed piecewise", Settings{Scheme: TRBDF2, DT: 0.1}, true},
		{"tr-bdf2 adaptive piecewise", Settings{Scheme: TRBDF2, DT: 0.01, Adaptive: true, Tol: 1e-5}, true},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evolve := func(p []float64, t0 float64, times []float64, s Settings, obs Observer) (Stats, error) {
				if !tc.piecewise {
					return Evolve(ctx, ops[0], p, t0, times, s, obs)
				}
				return EvolvePiecewise(ctx, breaks, func(k int) (*operators.Operator, error) { return ops[k], nil }, p, t0, times, s, obs)
			}
			// The uninterrupted run, with every state and the number of
			// outputs observed when it was reported.
			var outs [][]float64
			var states []State
			var seen []int
			s := tc.s
			s.OnState = func(st State) error {
				st.P, st.Prev, st.Rate = slices.Clone(st.P), slices.Clone(st.Prev), slices.Clone(st.Rate)
				states = append(states, st)
				seen = append(seen, len(outs))
				return nil
			}
			p := start()
			total, err := evolve(p, 0, times, s, func(_ float64, q []float64) error {
				outs = append(outs, slices.Clone(q))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(states) != total.Steps || len(outs) != len(times) {
				t.Fatalf("%d states, %d outputs for %d steps, %d times", len(states), len(outs), total.Steps, len(times))
			}
			onBreak := 0
			for i, st := range states {
				if slices.Contains(breaks, st.T) {
					onBreak++
				}
				if st.Stats.Steps != i+1 {
					t.Fatalf("state %d reports %d steps", i, st.Stats.Steps)
				}
				r := st
				q := slices.Clone(st.P)
				rs := tc.s
				rs.Restart = &r
				var got [][]float64
				more, err := evolve(q, st.T, times[seen[i]:], rs, func(_ float64, v []float64) error {
					got = append(got, slices.Clone(v))
					return nil
				})
				if err != nil {
					t.Fatalf("restart at t = %g: %v", st.T, err)
				}
				for j, v := range got {
					if !slices.Equal(v, outs[seen[i]+j]) {
						t.Fatalf("restart %d at t = %g: output %d differs", i, st.T, seen[i]+j)
					}
				}
				// After the last output, the run's density is that output
				// (interpolated by adaptive steps), the restart's the state.
				same := slices.Equal(q, p) || seen[i] == len(times)
				if len(got) != len(times)-seen[i] || !same || more.Steps != total.Steps-(i+1) {
					t.Fatalf("restart %d at t = %g: %d outputs, %d steps (want %d, %d), final density equal: %v",
						i, st.T, len(got), more.Steps, len(times)-seen[i], total.Steps-(i+1), same)
				}
			}
			if tc.piecewise && onBreak == 0 {
				t.Error("no state on a break")
			}
			t.Logf("%d steps, %d outputs, %d restarts on a break", total.Steps, len(outs), onBreak)
		})
	}

	s := Settings{Scheme: TRBDF2, DT: 0.1, Restart: &State{T: 1, DT: 0.1}}
	if _, err := Evolve(ctx, ops[0], start(), 0, times, s, nil); err == nil {
		t.Error("restart state at t = 1 accepted for t0 = 0")
	}
	s.Restart = &State{T: 0, DT: 0.1, Prev: start(), PrevDT: 0.1}
	if _, err := Evolve(ctx, ops[0], start(), 0, times, s, nil); err == nil {
		t.Error("BDF2 history accepted for tr-bdf2")
	}
}

// TestLadderIdempotent: rungs 2^(k/2) map to themselves, above and below 1,
// and other steps round down to the rung below.
func TestLadderIdempotent(t *testing.T) {
	for k := -60; k <= 40; k++ {
		r := math.Exp2(float64(k) / 2)
		if got := ladder(r); got != r {
			t.Errorf("ladder(2^(%d/2) = %g) = %g", k, r, got)
		}
		if got := ladder(r * 1.3); got != r {
			t.Errorf("ladder(1.3·2^(%d/2)) = %g, want %g", k, got, r)
		}
	}
}
