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
	cmd := &cobra.Command{
		Use:   "run [scenario.yaml]",
		Short: "evolve the density: snapshots, moments, basin masses, survival",
		Long: `run evolves the probability density of the scenario from its initial state to
time.end with an implicit scheme, and records a snapshot (mass, mean,
covariance, mass in each basin) every output.every and at time.end. With
targets or absorbing faces it also records the survival curve. Ctrl-C stops
the run cleanly and keeps every snapshot taken so far.`,
		Example: `  fpsolve run
  fpsolve run --print-scenario > my.yaml
  fpsolve run testdata/scenarios/flat-sharp-2d.yaml --json out/run.json
  fpsolve run --set noise.batch=8 --set time.end=1000 --json -
  fpsolve run --set 'noise.schedule={form: step, gamma: 0.5, every: 50}' --json -
  fpsolve run testdata/scenarios/flat-sharp-2d.yaml --export-operator A.mtx`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := o.load(args)
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
			return o.evolve(cmd.Context(), m)
		},
	}
	cmd.Flags().BoolVar(&printScenario, "print-scenario", false, "print the resolved scenario (defaults filled, --set applied) and exit")
	cmd.Flags().StringVar(&exportOperator, "export-operator", "", "write the generator matrix A (dP/dt = A·P, with the targets as sinks) to `FILE` in MatrixMarket format and exit")
	return cmd
}

// evolve runs the time loop of `fpsolve run` and writes its results.
func (o *options) evolve(ctx context.Context, m *scenario.Model) error {
	g := m.Grid
	d := g.Dim()
	op, err := m.OperatorAt(0)
	if err != nil {
		return err
	}
	p, err := m.Initial()
	if err != nil {
		return err
	}
	absorbing := len(m.Sinks) > 0 || hasAbsorbingFace(g)
	res := runResult{Snapshots: []snapshot{}}
	// The initial state goes into the pictures and data files (not into the
	// §6 snapshots, which start at the first output time).
	densities := [][]float64{append([]float64(nil), p...)}
	labels := []string{"P(t=0)"}
	times := []float64{0}
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
	if absorbing {
		res.Survival = append(res.Survival, survivalPoint{T: 0, Mass: g.Mass(p)})
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
	steps := m.Steps
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
	stats, runErr := m.Evolve(ctx, p, 0, m.OutputTimes(), steps, record)
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(o.stderr)
	}
	res.Stats = map[string]any{
		"t": stats.T, "steps": stats.Steps, "rejected": stats.Rejected, "factorizations": stats.Factorizations,
		"min_dt": stats.MinDT, "max_dt": stats.MaxDT, "negative_mass": stats.NegativeMass,
		"linear_solver": stats.Solver, "seconds": time.Since(started).Seconds(),
	}
	o.vlogf("%d steps (%d rejected), Δt in [%.3g, %.3g], %d factorizations, solver %s\n",
		stats.Steps, stats.Rejected, stats.MinDT, stats.MaxDT, stats.Factorizations, stats.Solver)
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
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted at t = %g; the %d snapshots taken so far are written", stats.T, len(res.Snapshots))
		}
		return runErr
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
