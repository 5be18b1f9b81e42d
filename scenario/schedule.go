package scenario

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver"
)

// Schedule forms; see Schedule.Form.
const (
	ScheduleStep   = "step"
	ScheduleCosine = "cosine"
	ScheduleWarmup = "linear-warmup"
)

// Schedule targets; see Schedule.Target.
const (
	TargetLR    = "lr"
	TargetBatch = "batch"
)

var (
	scheduleForms   = enum{words: []string{ScheduleStep, ScheduleCosine, ScheduleWarmup}, aliases: map[string]string{"warmup": ScheduleWarmup}}
	scheduleTargets = enum{words: []string{TargetLR, TargetBatch}}
)

// DefaultScheduleResolution is the default relative quantization step of
// the continuous schedule forms (cosine, linear-warmup).
const DefaultScheduleResolution = 0.01

// MaxSchedulePieces is the largest number of constant pieces a schedule may
// have over a run: every piece restarts the time stepper and may assemble
// a generator.
const MaxSchedulePieces = 10000

// Schedule makes the learning rate η or the batch size B of an SGD noise
// model a function of time, v(t) = g(t)·v₀ with v₀ the value of noise.lr
// (target lr) or noise.batch (target batch):
//
//	step            g = gamma^k, k = ⌊min(t, until)/every⌋: v multiplied by
//	                gamma every `every` time units (until `until`, if given)
//	cosine          v = min + ½(v₀ − min)(1 + cos(πt/period)); the formula
//	                goes on past t = period (v rises back to v₀ at 2·period),
//	                so set period ≥ time.end for a single decay
//	linear-warmup   g = start + (1 − start)·min(t/warmup, 1)
//
// Only the diffusion part (η/2B)·H scales: D(t) = f(t)·(D₀ − T0·I) + T0·I
// with f = g for lr and 1/g for batch. A run is piecewise constant in time:
// the step form changes at its own steps; the continuous forms are held at
// g quantized to the lattice (1 + resolution)^k and change where g(t)
// crosses half-way between lattice values, so the g used differs from g(t)
// by at most a factor (1 + resolution)^½. Commands other than run (escape,
// mfpt, stationary, sweep) use v₀.
type Schedule struct {
	// Form is step, cosine or linear-warmup (alias warmup). Required.
	Form string `yaml:"form"`

	// Target is the scheduled quantity: lr (η, the default) or batch (B).
	Target string `yaml:"target,omitempty"`

	// Gamma (> 0) multiplies the target every Every time units (step).
	Gamma *float64 `yaml:"gamma,omitempty"`
	// Every (> 0) is the time between steps (step).
	Every *float64 `yaml:"every,omitempty"`
	// Until (> 0), optional, is the time after which the steps stop (step).
	Until *float64 `yaml:"until,omitempty"`

	// Period (> 0) is the time of the decay from v₀ to Min (cosine).
	Period *float64 `yaml:"period,omitempty"`
	// Min (> 0) is the value reached at t = Period: η_min or B_min
	// (cosine).
	Min *float64 `yaml:"min,omitempty"`

	// Start, in (0, 1], is the fraction of v₀ at t = 0 (linear-warmup).
	Start *float64 `yaml:"start,omitempty"`
	// Warmup (> 0) is the time to reach v₀ (linear-warmup).
	Warmup *float64 `yaml:"warmup,omitempty"`

	// Resolution, in (0, 0.5], is the relative quantization step of the
	// continuous forms. Default: 0.01 (η held within 0.5% of η(t)).
	Resolution *float64 `yaml:"resolution,omitempty"`
}

func (s *Schedule) clone() *Schedule {
	if s == nil {
		return nil
	}
	c := *s
	for _, p := range []**float64{&c.Gamma, &c.Every, &c.Until, &c.Period, &c.Min, &c.Start, &c.Warmup, &c.Resolution} {
		*p = clonePtr(*p)
	}
	return &c
}

// defaults canonicalizes the words of s and fills the default target.
func (s *Schedule) defaults() {
	if s == nil {
		return
	}
	s.Form = canonicalOr(scheduleForms, s.Form)
	s.Target = defaultWord(scheduleTargets, s.Target, TargetLR)
}

// resolution returns the quantization step of the continuous forms.
func (s *Schedule) resolution() float64 {
	if s.Resolution == nil {
		return DefaultScheduleResolution
	}
	return *s.Resolution
}

