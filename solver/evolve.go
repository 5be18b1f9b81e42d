package solver

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/james-bowman/sparse"

	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Scheme is an implicit time-stepping scheme.
type Scheme int

const (
	// TRBDF2 is the trapezoidal rule followed by BDF2 (γ = 2 − √2):
	// L-stable, second order, one matrix for both stages, with an embedded
	// error estimate.
	TRBDF2 Scheme = iota
	// BackwardEuler is first order and L-stable; with a Markov generator it
	// keeps P ≥ 0 for every Δt.
	BackwardEuler
	// CrankNicolson is second order and A-stable but not L-stable: stiff
	// modes oscillate at large Δt.
	CrankNicolson
	// BDF2 is the variable-step two-step backward differentiation formula,
	// started with one backward Euler step.
	BDF2
)

// ParseScheme returns the scheme named tr-bdf2, backward-euler (be,
// implicit-euler), crank-nicolson (cn) or bdf2.
func ParseScheme(s string) (Scheme, error) {
	switch s {
	case "tr-bdf2", "trbdf2", "":
		return TRBDF2, nil
	case "backward-euler", "be", "implicit-euler":
		return BackwardEuler, nil
	case "crank-nicolson", "cn":
		return CrankNicolson, nil
	case "bdf2":
		return BDF2, nil
	}
	return 0, fmt.Errorf("unknown time scheme %q: use tr-bdf2, backward-euler, crank-nicolson or bdf2", s)
}

// String returns the scenario word for s.
func (s Scheme) String() string {
	switch s {
	case BackwardEuler:
		return "backward-euler"
	case CrankNicolson:
		return "crank-nicolson"
	case BDF2:
		return "bdf2"
	}
	return "tr-bdf2"
}

// Adaptive reports whether s has an embedded error estimate.
func (s Scheme) Adaptive() bool { return s == TRBDF2 || s == BackwardEuler }

// Settings controls Evolve. DT must be positive.
type Settings struct {
	Scheme Scheme
	// DT is the fixed step, or the first step when Adaptive.
	DT float64
	// Adaptive enables step-size control (TR-BDF2 and backward Euler).
	Adaptive bool
	// Tol is the local error allowed per step, in total variation
	// ∫|δP| relative to the mass; zero means 1e-4.
	Tol float64
	// MaxDT caps adaptive steps; zero means no cap.
	MaxDT float64
	// Linear configures the linear solver of the implicit stages.
	Linear linear.Settings
	// Stop, if greater than the start time, is a time adaptive steps do
	// not pass: the step that would is shortened to end there (used at
	// the changes of a piecewise-constant generator).
	Stop float64
	// OnStep, if not nil, is called after every accepted step with the
	// time and density reached (for example to record a survival curve at
	// the resolution of the steps). Returning an error stops Evolve.
	OnStep Observer
	// OnState, if not nil, is called after every accepted step (after
	// OnStep) with the state from which Restart continues the run exactly,
	// for example to write a checkpoint. Returning an error stops Evolve.
	OnState func(State) error
	// Restart, if not nil, continues a run from a State that OnState
	// reported: Evolve must be called with t0 = Restart.T and p equal to
	// Restart.P, and takes the same steps the run would have taken (the
	// adaptive step size and BDF2's previous step come from Restart; DT is
	// then unused by adaptive steps). Stats count the continuation only.
	Restart *State
}

// State is the time stepper's state after an accepted step: with the same
// operator, settings and remaining output times, Evolve restarted from it
// (Settings.Restart) reproduces the uninterrupted run bit for bit.
type State struct {
	T  float64 // time reached
	DT float64 // the size the next step will try
	// P is the density at T. It and Prev belong to Evolve: they are valid
	// until OnState returns; copy them to keep them.
	P []float64
	// Prev and PrevDT are BDF2's history, the density before the last step
	// and that step's size (nil and 0 for the other schemes, and when the
	// next step starts afresh).
	Prev   []float64
	PrevDT float64
	// Rate is A·P at T as the run carries it: the derivative that the next
	// step's output interpolation, error estimate and initial guesses use
	// (nil for schemes that keep none; valid as P is). Steps take it from
	// their own solves, A·x = (x − b)/c for (I − cA)·x = b, rather than
	// from a product with A, so a restart from a State without Rate, which
	// computes A·P, is not bit for bit the uninterrupted run.
	Rate []float64
	// Stats are the statistics of the run up to T.
	Stats Stats
}

