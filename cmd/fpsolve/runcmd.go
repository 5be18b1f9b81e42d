package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fpsolve/fpsolve/export"
	"github.com/fpsolve/fpsolve/plot"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

// snapshot is one entry of run's "snapshots" (DESIGN §6).
type snapshot struct {
	T      float64     `json:"t"`
	Mass   float64     `json:"mass"`
	Mean   []float64   `json:"mean"`
	Cov    [][]float64 `json:"cov"`
	Basins []basinMass `json:"basins"`
	// LR and Batch are η and B in effect at t (sgd models; they change
	// with noise.schedule).
	LR    *float64 `json:"lr,omitempty"`
	Batch *float64 `json:"batch,omitempty"`
}

// survivalPoint is one entry of run's "survival".
type survivalPoint struct {
	T    float64 `json:"t"`
	Mass float64 `json:"mass"`
}

// runResult is the JSON of `fpsolve run`.
type runResult struct {
	Snapshots []snapshot      `json:"snapshots"`
	Survival  []survivalPoint `json:"survival,omitempty"`
	Stats     map[string]any  `json:"stats"`
}

func runCmd(o *options) *cobra.Command {
	var printScenario bool
	var exportOperator string
	var resume string
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "run [scenario.yaml]",
		Short: "evolve the density: snapshots, moments, basin masses, survival",
		Long: `run evolves the probability density of the scenario from its initial state to
time.end with an implicit scheme, and records a snapshot (mass, mean,
covariance, mass in each basin) every output.every and at time.end. With
targets or absorbing faces it also records the survival curve.

Interrupting and resuming: Ctrl-C (SIGINT) or SIGTERM stops the run cleanly,
writes every output of the snapshots taken so far, and saves the state of
the run (scenario, time, step size, density, results so far) to the file
checkpoint in the output directory; the run also saves it every
--checkpoint-every of wall-clock time (0: only when interrupted), so even a
killed run can go on. "fpsolve run --resume DIR" continues from DIR/checkpoint
and writes into DIR exactly what the uninterrupted run would have written
(the same steps, bit for bit; on 2-D/3-D grids of 20000+ cells only to the
solver tolerance if an iterative solve had fallen back to another solver
before the checkpoint). A run that finishes removes its checkpoint.
With --resume, a scenario file or --set must give the stored scenario (they
are refused if they change it).`,
		Example: `  fpsolve run
  fpsolve run --print-scenario > my.yaml
  fpsolve run testdata/scenarios/flat-sharp-2d.yaml --json out/run.json
  fpsolve run --set noise.batch=8 --set time.end=1000 --json -
  fpsolve run --set 'noise.schedule={form: step, gamma: 0.5, every: 50}' --json -
  fpsolve run testdata/scenarios/flat-sharp-2d.yaml --export-operator A.mtx
  fpsolve run testdata/scenarios/flat-sharp-2d.yaml --out runs/fs --checkpoint-every 10m
  fpsolve run --resume runs/fs          # after Ctrl-C, a kill or a crash`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if every < 0 {
				return usagef("--checkpoint-every %v: must be ≥ 0 (0 saves a checkpoint only when interrupted)", every)
			}
			var m *scenario.Model
			var ck *checkpoint
			var err error
			if resume != "" {
				m, ck, err = o.resumeModel(args, resume)
			} else {
				m, err = o.load(args)
			}
			if err != nil {
				return err
			}
			if printScenario {
				b, err := m.Scenario.Marshal()
				if err != nil {
					return err
				}
				_, err = o.stdout.Write(b)
				return err
			}
			if exportOperator != "" {
				op, err := m.Operator()
				if err != nil {
					return err
				}
				comment := fmt.Sprintf("fpsolve generator A of %q (dP/dt = A·P): %v cells, convention %s; cell index i + Nx·j + Nx·Ny·k", m.Scenario.Name, m.Scenario.Cells, m.Convention)
				if err := export.WriteMatrixMarket(exportOperator, op.A, comment); err != nil {
					return err
				}
				o.logf("wrote %s (%d×%d, %d nonzeros)\n", exportOperator, m.Grid.Len(), m.Grid.Len(), op.A.NNZ())
				return nil
			}
			if m.Scenario.Time.End <= 0 {
				return scenario.Problems{{Path: "time.end", Value: "0", Msg: "run needs a time span: set time.end (and time.dt), e.g. --set time.end=100"}}
			}
			return o.evolve(cmd.Context(), m, ck, every)
		},
	}
	cmd.Flags().BoolVar(&printScenario, "print-scenario", false, "print the resolved scenario (defaults filled, --set applied) and exit")
	cmd.Flags().StringVar(&exportOperator, "export-operator", "", "write the generator matrix A (dP/dt = A·P, with the targets as sinks) to `FILE` in MatrixMarket format and exit")
	cmd.Flags().StringVar(&resume, "resume", "", "continue the interrupted run whose output directory `DIR` holds a checkpoint")
	cmd.Flags().DurationVar(&every, "checkpoint-every", time.Minute, "save the run's state to OUT/checkpoint every `DURATION` of wall-clock time (0: only when interrupted)")
	return cmd
}

