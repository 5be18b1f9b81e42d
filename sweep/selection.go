package sweep

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// The selection preset over time: plans measured with Evolution are named
// "group:name"; each group makes one figure of the flat minimum's share of
// the mass over time.
const (
	groupOverTime = "over-time"
	groupSchedule = "schedule"
	// selectionEnd is the time of the runs over time: about 25 relaxation
	// times 1/(γ_flat→sharp + γ_sharp→flat) ≈ 400 of both models at B = 2.
	selectionEnd = "time.end=10000"
)

// flatSharp2D is the flat-sharp built-in, L = e^{βx}·[(x²−1)²/4 + y²/2]
// with β = 0.5: minima of equal loss at (∓1, 0) with Hessians
// e^{∓β}·diag(2, 1).
const flatSharp2D = `
landscape: {builtin: flat-sharp, params: {beta: 0.5}}
domain: [[-2.5, 2.5], [-2, 2]]
cells: [120, 96]
boundary: reflecting
time: {end: 100}
output: {formats: []}
`

// selectionAllPlans adds to the stationary selection sweep the 2-D
// flat/sharp well and the runs over time: SGD against white noise from a
// uniform start, and SGD under learning-rate schedules.
func selectionAllPlans() ([]*Plan, error) {
	plans, err := selectionPlans()
	if err != nil {
		return nil, err
	}
	b2 := Axis{Key: "noise.batch", Values: values(1, 5, 5)}
	fit := []FitSpec{{Key: "noise.batch", Y: LogMassRatio}}
	local2, err := base("selection-2d-local", []string{flatSharp2D, sgdLocal})
	if err != nil {
		return nil, err
	}
	white2, err := base("selection-2d-white", []string{flatSharp2D, white})
	if err != nil {
		return nil, err
	}
	// Matched as in 1-D: T = η/(2B)·√(h_flat·h_sharp) along the escape
	// direction x (√(2e^{−β}·2e^{β}) = 2), so T = 0.1/B at η = 0.1.
	matched := func(v map[string]float64) []Param {
		return []Param{{"noise.temperature", 0.1 / v["noise.batch"]}}
	}
	plans = append(plans,
		&Plan{Name: "2d-sgd-local", Base: local2, Axes: []Axis{b2}, Measure: Stationary, Fits: fit},
		&Plan{Name: "2d-white-matched", Base: white2, Axes: []Axis{b2}, Derive: matched, Measure: Stationary, Fits: fit},
	)
	// Over time at B = 2, from the uniform density.
	runs := []struct {
		name string
		yaml []string
		sets []string
	}{
		{groupOverTime + ":sgd-local", []string{flatSharp1D, sgdLocal}, []string{"noise.batch=2"}},
		// T = 0.1/B as in the stationary white-matched series.
		{groupOverTime + ":white-matched", []string{flatSharp1D, white}, []string{"noise.temperature=0.05"}},
		// η from 0.1: constant; halved every 250 up to t = 1000 (fast
		// decay to 0.00625); cosine to the same 0.00625 over the whole
		// run (slow decay).
		{groupSchedule + ":constant", []string{flatSharp1D, sgdLocal}, []string{"noise.batch=2"}},
		{groupSchedule + ":step", []string{flatSharp1D, sgdLocal}, []string{"noise.batch=2", "noise.schedule={form: step, gamma: 0.5, every: 250, until: 1000}"}},
		{groupSchedule + ":cosine", []string{flatSharp1D, sgdLocal}, []string{"noise.batch=2", "noise.schedule={form: cosine, period: 10000, min: 0.00625}"}},
	}
	for _, r := range runs {
		s, err := base("selection-"+strings.ReplaceAll(r.name, ":", "-"), r.yaml, append(r.sets, selectionEnd, "initial.uniform=true")...)
		if err != nil {
			return nil, err
		}
		plans = append(plans, &Plan{Name: r.name, Base: s, Measure: Evolution, Fits: []FitSpec{}})
	}
	return plans, nil
}

