package operators

import (
	"fmt"
	"math"
)

// Sink is an absorbing region inside the domain: probability that reaches
// it is removed. A cell whose centre lies in the sink is a sink cell and
// holds P = 0; the flux from a neighbouring cell into the sink is fitted
// over the exact distance from that cell's centre to the sink boundary, so
// the absorbing surface sits where the sink says, not at a cell centre.
type Sink interface {
	// Contains reports whether x lies in the sink.
	Contains(x []float64) bool
	// Reach returns the distance from x (outside the sink) along axis k in
	// direction dir (±1) to the sink boundary, or max if the boundary is
	// not closer than max.
	Reach(x []float64, k, dir int, max float64) float64
}

// Box is the sink Lo ≤ x ≤ Hi (per axis).
type Box struct{ Lo, Hi []float64 }

// Contains reports whether x lies in the box.
func (b Box) Contains(x []float64) bool {
	for k := range x {
		if x[k] < b.Lo[k] || x[k] > b.Hi[k] {
			return false
		}
	}
	return true
}

// Reach returns the distance from x along axis k in direction dir to the
// box, if the ray meets the box's face within max.
func (b Box) Reach(x []float64, k, dir int, max float64) float64 {
	for m := range x {
		if m != k && (x[m] < b.Lo[m] || x[m] > b.Hi[m]) {
			return max
		}
	}
	var d float64
	if dir > 0 {
		d = b.Lo[k] - x[k]
	} else {
		d = x[k] - b.Hi[k]
	}
	if d <= 0 || d > max {
		return max
	}
	return d
}

// String describes the box.
func (b Box) String() string { return fmt.Sprintf("box %v–%v", b.Lo, b.Hi) }

// Ball is the sink |x − Center| ≤ Radius.
type Ball struct {
	Center []float64
	Radius float64
}

// Contains reports whether x lies in the ball.
func (b Ball) Contains(x []float64) bool {
	s := 0.0
	for k := range x {
		s += (x[k] - b.Center[k]) * (x[k] - b.Center[k])
	}
	return s <= b.Radius*b.Radius
}

// Reach returns the distance from x along axis k in direction dir to the
// sphere, if the ray meets it within max.
func (b Ball) Reach(x []float64, k, dir int, max float64) float64 {
	// |x + s·dir·eₖ − c|² = r²: s² + 2·dir·(xₖ−cₖ)·s + |x−c|² − r² = 0.
	q := 0.0
	for m := range x {
		q += (x[m] - b.Center[m]) * (x[m] - b.Center[m])
	}
	q -= b.Radius * b.Radius
	p := float64(dir) * (x[k] - b.Center[k])
	disc := p*p - q
	if disc < 0 {
		return max
	}
	s := -p - math.Sqrt(disc)
	if s <= 0 || s > max {
		return max
	}
	return s
}

// String describes the ball.
func (b Ball) String() string { return fmt.Sprintf("ball at %v, radius %g", b.Center, b.Radius) }

// Cells is a sink made of whole cells (for example the basin of a
// minimum): the absorbing surface is at the centres of its cells.
type Cells []bool

// Contains is not defined pointwise for a cell set; Cells is handled by
// index in Assemble. It reports false.
func (Cells) Contains([]float64) bool { return false }

// Reach returns max: the absorbing point is the neighbouring centre.
func (Cells) Reach(_ []float64, _, _ int, max float64) float64 { return max }
