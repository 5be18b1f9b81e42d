package landscape

import (
	"math"
	"testing"
)

// TestFiniteDifferenceQuadratic checks FiniteDifference on L = ½xᵀAx, for
// which central differences have no truncation error: the results equal ∇L
// and A up to rounding, ε|L|/h ≈ 1e-15/h and 4ε|L|/h² respectively.
func TestFiniteDifferenceQuadratic(t *testing.T) {
	A := []any{[]any{4, 1, 0}, []any{1, 3, -0.5}, []any{0, -0.5, 2}}
	l, err := Builtin("quadratic", 3, map[string]any{"A": A})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.5, -1, 2}
	_, g, h := derivatives(l, x)
	fg, fh := finiteDifference(l, x, 1e-3)
	if e := relErr(fg, g); e > 1e-11 {
		t.Errorf("gradient %v, want %v (relative error %.3g)", fg, g, e)
	}
	if e := relErr(fh, h); e > 1e-8 {
		t.Errorf("Hessian %v, want %v (relative error %.3g)", fh, h, e)
	}
}

// TestFiniteDifferencePanics checks that a non-positive step panics.
func TestFiniteDifferencePanics(t *testing.T) {
	l, _ := Builtin("double-well", 1, nil)
	for _, h := range []float64{0, -1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("h = %v: no panic", h)
				}
			}()
			FiniteDifference(l, []float64{1}, make([]float64, 1), nil, h)
		}()
	}
}