// testStateHook, when not nil (in tests), is called after every accepted
// step of run, after any checkpoint of that step is written.
var testStateHook func(solver.State)

// evolve runs the time loop of `fpsolve run` and writes its results. With
// a checkpoint it continues the run saved there. It saves a checkpoint
// every `every` of wall time (0: never) and when ctx is cancelled.
func (o *options) evolve(ctx context.Context, m *scenario.Model, ck *checkpoint, every time.Duration) error {
	g := m.Grid
	d := g.Dim()
	op, err := m.OperatorAt(0)
	if err != nil {
		return err
	}
	stored, err := resolvedYAML(m.Scenario)
	if err != nil {
		return err
	}
	absorbing := len(m.Sinks) > 0 || hasAbsorbingFace(g)
	res := runResult{Snapshots: []snapshot{}}
	var (
		p         []float64
		t0        float64
		densities [][]float64 // the initial state and one per snapshot
		labels    []string
		times     []float64
		prior     solver.Stats // of the sessions before this one
		seconds   float64      // wall time of those sessions
		state     *solver.State
	)
	steps := m.Steps
	if ck == nil {
		if p, err = m.Initial(); err != nil {
			return err
		}
		// The initial state goes into the pictures and data files (not
		// into the §6 snapshots, which start at the first output time).
		densities = [][]float64{append([]float64(nil), p...)}
		labels = []string{"P(t=0)"}
		times = []float64{0}
		if absorbing {
			res.Survival = append(res.Survival, survivalPoint{T: 0, Mass: g.Mass(p)})
		}
	} else {
		p, t0 = ck.P, ck.T
		densities, labels, times = ck.Fields, ck.Labels, ck.Times
		res.Snapshots, res.Survival = ck.Snapshots, ck.Survival
		prior, seconds = ck.Stats, ck.Seconds
		if ck.Started {
			state = &solver.State{T: ck.T, DT: ck.DT, P: p, Prev: ck.Prev, PrevDT: ck.PrevDT, Rate: ck.Rate}
			steps.Restart = state
		}
		o.logf("resuming %q at t = %g (%d of %d snapshots taken)\n", m.Scenario.Name, t0, len(res.Snapshots), len(m.OutputTimes()))
	}
	record := func(t float64, p []float64) error {
		mean, cov := make([]float64, d), make([]float64, d*d)
		mass := g.Covariance(cov, mean, p)
		basins, err := basinMasses(m, p)
		if err != nil {
			return err
		}
		c := make([][]float64, d)
		for i := range c {
			c[i] = cov[i*d : (i+1)*d]
		}
		sn := snapshot{T: t, Mass: mass, Mean: mean, Cov: c, Basins: basins}
		if lr, b, ok := m.NoiseAt(t); ok {
			sn.LR, sn.Batch = &lr, &b
		}
		res.Snapshots = append(res.Snapshots, sn)
		densities = append(densities, append([]float64(nil), p...))
		labels = append(labels, fmt.Sprintf("P(t=%g)", t))
		times = append(times, t)
		return nil
	}

	end := m.Scenario.Time.End
	// The progress bar appears only once a run has taken a second.
	var bar *progressbar.ProgressBar
	started := time.Now()
	tick := func(t float64) {
		if bar == nil && time.Since(started) > time.Second {
			bar = o.progress(end)
		}
		if bar != nil {
			bar.Set64(int64(1000 * t / end))
		}
	}
	// save writes the checkpoint of the last accepted step (or of the
	// start, before any).
	save := func() error {
		c := &checkpoint{Scenario: string(stored), T: t0, P: p, Stats: prior,
			Seconds: seconds + time.Since(started).Seconds(), Snapshots: res.Snapshots, Survival: res.Survival,
			Times: times, Labels: labels, Fields: densities, Cells: g.Len()}
		if state != nil {
			c.Started, c.T, c.DT, c.P, c.Prev, c.PrevDT, c.Rate = true, state.T, state.DT, state.P, state.Prev, state.PrevDT, state.Rate
			c.Stats = prior.Then(state.Stats)
		}
		return writeCheckpoint(m, c)
	}
	if absorbing {
		// The survival curve at the resolution of the time steps.
		steps.OnStep = func(t float64, p []float64) error {
			res.Survival = append(res.Survival, survivalPoint{T: t, Mass: g.Mass(p)})
			tick(t)
			return nil
		}
	} else {
		steps.OnStep = func(t float64, _ []float64) error { tick(t); return nil }
	}
	lastSave := time.Now()
	steps.OnState = func(s solver.State) error {
		state = &s
		if every > 0 && time.Since(lastSave) >= every {
			if err := save(); err != nil {
				o.logf("warning: checkpoint not saved (the run goes on): %v\n", err)
			}
			lastSave = time.Now()
		}
		if testStateHook != nil {
			testStateHook(s)
		}
		return nil
	}
	outTimes := m.OutputTimes()
	remaining := outTimes[len(res.Snapshots):]
	var stats solver.Stats
	var runErr error
	if len(remaining) > 0 {
		stats, runErr = m.Evolve(ctx, p, t0, remaining, steps, record)
	} else {
		stats.T = outTimes[len(outTimes)-1] // saved after the last output
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(o.stderr)
	}
	interrupted := runErr != nil && ctx.Err() != nil
	var saveErr error
	if interrupted {
		// Before the outputs, which take a while for long runs.
		saveErr = save()
	}
	stats = prior.Then(stats)
	res.Stats = map[string]any{
		"t": stats.T, "steps": stats.Steps, "rejected": stats.Rejected, "factorizations": stats.Factorizations,
		"min_dt": stats.MinDT, "max_dt": stats.MaxDT, "negative_mass": stats.NegativeMass,
		"linear_solver": stats.Solver, "seconds": seconds + time.Since(started).Seconds(),
		"solver_fallbacks": stats.Fallbacks, "solver_fallback": stats.Fallback,
		// A run that stopped early still writes what it computed; these
		// say so to whoever reads the file, not only to the terminal.
		"complete": runErr == nil,
	}
	if runErr != nil {
		res.Stats["error"] = runErr.Error()
	}
	o.runHealth(m, &res)
	o.vlogf("%d steps (%d rejected), Δt in [%.3g, %.3g], %d factorizations, solver %s\n",
		stats.Steps, stats.Rejected, stats.MinDT, stats.MaxDT, stats.Factorizations, stats.Solver)
	if stats.Fallbacks > 0 {
		// The fallbacks are correct, but the failed attempts cost time and
		// the exact elimination of a 400² step takes gigabytes: worth a
		// word.
		o.logf("warning: the iterative linear solver failed %d time(s); its fallback solved those step sizes (first: %s)\n", stats.Fallbacks, stats.Fallback)
	}
	if stats.NegativeMass < -1e-6 {
		// TR-BDF2's trapezoidal stage is not positivity preserving: a
		// rough start or a change of η leaves ~1e-7 of negative mass, which
		// is rounding-level noise; more than 1e-6 is worth a word.
		why := "a stiff transient; a smaller time.dt or time.tol, or scheme backward-euler (positive for any step with diagonal D), avoids it"
		if m.Grid.Dim() > 1 {
			why += "; with cross-diffusion it can also mean the grid under-resolves the anisotropy"
		}
		o.logf("warning: the density went negative (%.3g of mass below zero): %s\n", stats.NegativeMass, why)
	}

	// Write what we have, also after an interruption.
	fs := fieldSet{name: "density", title: m.Scenario.Name, times: times, fields: densities, labels: labels}
	if m.Scenario.Noise.Schedule != nil {
		if opEnd, err := m.OperatorAt(stats.T); err == nil {
			op = opEnd // the current of the last density under its own η, B
		}
	}
	fs.current = currentFor(op, densities[len(densities)-1])
	if err := o.writeRun(m, &res, fs); err != nil {
		return errors.Join(runErr, saveErr, err)
	}
	if runErr != nil {
		if interrupted {
			msg := fmt.Errorf("interrupted at t = %g; the %d snapshots taken so far are written; continue with: fpsolve run --resume %s",
				stats.T, len(res.Snapshots), m.Scenario.Output.Dir)
			if saveErr != nil {
				msg = fmt.Errorf("interrupted at t = %g; the %d snapshots taken so far are written, but the checkpoint is not: %w",
					stats.T, len(res.Snapshots), saveErr)
			}
			return msg
		}
		return runErr
	}
	if err := removeCheckpoint(m); err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(o.stdout, "%-10s %-12s %-28s %s\n", "t", "mass", "mean", "basin masses")
		for _, s := range res.Snapshots {
			fmt.Fprintf(o.stdout, "%-10.4g %-12.8g %-28s", s.T, s.Mass, fmtVec(s.Mean))
			for _, b := range s.Basins {
				fmt.Fprintf(o.stdout, " %.6g", b.Mass)
			}
			fmt.Fprintln(o.stdout)
		}
	}
	return nil
}

