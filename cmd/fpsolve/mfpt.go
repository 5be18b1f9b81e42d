package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/solver"
)

// mfptResult is one mean first passage time (DESIGN §6).
type mfptResult struct {
	From       []float64 `json:"from"`
	MFPT       float64   `json:"mfpt"`
	Iterations *float64  `json:"iterations,omitempty"`
}

func mfptCmd(o *options) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "mfpt [scenario.yaml] [--from x[,y[,z]]]",
		Short: "mean first passage time to the absorbing set",
		Long: `mfpt solves the backward equation Aᵀτ = −1 (τ = 0 on the targets and absorbing
faces) for the mean time to reach the absorbing set, from a point (--from) or
from every minimum. For the SGD noise models it also reports the number of
SGD iterations, τ/η.`,
		Example: `  fpsolve mfpt --set 'targets=[{box: [[0.9, 2.5]]}]' --from -1
  fpsolve mfpt testdata/scenarios/double-well-white.yaml --json -
  fpsolve mfpt --set 'targets=[{basin: 1}]'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := o.load(args)
			if err != nil {
				return err
			}
			g := m.Grid
			var start []float64
			if from != "" {
				if start, err = parsePoint(from, g); err != nil {
					return err
				}
			}
			if len(m.Sinks) == 0 && !hasAbsorbingFace(g) {
				return usagef("mfpt needs an absorbing set: add targets (e.g. --set 'targets=[{basin: 1}]' or a box) or an absorbing boundary")
			}
			op, err := m.Operator()
			if err != nil {
				return err
			}
			tau, err := solver.MFPT(op, m.Linear)
			if err != nil {
				return err
			}
			eta := m.IterationTime()
			result := func(x []float64) mfptResult {
				r := mfptResult{From: x, MFPT: g.Interpolate(tau, x)}
				if eta > 0 {
					it := r.MFPT / eta
					r.Iterations = &it
				}
				return r
			}
			var results []mfptResult
			if start != nil {
				results = append(results, result(start))
			} else {
				c, err := m.Critical()
				if err != nil {
					return err
				}
				for _, mn := range c.Minima {
					results = append(results, result(mn.X))
				}
			}
			if !o.quiet {
				fmt.Fprintf(o.stdout, "%-28s %-16s %s\n", "from", "mfpt", "iterations")
				for _, r := range results {
					it := "-"
					if r.Iterations != nil {
						it = fmt.Sprintf("%.6g", *r.Iterations)
					}
					fmt.Fprintf(o.stdout, "%-28s %-16.10g %s\n", fmtVec(r.From), r.MFPT, it)
				}
			}
			cells := m.Scenario.Cells
			if start != nil {
				r := results[0]
				return o.writeJSON(struct {
					mfptResult
					Cells []int `json:"cells"`
				}{r, cells})
			}
			return o.writeJSON(struct {
				Results []mfptResult `json:"results"`
				Cells   []int        `json:"cells"`
			}{results, cells})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "start point `x[,y[,z]]` (default: every minimum)")
	return cmd
}

// parsePoint parses "x,y,z" for the grid's dimension and checks it lies in
// the domain.
func parsePoint(s string, g *grid.Grid) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != g.Dim() {
		return nil, usagef("--from %q has %d coordinates; the domain has %d axes", s, len(parts), g.Dim())
	}
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, usagef("--from %q: coordinate %d is not a number", s, i+1)
		}
		x[i] = v
	}
	if !g.Contains(x) {
		return nil, usagef("--from %v lies outside the domain", x)
	}
	return x, nil
}

func hasAbsorbingFace(g *grid.Grid) bool {
	for k := 0; k < g.Dim(); k++ {
		if a := g.Axis(k); a.Low == grid.Absorbing || a.High == grid.Absorbing {
			return true
		}
	}
	return false
}
