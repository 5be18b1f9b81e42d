package sweep

import (
	"context"
	"errors"
	"math"

	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

// EvolutionResult is the mass of every basin over time, from the
// scenario's initial density to time.end under its noise (and
// noise.schedule).
type EvolutionResult struct {
	// Minima are the minima of the basins; Mass is the final mass.
	Minima []BasinMass `json:"minima"`
	// T are the times, from 0 to time.end, 10 per decade.
	T []float64 `json:"t"`
	// Masses[i][b] is the mass in the basin of minimum b at T[i].
	Masses [][]float64 `json:"masses"`
	// LR and Batch are η and B in effect at T[i] (sgd models).
	LR    []float64 `json:"lr,omitempty"`
	Batch []float64 `json:"batch,omitempty"`
	// StationaryEnd holds the stationary basin masses of the generator in
	// effect at time.end: where the density would settle if the noise
	// stayed as it ends (the end of an infinitely slow schedule).
	StationaryEnd []float64 `json:"stationary_end"`
}

// evolutionTimes returns 0, then 10 times per decade from min(0.1,
// end/100) up to end, end included.
func evolutionTimes(end float64) []float64 {
	t0 := math.Min(0.1, end/100)
	n := int(math.Ceil(10 * math.Log10(end/t0)))
	ts := make([]float64, 0, n+1)
	for i := range n {
		ts = append(ts, t0*math.Pow(10, float64(i)/10))
	}
	return append(ts, end)
}

// evolution evolves the density of m from its initial state and records
// the basin masses over time.
func evolution(ctx context.Context, m *scenario.Model, c *landscape.Critical) (*EvolutionResult, error) {
	if len(m.Sinks) > 0 {
		return nil, errors.New("the scenario has targets, which absorb mass: remove them (targets=[]) to follow the basin masses")
	}
	end := m.Scenario.Time.End
	if !(end > 0) {
		return nil, errors.New("the evolution needs time.end > 0")
	}
	p, err := m.Initial()
	if err != nil {
		return nil, err
	}
	res := &EvolutionResult{}
	for _, mn := range c.Minima {
		res.Minima = append(res.Minima, BasinMass{Minimum: mn.X, Loss: mn.Loss, Eigenvalues: mn.Eigenvalues})
	}
	basins := m.Basins()
	record := func(t float64, q []float64) error {
		res.T = append(res.T, t)
		res.Masses = append(res.Masses, basins.Masses(q))
		if lr, b, ok := m.NoiseAt(t); ok {
			res.LR = append(res.LR, lr)
			res.Batch = append(res.Batch, b)
		}
		return nil
	}
	if err := record(0, p); err != nil {
		return nil, err
	}
	if _, err := m.Evolve(ctx, p, 0, evolutionTimes(end), m.Steps, record); err != nil {
		return nil, err
	}
	last := res.Masses[len(res.Masses)-1]
	for i := range res.Minima {
		res.Minima[i].Mass = last[i]
	}
	op, err := m.OperatorAt(end)
	if err != nil {
		return nil, err
	}
	guess := make([]float64, m.Grid.Len())
	m.Grid.Sample(guess, func(x []float64) float64 { return -m.Loss.Value(x) })
	st, err := solver.Stationary(op, guess, m.Linear)
	if err != nil {
		return nil, err
	}
	res.StationaryEnd = basins.Masses(st)
	return res, nil
}

// flatSharp returns the indices of the flattest and the sharpest minimum
// (smallest and largest product of Hessian eigenvalues).
func flatSharp(minima []BasinMass) (flat, sharp int, ok bool) {
	flat, sharp = -1, -1
	var dFlat, dSharp float64
	for i, b := range minima {
		d := 1.0
		for _, l := range b.Eigenvalues {
			d *= l
		}
		if flat < 0 || d < dFlat {
			flat, dFlat = i, d
		}
		if sharp < 0 || d > dSharp {
			sharp, dSharp = i, d
		}
	}
	return flat, sharp, flat >= 0 && flat != sharp
}

// FlatFraction returns m_flat/(m_flat + m_sharp) at every time.
func (e *EvolutionResult) FlatFraction() []float64 {
	f, s, ok := flatSharp(e.Minima)
	if !ok {
		return nil
	}
	out := make([]float64, len(e.Masses))
	for i, ms := range e.Masses {
		out[i] = ms[f] / (ms[f] + ms[s])
	}
	return out
}

// FinalRatio returns m_flat/m_sharp at time.end and in the stationary
// state of the generator in effect there.
func (e *EvolutionResult) FinalRatio() (final, stationary float64, ok bool) {
	f, s, ok := flatSharp(e.Minima)
	if !ok || len(e.Masses) == 0 || len(e.StationaryEnd) <= max(f, s) {
		return 0, 0, false
	}
	last := e.Masses[len(e.Masses)-1]
	return last[f] / last[s], e.StationaryEnd[f] / e.StationaryEnd[s], true
}
