package linefit

import (
	"math"
	"testing"
)

func TestLine(t *testing.T) {
	// Exact line through points far from the origin (where raw sums lose
	// digits): slope and intercept to rounding.
	x := []float64{1e6, 1e6 + 1, 1e6 + 2, 1e6 + 5}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = -0.25*v + 3
	}
	s, c, ok := Line(x, y)
	if !ok || math.Abs(s+0.25) > 1e-12 || math.Abs(c-3) > 1e-6 {
		t.Errorf("Line = %g, %g, %v; want −0.25, 3", s, c, ok)
	}
	if _, _, ok := Line([]float64{1, 1}, []float64{2, 3}); ok {
		t.Error("a single abscissa accepted")
	}
	if _, _, ok := Line([]float64{1}, []float64{2}); ok {
		t.Error("one point accepted")
	}
}
