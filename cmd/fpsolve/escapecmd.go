package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/escape"
)

// escapeJSON is the JSON of `fpsolve escape` (DESIGN §6).
type escapeJSON struct {
	criticalJSON
	Convention  string                `json:"convention"`
	Target      string                `json:"target"`
	Spectral    []escape.SpectralPair `json:"spectral,omitempty"`
	Transitions []escape.Transition   `json:"transitions"`
}

func escapeCmd(o *options) *cobra.Command {
	var target string
	var radius float64
	var noSurvival, noSpectral bool
	cmd := &cobra.Command{
		Use:   "escape [scenario.yaml]",
		Short: "escape rates a→b by every estimator, beside Kramers and the SGD theory",
		Long: `escape measures, for every saddle and both minima it connects, how fast
probability leaves one minimum for the other, four independent ways — mean
first passage time, flux over population of the quasi-stationary density,
the exponential tail of the survival curve, and the spectral gap of the
reflecting operator — and prints them beside the analytic rates: Kramers /
Eyring–Kramers for white noise, the diffusion theory's SGD formulas with the
path parameter s that matches the measurement, and the Laplace estimate
along the minimum-energy path.

Arrival at minimum b means, by default, entering the part of basin b beyond
its minimum as seen from the saddle (--target beyond; in 1-D the half-line
from the minimum on). --target basin uses the whole basin, --target ball a
ball of --radius around the minimum. Prefactors depend on the convention
(Itô or divergence form), exponents do not; the convention is printed.`,
		Example: `  fpsolve escape
  fpsolve escape --set noise.model=sgd-local --json -
  fpsolve escape testdata/scenarios/flat-sharp-2d.yaml --no-survival`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, err := escape.ParseTarget(target)
			if err != nil {
				return usageError{err}
			}
			m, err := o.load(args)
			if err != nil {
				return err
			}
			p, err := m.EscapeProblem()
			if err != nil {
				return err
			}
			if len(p.Critical.Saddles) == 0 {
				o.logf("the landscape has no saddle between minima in the domain: nothing escapes\n")
			}
			res, err := escape.Analyze(cmd.Context(), p, escape.Settings{Target: kind, Radius: radius, SkipSurvival: noSurvival, SkipSpectral: noSpectral})
			if err != nil {
				return err
			}
			if !o.quiet {
				printEscape(o.stdout, res, m.IterationTime())
			}
			return o.writeJSON(escapeJSON{toCriticalJSON(p.Critical), res.Convention, res.Target, res.Spectral, res.Transitions})
		},
	}
	f := cmd.Flags()
	f.StringVar(&target, "target", "beyond", "arrival at minimum b: beyond (its far side), basin, or ball")
	f.Float64Var(&radius, "radius", 0, "radius of the ball target (default: two cells)")
	f.BoolVar(&noSurvival, "no-survival", false, "skip the survival estimator (the one that evolves the density in time)")
	f.BoolVar(&noSpectral, "no-spectral", false, "skip the spectral estimator")
	return cmd
}

// printEscape writes the human-readable escape table.
func printEscape(w io.Writer, res *escape.Result, eta float64) {
	fmt.Fprintf(w, "convention: %s; target: %s\n", res.Convention, res.Target)
	for _, tr := range res.Transitions {
		fmt.Fprintf(w, "\n%d → %d over saddle %d   (minimum %s → %s, ΔL = %.6g)\n", tr.From, tr.To, tr.Saddle,
			fmtVec(res.Minima[tr.From].X), fmtVec(res.Minima[tr.To].X), tr.Barrier)
		fmt.Fprintf(w, "  %-42s %-14s %-14s %s\n", "estimate", "rate", "1/rate", "rate·MFPT")
		row := func(name string, rate float64) {
			fmt.Fprintf(w, "  %-42s %-14.6g %-14.6g %.5f\n", name, rate, 1/rate, rate*tr.MFPT)
		}
		if tr.MFPT == 0 {
			for _, n := range tr.Notes {
				fmt.Fprintf(w, "  not measured — %s\n", n)
			}
			continue
		}
		row("MFPT from the minimum", 1/tr.MFPT)
		row("MFPT averaged over the QSD", 1/tr.MFPTQSD)
		row("flux over population (QSD)", tr.RateFlux)
		row("principal eigenvalue λ₀", tr.RatePrincipal)
		row("Hill: reinjection at the minimum", tr.RateHill)
		if s := tr.Survival; s != nil {
			row(fmt.Sprintf("survival tail [%.3g, %.3g]", s.Window[0], s.Window[1]), s.Rate)
		}
		if tr.RateSpectral != nil {
			row("spectral λ₁·π_b/(π_a+π_b)", *tr.RateSpectral)
		}
		th := tr.Theory
		if th.EyringKramers != nil {
			row("theory: Eyring–Kramers", *th.EyringKramers)
		}
		if sg := th.SGD; sg != nil {
			row("theory: SGD τ(s=0)", 1/sg.Tau0)
			row("theory: SGD τ(s=½)", 1/sg.TauHalf)
			row("theory: SGD τ(s=1)", 1/sg.Tau1)
			row("theory: SGD τ(s=½)·√(|det H_b|/det H_a)", 1/sg.TauHalfWithDet)
		}
		if lp := th.Laplace; lp != nil {
			row(fmt.Sprintf("theory: Laplace, ΔΦ = %.5g", lp.Exponent), 1/lp.Tau)
		}
		if tr.Iterations != nil {
			fmt.Fprintf(w, "  MFPT = %.6g time units = %.6g SGD iterations (η = %g)\n", tr.MFPT, *tr.Iterations, eta)
		}
		for _, n := range tr.Notes {
			fmt.Fprintf(w, "  not measured — %s\n", n)
		}
		if sg := th.SGD; sg != nil && tr.MFPT > 0 {
			fmt.Fprintf(w, "  fitted s = %.4f (with the det factor %.4f; exponent alone %.4f); H_ae = %.4g, |H_be| = %.4g\n", sg.S, sg.SWithDet, sg.SExponent, sg.HAE, sg.HBE)
			fmt.Fprintf(w, "  %s\n", sg.Assessment)
		}
	}
}
