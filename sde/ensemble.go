package sde

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
)

// Dynamics is the stochastic process the walkers follow.
type Dynamics int

const (
	// SDE is Euler–Maruyama for dθ = −∇L dt + √(2D(θ)) dW with step Δt.
	SDE Dynamics = iota
	// SGD is the discrete iteration θ ← θ − η(∇L(θ) + ξ), ξ ~ N(0, 2D(θ)/η).
	SGD
	// SGLD is the discrete iteration θ ← θ − η∇L(θ) + √(2ηT)·ζ.
	SGLD
	// Minibatch is real minibatch SGD on a data set (Problem.Examples):
	// θ ← θ − η·(1/B)·Σ_{i∈ℬ} ∇ℓᵢ(θ) (+ √(2ηT0)·ζ with a floor T0), ℬ
	// drawn without replacement at every step.
	Minibatch
)

// ParseDynamics returns the dynamics named sde, sgd, sgld or minibatch.
func ParseDynamics(s string) (Dynamics, error) {
	switch s {
	case "sde", "":
		return SDE, nil
	case "sgd":
		return SGD, nil
	case "sgld":
		return SGLD, nil
	case "minibatch":
		return Minibatch, nil
	}
	return 0, fmt.Errorf("unknown dynamics %q: use sde, sgd, sgld or minibatch", s)
}

// String returns the word for d.
func (d Dynamics) String() string {
	switch d {
	case SGD:
		return "sgd"
	case SGLD:
		return "sgld"
	case Minibatch:
		return "minibatch"
	}
	return "sde"
}

// Wall is one axis of the domain, [Lo, Hi], with the conditions of its two
// faces: a walker that crosses a reflecting face is mirrored back, one that
// crosses an absorbing face is absorbed (its run ends, counted like an
// arrival, as absorbing faces count in the mean first passage time of the
// PDE), one that crosses a periodic face re-enters at the other end.
type Wall struct {
	Lo, Hi    float64
	Low, High grid.Boundary
}

// WallsOf returns the walls of the axes of g.
func WallsOf(g *grid.Grid) []Wall {
	w := make([]Wall, g.Dim())
	for k := range w {
		a := g.Axis(k)
		w[k] = Wall{Lo: a.Lo, Hi: a.Hi, Low: a.Low, High: a.High}
	}
	return w
}

// Problem is one escape experiment: walkers start at Start in the domain
// Walls and run under Loss and Diffusion until they enter Target.
type Problem struct {
	Loss landscape.Landscape
	// Diffusion is D(θ) of the SDE and SGD dynamics; SGLD ignores it.
	Diffusion operators.Diffusion
	Walls     []Wall
	Target    Target
	Start     []float64
	// Examples are the per-example losses that Minibatch samples; the
	// other dynamics ignore them. Loss is then usually the same set.
	Examples Examples
}

// Settings control an ensemble. Every zero value except Step and MaxTime
// means its stated default.
type Settings struct {
	// Walkers is the number of independent walkers. Default: 1000.
	Walkers int
	// Dynamics is the process. Default: SDE.
	Dynamics Dynamics
	// Step is Δt for SDE and the learning rate η for SGD and SGLD
	// (> 0, required).
	Step float64
	// Temperature is T of SGLD (> 0, required by SGLD).
	Temperature float64
	// MaxTime caps the time of each walker (> 0, required): a walker not
	// arrived after ⌈MaxTime/Step⌉ steps is capped.
	MaxTime float64
	// Seed seeds the streams: walker i draws from a PCG stream seeded from
	// (Seed, i).
	Seed uint64
	// Workers is the number of goroutines. Default: GOMAXPROCS.
	Workers int
	// Bins is the number of histogram bins. Default: 40.
	Bins int
	// Batch is the minibatch size B of Minibatch, 1 ≤ B ≤ n (required by
	// it).
	Batch int
	// Floor is the white floor T0 ≥ 0 of Minibatch: each step adds
	// √(2ηT0)·ζ, the T0·I of the data noise model's D.
	Floor float64
}

// Status is how a walker's run ended.
type Status uint8

const (
	// Arrived walkers entered the target.
	Arrived Status = iota
	// Absorbed walkers left through an absorbing wall.
	Absorbed
	// Capped walkers reached MaxTime outside the target.
	Capped
	cancelled
)

