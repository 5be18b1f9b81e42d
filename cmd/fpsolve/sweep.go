package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/internal/atomicfile"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/sweep"
)

// sweepFlags are the flags of `fpsolve sweep`.
type sweepFlags struct {
	vary       []string
	log        bool
	shard      string
	merge      bool
	preset     string
	estimators string
	fits       []string
	workers    int
	target     string
}

func sweepCmd(o *options) *cobra.Command {
	var f sweepFlags
	var presetHelp strings.Builder
	for _, p := range sweep.Presets() {
		fmt.Fprintf(&presetHelp, "  %-17s %s\n", p.Name, p.Doc)
	}
	cmd := &cobra.Command{
		Use:   "sweep [scenario.yaml] --vary key=a:b:n ... | --preset NAME | --merge FILE...",
		Short: "vary scenario fields, tabulate escape rates and fit ln τ against them",
		Long: `sweep runs the escape analysis (or, for the selection preset, the stationary
basin masses) at every point of a grid of scenario fields, in parallel with
one worker per CPU, and fits straight lines through ln τ: ln τ against B, 1/η,
1/T or ln k is what the diffusion theory predicts to be linear. Beside every
fit it reports the slope that the theory's exponent has over the same points,
with the path parameter s the escape analysis fitted at each point.

--vary key=a:b:n sweeps a field (a key path as for --set) over n values from
a to b (geometric with --log); key=v1,v2,... lists the values. Several --vary
flags make the cartesian product, the first varying slowest. Fits run along
every axis with at least three values (ln x with --log); --fit key=inverse
fits against 1/x instead (identity, inverse or log).

Files, in --out (default out/sweep or out/<preset>): sweep.csv (one row per
point and transition), sweep.json (§6: "points" with "params" and escape's
"minima", "saddles", "transitions"; "fits" with slope, intercept, r and their
standard errors) and one PNG per fit.

--shard i/n runs points i, i+n, i+2n, ... (i from 0) and writes
sweep-shard-i-of-n.json; run the n shards anywhere (a batch array job), then
fpsolve sweep --merge FILE... checks that they come from the same sweep and
writes the files of the whole sweep, identical to an unsharded run.

Presets (--preset NAME), each with a verdict computed from its fits:
` + presetHelp.String(),
		Example: `  fpsolve sweep testdata/scenarios/double-well-sgd.yaml --vary noise.batch=1:6:6
  fpsolve sweep --set noise.model=sgd-local --vary noise.lr=0.05:0.2:7 --fit noise.lr=inverse
  fpsolve sweep --vary noise.lr=0.05,0.1 --vary noise.batch=1,2,4,8 --json -
  fpsolve sweep --preset sgd-batch --out docs/paper/sgd-batch
  fpsolve sweep --preset sharpness --shard 0/4 --out shards     # ... through 3/4
  fpsolve sweep --merge shards/sweep-shard-*-of-4.json --out merged`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.runSweep(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.vary, "vary", nil, "sweep a field: key=a:b:n (n values) or key=v1,v2,... (repeatable: cartesian product)")
	fl.BoolVar(&f.log, "log", false, "space the a:b:n ranges of --vary geometrically, and fit against ln x")
	fl.StringVar(&f.shard, "shard", "", "run only shard `i/n` of the points: i, i+n, i+2n, ... (0 ≤ i < n)")
	fl.BoolVar(&f.merge, "merge", false, "join the shard JSON files given as arguments into the whole sweep")
	fl.StringVar(&f.preset, "preset", "", "run a built-in experiment: "+presetNames())
	fl.StringVar(&f.estimators, "estimators", "mfpt,flux,spectral", "escape estimators: mfpt, flux (always on), survival, spectral")
	fl.StringArrayVar(&f.fits, "fit", nil, "fit ln τ against a transform of a swept key: key=identity|inverse|log (repeatable)")
	fl.IntVar(&f.workers, "workers", 0, "points measured at once (default: one per CPU)")
	fl.StringVar(&f.target, "target", "beyond", "arrival at minimum b: beyond, basin, or ball (as for escape)")
	return cmd
}

func presetNames() string {
	var n []string
	for _, p := range sweep.Presets() {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}

// parseShard parses "i/n".
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want i/n with n ≥ 1 and 0 ≤ i < n, shards numbered from 0 (for example --shard 0/4)", s)
	}
	return i, n, nil
}

