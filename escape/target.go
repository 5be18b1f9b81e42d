package escape

import "github.com/fpsolve/fpsolve/sde"

// TargetKind selects the absorbing set that defines arrival at minimum b;
// the Monte Carlo walkers of package sde use the same kinds.
type TargetKind = sde.TargetKind

const (
	// Beyond is the part of basin b on the far side of minimum b as seen
	// from the saddle (operators.Beyond). In 1-D it is the half-line from
	// the minimum on; τ is then the first arrival at the minimum.
	Beyond = sde.TargetBeyond
	// Basin is the whole basin of b (first crossing of the dividing surface
	// as resolved by the grid).
	Basin = sde.TargetBasin
	// Ball is the ball of radius Settings.Radius around minimum b.
	Ball = sde.TargetBall
)

// ParseTarget returns the target kind named beyond, basin or ball.
func ParseTarget(s string) (TargetKind, error) { return sde.ParseTarget(s) }