// ErrNoArrival is returned, with the Result, when every walker was capped:
// there is no escape time to fit and the mean is only bounded below.
var ErrNoArrival = errors.New("sde: no walker arrived before max_time; the mean escape time is only bounded below by it")

// Run simulates the ensemble of p with settings s on s.Workers goroutines.
// It returns an error for invalid input, for a diffusion matrix that is not
// positive semi-definite or a walker whose position becomes non-finite,
// and when ctx is cancelled. If every walker was capped it returns the
// Result together with ErrNoArrival.
func Run(ctx context.Context, p Problem, s Settings) (*Result, error) {
	pl, err := newPlan(&p, &s)
	if err != nil {
		return nil, err
	}
	n := s.Walkers
	steps := make([]int64, n)
	status := make([]Status, n)
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)

	var stop atomic.Bool
	unhook := context.AfterFunc(ctx, func() { stop.Store(true) })
	defer unhook()
	var next atomic.Int64
	var errOnce sync.Once
	var runErr error
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(pl, &stop)
			for {
				i := int(next.Add(1) - 1)
				if i >= n || stop.Load() {
					return
				}
				st, k, err := w.walk(s.Seed, i)
				if err != nil {
					errOnce.Do(func() { runErr = fmt.Errorf("walker %d: %w", i, err) })
					stop.Store(true)
					return
				}
				steps[i], status[i] = k, st
			}
		}()
	}
	wg.Wait()
	if runErr != nil {
		return nil, runErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := summarize(pl, &s, steps, status)
	res.Seconds = time.Since(start).Seconds()
	if res.Capped == n {
		return res, ErrNoArrival
	}
	return res, nil
}

// noise modes of the plan.
const (
	noiseConst = iota // D constant: a precomputed factor
	noiseSGD1         // 1-D operators.SGD: D from L″ of the same call
	noiseField        // D.At at every step
)

// plan is the validated, precomputed form of a problem and its settings.
type plan struct {
	d        int
	loss     landscape.Landscape
	diff     operators.Diffusion
	dyn      Dynamics
	h        float64 // step
	twoH     float64 // 2h
	maxSteps int64
	walls    []Wall
	target   Target
	start    []float64
	mode     int
	factor   []float64 // √(2h)·chol(D) for constant noise (d×d, lower)
	sgd      operators.SGD
	bridge   bool // Brownian-bridge tests (SDE only)

	// 1-D target interval, when the target is an Interval.
	interval   bool
	tlo, thi   float64
	planeP     []float64 // Planar targets in d-D
	planeU     []float64
	wallBridge bool // some wall is absorbing

	// Minibatch: the examples, the batch size and √(2ηT0).
	ex       Examples
	batch    int
	floorAmp float64
}