// Stats describes a finished or interrupted Evolve.
type Stats struct {
	T              float64 // time reached
	Steps          int     // accepted steps
	Rejected       int     // rejected adaptive steps
	Factorizations int     // linear-solver set-ups
	MinDT, MaxDT   float64 // smallest and largest accepted step
	NegativeMass   float64 // most negative Σ min(P, 0)·V seen (≤ 0)
	Solver         string  // linear solver used
	// Fallbacks counts the failures of iterative solvers, after each of
	// which its fallback (multigrid with constant interpolation, diagonal
	// ILU, then the exact elimination) solved that step size; Fallback
	// describes the first: the failure and the solver that took over (""
	// when there was none).
	Fallbacks int
	Fallback  string
}

// Observer is called at each output time with the density there. Returning
// an error stops Evolve with that error.
type Observer func(t float64, p []float64) error

const gammaTR = 2 - math.Sqrt2

// Evolve advances the density p (in place) of op from t0 through the sorted
// output times, calling observe at each (exactly at that time). Sink cells
// of op are held at zero density. It
// stops early with ctx's error when ctx is cancelled, with the state of the
// last accepted step in p and Stats.T.
func Evolve(ctx context.Context, op *operators.Operator, p []float64, t0 float64, times []float64, s Settings, observe Observer) (Stats, error) {
	n := op.Grid.Len()
	st := Stats{T: t0, MinDT: math.Inf(1)}
	if len(p) != n {
		return st, fmt.Errorf("solver: density has %d values for %d cells", len(p), n)
	}
	if !(s.DT > 0) {
		return st, fmt.Errorf("solver: time step %g must be > 0", s.DT)
	}
	if s.Adaptive && !s.Scheme.Adaptive() {
		return st, fmt.Errorf("solver: %v has no error estimate: use tr-bdf2 or backward-euler for adaptive steps, or set adaptive to false", s.Scheme)
	}
	tol := s.Tol
	if tol <= 0 {
		tol = 1e-4
	}
	e := &evolver{op: op, a: op.A, n: n, settings: s, cache: map[float64]linear.Solver{}, aggregateFrom: math.Inf(1)}
	for i := range p {
		if op.Sink != nil && op.Sink[i] {
			p[i] = 0
		}
	}
	e.prepare()
	if s.Adaptive || s.Scheme == TRBDF2 {
		// A·P at the start of each step: the rates of the Hermite output
		// and of the error estimate (adaptive steps), and TR-BDF2's
		// initial guesses for the iterative solvers.
		e.needF = true
		e.f0 = make([]float64, n)
		if r := s.Restart; r != nil && len(r.Rate) == n {
			copy(e.f0, r.Rate)
		} else {
			e.mulA(e.f0, p)
		}
	}
	if r := s.Restart; r != nil {
		if err := e.restart(r, t0); err != nil {
			return st, err
		}
	}
	if s.Adaptive {
		return e.adaptive(ctx, p, t0, times, tol, observe, st)
	}
	dt := s.DT
	t := t0
	next := make([]float64, n)
	for _, tOut := range times {
		for t < tOut*(1-1e-14)-1e-300 {
			if err := ctx.Err(); err != nil {
				return e.finish(st, t), fmt.Errorf("solver: stopped at t = %g: %w", t, err)
			}
			// Equal steps that land exactly on the output time.
			h := (tOut - t) / math.Ceil((tOut-t)/dt-1e-6)
			if math.Abs(h-dt) <= 1e-9*dt {
				h = dt // the same step, the same cached factorization
			}
			if _, err := e.step(next, p, h); err != nil {
				return e.finish(st, t), err
			}
			e.accept(p, h)
			copy(p, next)
			t += h
			if t > tOut || tOut-t <= 1e-6*h {
				t = tOut
			}
			if err := e.record(&st, p, h, t); err != nil {
				return e.finish(st, t), err
			}
			if err := e.report(st, p, t, dt); err != nil {
				return e.finish(st, t), err
			}
		}
		t = tOut
		if observe != nil {
			if err := observe(t, p); err != nil {
				return e.finish(st, t), err
			}
		}
	}
	return e.finish(st, t), nil
}