// scheduleKeys lists the parameters of each form.
var scheduleKeys = map[string][]string{
	ScheduleStep:   {"gamma", "every", "until"},
	ScheduleCosine: {"period", "min"},
	ScheduleWarmup: {"start", "warmup"},
}

func (v *validator) schedule() {
	s := v.s.Noise.Schedule
	if s == nil {
		return
	}
	const p = "noise.schedule"
	if model, _ := noiseModels.canonical(v.s.Noise.Model); model != SGD && model != SGDLocal && model != Data && strings.TrimSpace(v.s.Noise.Model) != "" {
		v.add(p, "", "applies only to noise models with a learning rate and a batch size (sgd, sgd-local, data); noise.model is %s: remove the schedule or change the model", v.s.Noise.Model)
	}
	form, ok := scheduleForms.canonical(s.Form)
	switch {
	case strings.TrimSpace(s.Form) == "":
		v.add(p+".form", "", "missing; choose one of %s, for example schedule: {form: step, gamma: 0.5, every: 50}", scheduleForms.allowed())
	case !ok:
		v.add(p+".form", s.Form, "unknown schedule form; allowed: %s", scheduleForms.allowed())
	}
	v.enum(p+".target", s.Target, scheduleTargets, "schedule target (the scheduled quantity: lr = η, batch = B)")
	vals := map[string]*float64{"gamma": s.Gamma, "every": s.Every, "until": s.Until, "period": s.Period, "min": s.Min, "start": s.Start, "warmup": s.Warmup}
	if ok {
		for _, k := range sortedKeys(vals) {
			if vals[k] != nil && !contains(scheduleKeys[form], k) {
				v.add(p+"."+k, fnum(*vals[k]), "is not a parameter of form %s, which takes %s", form, strings.Join(scheduleKeys[form], ", "))
			}
		}
	}
	positive := func(k string, required bool, what string) {
		x := vals[k]
		switch {
		case x == nil && required:
			v.add(p+"."+k, "", "required by form %s (%s)", form, what)
		case x != nil && (!(*x > 0) || math.IsInf(*x, 0)):
			v.add(p+"."+k, fnum(*x), "must be a finite number > 0 (%s)", what)
		}
	}
	switch form {
	case ScheduleStep:
		positive("gamma", true, "the factor applied every `every` time units, for example gamma: 0.5")
		positive("every", true, "the time between steps, for example every: 50")
		positive("until", false, "the time after which the steps stop")
	case ScheduleCosine:
		positive("period", true, "the time of the decay from the base value to min, for example period: 200")
		positive("min", true, "the value η_min or B_min reached at t = period, for example min: 0.01")
	case ScheduleWarmup:
		positive("warmup", true, "the time to reach the base value, for example warmup: 20")
		if x := s.Start; x == nil {
			v.add(p+".start", "", "required by form %s (the fraction of the base value at t = 0, in (0, 1]; for example start: 0.1)", form)
		} else if !(*x > 0 && *x <= 1) {
			v.add(p+".start", fnum(*x), "must be in (0, 1] (the fraction of the base value at t = 0; 0 would switch the SGD noise off)")
		}
	}
	if r := s.Resolution; r != nil && !(*r > 0 && *r <= 0.5) {
		v.add(p+".resolution", fnum(*r), "must be in (0, 0.5] (the relative quantization step of continuous schedules; default 0.01)")
	}
}

// SchedulePiece is an interval [Start, End) on which a schedule holds the
// noise constant.
type SchedulePiece struct {
	Start, End float64
	// Multiplier is g: η = g·noise.lr (target lr) or B = g·noise.batch
	// (target batch).
	Multiplier float64
	// Factor is f, the factor on the diffusion part (η/2B)·H: g for lr,
	// 1/g for batch.
	Factor float64
}