func newPlan(p *Problem, s *Settings) (*plan, error) {
	if p.Loss == nil {
		return nil, errors.New("sde: no loss")
	}
	d := p.Loss.Dim()
	switch {
	case d < 1 || d > 3:
		return nil, fmt.Errorf("sde: dimension %d, want 1 to 3", d)
	case len(p.Walls) != d:
		return nil, fmt.Errorf("sde: %d walls for a %d-D loss", len(p.Walls), d)
	case len(p.Start) != d:
		return nil, fmt.Errorf("sde: start point has %d coordinates, want %d", len(p.Start), d)
	case p.Target == nil:
		return nil, errors.New("sde: no target")
	case s.Dynamics != SGLD && s.Dynamics != Minibatch && p.Diffusion == nil:
		return nil, errors.New("sde: no diffusion field")
	case s.Dynamics != SGLD && s.Dynamics != Minibatch && p.Diffusion.Dim() != d:
		return nil, fmt.Errorf("sde: diffusion of dimension %d for a %d-D loss", p.Diffusion.Dim(), d)
	case !(s.Step > 0) || math.IsInf(s.Step, 0):
		return nil, fmt.Errorf("sde: step %g, want a finite number > 0", s.Step)
	case !(s.MaxTime > 0):
		return nil, fmt.Errorf("sde: max time %g, want > 0", s.MaxTime)
	case s.Dynamics == SGLD && !(s.Temperature > 0 && !math.IsInf(s.Temperature, 0)):
		return nil, fmt.Errorf("sde: SGLD temperature %g, want a finite number > 0", s.Temperature)
	case s.Walkers < 0:
		return nil, fmt.Errorf("sde: %d walkers", s.Walkers)
	case s.Dynamics < SDE || s.Dynamics > Minibatch:
		return nil, fmt.Errorf("sde: unknown dynamics %d", s.Dynamics)
	}
	if s.Dynamics == Minibatch {
		if err := checkMinibatch(p, s, d); err != nil {
			return nil, err
		}
	}
	if s.Walkers == 0 {
		s.Walkers = 1000
	}
	if s.Bins <= 0 {
		s.Bins = 40
	}
	for k, w := range p.Walls {
		if !(w.Lo < w.Hi) || math.IsInf(w.Lo, 0) || math.IsInf(w.Hi, 0) {
			return nil, fmt.Errorf("sde: axis %d: interval [%g, %g] must be finite with lo < hi", k, w.Lo, w.Hi)
		}
		if (w.Low == grid.Periodic) != (w.High == grid.Periodic) {
			return nil, fmt.Errorf("sde: axis %d: a periodic face needs a periodic face at the other end", k)
		}
		if x := p.Start[k]; !(x >= w.Lo && x <= w.Hi) {
			return nil, fmt.Errorf("sde: start %v lies outside the domain on axis %d", p.Start, k)
		}
	}
	steps := math.Ceil(s.MaxTime / s.Step)
	if steps > 1<<62 {
		return nil, fmt.Errorf("sde: max time %g is %g steps of %g: too many", s.MaxTime, steps, s.Step)
	}
	pl := &plan{
		d: d, loss: p.Loss, diff: p.Diffusion, dyn: s.Dynamics,
		h: s.Step, twoH: 2 * s.Step, maxSteps: int64(steps),
		walls: p.Walls, target: p.Target, start: p.Start,
		bridge: s.Dynamics == SDE,
	}
	for _, w := range p.Walls {
		pl.wallBridge = pl.wallBridge || w.Low == grid.Absorbing || w.High == grid.Absorbing
	}
	switch t := p.Target.(type) {
	case Interval:
		if d != 1 {
			return nil, fmt.Errorf("sde: an Interval target in %d-D", d)
		}
		pl.interval, pl.tlo, pl.thi = true, t.Lo, t.Hi
	case Planar:
		pp, u := t.Plane()
		if len(pp) != d || len(u) != d {
			return nil, fmt.Errorf("sde: target plane of dimension %d in %d-D", len(pp), d)
		}
		pl.planeP, pl.planeU = pp, u
	}

	// The noise.
	if s.Dynamics == Minibatch {
		pl.ex, pl.batch = p.Examples, s.Batch
		pl.floorAmp = math.Sqrt(2 * s.Step * s.Floor)
		return pl, nil
	}
	var dm []float64
	switch {
	case s.Dynamics == SGLD:
		dm = make([]float64, d*d)
		for k := 0; k < d; k++ {
			dm[k*d+k] = s.Temperature
		}
	case isConstant(p.Diffusion):
		dm = make([]float64, d*d)
		p.Diffusion.At(dm, p.Start)
	}
	switch {
	case dm != nil:
		pl.mode = noiseConst
		pl.factor = make([]float64, d*d)
		if err := cholesky(pl.factor, dm, d); err != nil {
			return nil, err
		}
		for i := range pl.factor {
			pl.factor[i] *= math.Sqrt(pl.twoH)
		}
	default:
		pl.mode = noiseField
		if sg, ok := p.Diffusion.(operators.SGD); ok && d == 1 && sameLoss(sg.Loss, p.Loss) {
			pl.mode, pl.sgd = noiseSGD1, sg
		}
	}
	return pl, nil
}

// isConstant reports whether D does not depend on θ.
func isConstant(d operators.Diffusion) bool {
	c, ok := d.(operators.Constant)
	return ok && c.IsConstant()
}

// sameLoss reports whether a and b are the same landscape value (false for
// values that cannot be compared).
func sameLoss(a, b landscape.Landscape) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