// record updates the statistics after an accepted step and checks the
// density for NaN and Inf.
func (e *evolver) record(st *Stats, p []float64, h, t float64) error {
	if e.settings.OnStep != nil {
		if err := e.settings.OnStep(t, p); err != nil {
			return err
		}
	}
	st.Steps++
	st.MinDT = math.Min(st.MinDT, h)
	st.MaxDT = math.Max(st.MaxDT, h)
	neg := 0.0
	for _, v := range p {
		if v < 0 {
			neg += v
		} else if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("solver: density became %v at t = %g: the time step or the grid is too coarse", v, t)
		}
	}
	st.NegativeMass = math.Min(st.NegativeMass, neg*e.op.Grid.CellVolume())
	return nil
}

// restart takes the stepper's history from a saved state.
func (e *evolver) restart(r *State, t0 float64) error {
	if r.T != t0 {
		return fmt.Errorf("solver: the restart state is at t = %g, not at the start time %g", r.T, t0)
	}
	if !(r.DT > 0) {
		return fmt.Errorf("solver: the restart step size %g must be > 0", r.DT)
	}
	if r.Prev != nil {
		if e.settings.Scheme != BDF2 {
			return fmt.Errorf("solver: the restart state has a BDF2 history but the scheme is %v", e.settings.Scheme)
		}
		if len(r.Prev) != e.n || !(r.PrevDT > 0) {
			return fmt.Errorf("solver: the restart BDF2 history has %d values and step %g for %d cells", len(r.Prev), r.PrevDT, e.n)
		}
		e.prev = append([]float64(nil), r.Prev...)
		e.prevDT = r.PrevDT
	}
	return nil
}

// report calls Settings.OnState after an accepted step; dt is the size
// the next step will try.
func (e *evolver) report(st Stats, p []float64, t, dt float64) error {
	if e.settings.OnState == nil {
		return nil
	}
	s := State{T: t, DT: dt, P: p, Stats: e.finish(st, t)}
	if e.settings.Scheme == BDF2 && e.prev != nil {
		s.Prev, s.PrevDT = e.prev, e.prevDT
	}
	if e.needF {
		s.Rate = e.f0
	}
	return e.settings.OnState(s)
}

// firstStep is the size of the first adaptive step of settings s: DT
// rounded down to the ladder, at most MaxDT.
func firstStep(s Settings) float64 {
	dt := ladder(s.DT)
	if s.MaxDT > 0 {
		dt = math.Min(dt, ladder(s.MaxDT))
	}
	return dt
}

// adaptive is Evolve with step-size control. Step sizes are kept on the
// ladder 2^(k/2) and never shortened to hit an output time; outputs are
// taken from the cubic Hermite interpolant of the step that covers them
// (third-order accurate, mass-conserving). Few distinct step sizes mean few
// factorizations. On return p holds the density at the last output time.
func (e *evolver) adaptive(ctx context.Context, p []float64, t0 float64, times []float64, tol float64, observe Observer, st Stats) (Stats, error) {
	s := e.settings
	n := e.n
	vol := e.op.Grid.CellVolume()
	order := 2.0
	if s.Scheme == BackwardEuler {
		order = 1
	}
	dt := firstStep(s)
	if s.Restart != nil {
		dt = s.Restart.DT // already on the ladder (ladder is not idempotent)
	}
	t := t0
	next := make([]float64, n)
	out := make([]float64, n)
	k := 0
	emit := func(tOut float64, v []float64) error {
		if observe == nil {
			return nil
		}
		return observe(tOut, v)
	}
	for k < len(times) && times[k] <= t {
		if err := emit(times[k], p); err != nil {
			return e.finish(st, t), err
		}
		k++
	}
	for k < len(times) {
		if err := ctx.Err(); err != nil {
			return e.finish(st, t), fmt.Errorf("solver: stopped at t = %g: %w", t, err)
		}
		h := dt
		stop := s.Stop > t && t+h > s.Stop
		if stop {
			h = s.Stop - t // land on the stop (an extra factorization)
		}
		errNorm, err := e.step(next, p, h)
		if err != nil {
			return e.finish(st, t), err
		}
		mass := math.Max(vol*sum1(p), 1e-300)
		ratio := errNorm * vol / (tol * mass)
		if ratio > 1 {
			st.Rejected++
			dt = ladder(h * math.Max(0.2, 0.9*math.Pow(ratio, -1/(order+1))))
			if dt < 1e-14*math.Max(1, math.Abs(t)) {
				return e.finish(st, t), fmt.Errorf("solver: step size underflow at t = %g (error %g)", t, errNorm)
			}
			continue
		}
		// Outputs inside (t, t+h] from the Hermite interpolant.
		for k < len(times) && times[k] <= t+h*(1+1e-12) {
			theta := (times[k] - t) / h
			if theta >= 1-1e-12 {
				copy(out, next)
			} else {
				hermite(out, p, e.f0, next, e.f1, theta, h)
			}
			if err := emit(times[k], out); err != nil {
				return e.finish(st, times[k]), err
			}
			k++
		}
		e.accept(p, h)
		copy(p, next)
		t += h
		if stop {
			t = s.Stop // exactly, not within rounding of it
		}
		if err := e.record(&st, p, h, t); err != nil {
			return e.finish(st, t), err
		}
		// Grow only by a factor of 2 or more (up to 8): each new step size
		// costs a factorization, so few large jumps beat many small ones.
		if grow := 0.9 * math.Pow(math.Max(ratio, 1e-10), -1/(order+1)); grow >= 2 {
			dt = ladder(h * math.Min(grow, 8))
		}
		if s.MaxDT > 0 {
			dt = math.Min(dt, ladder(s.MaxDT))
		}
		if err := e.report(st, p, t, dt); err != nil {
			return e.finish(st, t), err
		}
	}
	if len(times) > 0 && t > times[len(times)-1] {
		copy(p, out)
		t = times[len(times)-1]
	}
	return e.finish(st, t), nil
}

