package solver_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/internal/testscenario"
	"github.com/fpsolve/fpsolve/solver"
)

// TestFallbackReported: one backward-Euler step of the flat-sharp
// scenario's SGD-local dynamics at 400×320 cells, from the uniform
// density, with Δt = 0.02589 (the first step of its adaptive run):
// multigrid's residual does not fall, so it stops as stalled (after
// mgStall iterations, not mgMaxIter), multigrid with constant
// interpolation takes over, the statistics say so, and the step
// conserves mass.
func TestFallbackReported(t *testing.T) {
	m, op := testscenario.Operator(t, "../testdata/scenarios/flat-sharp-2d.yaml", []int{400, 320})
	p, err := m.Initial()
	if err != nil {
		t.Fatal(err)
	}
	const dt = 0.02589
	st, err := solver.Evolve(context.Background(), op, p, 0, []float64{dt}, solver.Settings{Scheme: solver.BackwardEuler, DT: dt}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Fallbacks != 1 || !strings.Contains(st.Fallback, "stalled after") || !strings.Contains(st.Fallback, "constant interpolation, coarsest") {
		t.Errorf("%d fallbacks, first %q; want 1: multigrid stalled, then multigrid with constant interpolation", st.Fallbacks, st.Fallback)
	}
	mass := 0.0
	for _, v := range p {
		mass += v
	}
	if mass *= m.Grid.CellVolume(); mass < 1-1e-9 || mass > 1+1e-9 {
		t.Errorf("mass after the step %.12f, want 1 ± 1e-9", mass)
	}
}
