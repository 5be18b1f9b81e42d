package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/sde"
)

// simulateJSON is the JSON of `fpsolve simulate` (DESIGN §6). The §6
// fields at the top level (walkers, mean_escape_time, stderr,
// mean_iterations, capped, dt) are those of the first transition, the only
// one when --from and --to pick a single transition; "transitions" holds
// every transition simulated, each with the same fields and more.
type simulateJSON struct {
	sde.Summary

	Dynamics    string          `json:"dynamics"`
	Seed        uint64          `json:"seed"`
	Target      string          `json:"target"`
	Transitions []simTransition `json:"transitions"`
	// Minima and saddles as `fpsolve critical` writes them.
	criticalJSON
	// Fisher compares the data's gradient noise with H/B (minibatch
	// dynamics on a data scenario).
	Fisher *fisherJSON `json:"fisher,omitempty"`
}

// simTransition is one simulated escape a → b over a saddle.
type simTransition struct {
	From    int       `json:"from"`
	To      int       `json:"to"`
	Saddle  int       `json:"saddle"`
	Barrier float64   `json:"barrier"`
	Start   []float64 `json:"start"`
	// SGDIterations is τ/η for the sde dynamics of an SGD noise model: the
	// number of SGD iterations the escape time stands for.
	SGDIterations *float64 `json:"sgd_iterations,omitempty"`
	// PDEMFPT and PDEIterations are the Fokker–Planck mean first passage
	// time of the noise model for the same transition and target, in time
	// units and in iterations (τ/η), beside minibatch SGD; MCOverPDE is
	// mean_iterations/pde_iterations.
	PDEMFPT       *float64 `json:"pde_mfpt,omitempty"`
	PDEIterations *float64 `json:"pde_iterations,omitempty"`
	MCOverPDE     *float64 `json:"mc_over_pde,omitempty"`
	*sde.Result
}