// hermite stores in dst the cubic Hermite interpolant at t₀ + θh of the
// values p0, p1 and derivatives f0, f1 at the ends of a step of size h.
func hermite(dst, p0, f0, p1, f1 []float64, theta, h float64) {
	t2, t3 := theta*theta, theta*theta*theta
	h00 := 2*t3 - 3*t2 + 1
	h10 := (t3 - 2*t2 + theta) * h
	h01 := -2*t3 + 3*t2
	h11 := (t3 - t2) * h
	for i := range dst {
		dst[i] = h00*p0[i] + h10*f0[i] + h01*p1[i] + h11*f1[i]
	}
}

// ladder rounds a step down to the ladder 2^(k/2), so that step sizes
// recur and their factorizations are reused.
func ladder(dt float64) float64 {
	// The small absolute nudge keeps rungs on themselves (a relative one
	// pushed every rung below 1 down by one: 0.5 became 0.354).
	return math.Exp2(math.Floor(2*math.Log2(dt)+1e-9) / 2)
}

func sum1(p []float64) float64 {
	s := 0.0
	for _, v := range p {
		s += math.Abs(v)
	}
	return s
}

// evolver holds the state of one Evolve call.
type evolver struct {
	op       *operators.Operator
	a        *sparse.CSR // the generator (sink rows are zero)
	n        int
	settings Settings
	cache    map[float64]linear.Solver
	recent   []float64 // the keys of cache, least recently used first
	factors  int
	name     string
	// The fallbacks taken (see Stats.Fallbacks) and the first one's
	// description.
	fallbacks int
	fallback  string
	// aggregateFrom is the smallest c at which multigrid with linear
	// interpolation failed (+Inf before): larger steps start with
	// constant interpolation.
	aggregateFrom float64
	diagMax       float64        // max|Aᵢᵢ|, once computed
	shifts        *linear.Shifts // A in stencil storage for iterative steps (or nil)
	needF         bool           // whether steps keep f0, f1

	f0, f1    []float64 // A·P at the start and end of the current step
	prev      []float64 // BDF2: the previous density
	prevDT    float64
	rhs, stg  []float64
	est, fest []float64
	allocated bool // whether buffers has run
}

func (e *evolver) finish(st Stats, t float64) Stats {
	st.T = t
	st.Factorizations = e.factors
	st.Solver = e.name
	st.Fallbacks, st.Fallback = e.fallbacks, e.fallback
	if st.MinDT == math.Inf(1) {
		st.MinDT = 0
	}
	return st
}

// failed records that an iterative solver failed with err and that the
// solver named name took over.
func (e *evolver) failed(err error, name string) {
	e.fallbacks++
	if e.fallback == "" {
		e.fallback = fmt.Sprintf("%v; %s took over", err, name)
	}
}

