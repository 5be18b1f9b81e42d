package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

// Settings controls Run. The zero value measures, at every point, the
// escape analysis with the MFPT, flux-over-population and spectral
// estimators (survival off), with one worker per CPU.
type Settings struct {
	// Measure is used by Run; RunPlans takes it from each plan.
	Measure Measure
	// Survival turns on the survival estimator (it evolves the density in
	// time and is the slowest).
	Survival bool
	// SkipSpectral turns off the spectral estimator. The MFPT and the
	// flux over population are always measured: every other estimate is
	// compared with them.
	SkipSpectral bool
	// Target and Radius choose the arrival set of the escape analysis, as
	// in escape.Settings.
	Target escape.TargetKind
	Radius float64
	// Workers is the number of points measured at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if not nil, is called after every point with the number
	// of points done and the total. Calls may come from any goroutine but
	// never overlap.
	Progress func(done, total int)
}

// ParseEstimators sets the estimators of s from a comma-separated list of
// mfpt, flux, survival and spectral (the value of --estimators). MFPT and
// flux are always on; listing them is allowed.
func (s *Settings) ParseEstimators(list string) error {
	s.Survival, s.SkipSpectral = false, true
	for _, w := range strings.Split(list, ",") {
		switch strings.ToLower(strings.TrimSpace(w)) {
		case "mfpt", "flux", "":
		case "survival":
			s.Survival = true
		case "spectral":
			s.SkipSpectral = false
		default:
			return fmt.Errorf("--estimators: unknown estimator %q: choose from mfpt, flux, survival, spectral (mfpt and flux are always measured)", strings.TrimSpace(w))
		}
	}
	return nil
}

// Point is the outcome at one point of a sweep.
type Point struct {
	// Index is the point's number in the whole sweep (all plans).
	Index int
	// Series is the name of the plan the point belongs to.
	Series string
	// Params holds the fields set at the point (axes and derived fields).
	Params map[string]float64
	// Noise is the resolved noise model at the point (for the analytic
	// exponents beside the fits).
	Noise escape.Noise
	// Result is the escape analysis (Measure Escape).
	Result *escape.Result
	// Stationary holds the stationary basin masses (Measure Stationary).
	Stationary *StationaryResult
	// Evolution holds the basin masses over time (Measure Evolution).
	Evolution *EvolutionResult
	// Error says why the point has no result; empty on success.
	Error string
}

// StationaryResult is the stationary density's mass in every basin.
type StationaryResult struct {
	Basins    []BasinMass `json:"basins"`
	MassTotal float64     `json:"mass_total"`
}

// BasinMass is one minimum and the stationary mass of its basin.
type BasinMass struct {
	Minimum     []float64 `json:"minimum"`
	Loss        float64   `json:"loss"`
	Eigenvalues []float64 `json:"hessian_eigenvalues"`
	Mass        float64   `json:"mass"`
}

// Run measures every point over the base scenario: for each point it
// clones base, applies the point's fields with Set, builds the model and
// measures it. Points run in parallel (s.Workers); the results are in the
// order of points. A point that fails records its error and the others go
// on; Run itself fails only when ctx is cancelled (returning the points
// finished so far, the others with their Error set) or base is nil.
func Run(ctx context.Context, base *scenario.Scenario, points []Coord, s Settings) ([]Point, error) {
	if base == nil {
		return nil, errors.New("sweep: Run needs a base scenario")
	}
	jobs := make([]job, len(points))
	for i, c := range points {
		jobs[i] = job{base: base, coord: c, measure: s.Measure}
	}
	return runJobs(ctx, jobs, s)
}

// RunPlans measures the given points of several plans (each point finds
// its plan by Series) in one pool of workers, with each plan's Measure.
func RunPlans(ctx context.Context, plans []*Plan, points []Coord, s Settings) ([]Point, error) {
	byName := map[string]*Plan{}
	for _, p := range plans {
		byName[p.Name] = p
	}
	jobs := make([]job, len(points))
	for i, c := range points {
		p := byName[c.Series]
		if p == nil || p.Base == nil {
			return nil, fmt.Errorf("sweep: point %d belongs to no plan named %q", c.Index, c.Series)
		}
		jobs[i] = job{base: p.Base, coord: c, measure: p.Measure}
	}
	return runJobs(ctx, jobs, s)
}