// SchedulePieces returns the constant pieces of the noise schedule that
// cover [0, horizon] (the last piece extends to +Inf), or one piece with
// factor 1 without a schedule. It returns Problems when the schedule has
// more than MaxSchedulePieces pieces over that span.
func (m *Model) SchedulePieces(horizon float64) ([]SchedulePiece, error) {
	s := m.Scenario.Noise.Schedule
	if s == nil {
		return []SchedulePiece{{Start: 0, End: math.Inf(1), Multiplier: 1, Factor: 1}}, nil
	}
	var starts, gs []float64
	switch s.Form {
	case ScheduleStep:
		every, stop := *s.Every, horizon
		if s.Until != nil {
			stop = math.Min(stop, *s.Until)
		}
		starts, gs = []float64{0}, []float64{1}
		for k := 1; float64(k)*every <= stop*(1+1e-12) && float64(k)*every < horizon*(1-1e-12); k++ {
			if k > MaxSchedulePieces {
				break
			}
			starts = append(starts, float64(k)*every)
			gs = append(gs, math.Pow(*s.Gamma, float64(k)))
		}
	case ScheduleCosine:
		v0 := m.scheduleBase()
		mn, period := *s.Min/v0, *s.Period
		g := func(t float64) float64 { return mn + 0.5*(1-mn)*(1+math.Cos(math.Pi*t/period)) }
		var knots []float64
		for k := 1; float64(k)*period < horizon && k <= MaxSchedulePieces; k++ {
			knots = append(knots, float64(k)*period)
		}
		starts, gs = quantize(g, knots, horizon, s.resolution())
	case ScheduleWarmup:
		start, w := *s.Start, *s.Warmup
		g := func(t float64) float64 { return start + (1-start)*math.Min(t/w, 1) }
		var knots []float64
		if w < horizon {
			knots = []float64{w}
		}
		starts, gs = quantize(g, knots, horizon, s.resolution())
	default:
		return nil, Problems{{Path: "noise.schedule.form", Value: s.Form, Msg: "unknown schedule form; allowed: " + scheduleForms.allowed()}}
	}
	if len(starts) > MaxSchedulePieces {
		return nil, Problems{{Path: "noise.schedule", Msg: fmt.Sprintf("has more than %d constant pieces up to t = %g; every piece restarts the time stepper: use a larger every or resolution, or a shorter run", MaxSchedulePieces, horizon)}}
	}
	out := make([]SchedulePiece, len(starts))
	for i := range starts {
		end := math.Inf(1)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		f := gs[i]
		if s.Target == TargetBatch {
			f = 1 / f
		}
		out[i] = SchedulePiece{Start: starts[i], End: end, Multiplier: gs[i], Factor: f}
	}
	return out, nil
}

// scheduleBase returns v₀, the value of the scheduled quantity.
func (m *Model) scheduleBase() float64 {
	n := m.Scenario.Noise
	if n.Schedule != nil && n.Schedule.Target == TargetBatch {
		return floatOr(n.Batch, 1)
	}
	return floatOr(n.LR, 1)
}

// quantize returns the piece starts and values of the continuous multiplier
// g on [0, horizon], monotone between the sorted knots: g held at
// (1 + res)^k with k = round(ln g / ln(1 + res)), switching where ln g
// crosses (k ± ½)·ln(1 + res) (found by bisection).
func quantize(g func(float64) float64, knots []float64, horizon, res float64) (starts, gs []float64) {
	step := math.Log1p(res)
	level := func(t float64) int { return int(math.Round(math.Log(g(t)) / step)) }
	value := func(k int) float64 { return math.Pow(1+res, float64(k)) }
	cur := level(0)
	starts, gs = []float64{0}, []float64{value(cur)}
	a := 0.0
	for _, b := range append(knots, horizon) {
		target := level(b)
		dir := 1
		if target < cur {
			dir = -1
		}
		for cur != target && len(starts) <= MaxSchedulePieces {
			c := (float64(cur) + 0.5*float64(dir)) * step
			f := func(t float64) float64 { return float64(dir) * (math.Log(g(t)) - c) }
			lo, hi := a, b // f(lo) < 0 ≤ f(hi)
			for range 200 {
				mid := 0.5 * (lo + hi)
				if mid <= lo || mid >= hi {
					break
				}
				if f(mid) < 0 {
					lo = mid
				} else {
					hi = mid
				}
			}
			cur += dir
			if last := len(starts) - 1; hi <= starts[last]*(1+1e-12)+1e-300 {
				gs[last] = value(cur) // a piece of zero length
				continue
			}
			starts = append(starts, hi)
			gs = append(gs, value(cur))
		}
		a = b
	}
	return starts, gs
}