// solver returns a cached solver of (I − c·A)x = b. The cache holds
// cacheSolvers step sizes and evicts the least recently used: a fixed
// choice, so that a run's set-ups and fallbacks repeat from run to run.
func (e *evolver) solver(c float64) (linear.Solver, error) {
	if s, ok := e.cache[c]; ok {
		i := slices.Index(e.recent, c)
		e.recent = append(slices.Delete(e.recent, i, i+1), c)
		return s, nil
	}
	if len(e.recent) >= cacheSolvers {
		delete(e.cache, e.recent[0])
		e.recent = slices.Delete(e.recent, 0, 1)
	}
	var s linear.Solver
	var err error
	lin := e.settings.Linear
	exact := func() (linear.Solver, error) {
		if useGTH(e.op, lin) {
			return newGTHStep(e.op, c)
		}
		return linear.New(shifted(e.a, c), lin)
	}
	if lin.Method == linear.Auto && e.op.Grid.Dim() >= 2 && e.n >= iterativeStepCells {
		// Large 2-D/3-D steps: a preconditioned BiCGSTAB streams the
		// stencil instead of a band of 2·N_x entries per cell; steps it
		// cannot solve fall back to the exact elimination (or, for a
		// generator that is not Markov, to the automatic direct choice),
		// multigrid to constant interpolation and diagonal ILU first.
		set, why := e.iterative(c)
		build := func(set linear.Settings) (linear.Solver, error) {
			if e.shifts != nil {
				return e.shifts.Solver(c, set)
			}
			return linear.New(shifted(e.a, c), set)
		}
		// Multigrid can stall on strongly convective steps (a 400²
		// flat-sharp run fell back to elimination at c·max|Aᵢᵢ| ≈ 80–160:
		// 3 GB and 80 s in all). Multigrid with constant interpolation,
		// whose coarse matrices keep the fine one's signs, converges on
		// the steps of the flat-sharp sgd-local runs where linear
		// interpolation diverges, and diagonal ILU converges on many, so
		// both come before elimination.
		stages := []stage{{set, why}}
		if set.Method == linear.Multigrid {
			if !set.Aggregate {
				agg := set
				agg.Aggregate = true
				stages = append(stages, stage{agg, "constant interpolation"})
			}
			ilu := set
			ilu.Method, ilu.MaxIter, ilu.Stall, ilu.Aggregate = linear.BiCGSTAB, iluFallbackIter, 0, false
			stages = append(stages, stage{ilu, "diagonal ILU"})
		}
		if f, ferr := e.chain(c, stages, build, exact); ferr == nil {
			s = f
		}
	}
	if s == nil {
		if lin.Method == linear.Multigrid || lin.Method == linear.BiCGSTAB {
			lin.Shape = e.shape()
		}
		s, err = exact()
	}
	if err != nil {
		return nil, fmt.Errorf("solver: implicit step matrix: %w", err)
	}
	e.factors++
	e.name = s.Name()
	e.cache[c] = s
	e.recent = append(e.recent, c)
	return s, nil
}

// buffers allocates, on the first step, the work vectors the scheme uses.
func (e *evolver) buffers() {
	if !e.allocated {
		e.allocated = true
		if e.settings.Scheme != BackwardEuler {
			e.rhs = make([]float64, e.n)
		}
		if e.settings.Scheme == TRBDF2 {
			e.stg = make([]float64, e.n)
		}
		if e.needF {
			e.f1 = make([]float64, e.n)
		}
		if e.settings.Adaptive {
			e.est = make([]float64, e.n)
			e.fest = make([]float64, e.n)
		}
	}
}

