package operators

import (
	"errors"
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/landscape"
)

// Beyond is the part of the basin of minimum Label on the far side of the
// minimum as seen from the saddle it is reached over: {x : (x − P)·U ≥ 0,
// Basins.Of(x) = Label}, P the minimum and U the unit vector from the
// saddle to it. It is the default escape target: a sink for the
// Fokker–Planck operator and, through Plane, a planar target for walkers.
type Beyond struct {
	P, U   []float64
	Label  int
	Basins *landscape.BasinMap
}

// NewBeyond returns the Beyond set of the minimum at minimum (basin label)
// reached over the saddle at saddle.
func NewBeyond(minimum, saddle []float64, label int, basins *landscape.BasinMap) (*Beyond, error) {
	if basins == nil {
		return nil, errors.New("operators: the beyond target needs the basin map")
	}
	u := make([]float64, len(minimum))
	n := 0.0
	for k := range u {
		u[k] = minimum[k] - saddle[k]
		n += u[k] * u[k]
	}
	n = math.Sqrt(n)
	if n == 0 {
		return nil, errors.New("operators: the saddle coincides with the minimum")
	}
	for k := range u {
		u[k] /= n
	}
	return &Beyond{P: minimum, U: u, Label: label, Basins: basins}, nil
}

// side returns (x − P)·U.
func (b *Beyond) side(x []float64) float64 {
	s := 0.0
	for k := range x {
		s += (x[k] - b.P[k]) * b.U[k]
	}
	return s
}

// Contains reports whether x is in basin Label and beyond its minimum.
func (b *Beyond) Contains(x []float64) bool {
	return b.side(x) >= 0 && b.Basins.Of(x) == b.Label
}

// Reach returns the distance along axis k in direction dir to the plane
// through P normal to U, when it is closer than max and the crossing lies
// in basin Label.
func (b *Beyond) Reach(x []float64, k, dir int, max float64) float64 {
	uk := b.U[k] * float64(dir)
	if uk <= 0 {
		return max
	}
	s := -b.side(x) / uk
	if s <= 0 || s > max {
		return max
	}
	y := append([]float64(nil), x...)
	y[k] += float64(dir) * s
	if b.Basins.Of(y) != b.Label {
		return max
	}
	return s
}

// Plane returns P and U: where walkers reach the set, its boundary is the
// plane (x − P)·U = 0.
func (b *Beyond) Plane() (p, u []float64) { return b.P, b.U }

func (b *Beyond) String() string {
	return fmt.Sprintf("basin %d beyond its minimum %v", b.Label, b.P)
}
