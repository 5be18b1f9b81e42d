package escape

import (
	"math"
	"testing"
)

// TestTRBDF2Amplification checks R against one TR-BDF2 step computed by
// hand for y' = λy, and that the inverse recovers z.
func TestTRBDF2Amplification(t *testing.T) {
	g := 2 - math.Sqrt2
	for _, z := range []float64{-2.5, -1, -0.125, -1e-3} {
		ys := (1 + g*z/2) / (1 - g*z/2) // trapezoidal stage to γΔt
		// BDF2 stage: (1 − (1−γ)/(2−γ)·z)·y₁ = ys/(γ(2−γ)) − (1−γ)²/(γ(2−γ)).
		y1 := (ys/(g*(2-g)) - (1-g)*(1-g)/(g*(2-g))) / (1 - (1-g)/(2-g)*z)
		if r := trbdf2Amplification(z); !(math.Abs(r-y1) <= 1e-14) {
			t.Errorf("R(%g) = %.16g, hand step %.16g", z, r, y1)
		}
		if back := trbdf2Inverse(y1); !(math.Abs(back-z) <= 1e-12*math.Max(1, math.Abs(z))) {
			t.Errorf("R⁻¹(R(%g)) = %.16g", z, back)
		}
	}
}
