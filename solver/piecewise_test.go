package solver

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
)

// TestEvolvePiecewise: a piecewise run equals Evolve called piece by piece
// from the density reached at each break (bitwise with fixed steps); the
// observer sees exactly the requested output times, an output at a break
// once; the mass is conserved with adaptive steps across the breaks.
func TestEvolvePiecewise(t *testing.T) {
	g := line(-2.5, 2.5, 200, grid.Reflecting, grid.Reflecting)
	ops := sgdLadder(t, g)
	opAt := func(k int) (*operators.Operator, error) { return ops[k], nil }
	start := func() []float64 {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{0}, [][]float64{{0.3}})
		return p
	}
	breaks := []float64{2.5, 3.7}
	times := []float64{1, 2.5, 3, 6}
	s := Settings{Scheme: TRBDF2, DT: 0.05}

	p := start()
	var seen []float64
	var got [][]float64
	if _, err := EvolvePiecewise(context.Background(), breaks, opAt, p, 0, times, s, func(tt float64, q []float64) error {
		seen = append(seen, tt)
		got = append(got, slices.Clone(q))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, times) {
		t.Fatalf("observed at %v, want %v", seen, times)
	}
	q := start()
	var want [][]float64
	keep := func(_ float64, r []float64) error { want = append(want, slices.Clone(r)); return nil }
	ctx := context.Background()
	if _, err := Evolve(ctx, ops[0], q, 0, []float64{1, 2.5}, s, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := Evolve(ctx, ops[1], q, 2.5, []float64{3, 3.7}, s, keep); err != nil {
		t.Fatal(err)
	}
	want = want[:3] // 3.7 is a break, not an output
	if _, err := Evolve(ctx, ops[2], q, 3.7, []float64{6}, s, keep); err != nil {
		t.Fatal(err)
	}
	for i := range times {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("t = %g: piecewise run differs from the runs piece by piece", times[i])
		}
	}

	s.Adaptive, s.Tol = true, 1e-6
	p = start()
	seen = nil
	st, err := EvolvePiecewise(ctx, breaks, opAt, p, 0, times, s, func(tt float64, q []float64) error {
		seen = append(seen, tt)
		if e := math.Abs(g.Mass(q) - 1); e > 1e-10 {
			t.Errorf("t = %g: |mass − 1| = %.3g", tt, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, times) || st.T != 6 {
		t.Errorf("adaptive: observed at %v, ended at %g", seen, st.T)
	}
	// Adaptive against fixed steps: the same solution to the tolerance.
	worst := 0.0
	for c := range p {
		worst = math.Max(worst, math.Abs(p[c]-got[3][c]))
	}
	if worst > 1e-3*slices.Max(got[3]) {
		t.Errorf("adaptive vs fixed steps at t = 6: max difference %.3g", worst)
	}
	t.Logf("adaptive: %d steps, %d rejected, %d factorizations; max |adaptive − fixed| = %.2g", st.Steps, st.Rejected, st.Factorizations, worst)

	if _, err := EvolvePiecewise(ctx, []float64{2, 1}, opAt, start(), 0, times, s, nil); err == nil {
		t.Error("decreasing breaks accepted")
	}
}

// TestStatsThen: the statistics of consecutive parts of a run (pieces of
// a schedule, a run and its resumption) add up: counts summed, step range
// widened (a part without steps leaves it alone), the last part's solver,
// and the first fallback's description.
func TestStatsThen(t *testing.T) {
	a := Stats{T: 1, Steps: 4, Rejected: 1, Factorizations: 2, MinDT: 0.1, MaxDT: 0.4, NegativeMass: -1e-9,
		Solver: "mg", Fallbacks: 1, Fallback: "mg failed"}
	b := Stats{T: 3, Steps: 5, Factorizations: 1, MinDT: 0.05, MaxDT: 0.3, NegativeMass: -1e-8,
		Solver: "ilu", Fallbacks: 2, Fallback: "ilu failed"}
	for name, tc := range map[string]struct {
		a, b, want Stats
	}{
		"both": {a, b, Stats{T: 3, Steps: 9, Rejected: 1, Factorizations: 3, MinDT: 0.05, MaxDT: 0.4,
			NegativeMass: -1e-8, Solver: "ilu", Fallbacks: 3, Fallback: "mg failed"}},
		"second without steps": {a, Stats{T: 1}, Stats{T: 1, Steps: 4, Rejected: 1, Factorizations: 2,
			MinDT: 0.1, MaxDT: 0.4, NegativeMass: -1e-9, Solver: "mg", Fallbacks: 1, Fallback: "mg failed"}},
		"first without fallback": {Stats{}, b, Stats{T: 3, Steps: 5, Factorizations: 1, MinDT: 0.05,
			MaxDT: 0.3, NegativeMass: -1e-8, Solver: "ilu", Fallbacks: 2, Fallback: "ilu failed"}},
	} {
		if got := tc.a.Then(tc.b); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", name, got, tc.want)
		}
	}
}
