package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

func stationaryCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "stationary [scenario.yaml]",
		Short: "stationary density and the mass of each basin",
		Long: `stationary solves A·P = 0 for the stationary density of the scenario (all faces
reflecting or periodic, no targets) and reports the probability mass in the
basin of every minimum.`,
		Example: `  fpsolve stationary
  fpsolve stationary testdata/scenarios/flat-sharp-2d.yaml --json -
  fpsolve stationary --set noise.batch=8 --set cells=[4000]`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := o.load(args)
			if err != nil {
				return err
			}
			if err := stationaryExists(m); err != nil {
				return err
			}
			op, err := m.Operator()
			if err != nil {
				return err
			}
			guess := make([]float64, m.Grid.Len())
			m.Grid.Sample(guess, func(x []float64) float64 { return -m.Loss.Value(x) })
			p, err := solver.Stationary(op, guess, m.Linear)
			if err != nil {
				return solveFailure("stationary", m, err)
			}
			basins, err := basinMasses(m, p)
			if err != nil {
				return err
			}
			total := m.Grid.Mass(p)
			o.logf("stationary density of %s on %v cells\n", m.Scenario.Name, m.Scenario.Cells)
			if !o.quiet {
				fmt.Fprintf(o.stdout, "%-4s %-28s %s\n", "#", "minimum", "mass")
				for i, b := range basins {
					fmt.Fprintf(o.stdout, "%-4d %-28s %.10g\n", i, fmtVec(b.Minimum), b.Mass)
				}
			}
			fs := fieldSet{name: "stationary", title: m.Scenario.Name + ": stationary density", times: []float64{0}, fields: [][]float64{p}, labels: []string{"P"}}
			fs.current = currentFor(op, p)
			written, err := o.writeFields(m, fs)
			for _, w := range written {
				o.logf("wrote %s\n", w)
			}
			if err != nil {
				return err
			}
			return o.writeJSON(struct {
				Basins    []basinMass `json:"basins"`
				MassTotal float64     `json:"mass_total"`
			}{basins, total})
		},
	}
}

// stationaryExists refuses, as bad input, a scenario with targets or an
// absorbing face: probability leaks out, so no stationary state exists.
func stationaryExists(m *scenario.Model) error {
	var ps scenario.Problems
	if len(m.Sinks) > 0 {
		ps = append(ps, scenario.Problem{Path: "targets", Value: fmt.Sprintf("%d target(s)", len(m.Sinks)),
			Msg: "stationary needs a closed problem, and targets absorb probability: remove them (--set targets=[]) or use mfpt"})
	}
	if hasAbsorbingFace(m.Grid) {
		ps = append(ps, scenario.Problem{Path: "boundary", Value: boundaryText(m.Scenario.Boundary),
			Msg: "stationary needs a closed problem, and an absorbing face lets probability out: make every face reflecting or periodic (--set boundary=reflecting) or use mfpt"})
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// boundaryText renders the boundary as written in a scenario.
func boundaryText(b scenario.Boundary) string {
	if len(b.Axes) == 0 {
		return b.All
	}
	return fmt.Sprint(b.Axes)
}