// writeRun writes the density files and pictures (per output.formats),
// the survival picture, run.json and --json.
func (o *options) writeRun(m *scenario.Model, res *runResult, fs fieldSet) error {
	written, err := o.writeFields(m, fs)
	if err != nil {
		return err
	}
	if len(res.Survival) > 1 && (formats(m, "png") || formats(m, "svg") || formats(m, "pdf")) {
		sp := plot.Survival{Title: m.Scenario.Name + ": mass not yet absorbed"}
		for _, pt := range res.Survival {
			if pt.T > 0 && pt.Mass > 0 {
				sp.T = append(sp.T, pt.T)
				sp.Mass = append(sp.Mass, pt.Mass)
			}
		}
		if len(sp.T) > 1 {
			path := outPath(m, "survival.png")
			if err := sp.Save(path); err != nil {
				return err
			}
			written = append(written, path)
		}
	}
	if formats(m, "json") {
		saved := o.json
		o.json = outPath(m, "run.json")
		err := o.writeJSON(res)
		o.json = saved
		if err != nil {
			return err
		}
		written = append(written, outPath(m, "run.json"))
	}
	for _, w := range written {
		o.logf("wrote %s\n", w)
	}
	return o.writeJSON(res)
}

// progress returns a progress bar over [0, end] on stderr when stderr is a
// terminal and --quiet is off, or nil.
func (o *options) progress(end float64) *progressbar.ProgressBar {
	f, ok := o.stderr.(*os.File)
	if o.quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(1000,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(fmt.Sprintf("t → %g", end)),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
	)
}