func (o *options) runSweep(cmd *cobra.Command, args []string, f sweepFlags) error {
	settings := sweep.Settings{Workers: f.workers}
	if err := settings.ParseEstimators(f.estimators); err != nil {
		return usageError{err}
	}
	kind, err := escape.ParseTarget(f.target)
	if err != nil {
		return usageError{fmt.Errorf("--target: %w", err)}
	}
	settings.Target = kind
	if f.workers < 0 {
		return usagef("--workers %d: want 0 (one per CPU) or a positive number", f.workers)
	}
	if f.merge {
		if len(f.vary) > 0 || f.preset != "" || f.shard != "" {
			return usagef("--merge joins finished shards: give only the shard JSON files (no --vary, --preset or --shard)")
		}
		if len(args) == 0 {
			return usagef("--merge: give the shard JSON files as arguments, for example fpsolve sweep --merge out/sweep-shard-*-of-4.json")
		}
		return o.mergeSweep(args)
	}
	var plans []*sweep.Plan
	preset := sweep.Preset{}
	switch {
	case f.preset != "":
		if len(f.vary) > 0 || len(args) > 0 || len(f.fits) > 0 {
			return usagef("--preset %s brings its own scenarios, axes and fits: drop --vary, --fit and the scenario file (--set still applies)", f.preset)
		}
		if preset, err = sweep.LookupPreset(f.preset); err != nil {
			return usageError{err}
		}
		if plans, err = preset.Plans(); err != nil {
			return err
		}
		for _, p := range plans {
			if err := o.applySets(p.Base); err != nil {
				return err
			}
			if err := o.guard(p.Base); err != nil {
				return err
			}
		}
	default:
		if len(args) > 1 {
			return usagef("sweep takes one scenario file, got %d arguments (did you mean --merge?)", len(args))
		}
		s, err := o.loadScenario(args)
		if err != nil {
			return err
		}
		if len(f.vary) == 0 {
			// A demonstration, as every command gives without arguments.
			def := "noise.batch=1:4:4"
			if m, _ := scenario.CanonicalNoiseModel(s.Noise.Model); m == scenario.White {
				def = "noise.temperature=0.05:0.1:4"
			}
			o.logf("no --vary given: sweeping %s (give --vary key=a:b:n, or --preset NAME: %s)\n", def, presetNames())
			f.vary = []string{def}
		}
		p := &sweep.Plan{Base: s}
		for _, v := range f.vary {
			ax, err := sweep.ParseAxis(v, f.log)
			if err != nil {
				return usageError{err}
			}
			p.Axes = append(p.Axes, ax)
		}
		if len(f.fits) > 0 {
			p.Fits = []sweep.FitSpec{}
			for _, spec := range f.fits {
				key, tr, _ := strings.Cut(spec, "=")
				t, err := sweep.ParseTransform(tr)
				if err != nil {
					return usagef("--fit %q: %v", spec, err)
				}
				found := false
				for _, a := range p.Axes {
					found = found || a.Key == key
				}
				if !found {
					return usagef("--fit %q: %s is not swept; give one of the --vary keys", spec, key)
				}
				p.Fits = append(p.Fits, sweep.FitSpec{Key: key, X: t, Y: sweep.LogMFPT})
			}
		}
		plans = []*sweep.Plan{p}
	}
	for _, p := range plans {
		if err := p.Check(); err != nil {
			var ps scenario.Problems
			if errors.As(err, &ps) {
				return err
			}
			return usageError{err}
		}
		if _, err := scenario.Build(p.Base.Clone()); err != nil {
			return err
		}
	}
	points := sweep.AllPoints(plans)
	shardName := ""
	if f.shard != "" {
		i, n, err := parseShard(f.shard)
		if err != nil {
			return usageError{err}
		}
		if points, err = sweep.Shard(points, i, n); err != nil {
			return usageError{err}
		}
		shardName = fmt.Sprintf("%d/%d", i, n)
	}
	workers := f.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	o.logf("sweep: %d points on %d workers\n", len(points), workers)
	start := time.Now()
	if o.verbose {
		settings.Progress = func(done, total int) { o.vlogf("  %d/%d points (%.1f s)\n", done, total, time.Since(start).Seconds()) }
	}
	res, err := sweep.RunPlans(cmd.Context(), plans, points, settings)
	if err != nil {
		return err
	}
	o.logf("sweep: done in %.1f s\n", time.Since(start).Seconds())
	for _, p := range res {
		if p.Error != "" {
			o.logf("point %d (%s): %s\n", p.Index, fmtParams(p.Params), p.Error)
		}
	}
	d, err := sweep.NewDocument(preset.Name, plans, res, shardName)
	if err != nil {
		return err
	}
	dir := o.sweepDir(preset.Name)
	if shardName != "" {
		var i, n int
		fmt.Sscanf(shardName, "%d/%d", &i, &n)
		return o.writeSweep(d, dir, fmt.Sprintf("sweep-shard-%d-of-%d", i, n), false)
	}
	preset.Judge(d)
	return o.writeSweep(d, dir, "sweep", true)
}

