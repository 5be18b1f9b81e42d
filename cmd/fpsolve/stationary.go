package main

import (
	"fmt"

	"github.com/spf13/cobra"

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
			if len(m.Sinks) > 0 {
				return usagef("stationary: the scenario has targets, so no stationary state exists: remove them (--set targets=[]) or use mfpt")
			}
			op, err := m.Operator()
			if err != nil {
				return err
			}
			guess := make([]float64, m.Grid.Len())
			m.Grid.Sample(guess, func(x []float64) float64 { return -m.Loss.Value(x) })
			p, err := solver.Stationary(op, guess, m.Linear)
			if err != nil {
				return err
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