// judgeSelectionAll judges the stationary fits (judgeSelection) and the
// runs over time.
func judgeSelectionAll(d *Document) ([]Check, []string) {
	checks, lines := judgeSelection(d)
	byName := map[string]*EvolutionResult{}
	for _, p := range d.Points {
		if p.Evolution != nil && p.Error == "" {
			byName[p.Series] = p.Evolution
		}
	}
	// The stationary sweep's ratio at B = 2, for the runs over time.
	stationaryAt := func(series string, batch float64) (float64, bool) {
		for _, p := range d.Points {
			if p.Series == series && p.Params["noise.batch"] == batch {
				return massRatio(p)
			}
		}
		return 0, false
	}
	over := map[string]float64{}
	for _, name := range []string{"sgd-local", "white-matched"} {
		e := byName[groupOverTime+":"+name]
		if e == nil {
			continue
		}
		final, stat, ok := e.FinalRatio()
		if !ok {
			continue
		}
		over[name] = final
		ff := e.FlatFraction()
		line := fmt.Sprintf("over time, %s (B = 2, uniform start): flat share %.4f at t = %g → %.6f at t = %g; m_flat/m_sharp %.6g, stationary %.6g (%+.2g)",
			name, ff[0], e.T[0], ff[len(ff)-1], e.T[len(e.T)-1], final, stat, final/stat-1)
		checks = append(checks, Check{Name: groupOverTime + " " + name + ": final m_flat/m_sharp vs its stationary state", Value: final, Expected: stat, RelErr: relErr(final, stat)})
		if sweepRatio, ok := stationaryAt(name, 2); ok {
			line += fmt.Sprintf(", stationary sweep at B = 2 %.6g (%+.2g)", sweepRatio, final/sweepRatio-1)
			checks = append(checks, Check{Name: groupOverTime + " " + name + ": final m_flat/m_sharp vs the stationary sweep at B = 2", Value: final, Expected: sweepRatio, RelErr: relErr(final, sweepRatio)})
		}
		if t, ok := settleTime(e.T, ff, 0.01); ok {
			line += fmt.Sprintf("; within 1%% of the final share after t = %.4g", t)
		}
		lines = append(lines, line)
	}
	if sgd, ok1 := over["sgd-local"]; ok1 {
		if w, ok2 := over["white-matched"]; ok2 {
			lines = append(lines, fmt.Sprintf("over time at matched noise (T = η/(2B)·√(h_flat·h_sharp)): SGD ends with m_flat/m_sharp = %.4g, white noise with %.4g: SGD favours the flat minimum %.3g times more",
				sgd, w, sgd/w))
		}
	}
	// Schedules.
	type fin struct {
		name         string
		final, stat  float64
		lrEnd, share float64
	}
	var fins []fin
	for _, name := range []string{"constant", "step", "cosine"} {
		e := byName[groupSchedule+":"+name]
		if e == nil {
			continue
		}
		final, stat, ok := e.FinalRatio()
		if !ok {
			continue
		}
		ff := e.FlatFraction()
		f := fin{name: name, final: final, stat: stat, share: ff[len(ff)-1]}
		if len(e.LR) > 0 {
			f.lrEnd = e.LR[len(e.LR)-1]
		}
		fins = append(fins, f)
		lines = append(lines, fmt.Sprintf("schedule %s (η %.4g → %.4g, B = 2): final flat share %.6f, m_flat/m_sharp %.6g; the stationary ratio at the final η would be %.4g",
			name, e.LR[0], f.lrEnd, f.share, final, stat))
		checks = append(checks, Check{Name: groupSchedule + " " + name + ": final m_flat/m_sharp", Value: final, Note: fmt.Sprintf("final η %.4g; stationary ratio there %.4g", f.lrEnd, stat)})
	}
	if len(fins) >= 2 {
		lo, hi := fins[0], fins[0]
		for _, f := range fins[1:] {
			if f.final < lo.final {
				lo = f
			}
			if f.final > hi.final {
				hi = f
			}
		}
		verdict := "the final choice of minimum depends on the schedule"
		if hi.final/lo.final < 1.1 {
			verdict = "the final choice of minimum does NOT depend on the schedule here (ratios within 10%)"
		}
		lines = append(lines, fmt.Sprintf("schedules: final m_flat/m_sharp from %.4g (%s) to %.4g (%s), a factor %.3g: %s",
			lo.final, lo.name, hi.final, hi.name, hi.final/lo.final, verdict))
		checks = append(checks, Check{Name: "schedules: largest / smallest final m_flat/m_sharp", Value: hi.final / lo.final, Expected: 1, RelErr: hi.final/lo.final - 1})
	}
	return checks, lines
}