// mergeSweep joins shard files.
func (o *options) mergeSweep(files []string) error {
	var docs []*sweep.Document
	for _, f := range files {
		d, err := sweep.Read(f)
		if err != nil {
			return usageError{fmt.Errorf("--merge: %w", err)}
		}
		docs = append(docs, d)
	}
	d, err := sweep.Merge(docs)
	if err != nil {
		return usageError{err}
	}
	if d.Preset != "" {
		p, err := sweep.LookupPreset(d.Preset)
		if err != nil {
			return usageError{err}
		}
		p.Judge(d)
	}
	return o.writeSweep(d, o.sweepDir(d.Preset), "sweep", true)
}

// sweepDir is --out, or out/<preset>, or out/sweep.
func (o *options) sweepDir(preset string) string {
	switch {
	case o.out != "":
		return o.out
	case preset != "":
		return filepath.Join("out", preset)
	}
	return filepath.Join("out", "sweep")
}

// writeSweep writes stem.json and stem.csv into dir and, for a whole
// sweep, a figure per fit; it prints the fits and verdicts.
func (o *options) writeSweep(d *sweep.Document, dir, stem string, whole bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	b, err := d.Marshal()
	if err != nil {
		return err
	}
	jpath := filepath.Join(dir, stem+".json")
	if err := atomicfile.Write(jpath, b); err != nil {
		return err
	}
	cpath := filepath.Join(dir, stem+".csv")
	if err := sweep.WriteCSV(cpath, d.Points); err != nil {
		return err
	}
	o.logf("wrote %s\nwrote %s\n", jpath, cpath)
	if whole {
		for _, f := range d.Fits {
			title := fmt.Sprintf("%s %s", d.Preset, f.Series)
			if len(f.Transition) == 2 {
				title += fmt.Sprintf(" %d → %d", f.Transition[0], f.Transition[1])
			}
			path := filepath.Join(dir, sweep.FigureName(f)+".png")
			if err := sweep.SaveFitFigure(f, strings.TrimSpace(title), path); err != nil {
				return err
			}
			o.logf("wrote %s\n", path)
		}
		paths, err := sweep.SaveEvolutionFigures(d, dir)
		for _, path := range paths {
			o.logf("wrote %s\n", path)
		}
		if err != nil {
			return err
		}
	}
	if !o.quiet {
		if len(d.Fits) > 0 {
			fmt.Fprintf(o.stdout, "%-20s %-5s %-24s %-14s %-12s %-12s %-10s %s\n", "series", "a→b", "x", "y", "slope", "± se", "r", "n")
		}
		for _, f := range d.Fits {
			tr := ""
			if len(f.Transition) == 2 {
				tr = fmt.Sprintf("%d→%d", f.Transition[0], f.Transition[1])
			}
			fmt.Fprintf(o.stdout, "%-20s %-5s %-24s %-14s %-12.6g %-12.3g %-10.6f %d\n", f.Series, tr, f.X, f.Y, f.Slope, f.SlopeErr, f.R, f.N)
		}
		for _, v := range d.Verdicts {
			fmt.Fprintf(o.stdout, "verdict: %s\n", v)
		}
	}
	if o.json != "" {
		if o.json == "-" {
			_, err := o.stdout.Write(b)
			return err
		}
		return atomicfile.Write(o.json, b)
	}
	return nil
}

func fmtParams(p map[string]float64) string {
	var parts []string
	for k, v := range p {
		parts = append(parts, fmt.Sprintf("%s=%g", k, v))
	}
	return strings.Join(parts, " ")
}