// NoiseAt returns the learning rate η and the batch size B in effect at
// time t of a run (right-continuous at the schedule's changes, quantized as
// the run uses them), and whether the model has them (sgd models).
func (m *Model) NoiseAt(t float64) (lr, batch float64, ok bool) {
	n := m.Scenario.Noise
	if n.LR == nil || n.Batch == nil || (n.Model != SGD && n.Model != SGDLocal && n.Model != Data) {
		return 0, 0, false
	}
	lr, batch = *n.LR, *n.Batch
	if n.Schedule == nil {
		return lr, batch, true
	}
	pcs, err := m.SchedulePieces(math.Max(t, m.Scenario.Time.End))
	if err != nil {
		return lr, batch, true
	}
	k := sort.Search(len(pcs), func(i int) bool { return pcs[i].Start > t }) - 1
	g := pcs[max(k, 0)].Multiplier
	if n.Schedule.Target == TargetBatch {
		return lr, batch * g, true
	}
	return lr * g, batch, true
}

// operatorCache keeps the generators assembled for distinct diffusion
// factors, least recently used first out.
type operatorCache struct {
	mu        sync.Mutex
	ops       map[float64]*operators.Operator
	order     []float64 // least recently used first
	capacity  int
	assembled int // generators assembled (for tests and statistics)
}

// operatorCacheBytes bounds the memory of the cached generators.
const operatorCacheBytes = 1 << 27

// ScaledOperator returns the generator (with the scenario's targets as
// sinks) of the noise with its diffusion part multiplied by factor,
// D = factor·(D₀ − T0·I) + T0·I: the model at η·factor, or at B/factor.
// Generators are cached per factor value (up to 64, and about 128 MB), so a
// schedule assembles each distinct value once.
func (m *Model) ScaledOperator(factor float64) (*operators.Operator, error) {
	if !(factor > 0) || math.IsInf(factor, 0) {
		return nil, fmt.Errorf("noise.schedule: diffusion factor %g must be a finite number > 0", factor)
	}
	c := &m.ops
	c.mu.Lock()
	defer c.mu.Unlock()
	if op, ok := c.ops[factor]; ok {
		for i, f := range c.order {
			if f == factor {
				c.order = append(append(c.order[:i:i], c.order[i+1:]...), factor)
				break
			}
		}
		return op, nil
	}
	p := m.Problem()
	if factor != 1 {
		p.Diffusion = operators.Scaled{Base: m.Diffusion, Factor: factor, Floor: floatOr(m.Scenario.Noise.Floor, 0)}
	}
	op, err := operators.Assemble(p)
	if err != nil {
		return nil, err
	}
	c.assembled++
	if c.ops == nil {
		c.ops = map[float64]*operators.Operator{}
		c.capacity = max(2, min(64, operatorCacheBytes/(16*max(1, op.A.NNZ())+64*m.Grid.Len())))
	}
	for len(c.order) >= c.capacity {
		delete(c.ops, c.order[0])
		c.order = c.order[1:]
	}
	c.ops[factor] = op
	c.order = append(c.order, factor)
	return op, nil
}

// OperatorAt returns the generator in effect at time t of a run: that of
// the schedule's piece containing t, or the constant one.
func (m *Model) OperatorAt(t float64) (*operators.Operator, error) {
	pcs, err := m.SchedulePieces(math.Max(t, m.Scenario.Time.End))
	if err != nil {
		return nil, err
	}
	k := sort.Search(len(pcs), func(i int) bool { return pcs[i].Start > t }) - 1
	return m.ScaledOperator(pcs[max(k, 0)].Factor)
}

// Evolve advances the density p (in place) from t0 through the sorted
// output times as solver.Evolve does, with the generator of the current
// η(t), B(t) when the noise has a schedule: piecewise constant, the time
// stepper restarted from the density reached at every change
// (solver.EvolvePiecewise).
func (m *Model) Evolve(ctx context.Context, p []float64, t0 float64, times []float64, s solver.Settings, observe solver.Observer) (solver.Stats, error) {
	horizon := t0
	if len(times) > 0 {
		horizon = math.Max(horizon, times[len(times)-1])
	}
	pcs, err := m.SchedulePieces(horizon)
	if err != nil {
		return solver.Stats{T: t0}, err
	}
	if len(pcs) == 1 {
		op, err := m.ScaledOperator(pcs[0].Factor)
		if err != nil {
			return solver.Stats{T: t0}, err
		}
		return solver.Evolve(ctx, op, p, t0, times, s, observe)
	}
	breaks := make([]float64, len(pcs)-1)
	for i := range breaks {
		breaks[i] = pcs[i+1].Start
	}
	return solver.EvolvePiecewise(ctx, breaks, func(k int) (*operators.Operator, error) {
		return m.ScaledOperator(pcs[k].Factor)
	}, p, t0, times, s, observe)
}