func simulateCmd(o *options) *cobra.Command {
	var seed uint64
	var from, to int
	var start, target string
	var radius float64
	var workers int
	cmd := &cobra.Command{
		Use:   "simulate [scenario.yaml] [--seed N] [--from i] [--to j]",
		Short: "Monte Carlo escape times of the SDE, SGD and SGLD",
		Long: `simulate runs independent walkers on all cores and measures how long they take
to escape from a minimum: the Monte Carlo check of the Fokker–Planck mean
first passage times of ` + "`fpsolve escape`" + `. By default it simulates, for every
saddle, both transitions between the minima it connects; --from and --to
(minimum indices, as numbered by ` + "`fpsolve critical`" + `) pick some.

The dynamics (simulate.dynamics) are
  sde    Euler–Maruyama for dθ = −∇L dt + √(2D(θ)) dW, step simulate.dt, with
         the noise model's D; crossings of the target between steps are
         caught with the Brownian-bridge probability (first order in Δt)
  sgd    the SGD iteration θ ← θ − η(∇L + ξ), ξ ~ N(0, 2D/η), η = noise.lr
  sgld   θ ← θ − η∇L + √(2ηT)·ζ with T = noise.temperature and η = noise.lr
         (simulate.dt when noise.lr is not set)
  minibatch  real minibatch SGD on the scenario's data block: θ ← θ − η·mean of
         ∇ℓᵢ over B = noise.batch examples drawn without replacement at every
         step (+ √(2ηT0)·ζ with T0 = noise.floor); it also prints the PDE mean
         first passage time in iterations for the same transition and target,
         and the ratio C/(H/B) of the data's gradient noise to the Hessian
         model at the minima and along the escape paths
A walker starts at minimum a (or --start) and arrives when it enters the
target at b, by default the part of basin b beyond minimum b as seen from
the saddle (as in ` + "`fpsolve escape`" + `); reflecting walls mirror walkers back,
absorbing walls end them (counted like arrivals, as in the PDE's MFPT).

Printed per transition: the mean escape time ± standard error and its 95%
interval, the mean number of steps (iterations), the walkers capped at
simulate.max_time — never dropped: with capped walkers the mean is the
restricted mean E[min(τ, max_time)] (a lower bound, also printed) plus an
exponential tail — and the rate of an exponential fit to the survival curve.

Walker i draws from its own random stream seeded from (seed, i), so a run
is reproducible from its seed on any number of cores. The seed is --seed,
else simulate.seed, else taken from the clock and printed.

--json writes {"walkers", "mean_escape_time", "stderr", "mean_iterations",
"capped", "dt"} of the first transition at the top level and every
transition, with its histogram and fit, in "transitions".`,
		Example: `  fpsolve simulate --seed 1
  fpsolve simulate testdata/scenarios/double-well-white.yaml --from 0 --to 1 --json -
  fpsolve simulate --set simulate.dynamics=sde --set simulate.dt=0.01 --set simulate.walkers=5000
  fpsolve simulate testdata/scenarios/flat-sharp-2d.yaml --set noise.model=white --set noise.temperature=0.1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := sde.ParseTarget(target)
			if err != nil {
				return usagef("--target: %v", err)
			}
			if workers < 0 {
				return usagef("--workers %d: want ≥ 0 (0 = all cores)", workers)
			}
			m, err := o.load(args)
			if err != nil {
				return err
			}
			sc := m.Scenario
			set, err := simulateSettings(m)
			if err != nil {
				return err
			}
			set.Workers = workers
			switch {
			case cmd.Flags().Changed("seed"):
				set.Seed = seed
			case sc.Simulate.Seed != nil:
				set.Seed = *sc.Simulate.Seed
			default:
				set.Seed = uint64(time.Now().UnixNano())
			}
			var startX []float64
			if start != "" {
				if startX, err = parsePoint("--start", start, m.Grid); err != nil {
					return err
				}
			}
			crit, err := m.Critical()
			if err != nil {
				return err
			}
			nmin := len(crit.Minima)
			for _, f := range []struct {
				name string
				v    int
			}{{"--from", from}, {"--to", to}} {
				if f.v < -1 || f.v >= nmin {
					return usagef("%s %d: the landscape has %d minima in the domain, numbered 0 to %d (see `fpsolve critical`)", f.name, f.v, nmin, nmin-1)
				}
			}
			radius := radius
			if kind == sde.TargetBall && radius <= 0 {
				for k := 0; k < m.Grid.Dim(); k++ {
					radius = max(radius, 2*m.Grid.H(k))
				}
			}
			if len(sc.Targets) > 0 {
				o.logf("note: simulate measures escape between minima; the scenario's targets are not used\n")
			}
			out := simulateJSON{Dynamics: set.Dynamics.String(), Seed: set.Seed, Target: kind.String(), criticalJSON: toCriticalJSON(crit)}
			eta := m.IterationTime()
			var pde *pdeEscape // the PDE side of minibatch runs, solved once
			walls := sde.WallsOf(m.Grid)
			if !o.quiet {
				fmt.Fprintf(o.stdout, "dynamics: %s, step %g, %d walkers, max_time %g, seed %d, target: %s\n",
					set.Dynamics, set.Step, set.Walkers, set.MaxTime, set.Seed, kind)
			}
			for k, s := range crit.Saddles {
				i, j := s.Connects[0], s.Connects[1]
				if i < 0 || j < 0 || i == j {
					continue
				}
				for side := 0; side < 2; side++ {
					a, b := s.Connects[side], s.Connects[1-side]
					if (from >= 0 && a != from) || (to >= 0 && b != to) {
						continue
					}
					tg, err := sde.NewTarget(kind, crit, m.Basins(), b, k, radius)
					if err != nil {
						return err
					}
					x0 := crit.Minima[a].X
					if startX != nil {
						x0 = startX
					}
					p := sde.Problem{Loss: m.Loss, Diffusion: m.Diffusion, Walls: walls, Target: tg, Start: x0, Examples: examplesOf(m)}
					o.logf("simulating %d → %d over saddle %d …\n", a, b, k)
					res, err := sde.Run(cmd.Context(), p, set)
					if err != nil && !errors.Is(err, sde.ErrNoArrival) {
						return err
					}
					tr := simTransition{From: a, To: b, Saddle: k, Barrier: s.Loss - crit.Minima[a].Loss, Start: x0, Result: res}
					if set.Dynamics == sde.Minibatch {
						if pde == nil {
							o.logf("solving the Fokker–Planck MFPT of noise model %s for comparison …\n", sc.Noise.Model)
							pde = newPDEEscape(cmd.Context(), m, kind, radius)
						}
						comparePDE(o, &tr, pde, startX != nil, eta)
					}
					if eta > 0 && set.Dynamics == sde.SDE {
						it := res.MeanEscapeTime / eta
						tr.SGDIterations = &it
					}
					if !o.quiet {
						printSimulation(o.stdout, crit.Minima[a].X, crit.Minima[b].X, tr)
					}
					out.Transitions = append(out.Transitions, tr)
				}
			}
			if len(out.Transitions) == 0 {
				switch {
				case len(crit.Saddles) == 0:
					o.logf("the landscape has no saddle between minima in the domain: nothing escapes\n")
				case from >= 0 || to >= 0:
					return usagef("no saddle connects minimum %s to minimum %s directly (see `fpsolve critical`)", anyIndex(from), anyIndex(to))
				}
			} else {
				f := out.Transitions[0].Result
				out.Summary = f.Summary
			}
			if set.Dynamics == sde.Minibatch && m.Data != nil {
				out.Fisher = fisherReport(m.Data, crit, float64(set.Batch))
				if !o.quiet {
					printFisher(o.stdout, out.Fisher)
				}
			}
			return o.writeJSON(out)
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 0, "seed of the random streams (default: simulate.seed, else the clock)")
	f.IntVar(&from, "from", -1, "simulate only escapes from minimum `i`")
	f.IntVar(&to, "to", -1, "simulate only escapes to minimum `j`")
	f.StringVar(&start, "start", "", "start every walker at the point `x[,y[,z]]` instead of the minimum")
	f.StringVar(&target, "target", "beyond", "arrival at minimum b: beyond (its far side), basin, or ball")
	f.Float64Var(&radius, "radius", 0, "radius of the ball target (default: two cells)")
	f.IntVar(&workers, "workers", 0, "goroutines (default: all cores); results do not depend on it")
	return cmd
}

func anyIndex(i int) string {
	if i < 0 {
		return "any"
	}
	return strconv.Itoa(i)
}

// simulateSettings maps the scenario's simulate and noise keys to the
// settings of package sde, with problems naming the key.
func simulateSettings(m *scenario.Model) (sde.Settings, error) {
	sc := m.Scenario
	ms := sc.Simulate
	n := sc.Noise
	set := sde.Settings{Walkers: ms.Walkers, MaxTime: ms.MaxTime, Step: ms.DT}
	if ms.Dynamics == "minibatch" {
		return minibatchSettings(m, set)
	}
	dyn, err := sde.ParseDynamics(ms.Dynamics)
	if err != nil {
		return set, scenario.Problems{{Path: "simulate.dynamics", Value: ms.Dynamics, Msg: err.Error()}}
	}
	set.Dynamics = dyn
	switch dyn {
	case sde.SGD:
		if n.LR == nil {
			return set, scenario.Problems{{Path: "noise.lr", Msg: "the sgd dynamics steps by the learning rate η: set noise.lr (or use simulate.dynamics: sde)"}}
		}
		set.Step = *n.LR
	case sde.SGLD:
		if n.Temperature == nil {
			return set, scenario.Problems{{Path: "noise.temperature", Msg: "the sgld dynamics injects white noise at temperature T: set noise.temperature (with noise.model: white)"}}
		}
		set.Temperature = *n.Temperature
		if n.LR != nil {
			set.Step = *n.LR
		}
	}
	return set, nil
}

// printSimulation writes the human-readable summary of one transition.
func printSimulation(w io.Writer, xa, xb []float64, tr simTransition) {
	r := tr.Result
	fmt.Fprintf(w, "\n%d → %d over saddle %d   (minimum %s → %s, ΔL = %.6g)\n", tr.From, tr.To, tr.Saddle, fmtVec(xa), fmtVec(xb), tr.Barrier)
	if r.Arrived+r.Absorbed == 0 {
		fmt.Fprintf(w, "  no walker arrived within max_time = %g: τ > %.6g (every one of %d walkers capped)\n", r.MaxTime, r.RestrictedMean, r.Walkers)
		return
	}
	fmt.Fprintf(w, "  mean escape time   %.6g ± %.3g   (95%% CI %.6g – %.6g; %s)\n", r.MeanEscapeTime, r.StdErr, r.CI95[0], r.CI95[1], r.Estimator)
	unit := "Euler–Maruyama steps"
	if r.Dynamics != "sde" {
		unit = r.Dynamics + " iterations"
	}
	fmt.Fprintf(w, "  mean iterations    %.6g ± %.3g %s of %g\n", r.MeanIterations, r.IterationsStdErr, unit, r.DT)
	if tr.SGDIterations != nil {
		fmt.Fprintf(w, "  in SGD iterations  %.6g (τ/η)\n", *tr.SGDIterations)
	}
	fmt.Fprintf(w, "  walkers            %d: %d arrived, %d absorbed at walls, %d capped (%.2f%%) at max_time %g\n",
		r.Walkers, r.Arrived, r.Absorbed, r.Capped, 100*r.CappedFraction, r.MaxTime)
	if r.Capped > 0 {
		fmt.Fprintf(w, "  capped walkers     mean over arrived only %.6g (biased low); restricted mean %.6g is a strict lower bound\n", r.MeanEscaped, r.RestrictedMean)
	}
	if r.Rate > 0 {
		fmt.Fprintf(w, "  exponential fit    rate %.6g (1/rate %.6g) after a lag of %.4g; censored MLE rate %.6g\n", r.Rate, 1/r.Rate, r.Lag, r.RateMLE)
	}
	if tr.PDEIterations != nil {
		fmt.Fprintf(w, "  PDE mean first passage time %.6g = %.6g iterations; Monte Carlo / PDE = %.4f ± %.4f\n",
			*tr.PDEMFPT, *tr.PDEIterations, *tr.MCOverPDE, r.IterationsStdErr / *tr.PDEIterations)
	}
	fmt.Fprintf(w, "  %.3g walker-steps in %.3g s (%.3g steps/s)\n", float64(r.Steps), r.Seconds, float64(r.Steps)/r.Seconds)
}