// step computes the density after one step of size h from p into next and
// returns the error estimate ‖est‖₁ (Σ|est|, zero for fixed-step schemes).
func (e *evolver) step(next, p []float64, h float64) (float64, error) {
	e.buffers()
	s := e.settings
	switch s.Scheme {
	case BackwardEuler:
		m, err := e.solver(h)
		if err != nil {
			return 0, err
		}
		copy(next, p)
		if err := m.Solve(next, p); err != nil {
			return 0, fmt.Errorf("solver: backward Euler step: %w", err)
		}
		if !s.Adaptive {
			return 0, nil
		}
		rates(e.f1, next, p, h)
		// Local error ≈ (h/2)(f₁ − f₀), filtered by the stage matrix.
		for i := range e.est {
			e.est[i] = 0.5 * h * (e.f1[i] - e.f0[i])
		}
		return e.filtered(m)
	case CrankNicolson:
		m, err := e.solver(h / 2)
		if err != nil {
			return 0, err
		}
		// (I − cA)·next = (I + cA)·p, c = h/2, as next = 2w − p with
		// (I − cA)·w = p (see trapezoidal).
		copy(next, p)
		if err := m.Solve(next, p); err != nil {
			return 0, fmt.Errorf("solver: Crank–Nicolson step: %w", err)
		}
		trapezoidal(next, p)
		return 0, nil
	case BDF2:
		// (I − cA)·next = rhs: a backward-Euler start (c = h, rhs = p),
		// then the variable-step BDF2 formula.
		c, rhs, what := h, p, "BDF2 start step"
		if e.prev != nil {
			w := h / e.prevDT
			a, b := (1+w)*(1+w)/(1+2*w), w*w/(1+2*w)
			for i := range e.rhs {
				e.rhs[i] = a*p[i] - b*e.prev[i]
			}
			c, rhs, what = h*(1+w)/(1+2*w), e.rhs, "BDF2 step"
		}
		m, err := e.solver(c)
		if err != nil {
			return 0, err
		}
		copy(next, p)
		if err := m.Solve(next, rhs); err != nil {
			return 0, fmt.Errorf("solver: %s: %w", what, err)
		}
		return 0, nil
	}
	// TR-BDF2.
	g := gammaTR
	m, err := e.solver(g * h / 2)
	if err != nil {
		return 0, err
	}
	// The trapezoidal stage (I − cA)·y = (I + cA)·p, c = γh/2, is solved as
	// (I − cA)·w = p, y = 2w − p (see trapezoidal). Initial guesses of the
	// iterative solvers (exact solvers ignore them): the explicit Euler
	// step for the first stage (for w, its half), the quadratic through
	// P, A·P and the first stage for the second. On smooth densities they
	// cut the iterations by about a fifth (evolve-2d benchmark); on rough
	// ones, where the explicit step amplifies, BiCGSTAB starts from zero
	// instead (a guess worse than zero is dropped).
	for i := range e.stg {
		e.stg[i] = p[i] + g*h/2*e.f0[i]
	}
	if err := m.Solve(e.stg, p); err != nil {
		return 0, fmt.Errorf("solver: TR-BDF2 trapezoidal stage: %w", err)
	}
	trapezoidal(e.stg, p)
	c1, c2 := 1/(g*(2-g)), (1-g)*(1-g)/(g*(2-g))
	for i := range e.rhs {
		e.rhs[i] = c1*e.stg[i] - c2*p[i]
	}
	for i := range next {
		next[i] = p[i] + h*e.f0[i] + (e.stg[i]-p[i]-g*h*e.f0[i])/(g*g)
	}
	if err := m.Solve(next, e.rhs); err != nil {
		return 0, fmt.Errorf("solver: TR-BDF2 BDF2 stage: %w", err)
	}
	rates(e.f1, next, e.rhs, g*h/2)
	if !s.Adaptive {
		return 0, nil
	}
	// Embedded estimate (Bank et al.; Hosea & Shampine):
	// err = 2k·h·[f₀/γ − f*/(γ(1−γ)) + f₁/(1−γ)], k = (−3γ² + 4γ − 2)/(12(2 − γ)).
	// f* = A·y = 2·A·w − A·p = (y − p)/c − f₀ for the first stage y.
	fs := e.fest
	rates(fs, e.stg, p, g*h/2)
	for i, v := range e.f0 {
		fs[i] -= v
	}
	k := (-3*g*g + 4*g - 2) / (12 * (2 - g))
	for i := range e.est {
		e.est[i] = 2 * k * h * (e.f0[i]/g - fs[i]/(g*(1-g)) + e.f1[i]/(1-g))
	}
	return e.filtered(m)
}

// filtered applies the stage matrix inverse to the raw estimate (which
// removes the spurious large values of stiff components) and returns Σ|·|.
// Iterative solvers apply their preconditioner once instead: the estimate
// only steers the step size, and a multigrid V-cycle or an incomplete
// factorization of the stage matrix damps the stiff components as well
// (the evolve-2d benchmark takes 10% less time, at the same accuracy).
func (e *evolver) filtered(m linear.Solver) (float64, error) {
	if a, ok := approximator(m); ok {
		a.Approx(e.fest, e.est)
		return sum1(e.fest), nil
	}
	clear(e.fest)
	if err := m.Solve(e.fest, e.est); err != nil {
		return 0, fmt.Errorf("solver: error estimate: %w", err)
	}
	return sum1(e.fest), nil
}