type job struct {
	base    *scenario.Scenario
	coord   Coord
	measure Measure
}

func runJobs(ctx context.Context, jobs []job, s Settings) ([]Point, error) {
	out := make([]Point, len(jobs))
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(workers, max(len(jobs), 1)) {
		wg.Go(func() {
			for i := range next {
				out[i] = measurePoint(ctx, jobs[i], s)
				if s.Progress != nil {
					mu.Lock()
					done++
					s.Progress(done, len(jobs))
					mu.Unlock()
				}
			}
		})
	}
	var err error
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			for k := i; k < len(jobs); k++ {
				out[k] = newPoint(jobs[k].coord)
				out[k].Error = "not run: " + err.Error()
			}
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}

func newPoint(c Coord) Point {
	p := Point{Index: c.Index, Series: c.Series, Params: map[string]float64{}}
	for _, q := range c.Params {
		p.Params[q.Key] = q.Value
	}
	return p
}

// measurePoint builds the scenario of one point and measures it.
func measurePoint(ctx context.Context, j job, s Settings) (pt Point) {
	pt = newPoint(j.coord)
	defer func() {
		// One point's bug must not take the whole sweep down.
		if r := recover(); r != nil {
			pt.Error = fmt.Sprintf("internal error: %v", r)
		}
	}()
	sc := j.base.Clone()
	for _, q := range j.coord.Params {
		if err := sc.Set(q.Key + "=" + formatValue(q.Value)); err != nil {
			pt.Error = oneLine(err)
			return pt
		}
	}
	m, err := scenario.Build(sc)
	if err != nil {
		pt.Error = oneLine(err)
		return pt
	}
	p, err := m.EscapeProblem()
	if err != nil {
		pt.Error = oneLine(err)
		return pt
	}
	pt.Noise = p.Noise
	switch j.measure {
	case Evolution:
		ev, err := evolution(ctx, m, p.Critical)
		if err != nil {
			pt.Error = oneLine(err)
			return pt
		}
		pt.Evolution = ev
	case Stationary:
		st, err := stationary(m, p.Critical)
		if err != nil {
			pt.Error = oneLine(err)
			return pt
		}
		pt.Stationary = st
	default:
		if len(p.Critical.Saddles) == 0 {
			pt.Error = "the landscape has no saddle between minima in the domain: nothing escapes"
			return pt
		}
		res, err := escape.Analyze(ctx, p, escape.Settings{Target: s.Target, Radius: s.Radius, SkipSurvival: !s.Survival, SkipSpectral: s.SkipSpectral})
		if err != nil {
			pt.Error = oneLine(err)
			return pt
		}
		for i := range res.Transitions {
			// The densities are for pictures of single runs; a sweep
			// keeps only numbers.
			res.Transitions[i].QSD, res.Transitions[i].QSDCurrent = nil, nil
		}
		pt.Result = res
	}
	return pt
}

// stationary solves for the stationary density of m (no targets) and
// returns the mass of every basin.
func stationary(m *scenario.Model, c *landscape.Critical) (*StationaryResult, error) {
	if len(m.Sinks) > 0 {
		return nil, errors.New("the scenario has targets, so no stationary state exists: remove them (targets=[])")
	}
	op, err := m.Operator()
	if err != nil {
		return nil, err
	}
	guess := make([]float64, m.Grid.Len())
	m.Grid.Sample(guess, func(x []float64) float64 { return -m.Loss.Value(x) })
	p, err := solver.Stationary(op, guess, m.Linear)
	if err != nil {
		return nil, err
	}
	masses := m.Basins().Masses(p)
	st := &StationaryResult{MassTotal: m.Grid.Mass(p)}
	for i, mn := range c.Minima {
		st.Basins = append(st.Basins, BasinMass{Minimum: mn.X, Loss: mn.Loss, Eigenvalues: mn.Eigenvalues, Mass: masses[i]})
	}
	return st, nil
}

// oneLine joins the lines of a multi-line error (scenario.Problems).
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
