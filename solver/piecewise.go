package solver

import (
	"context"
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/operators"
)

// EvolvePiecewise is Evolve for a generator that is constant between the
// increasing break times: opAt(k) returns the generator of piece k, which
// runs from breaks[k−1] (t = −∞ for k = 0) to breaks[k] (+∞ for the last
// piece). Each piece is one Evolve call from the density reached at its
// start, so the stepper's history (BDF2's previous step, the cached
// factorizations) restarts at every break; output times equal to a break
// are taken at the end of the piece before it. Adaptive steps are
// shortened to end on the breaks (Settings.Stop). Every piece starts with
// the step s.DT (adaptive steps: or the last accepted one, when smaller),
// since the change of generator starts a fast transient.
//
// The statistics add up over the pieces (steps, rejections,
// factorizations; the extreme step sizes and negative mass over all).
//
// Settings.OnState reports the statistics of all pieces so far, and at the
// end of a piece the state the next piece starts from (its first step, no
// BDF2 history), so that Settings.Restart continues across breaks exactly.
func EvolvePiecewise(ctx context.Context, breaks []float64, opAt func(k int) (*operators.Operator, error), p []float64, t0 float64, times []float64, s Settings, observe Observer) (Stats, error) {
	for i := 1; i < len(breaks); i++ {
		if !(breaks[i] > breaks[i-1]) {
			return Stats{T: t0}, fmt.Errorf("solver: break times must increase: %g after %g", breaks[i], breaks[i-1])
		}
	}
	total := Stats{T: t0}
	// The piece containing t0 (breaks at or before t0 are behind us).
	k := 0
	for k < len(breaks) && breaks[k] <= t0 {
		k++
	}
	t := t0
	last := 0.0 // last accepted step
	onStep := s.OnStep
	piece := s
	piece.OnStep = func(tt float64, q []float64) error {
		if tt > t {
			last = tt - t
		}
		t = tt
		if onStep != nil {
			return onStep(tt, q)
		}
		return nil
	}
	// startDT is DT of a piece that starts after a break: the change of
	// generator starts a transient, so adaptive steps begin again with the
	// first step (or the last, when smaller).
	startDT := func() float64 {
		if s.Adaptive && last > 0 {
			return math.Min(s.DT, last)
		}
		return s.DT
	}
	end := math.Inf(1)
	if onState := s.OnState; onState != nil {
		piece.OnState = func(st State) error {
			st.Stats = total.Then(st.Stats)
			if st.T >= end {
				// The next step is the first of the next piece, which
				// computes A·P of its own generator afresh.
				st.DT = s.DT
				if s.Adaptive {
					st.DT = firstStep(Settings{DT: startDT(), MaxDT: s.MaxDT})
				}
				st.Prev, st.PrevDT, st.Rate = nil, 0, nil
			}
			return onState(st)
		}
	}
	restart := s.Restart
	j := 0 // next output time
	for j < len(times) {
		end = math.Inf(1)
		if k < len(breaks) {
			end = breaks[k]
		}
		// The outputs of this piece, then its end as a stop of our own
		// when outputs remain beyond it.
		n := j
		for n < len(times) && times[n] <= end {
			n++
		}
		seg := append([]float64(nil), times[j:n]...)
		if n < len(times) {
			seg = append(seg, end)
		}
		nOut := n - j
		op, err := opAt(k)
		if err != nil {
			total.T = t
			return total, err
		}
		emitted := 0
		obs := func(tt float64, q []float64) error {
			emitted++
			if emitted > nOut || observe == nil {
				return nil
			}
			return observe(tt, q)
		}
		piece.DT = startDT()
		piece.Restart, restart = restart, nil // the first piece only
		piece.Stop = 0
		if !math.IsInf(end, 1) {
			piece.Stop = end // adaptive steps end on the break
		}
		start := t
		st, err := Evolve(ctx, op, p, start, seg, piece, obs)
		total = total.Then(st)
		if err != nil {
			return total, err
		}
		t = st.T
		j = n
		k++
	}
	return total, nil
}

// Then returns the statistics of a run made of the part s followed by
// the part next (consecutive pieces of a schedule, or a run and its
// resumption): counts summed, the step range of the parts that took
// steps, the last solver named, the first fallback described.
func (s Stats) Then(next Stats) Stats {
	t := Stats{T: next.T, Steps: s.Steps + next.Steps, Rejected: s.Rejected + next.Rejected,
		Factorizations: s.Factorizations + next.Factorizations,
		NegativeMass:   math.Min(s.NegativeMass, next.NegativeMass), Solver: next.Solver,
		Fallbacks: s.Fallbacks + next.Fallbacks, Fallback: s.Fallback}
	if t.Solver == "" {
		t.Solver = s.Solver
	}
	if t.Fallback == "" {
		t.Fallback = next.Fallback
	}
	switch {
	case s.Steps == 0:
		t.MinDT, t.MaxDT = next.MinDT, next.MaxDT
	case next.Steps == 0:
		t.MinDT, t.MaxDT = s.MinDT, s.MaxDT
	default:
		t.MinDT, t.MaxDT = math.Min(s.MinDT, next.MinDT), math.Max(s.MaxDT, next.MaxDT)
	}
	return t
}