// rates sets f = A·x for the solution x of (I − cA)·x = b, as (x − b)/c:
// the product with A itself is a difference of terms of size |A|·|x| that
// stiff steps multiply by h (output interpolation, error estimate), so its
// rounding, ulp·h·|A|·|x|, reached 1.8e-4 of the mass in outputs between
// steps of 10¹¹ on a low-noise double well; (x − b)/c carries the step's
// own errors only (the solver's residual, divided by c).
func rates(f, x, b []float64, c float64) {
	for i, v := range b {
		f[i] = (x[i] - v) / c
	}
}

// trapezoidal turns w = (I − cA)⁻¹·p into the trapezoidal step
// y = (I − cA)⁻¹·(I + cA)·p = 2w − p, in place. Forming (I + cA)·p instead
// would add c·(A·p) computed in floating point: on a stiff step, where the
// density has relaxed and A·p is a small difference of terms of size
// |A|·|p|, its rounding error ulp·c·|A|·|p| swamps the step (survival runs
// take steps with c·|A| ≈ 10¹², and the mass carried 10⁻⁴ noise).
func trapezoidal(w, p []float64) {
	for i, v := range p {
		w[i] = 2*w[i] - v
	}
}

// accept records an accepted step of size h from the density p (before
// it is overwritten by the step's result), rolling f₁ into f₀.
func (e *evolver) accept(p []float64, h float64) {
	if e.settings.Scheme == BDF2 {
		if e.prev == nil {
			e.prev = make([]float64, e.n)
		}
		copy(e.prev, p)
	}
	if e.needF {
		e.f0, e.f1 = e.f1, e.f0
	}
	e.prevDT = h
}

// iterative returns the settings of the iterative solver of the step
// matrix I − c·A: ILU(0)-BiCGSTAB while the matrix is strongly diagonally
// dominant (c·max|Aᵢᵢ| ≤ mgDominance: a few iterations suffice), a
// multigrid-preconditioned BiCGSTAB beyond, whose iteration count does
// not grow with c·|A| (5–7 on the 200×200 benchmark for c·|A| from 10 to
// 10⁴, where ILU(0) needs 24–123).
func (e *evolver) iterative(c float64) (linear.Settings, string) {
	s := linear.Settings{Method: linear.BiCGSTAB, Tol: 1e-10, MaxIter: 300, Shape: e.shape()}
	stiff := c * e.maxDiag()
	if stiff > mgDominance {
		s.Method, s.MaxIter, s.Stall = linear.Multigrid, mgMaxIter, mgStall
		why := fmt.Sprintf("step stiffness c·max|Aᵢᵢ| = %.3g > %g: multigrid", stiff, float64(mgDominance))
		if c >= e.aggregateFrom {
			s.Aggregate = true
			why += fmt.Sprintf(" with constant interpolation (linear interpolation failed at c = %.3g)", e.aggregateFrom)
		}
		return s, why
	}
	return s, fmt.Sprintf("step stiffness c·max|Aᵢᵢ| = %.3g ≤ %g: diagonal ILU", stiff, float64(mgDominance))
}

// shape returns the cells per axis of the grid.
func (e *evolver) shape() []int {
	g := e.op.Grid
	shape := make([]int, g.Dim())
	for k := range shape {
		shape[k] = g.N(k)
	}
	return shape
}

// mgDominance is the stiffness c·max|Aᵢᵢ| of a step matrix I − c·A above
// which multigrid beats ILU(0) as the preconditioner (measured crossover
// on the 200×200 benchmark: about 10–20).
const mgDominance = 16

// prepare takes A in stencil storage (converted once per operator) when
// implicit steps will try the iterative solvers: each step size then only
// rescales it.
func (e *evolver) prepare() {
	if e.settings.Linear.Method == linear.Auto && e.op.Grid.Dim() >= 2 && e.n >= iterativeStepCells {
		e.shifts = e.op.Shifts()
	}
}

// mulA sets dst = A·x.
func (e *evolver) mulA(dst, x []float64) {
	if e.shifts != nil {
		e.shifts.MulVec(dst, x)
		return
	}
	linear.MulVec(dst, e.a, x)
}

// maxDiag returns max|Aᵢᵢ| of the generator (cached).
func (e *evolver) maxDiag() float64 {
	if e.diagMax == 0 && e.shifts != nil {
		e.diagMax = e.shifts.MaxDiag()
	}
	if e.diagMax == 0 {
		raw := e.a.RawMatrix()
		for i := 0; i < raw.I; i++ {
			for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
				if raw.Ind[k] == i {
					e.diagMax = math.Max(e.diagMax, math.Abs(raw.Data[k]))
				}
			}
		}
	}
	return e.diagMax
}

