package escape

import (
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/landscape"
)

// TargetKind selects the absorbing set that defines arrival at minimum b.
type TargetKind int

const (
	// Beyond is the part of basin b on the far side of minimum b as seen
	// from the saddle: {x ∈ basin b : (x − x_b)·u ≥ 0}, u the unit vector
	// from the saddle to x_b. In 1-D it is the half-line from the minimum
	// on; τ is then the first arrival at the minimum.
	Beyond TargetKind = iota
	// Basin is the whole basin of b (first crossing of the dividing surface
	// as resolved by the grid).
	Basin
	// Ball is the ball of radius Settings.Radius around minimum b.
	Ball
)

// ParseTarget returns the target kind named beyond, basin or ball.
func ParseTarget(s string) (TargetKind, error) {
	switch s {
	case "beyond", "":
		return Beyond, nil
	case "basin":
		return Basin, nil
	case "ball":
		return Ball, nil
	}
	return 0, fmt.Errorf("unknown escape target %q: use beyond, basin or ball", s)
}

// String returns the scenario word for t.
func (t TargetKind) String() string {
	switch t {
	case Basin:
		return "basin"
	case Ball:
		return "ball"
	}
	return "beyond"
}

// beyond is the Beyond target as an operators.Sink.
type beyond struct {
	xb, u  []float64
	basin  int
	basins *landscape.BasinMap
}

func newBeyond(minB []float64, saddle []float64, b int, basins *landscape.BasinMap) beyond {
	d := len(minB)
	u := make([]float64, d)
	n := 0.0
	for k := range u {
		u[k] = minB[k] - saddle[k]
		n += u[k] * u[k]
	}
	n = math.Sqrt(n)
	for k := range u {
		u[k] /= n
	}
	return beyond{xb: minB, u: u, basin: b, basins: basins}
}

func (t beyond) side(x []float64) float64 {
	s := 0.0
	for k := range x {
		s += (x[k] - t.xb[k]) * t.u[k]
	}
	return s
}

// Contains reports whether x is in basin b and beyond its minimum.
func (t beyond) Contains(x []float64) bool {
	return t.side(x) >= 0 && t.basins.Of(x) == t.basin
}

// Reach returns the distance along axis k in direction dir to the plane
// through x_b normal to u, when it is closer than max and the crossing lies
// in basin b.
func (t beyond) Reach(x []float64, k, dir int, max float64) float64 {
	uk := t.u[k] * float64(dir)
	if uk <= 0 {
		return max
	}
	s := -t.side(x) / uk
	if s <= 0 || s > max {
		return max
	}
	y := append([]float64(nil), x...)
	y[k] += float64(dir) * s
	if t.basins.Of(y) != t.basin {
		return max
	}
	return s
}

func (t beyond) String() string {
	return fmt.Sprintf("basin %d beyond its minimum %v", t.basin, t.xb)
}
