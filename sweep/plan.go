package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/fpsolve/fpsolve/scenario"
)

// Measure is what Run computes at every point.
type Measure int

const (
	// Escape runs the escape analysis (package escape) at every point.
	Escape Measure = iota
	// Stationary computes the stationary density and the mass of every
	// basin.
	Stationary
	// Evolution evolves the density from the scenario's initial state to
	// time.end (with its noise.schedule) and records the mass of every
	// basin over time (evolution.go).
	Evolution
)

// String returns "escape", "stationary" or "evolution".
func (m Measure) String() string {
	if m == Stationary {
		return "stationary"
	}
	if m == Evolution {
		return "evolution"
	}
	return "escape"
}

// Plan is a base scenario and the axes swept over it.
type Plan struct {
	// Name labels the plan's points and fits (a preset has several plans,
	// such as "sgd-local" and "white"); it may be empty for a single plan.
	Name string
	// Base is the scenario every point starts from; it is not modified.
	Base *scenario.Scenario
	// Axes are the swept fields; their keys must differ.
	Axes []Axis
	// Derive, if not nil, returns further fields set at every point as
	// functions of the axes' values (for example a temperature matched to
	// η/2B). They are applied after the axes and recorded in the point's
	// parameters; they are not swept and take no part in fits.
	Derive func(values map[string]float64) []Param
	// Measure chooses the computation at every point.
	Measure Measure
	// Fits are the lines fitted through the plan's points; nil means a
	// fit of ln τ along every axis with at least three values (ln x for
	// Log axes).
	Fits []FitSpec
}

// Param is one field set at a point.
type Param struct {
	Key   string
	Value float64
}

// Coord is one point of a sweep: its index in the whole sweep, the plan it
// belongs to and the fields set there, in the order they are applied.
type Coord struct {
	Index  int
	Series string
	Params []Param
}

// Len returns the number of points of p, the product of the axes' lengths
// (1 with no axes).
func (p *Plan) Len() int {
	n := 1
	for _, a := range p.Axes {
		n *= len(a.Values)
	}
	return n
}

// Check reports what is wrong with p: no base scenario, an empty axis, an
// axis key used twice, or a key or value the base scenario rejects (each
// value of each axis is set alone on the base and validated; the errors
// are scenario.Problems).
func (p *Plan) Check() error {
	if p.Base == nil {
		return errors.New("sweep: the plan has no base scenario")
	}
	seen := map[string]bool{}
	for _, a := range p.Axes {
		if len(a.Values) == 0 {
			return fmt.Errorf("--vary %s: the axis has no values", a.Key)
		}
		if seen[a.Key] {
			return fmt.Errorf("--vary %s: the key is swept twice; give each key once, listing all its values (key=v1,v2,...)", a.Key)
		}
		seen[a.Key] = true
		for _, v := range a.Values {
			s := p.Base.Clone()
			if err := s.Set(a.Key + "=" + formatValue(v)); err != nil {
				return err
			}
			if err := s.Validate(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Points returns the cartesian product of the axes, the first axis varying
// slowest, numbered from first (the index of the plan's first point in a
// sweep of several plans).
func (p *Plan) Points(first int) []Coord {
	n := p.Len()
	out := make([]Coord, n)
	for i := range out {
		c := Coord{Index: first + i, Series: p.Name}
		rest := i
		vals := make([]float64, len(p.Axes))
		for k := len(p.Axes) - 1; k >= 0; k-- {
			m := len(p.Axes[k].Values)
			vals[k] = p.Axes[k].Values[rest%m]
			rest /= m
		}
		m := map[string]float64{}
		for k, a := range p.Axes {
			c.Params = append(c.Params, Param{a.Key, vals[k]})
			m[a.Key] = vals[k]
		}
		if p.Derive != nil {
			c.Params = append(c.Params, p.Derive(m)...)
		}
		out[i] = c
	}
	return out
}

// AllPoints returns the points of several plans, numbered consecutively in
// plan order.
func AllPoints(plans []*Plan) []Coord {
	var out []Coord
	for _, p := range plans {
		out = append(out, p.Points(len(out))...)
	}
	return out
}

// Shard returns the points of shard i of n (0 ≤ i < n): points i, i+n,
// i+2n, … of the list. Interleaving rather than cutting the list into
// blocks spreads cheap and expensive points (which often sit at one end of
// an axis) evenly over the shards. The n shards together hold every point
// exactly once.
func Shard(points []Coord, i, n int) ([]Coord, error) {
	if n < 1 || i < 0 || i >= n {
		return nil, fmt.Errorf("--shard %d/%d: want i/n with n ≥ 1 and 0 ≤ i < n (shards are numbered from 0)", i, n)
	}
	var out []Coord
	for k := i; k < len(points); k += n {
		out = append(out, points[k])
	}
	return out, nil
}

// Hash returns a short hex digest of the scenario's resolved YAML: two
// shards whose base scenarios differ in any field have different hashes.
func Hash(s *scenario.Scenario) (string, error) {
	b, err := s.Marshal()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), nil
}
