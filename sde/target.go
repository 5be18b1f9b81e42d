package sde

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
)

// Target is the absorbing set that ends a walker: arrival at the minimum it
// escapes to. Implementations must be safe for concurrent use.
type Target interface {
	// Contains reports whether x lies in the target.
	Contains(x []float64) bool
}

// Planar is implemented by targets whose boundary, where walkers reach it,
// is the plane {x : (x − P)·U = 0} with the target on the side (x − P)·U ≥ 0.
// Euler–Maruyama steps then also test whether the path crossed the plane
// between two steps (a Brownian bridge), which makes the escape time first
// order in Δt.
type Planar interface {
	Target
	// Plane returns the point P and the unit normal U.
	Plane() (p, u []float64)
}

// Interval is the one-dimensional target Lo ≤ x ≤ Hi; either end may be
// infinite. Its two ends are planes: steps test the bridge at both.
type Interval struct{ Lo, Hi float64 }

// Contains reports whether Lo ≤ x[0] ≤ Hi.
func (v Interval) Contains(x []float64) bool { return x[0] >= v.Lo && x[0] <= v.Hi }

func (v Interval) String() string { return fmt.Sprintf("[%.6g, %.6g]", v.Lo, v.Hi) }

// Basin is the whole basin of minimum Label. Its boundary is not a plane,
// so escape times carry the O(√Δt) bias of monitoring at the steps.
type Basin struct {
	Label  int
	Basins *landscape.BasinMap
}

// Contains reports whether x lies in basin Label.
func (b *Basin) Contains(x []float64) bool { return b.Basins.Of(x) == b.Label }

func (b *Basin) String() string { return fmt.Sprintf("basin %d", b.Label) }

// TargetKind selects the set that defines arrival at minimum b; the kinds
// are those of package escape.
type TargetKind int

const (
	// TargetBeyond is the part of basin b beyond its minimum
	// (operators.Beyond);
	// in 1-D the half-line from the minimum to the end of its basin.
	TargetBeyond TargetKind = iota
	// TargetBasin is the whole basin of b.
	TargetBasin
	// TargetBall is a ball around minimum b.
	TargetBall
)

// ParseTarget returns the target kind named beyond, basin or ball.
func ParseTarget(s string) (TargetKind, error) {
	switch s {
	case "beyond", "":
		return TargetBeyond, nil
	case "basin":
		return TargetBasin, nil
	case "ball":
		return TargetBall, nil
	}
	return 0, fmt.Errorf("unknown escape target %q: use beyond, basin or ball", s)
}

// String returns the word for k.
func (k TargetKind) String() string {
	switch k {
	case TargetBasin:
		return "basin"
	case TargetBall:
		return "ball"
	}
	return "beyond"
}

// NewTarget returns the target of kind k that stands for arrival at
// c.Minima[b] when escaping over c.Saddles[s]; radius is the radius of a
// ball target. In one dimension every kind is an exact Interval (basins
// are the intervals between the saddles and other non-minimum critical
// points), so the bridge test applies to all of them; in two and three
// dimensions Beyond uses basins for its side condition and the bridge test
// on its plane, Basin and Ball are monitored at the steps only.
func NewTarget(k TargetKind, c *landscape.Critical, basins *landscape.BasinMap, b, s int, radius float64) (Target, error) {
	if c == nil || b < 0 || b >= len(c.Minima) {
		return nil, fmt.Errorf("sde: target minimum %d out of range", b)
	}
	if k != TargetBall && (s < 0 || s >= len(c.Saddles)) {
		return nil, fmt.Errorf("sde: saddle %d out of range", s)
	}
	if k == TargetBall && !(radius > 0) {
		return nil, errors.New("sde: a ball target needs a radius > 0")
	}
	xb := c.Minima[b].X
	d := len(xb)
	if d == 1 {
		lo, hi := basinInterval(c, xb[0])
		switch k {
		case TargetBasin:
			return Interval{lo, hi}, nil
		case TargetBall:
			return Interval{xb[0] - radius, xb[0] + radius}, nil
		}
		if c.Saddles[s].X[0] < xb[0] {
			return Interval{xb[0], hi}, nil
		}
		return Interval{lo, xb[0]}, nil
	}
	switch k {
	case TargetBall:
		return operators.Ball{Center: xb, Radius: radius}, nil
	case TargetBasin:
		if basins == nil {
			return nil, errors.New("sde: a basin target needs the basin map")
		}
		return &Basin{Label: b, Basins: basins}, nil
	}
	// Beyond: the operators' sink, whose Plane gives the bridge test.
	return operators.NewBeyond(xb, c.Saddles[s].X, b, basins)
}

// basinInterval returns the one-dimensional basin around x: the interval
// between the nearest non-minimum critical points below and above it
// (±Inf where there is none).
func basinInterval(c *landscape.Critical, x float64) (lo, hi float64) {
	var cuts []float64
	for _, s := range c.Saddles {
		cuts = append(cuts, s.X[0])
	}
	for _, p := range c.Others {
		cuts = append(cuts, p.X[0])
	}
	sort.Float64s(cuts)
	lo, hi = math.Inf(-1), math.Inf(1)
	for _, v := range cuts {
		if v < x {
			lo = v
		} else if v > x {
			hi = v
			break
		}
	}
	return lo, hi
}