// stage is one solver of a fallback chain: its settings, and why it is
// used (the choice's reason for the first stage, a short name for the
// others).
type stage struct {
	set linear.Settings
	why string
}

// chain returns the solver of stages[0] (an error if it cannot be
// built), which on its first failure hands its step size to the next
// stage that can be built and last to exact. A multigrid with linear
// interpolation that fails makes steps of c and larger start with
// constant interpolation (see iterative).
func (e *evolver) chain(c float64, stages []stage, build func(linear.Settings) (linear.Solver, error), exact func() (linear.Solver, error)) (linear.Solver, error) {
	primary, err := build(stages[0].set)
	if err != nil {
		return nil, err
	}
	rest := stages[1:]
	then := "exact elimination"
	if len(rest) > 0 {
		names := make([]string, len(rest))
		for i, st := range rest {
			names[i] = st.why
		}
		then = strings.Join(names, ", ") + ", then " + then
	}
	return &fallbackSolver{primary: primary, why: stages[0].why, then: then, failed: e.failed,
		make: func() (linear.Solver, error) {
			if set := stages[0].set; set.Method == linear.Multigrid && !set.Aggregate {
				e.aggregateFrom = math.Min(e.aggregateFrom, c)
			}
			for i := range rest {
				if f, err := e.chain(c, rest[i:], build, exact); err == nil {
					return f, nil
				}
			}
			return exact()
		}}, nil
}

// cacheSolvers is the number of step sizes whose solvers a run keeps.
const cacheSolvers = 4

// iterativeStepCells is the grid size from which implicit steps in 2-D and
// 3-D try an iterative solver first.
const iterativeStepCells = 20000

// mgMaxIter caps multigrid-BiCGSTAB iterations per step solve: it
// converges in 4–9 where it works, and a stalled solve should give way
// to the diagonal-ILU fallback quickly. mgStall gives up sooner on a
// solve whose residual has not halved in that many iterations: on the
// 400×320 flat-sharp sgd-local run, the step sizes multigrid cannot solve
// grow or stagnate from the first iteration on, while the slowest ones it
// solves (21–22 iterations) first rise 100-fold and halve their starting
// residual by the 8th–9th. iluFallbackIter caps the fallback (it needs
// 24–123 iterations on 200² steps of stiffness 10–10⁴).
const (
	mgMaxIter       = 50
	mgStall         = 15
	iluFallbackIter = 1000
)

// fallbackSolver uses primary until it fails once, then the solver make
// builds for good (an exact one, or another fallbackSolver).
type fallbackSolver struct {
	why     string // why primary was chosen
	then    string // what make builds, for Name
	primary linear.Solver
	make    func() (linear.Solver, error)
	backup  linear.Solver
	x0      []float64 // the initial guess, kept for the fallback
	// failed, if set, is told of primary's failure (its error) and of the
	// name of the fallback that takes over.
	failed func(err error, name string)
}

// Solve solves with the primary solver, or the fallback after a failure.
func (f *fallbackSolver) Solve(x, b []float64) error {
	if f.backup == nil {
		f.x0 = append(f.x0[:0], x...)
		x0 := f.x0
		err := f.primary.Solve(x, b)
		if err == nil {
			return nil
		}
		backup, merr := f.make()
		if merr != nil {
			// Say what failed first: the fallback's own error (a band
			// elimination too large, say) does not explain the run.
			return fmt.Errorf("%w (after %v)", merr, err)
		}
		f.backup = backup
		if f.failed != nil {
			f.failed(err, backup.Name())
		}
		copy(x, x0)
	}
	return f.backup.Solve(x, b)
}

// approximator returns the iterative solver in use by m, if any.
func approximator(m linear.Solver) (linear.Approximator, bool) {
	for {
		f, ok := m.(*fallbackSolver)
		if !ok {
			break
		}
		if f.backup == nil {
			m = f.primary
			break
		}
		m = f.backup
	}
	a, ok := m.(linear.Approximator)
	return a, ok
}

// Name describes the solver in use.
func (f *fallbackSolver) Name() string {
	if f.backup != nil {
		return f.backup.Name() + " (after " + f.primary.Name() + " failed)"
	}
	return f.primary.Name() + " (" + f.why + "; " + f.then + " as fallback)"
}