// settleTime returns the first time after which y stays within rel of its
// final value.
func settleTime(t, y []float64, rel float64) (float64, bool) {
	if len(y) == 0 {
		return 0, false
	}
	last := y[len(y)-1]
	k := len(y) - 1
	for k > 0 && math.Abs(y[k-1]-last) <= rel*math.Abs(last) {
		k--
	}
	return t[k], true
}

// EvolutionGroups returns the groups of a document's evolution series
// ("group:name"), in order of appearance.
func EvolutionGroups(d *Document) []string {
	var out []string
	for _, p := range d.Points {
		if p.Evolution == nil {
			continue
		}
		g, _, _ := strings.Cut(p.Series, ":")
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// EvolutionFigureName returns the file name stem of a group's figure.
func EvolutionFigureName(group string) string { return "evolution_" + group }

// SaveEvolutionFigures draws, for every group of evolution series of d,
// the flat minimum's share of the mass m_flat/(m_flat + m_sharp) against
// time (log scale), one line per series, and saves it as
// evolution_<group>.png in dir. It returns the paths written.
func SaveEvolutionFigures(d *Document, dir string) ([]string, error) {
	colors := []color.Color{
		color.RGBA{R: 31, G: 119, B: 180, A: 255}, color.RGBA{R: 214, G: 39, B: 40, A: 255},
		color.RGBA{R: 44, G: 160, B: 44, A: 255}, color.RGBA{R: 148, G: 103, B: 189, A: 255},
		color.RGBA{R: 255, G: 127, B: 14, A: 255},
	}
	var paths []string
	for _, g := range EvolutionGroups(d) {
		p := gplot.New()
		p.Title.Text = fmt.Sprintf("%s: flat minimum's share of the mass, %s", d.Preset, g)
		p.X.Label.Text = "t"
		p.Y.Label.Text = "m_flat / (m_flat + m_sharp)"
		p.X.Scale = gplot.LogScale{}
		p.X.Tick.Marker = gplot.LogTicks{Prec: -1}
		n := 0
		for _, pt := range d.Points {
			grp, name, _ := strings.Cut(pt.Series, ":")
			if pt.Evolution == nil || grp != g {
				continue
			}
			ff := pt.Evolution.FlatFraction()
			var xy plotter.XYs
			for i, t := range pt.Evolution.T {
				if t > 0 && i < len(ff) {
					xy = append(xy, plotter.XY{X: t, Y: ff[i]})
				}
			}
			if len(xy) < 2 {
				continue
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return paths, err
			}
			l.Color = colors[n%len(colors)]
			l.Width = vg.Points(1.5)
			p.Add(l)
			label := name
			if final, _, ok := pt.Evolution.FinalRatio(); ok {
				label += fmt.Sprintf(" (final m_flat/m_sharp %.4g)", final)
			}
			p.Legend.Add(label, l)
			n++
		}
		if n == 0 {
			continue
		}
		p.Legend.Top, p.Legend.Left = true, true
		p.Add(plotter.NewGrid())
		wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
		if err != nil {
			return paths, err
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			return paths, err
		}
		path := filepath.Join(dir, EvolutionFigureName(g)+".png")
		if err := atomicfile.Write(path, buf.Bytes()); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
