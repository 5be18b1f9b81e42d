package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/landscape"
)

// pointJSON is a critical point in the JSON of §6.
type pointJSON struct {
	X           []float64 `json:"x"`
	Loss        float64   `json:"loss"`
	Eigenvalues []float64 `json:"hessian_eigenvalues"`
	Connects    []int     `json:"connects,omitempty"`
}

// criticalJSON is the JSON of `fpsolve critical`.
type criticalJSON struct {
	Minima  []pointJSON `json:"minima"`
	Saddles []pointJSON `json:"saddles"`
}

func toCriticalJSON(c *landscape.Critical) criticalJSON {
	out := criticalJSON{Minima: []pointJSON{}, Saddles: []pointJSON{}}
	for _, p := range c.Minima {
		out.Minima = append(out.Minima, pointJSON{X: p.X, Loss: p.Loss, Eigenvalues: p.Eigenvalues})
	}
	for _, s := range c.Saddles {
		out.Saddles = append(out.Saddles, pointJSON{X: s.X, Loss: s.Loss, Eigenvalues: s.Eigenvalues, Connects: s.Connects[:]})
	}
	return out
}

func criticalCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "critical [scenario.yaml]",
		Short: "minima, saddles, Hessian eigenvalues and barriers of the landscape",
		Long: `critical finds the critical points of the loss in the domain (a scan of |∇L|
refined by Newton's method with the exact Hessian), classifies them by the
signs of the Hessian eigenvalues and follows steepest descent from each
saddle to the two minima it connects. Minima are numbered by loss, then x:
these are the numbers that initial.minimum and targets[].basin refer to.`,
		Example: `  fpsolve critical
  fpsolve critical testdata/scenarios/muller-brown.yaml --json -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := o.load(args)
			if err != nil {
				return err
			}
			c, err := m.Critical()
			if err != nil {
				return err
			}
			if !o.quiet {
				fmt.Fprintf(o.stdout, "%-8s %-3s %-28s %-14s %s\n", "kind", "#", "x", "loss", "Hessian eigenvalues")
				for i, p := range c.Minima {
					fmt.Fprintf(o.stdout, "%-8s %-3d %-28s %-14.8g %s\n", "minimum", i, fmtVec(p.X), p.Loss, fmtVec(p.Eigenvalues))
				}
				for i, s := range c.Saddles {
					fmt.Fprintf(o.stdout, "%-8s %-3d %-28s %-14.8g %s  connects %d–%d", "saddle", i, fmtVec(s.X), s.Loss, fmtVec(s.Eigenvalues), s.Connects[0], s.Connects[1])
					for _, j := range s.Connects {
						if j >= 0 {
							fmt.Fprintf(o.stdout, "  ΔL from %d: %.6g", j, s.Loss-c.Minima[j].Loss)
						}
					}
					fmt.Fprintln(o.stdout)
				}
				for _, p := range c.Others {
					fmt.Fprintf(o.stdout, "%-8s %-3s %-28s %-14.8g %s\n", p.Kind, "", fmtVec(p.X), p.Loss, fmtVec(p.Eigenvalues))
				}
			}
			return o.writeJSON(toCriticalJSON(c))
		},
	}
}

func landscapesCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:     "landscapes",
		Short:   "list the built-in landscapes and their parameters",
		Example: `  fpsolve landscapes`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			infos := landscape.Builtins()
			for _, in := range infos {
				fmt.Fprintf(o.stdout, "%s  (dimensions %v)\n    L = %s\n    %s\n", in.Name, in.Dims, in.Formula, in.Doc)
				for _, p := range in.Params {
					fmt.Fprintf(o.stdout, "    param %-6s default %-10v %s\n", p.Name, p.Default, p.Doc)
				}
				fmt.Fprintln(o.stdout)
			}
			return o.writeJSON(infos)
		},
	}
}
