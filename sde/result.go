package sde

import (
	"math"
	"slices"

	"github.com/fpsolve/fpsolve/internal/linefit"
)

// Summary holds the fields of DESIGN §6 for one simulated escape: the
// estimate of the mean escape time, its error and what it rests on.
type Summary struct {
	// Walkers is the number of walkers.
	Walkers int `json:"walkers"`
	// MeanEscapeTime is the estimate of the mean escape time τ: the sample
	// mean when no walker was capped; otherwise RestrictedMean plus the
	// exponential tail CappedFraction/RateMLE (see Estimator).
	MeanEscapeTime float64 `json:"mean_escape_time"`
	// StdErr is the standard error of MeanEscapeTime: s/√N without capped
	// walkers; with them, that of the restricted mean and of the tail term
	// (delta method) in quadrature.
	StdErr float64 `json:"stderr"`
	// MeanIterations is MeanEscapeTime/DT, the mean number of steps.
	MeanIterations float64 `json:"mean_iterations"`
	// Capped is the number of walkers still out of the target at MaxTime.
	Capped int `json:"capped"`
	// DT is the step: Δt for SDE, η for SGD and SGLD.
	DT float64 `json:"dt"`
}

// Result summarizes an ensemble. Times are in the time units of the SDE
// (one SGD or SGLD iteration is η of them); iterations count steps of the
// simulated dynamics (Euler–Maruyama steps for SDE, iterations for SGD and
// SGLD), so MeanIterations = MeanEscapeTime/DT.
type Result struct {
	Summary

	// Dynamics is sde, sgd or sgld.
	Dynamics string `json:"dynamics"`
	// Seed is the seed of the streams.
	Seed uint64 `json:"seed"`
	// CI95 is MeanEscapeTime ± 1.96·StdErr (normal approximation).
	CI95 [2]float64 `json:"ci95"`
	// IterationsStdErr is StdErr/DT.
	IterationsStdErr float64 `json:"iterations_stderr"`
	// Arrived counts walkers that entered the target, Absorbed those that
	// left through an absorbing wall. Arrived + Absorbed + Capped = Walkers.
	// Both arrivals and absorptions end a walker's escape time, as both
	// are absorbing in the PDE's mean first passage time.
	Arrived  int `json:"arrived"`
	Absorbed int `json:"absorbed_at_walls"`
	// CappedFraction is Capped/Walkers.
	CappedFraction float64 `json:"capped_fraction"`
	// MaxTime is the cap actually applied: ⌈MaxTime/DT⌉·DT.
	MaxTime float64 `json:"max_time"`
	// MeanEscaped is the mean over the walkers that were not capped; it
	// is biased low when some were.
	MeanEscaped float64 `json:"mean_escaped"`
	// RestrictedMean is the mean of min(τ, MaxTime) over all walkers (the
	// Kaplan–Meier restricted mean for a fixed cap): a lower bound of the
	// mean escape time that needs no assumption. It equals MeanEscapeTime
	// when no walker was capped.
	RestrictedMean float64 `json:"restricted_mean"`
	// Estimator names how MeanEscapeTime was formed.
	Estimator string `json:"estimator"`
	// Rate is the escape rate γ of the exponential fit of the survival
	// curve S(t) ≈ exp(−γ(t − Lag)) over 0.02 ≤ S ≤ 0.9; RateMLE is the
	// maximum-likelihood rate of an exponential with censoring at the cap,
	// (Arrived + Absorbed)/Σ min(τᵢ, MaxTime).
	Rate    float64 `json:"rate"`
	Lag     float64 `json:"lag"`
	RateMLE float64 `json:"rate_mle"`
	// Histogram of the escape times of the walkers that were not capped.
	Histogram Histogram `json:"histogram"`
	// Bridge reports whether the Euler–Maruyama steps were tested for
	// crossings of a planar target boundary between steps.
	Bridge bool `json:"bridge"`
	// Steps is the total number of walker steps, Seconds the wall time.
	Steps   int64   `json:"walker_steps"`
	Seconds float64 `json:"seconds"`

	// Times holds each walker's escape time (MaxTime for capped walkers)
	// and Status how it ended, in walker order.
	Times  []float64 `json:"-"`
	Status []Status  `json:"-"`
}

// Histogram is a histogram of escape times with the counts the exponential
// fit predicts in each bin.
type Histogram struct {
	// Edges are the Bins+1 bin edges.
	Edges []float64 `json:"edges"`
	// Counts are the walkers per bin.
	Counts []int `json:"counts"`
	// Fit holds N·[S(lo) − S(hi)] for the fitted S(t) = min(1, e^(−γ(t−Lag))).
	Fit []float64 `json:"fit"`
}

