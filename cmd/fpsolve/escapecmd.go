package main

import (
	"fmt"
	"io"
	"math"

	"github.com/spf13/cobra"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/plot"
	"github.com/fpsolve/fpsolve/scenario"
)

// escapeJSON is the JSON of `fpsolve escape` (DESIGN §6).
type escapeJSON struct {
	criticalJSON
	Convention  string                `json:"convention"`
	Target      string                `json:"target"`
	Spectral    []escape.SpectralPair `json:"spectral,omitempty"`
	Transitions []escape.Transition   `json:"transitions"`
	Totals      []escape.Total        `json:"totals,omitempty"`
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
				return usagef("--target: %v", err)
			}
			if !(radius >= 0) || math.IsInf(radius, 0) {
				return usagef("--radius %g: want a finite radius > 0 (or 0 for two cells)", radius)
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
			if err := o.escapePictures(m, res); err != nil {
				return err
			}
			return o.writeJSON(escapeJSON{toCriticalJSON(p.Critical), res.Convention, res.Target, res.Spectral, res.Transitions, res.Totals})
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
	defer func() {
		for _, t := range res.Totals {
			fmt.Fprintf(w, "\nout of minimum %d over saddles %v (rates add): 1/MFPT sum %.6g, flux sum %.6g", t.Minimum, t.Paths, t.RateMFPT, t.RateFlux)
			if t.EyringKramers != nil {
				fmt.Fprintf(w, ", Eyring–Kramers %.6g", *t.EyringKramers)
			}
			if t.SGDHalf != nil {
				fmt.Fprintf(w, ", SGD s=½ %.6g", *t.SGDHalf)
			}
			fmt.Fprintln(w)
		}
	}()
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

// escapePictures draws, for every transition, the survival curve with its
// fitted tail, the current through the dividing surface over time and, in
// 2-D, the quasi-stationary density with its escape current, as far as
// output.formats asks for pictures.
func (o *options) escapePictures(m *scenario.Model, res *escape.Result) error {
	ext := ""
	for _, f := range []string{"png", "svg", "pdf"} {
		if formats(m, f) {
			ext = f
			break
		}
	}
	if ext == "" {
		return nil
	}
	crit, _ := m.Critical()
	for _, tr := range res.Transitions {
		stem := outPath(m, fmt.Sprintf("escape_%d_to_%d", tr.From, tr.To))
		var written []string
		if sv := tr.Survival; sv != nil {
			t0 := sv.Window[0]
			fit := &plot.ExpFit{Rate: sv.Rate, T0: t0, M0: math.Exp(interpolateLog(sv.T, sv.Mass, t0))}
			sp := plot.Survival{T: sv.T[1:], Mass: sv.Mass[1:], Fit: fit,
				Title: fmt.Sprintf("%s: %d → %d, mass not yet absorbed", m.Scenario.Name, tr.From, tr.To)}
			if err := sp.Save(stem + "_survival." + ext); err != nil {
				return err
			}
			written = append(written, stem+"_survival."+ext)
			fp := plot.Survival{T: sv.T[1:], Mass: sv.Flux[1:], YLabel: "J(t)",
				Title: fmt.Sprintf("current through the dividing surface at saddle %d", tr.Saddle)}
			if err := fp.Save(stem + "_flux." + ext); err != nil {
				return err
			}
			written = append(written, stem+"_flux."+ext)
		}
		if m.Grid.Dim() == 2 && tr.QSD != nil {
			d := plot.Density2D{Grid: m.Grid, P: tr.QSD, Loss: m.Loss, Critical: crit, Current: tr.QSDCurrent, Log: true,
				Title: fmt.Sprintf("quasi-stationary density of %d, target %d (%s)", tr.From, tr.To, res.Target)}
			if err := d.Save(stem + "_qsd." + ext); err != nil {
				return err
			}
			written = append(written, stem+"_qsd."+ext)
		}
		for _, w := range written {
			o.logf("wrote %s\n", w)
		}
	}
	return nil
}

// interpolateLog returns ln y at x by linear interpolation of ln y.
func interpolateLog(xs, ys []float64, x float64) float64 {
	for i := 1; i < len(xs); i++ {
		if xs[i] >= x {
			w := (x - xs[i-1]) / (xs[i] - xs[i-1])
			return (1-w)*math.Log(ys[i-1]) + w*math.Log(ys[i])
		}
	}
	return math.Log(ys[len(ys)-1])
}
