package escape

import (
	"context"
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/internal/linefit"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// SurvivalFit is the exponential fit S(t) ≈ S₀·e^{−γt} of the tail of the
// survival curve (the mass not yet absorbed).
type SurvivalFit struct {
	Rate float64 `json:"rate"`
	// Window is the time interval the fit used.
	Window [2]float64 `json:"window"`
	// Residual is the RMS deviation of ln S from the fitted line in the
	// window; Points is how many samples it used.
	Residual float64 `json:"residual"`
	Points   int     `json:"points"`
	// T and Mass are the survival curve (every step); Flux is the current
	// through the faces between the two basins at the same times.
	T    []float64 `json:"-"`
	Mass []float64 `json:"-"`
	Flux []float64 `json:"-"`
}

// survival evolves a Gaussian at x0 (per-axis widths std) with the sink
// operator op up to 4τ with fixed TR-BDF2 steps of τ/4 (one factorization)
// and fits the exponential tail on [τ, 4τ]. Once one mode dominates, every
// step multiplies the survival by exactly the TR-BDF2 amplification factor
// R(−γΔt) of that mode, so the fitted per-step factor is inverted through R
// rather than read as e^{−γΔt}: the rate then carries no time-step error.
func survival(ctx context.Context, op *operators.Operator, x0, std []float64, tau float64, lin linear.Settings, labels []int, a, b int) (*SurvivalFit, error) {
	g := op.Grid
	p := make([]float64, g.Len())
	g.Gaussian(p, x0, std)
	for c := range p {
		if op.Sink != nil && op.Sink[c] {
			p[c] = 0
		}
	}
	if g.Normalize(p) == 0 {
		return nil, fmt.Errorf("survival: the starting Gaussian lies inside the target")
	}
	fit := &SurvivalFit{T: []float64{0}, Mass: []float64{1}, Flux: []float64{basinCurrent(op, p, labels, a, b)}}
	dt := tau / 4
	if lin.Method == linear.Auto {
		// Steps of τ/4 make I − cA nearly singular: iterative solvers stall
		// there, the exact elimination does not.
		lin.Method = linear.BandLU
	}
	st := solver.Settings{Scheme: solver.TRBDF2, DT: dt, Linear: lin,
		OnStep: func(t float64, p []float64) error {
			fit.T = append(fit.T, t)
			fit.Mass = append(fit.Mass, g.Mass(p))
			fit.Flux = append(fit.Flux, basinCurrent(op, p, labels, a, b))
			return nil
		}}
	if _, err := solver.Evolve(ctx, op, p, 0, []float64{4 * tau}, st, nil); err != nil {
		return nil, fmt.Errorf("survival: %w", err)
	}
	fit.Window = [2]float64{tau, 4 * tau}
	var xs, ys []float64
	for i, t := range fit.T {
		if t >= fit.Window[0]*(1-1e-12) && fit.Mass[i] > 0 {
			xs = append(xs, t)
			ys = append(ys, math.Log(fit.Mass[i]))
		}
	}
	if len(xs) < 3 {
		return nil, fmt.Errorf("survival: too few samples in the fit window")
	}
	slope, icpt, ok := linefit.Line(xs, ys)
	if !ok {
		return nil, fmt.Errorf("survival: the fit window holds a single time")
	}
	fit.Rate = -trbdf2Inverse(math.Exp(slope*dt)) / dt
	fit.Points = len(xs)
	ss := 0.0
	for i := range xs {
		r := ys[i] - (icpt + slope*xs[i])
		ss += r * r
	}
	fit.Residual = math.Sqrt(ss / float64(len(xs)))
	return fit, nil
}

// trbdf2Amplification is R(z), the factor by which one TR-BDF2 step of
// y' = λy multiplies y, z = λΔt.
func trbdf2Amplification(z float64) float64 {
	g := 2 - math.Sqrt2
	c1, c2 := 1/(g*(2-g)), (1-g)*(1-g)/(g*(2-g))
	star := (1 + g*z/2) / (1 - g*z/2)
	return (c1*star - c2) / (1 - g*z/2)
}

// trbdf2Inverse returns the z ∈ (−3, 0] with R(z) = rho for 0 < rho ≤ 1, by
// bisection (R falls monotonically from 1 at z = 0 to −0.07 at z = −3; a
// step of τ/4 puts the slow mode near z = −1/4).
func trbdf2Inverse(rho float64) float64 {
	lo, hi := -3.0, 0.0
	for range 200 {
		mid := (lo + hi) / 2
		if trbdf2Amplification(mid) > rho {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}