// z95 is the two-sided 95% normal quantile.
const z95 = 1.959963984540054

func summarize(pl *plan, s *Settings, steps []int64, status []Status) *Result {
	n := len(steps)
	h := pl.h
	r := &Result{Summary: Summary{Walkers: n, DT: h}, Dynamics: pl.dyn.String(), Seed: s.Seed,
		MaxTime: float64(pl.maxSteps) * h, Bridge: pl.bridge && (pl.interval || pl.planeU != nil),
		Times: make([]float64, n), Status: status}
	var sum, sumEsc float64
	for i, k := range steps {
		t := float64(k) * h
		r.Times[i] = t
		r.Steps += k
		sum += t
		switch status[i] {
		case Arrived:
			r.Arrived++
			sumEsc += t
		case Absorbed:
			r.Absorbed++
			sumEsc += t
		case Capped:
			r.Capped++
		}
	}
	k := r.Arrived + r.Absorbed
	r.CappedFraction = float64(r.Capped) / float64(n)
	r.RestrictedMean = sum / float64(n)
	var ss float64
	for _, t := range r.Times {
		ss += (t - r.RestrictedMean) * (t - r.RestrictedMean)
	}
	seR := 0.0
	if n > 1 {
		seR = math.Sqrt(ss / float64(n-1) / float64(n))
	}
	if k > 0 {
		r.MeanEscaped = sumEsc / float64(k)
		r.RateMLE = float64(k) / sum
	}
	switch {
	case r.Capped == 0:
		r.Estimator = "sample mean"
		r.MeanEscapeTime, r.StdErr = r.RestrictedMean, seR
	case k == 0:
		r.Estimator = "none: every walker capped; restricted_mean is a lower bound"
		r.MeanEscapeTime, r.StdErr = math.Inf(1), math.Inf(1)
	default:
		// τ̂ = E[min(τ, C)] + S(C)/γ̂, the tail assumed exponential beyond
		// the cap. Var(S/γ) ≈ Var(S)/γ² + S²·Var(γ)/γ⁴ with
		// Var(S) = S(1−S)/N and Var(γ̂) = γ̂²/k.
		sc, g := r.CappedFraction, r.RateMLE
		r.Estimator = "restricted mean + exponential tail beyond max_time"
		r.MeanEscapeTime = r.RestrictedMean + sc/g
		vt := sc*(1-sc)/float64(n)/(g*g) + sc*sc/(g*g)/float64(k)
		r.StdErr = math.Sqrt(seR*seR + vt)
	}
	r.CI95 = [2]float64{r.MeanEscapeTime - z95*r.StdErr, r.MeanEscapeTime + z95*r.StdErr}
	r.MeanIterations = r.MeanEscapeTime / h
	r.IterationsStdErr = r.StdErr / h
	r.fit()
	r.histogram(s.Bins)
	return r
}

// fit fits ln S(t) = −γ(t − Lag) by least squares to the empirical
// survival curve at the escape times where 0.02 ≤ S ≤ 0.9.
func (r *Result) fit() {
	var ts []float64
	for i, t := range r.Times {
		if r.Status[i] != Capped {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	n := float64(r.Walkers)
	var xs, ys []float64
	for j, t := range ts {
		s := (n - float64(j+1)) / n
		if s > 0.9 || s < 0.02 {
			continue
		}
		xs = append(xs, t)
		ys = append(ys, math.Log(s))
	}
	if len(xs) < 5 {
		return
	}
	slope, icpt, ok := linefit.Line(xs, ys)
	if !ok || slope >= 0 {
		return
	}
	r.Rate = -slope
	r.Lag = icpt / r.Rate
}

// histogram bins the escape times of the walkers that were not capped on
// [0, max τ].
func (r *Result) histogram(bins int) {
	top := 0.0
	for i, t := range r.Times {
		if r.Status[i] != Capped {
			top = math.Max(top, t)
		}
	}
	if top == 0 {
		return
	}
	hg := Histogram{Edges: make([]float64, bins+1), Counts: make([]int, bins), Fit: make([]float64, bins)}
	w := top / float64(bins)
	for b := range hg.Edges {
		hg.Edges[b] = float64(b) * w
	}
	for i, t := range r.Times {
		if r.Status[i] == Capped {
			continue
		}
		b := min(int(t/w), bins-1)
		hg.Counts[b]++
	}
	if r.Rate > 0 {
		surv := func(t float64) float64 { return math.Min(1, math.Exp(-r.Rate*(t-r.Lag))) }
		for b := range hg.Fit {
			hg.Fit[b] = float64(r.Walkers) * (surv(hg.Edges[b]) - surv(hg.Edges[b+1]))
		}
	}
	r.Histogram = hg
}
