package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

// mfptResult is one mean first passage time (DESIGN §6). To is the index
// of the minimum whose basin is the target when mfpt runs without an
// absorbing set of its own.
type mfptResult struct {
	From       []float64 `json:"from"`
	To         *int      `json:"to,omitempty"`
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
SGD iterations, τ/η.

Without targets or absorbing faces it reports, for every saddle, the mean
time to go from each of the two minima it connects into the basin of the
other.`,
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
				if start, err = parsePoint("--from", from, g); err != nil {
					return err
				}
			}
			eta := m.IterationTime()
			result := func(tau, x []float64) mfptResult {
				r := mfptResult{From: x, MFPT: g.Interpolate(tau, x)}
				if eta > 0 {
					it := r.MFPT / eta
					r.Iterations = &it
				}
				return r
			}
			var results []mfptResult
			if len(m.Sinks) == 0 && !hasAbsorbingFace(g) {
				if start != nil {
					return usagef("--from needs an absorbing set: add targets (e.g. --set 'targets=[{basin: 1}]') or an absorbing boundary")
				}
				if results, err = basinTransitions(m, result); err != nil {
					return err
				}
			} else {
				op, err := m.Operator()
				if err != nil {
					return err
				}
				tau, err := solver.MFPT(op, m.Linear)
				if err != nil {
					return solveFailure("mfpt", m, err)
				}
				if start != nil {
					results = append(results, result(tau, start))
				} else {
					c, err := m.Critical()
					if err != nil {
						return err
					}
					for _, mn := range c.Minima {
						results = append(results, result(tau, mn.X))
					}
				}
			}
			if !o.quiet {
				fmt.Fprintf(o.stdout, "%-28s %-8s %-16s %s\n", "from", "to", "mfpt", "iterations")
				for _, r := range results {
					it, to := "-", "target"
					if r.Iterations != nil {
						it = fmt.Sprintf("%.6g", *r.Iterations)
					}
					if r.To != nil {
						to = fmt.Sprintf("basin %d", *r.To)
					}
					fmt.Fprintf(o.stdout, "%-28s %-8s %-16.10g %s\n", fmtVec(r.From), to, r.MFPT, it)
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

// basinTransitions computes, for every saddle and each minimum i it
// connects, the MFPT from minimum i into the basin of the other minimum j.
func basinTransitions(m *scenario.Model, result func(tau, x []float64) mfptResult) ([]mfptResult, error) {
	c, err := m.Critical()
	if err != nil {
		return nil, err
	}
	if len(c.Saddles) == 0 {
		return nil, usagef("mfpt needs an absorbing set, and the landscape has no saddle between minima to choose one: add targets (e.g. a box) or an absorbing boundary")
	}
	labels := m.Basins().Labels
	taus := map[int][]float64{} // target basin → τ field
	var out []mfptResult
	for _, s := range c.Saddles {
		for side := 0; side < 2; side++ {
			i, j := s.Connects[side], s.Connects[1-side]
			if i < 0 || j < 0 || i == j {
				continue
			}
			tau, ok := taus[j]
			if !ok {
				cells := make(operators.Cells, len(labels))
				for k, l := range labels {
					cells[k] = l == j
				}
				p := m.Problem()
				p.Sinks = []operators.Sink{cells}
				op, err := operators.Assemble(p)
				if err != nil {
					return nil, err
				}
				if tau, err = solver.MFPT(op, m.Linear); err != nil {
					return nil, solveFailure(fmt.Sprintf("mfpt into the basin of minimum %d", j), m, err)
				}
				taus[j] = tau
			}
			r := result(tau, c.Minima[i].X)
			to := j
			r.To = &to
			out = append(out, r)
		}
	}
	return out, nil
}

// parsePoint parses the value s of flag ("x,y,z") for the grid's
// dimension and checks it lies in the domain.
func parsePoint(flag, s string, g *grid.Grid) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != g.Dim() {
		return nil, usagef("%s %q has %d coordinates; the domain has %d axes", flag, s, len(parts), g.Dim())
	}
	x := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, usagef("%s %q: coordinate %d is not a number", flag, s, i+1)
		}
		x[i] = v
	}
	if !g.Contains(x) {
		return nil, usagef("%s %v lies outside the domain", flag, x)
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
