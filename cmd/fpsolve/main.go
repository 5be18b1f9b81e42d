// Command fpsolve solves the Fokker–Planck equation of stochastic gradient
// dynamics on loss landscapes and measures escape from minima.
//
// Usage:
//
//	fpsolve run        [scenario.yaml]   evolve the density: snapshots, survival
//	fpsolve stationary [scenario.yaml]   stationary density; mass of each basin
//	fpsolve mfpt       [scenario.yaml] [--from x[,y[,z]]]
//	fpsolve critical   [scenario.yaml]   minima, saddles, Hessian eigenvalues
//	fpsolve escape     [scenario.yaml]   escape rates by four estimators beside theory
//	fpsolve sweep      [scenario.yaml] --vary key=a:b:n ...   tables, fits, plots
//	fpsolve simulate   [scenario.yaml]   Monte Carlo escape times of SDE/SGD/SGLD
//	fpsolve landscapes                   built-in landscapes and their parameters
//
// With no scenario file each command runs the embedded default scenario.
// Exit status: 0 success, 1 runtime failure, 2 bad input.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/scenario"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError marks bad input that is not a scenario problem (flags,
// arguments): exit status 2.
type usageError struct{ error }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// Bad input must never reach a panic; if a bug does, the user gets
		// one line and exit status 1, not a Go stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "fpsolve: internal error (please report it with the command line): %v\n", r)
			code = 1
		}
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ps scenario.Problems
	var ue usageError
	switch {
	case errors.As(err, &ps):
		fmt.Fprintf(stderr, "fpsolve: bad scenario (%d problem%s):\n", len(ps), plural(len(ps)))
		for _, p := range ps {
			fmt.Fprintf(stderr, "  %s\n", p.Error())
		}
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "fpsolve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "fpsolve: %v\n", err)
	return 1
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// options are the flags shared by every command.
type options struct {
	sets    []string
	json    string
	out     string
	quiet   bool
	verbose bool
	stdout  io.Writer
	stderr  io.Writer

	// The resource guard (guard.go): --force skips it; the limits are
	// sizes, auto (what the machine has) or off.
	force    bool
	memLimit limitFlag
	outLimit limitFlag
	// cmd is the command being run (set before it runs), for the guard.
	cmd *cobra.Command
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	o := &options{stdout: stdout, stderr: stderr, memLimit: limitFlag{auto: true}, outLimit: limitFlag{auto: true}}
	root := &cobra.Command{
		Use:   "fpsolve",
		Short: "Fokker–Planck solver for SGD dynamics: densities, escape rates, flat vs sharp minima",
		Long: `fpsolve solves the Fokker–Planck equation of stochastic gradient dynamics,
dθ = −∇L dt + √(2D(θ)) dW, on 1-, 2- and 3-D loss landscapes with
Hessian-dependent (SGD) or white (SGLD) noise, and measures how fast
probability escapes from minima.

Every command reads a scenario file (YAML); without one it runs the embedded
default, a tilted double well under SGD noise. Exit status: 0 success,
1 runtime failure, 2 bad input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			o.cmd = cmd
			return o.checkJSONPath()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringArrayVar(&o.sets, "set", nil, "override a scenario field: key.path=value (YAML value; repeatable), e.g. --set noise.lr=0.05 --set cells=[400]")
	pf.StringVar(&o.json, "json", "", "write machine-readable results to `FILE` (- for standard output)")
	pf.StringVar(&o.out, "out", "", "directory for output files (default: the scenario's output.dir)")
	pf.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	pf.BoolVarP(&o.verbose, "verbose", "v", false, "explain solver choices")
	pf.Var(&o.memLimit, "memory-limit", "refuse (exit 2) when the estimated memory of the command exceeds `SIZE` (e.g. 8GB, 16GiB); auto = the memory available (MemAvailable, cgroup limit), off = no check")
	pf.Var(&o.outLimit, "output-limit", "refuse (exit 2) when the estimated size of the output files exceeds `SIZE`; auto = the free space of the output directory, off = no check")
	pf.BoolVar(&o.force, "force", false, "skip the memory and output-volume estimates (--memory-limit, --output-limit) and run anyway")
	root.AddCommand(runCmd(o), stationaryCmd(o), mfptCmd(o), criticalCmd(o), landscapesCmd(o),
		escapeCmd(o),
		sweepCmd(o), simulateCmd(o))
	for _, c := range root.Commands() {
		if c.Args == nil {
			continue
		}
		// A wrong number of arguments is bad input (exit status 2).
		args, name := c.Args, c.Name()
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usagef("%s: %v (usage: fpsolve %s)", name, err, cmd.Use)
			}
			return nil
		}
	}
	return root
}

// load reads the scenario (or the default), applies --set and --out,
// checks it and the resources the command needs, and resolves it.
func (o *options) load(args []string) (*scenario.Model, error) {
	s, err := o.loadScenario(args)
	if err != nil {
		return nil, err
	}
	if o.out != "" {
		s.Output.Dir = o.out
	}
	m, err := scenario.Build(s)
	if err != nil {
		return nil, err
	}
	if err := targetsLeaveCells(m); err != nil {
		return nil, err
	}
	if o.cmd != nil && o.cmd.Name() == "run" {
		if err := initialOutsideTargets(m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// loadScenario reads the scenario (or the default), applies --set,
// validates it and checks that the current command fits in the memory and
// disk space available (guard.go), without building it.
func (o *options) loadScenario(args []string) (*scenario.Scenario, error) {
	s, err := o.readScenario(args)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := o.guard(s); err != nil {
		return nil, err
	}
	return s, nil
}

// readScenario reads the scenario (or the default) and applies --set. When
// some --set fails, the problems of the scenario without it are reported
// too, so that one run lists everything to fix.
func (o *options) readScenario(args []string) (*scenario.Scenario, error) {
	var s *scenario.Scenario
	if len(args) == 0 {
		s = scenario.Default()
	} else {
		var err error
		if s, err = scenario.Load(args[0]); err != nil {
			var ps scenario.Problems
			if errors.As(err, &ps) {
				return nil, err
			}
			return nil, usageError{err}
		}
	}
	if err := o.applySets(s); err != nil {
		var ps scenario.Problems
		if !errors.As(err, &ps) {
			return nil, err
		}
		seen := map[string]bool{}
		for _, p := range ps {
			seen[p.Path] = true
		}
		var more scenario.Problems
		if errors.As(s.Validate(), &more) {
			for _, p := range more {
				if !seen[p.Path] {
					ps = append(ps, p)
				}
			}
		}
		return nil, ps
	}
	return s, nil
}

// applySets applies every --set to s, collecting all problems.
func (o *options) applySets(s *scenario.Scenario) error {
	var ps scenario.Problems
	for _, a := range o.sets {
		if err := s.Set(a); err != nil {
			var p scenario.Problems
			if errors.As(err, &p) {
				for _, q := range p {
					if q.Path == "" {
						// A malformed override names no key: name the flag.
						q.Path = "--set"
					}
					ps = append(ps, q)
				}
			} else {
				ps = append(ps, scenario.Problem{Path: "--set", Value: a, Msg: err.Error()})
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// logf prints progress information unless --quiet.
func (o *options) logf(format string, args ...any) {
	if !o.quiet {
		fmt.Fprintf(o.stderr, format, args...)
	}
}

// vlogf prints solver details with --verbose.
func (o *options) vlogf(format string, args ...any) {
	if o.verbose && !o.quiet {
		fmt.Fprintf(o.stderr, format, args...)
	}
}
