package plot

import (
	"errors"
	"fmt"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Survival is the probability mass M(t) left in the live region over time,
// drawn on a logarithmic mass axis, where an exponential tail
// M ≈ M₀·exp(−γ(t − t₀)) is a straight line. T and Mass are required.
type Survival struct {
	// T are the times, increasing.
	T []float64
	// Mass holds M at each time. Points with M ≤ 0 (or t ≤ 0 with LogT)
	// cannot be drawn on log axes and are left out.
	Mass []float64
	// Fit, if not nil, is drawn as a dashed line from its T0 to the last
	// time.
	Fit *ExpFit
	// LogT selects a logarithmic time axis.
	LogT bool
	// Title is the title above the figure.
	Title string
	// YLabel names the quantity plotted; empty means "M(t)". (The same
	// figure serves any positive quantity decaying in time, such as the
	// escape flux through a saddle.)
	YLabel string
}

// ExpFit is the exponential M(t) = M0·exp(−Rate·(t − T0)).
type ExpFit struct {
	// Rate is the decay rate γ.
	Rate float64
	// T0 is the reference time t₀, where the fit starts.
	T0 float64
	// M0 is the mass at T0.
	M0 float64
}

// At returns M0·exp(−Rate·(t − T0)).
func (f ExpFit) At(t float64) float64 { return f.M0 * math.Exp(-f.Rate*(t-f.T0)) }

// points returns the drawable points of s.
func (s Survival) points() (plotter.XYs, error) {
	if len(s.T) != len(s.Mass) {
		return nil, fmt.Errorf("plot: Survival has %d times and %d masses", len(s.T), len(s.Mass))
	}
	var xys plotter.XYs
	for i, t := range s.T {
		m := s.Mass[i]
		if m > 0 && !math.IsInf(m, 0) && !math.IsNaN(t) && !math.IsInf(t, 0) && (!s.LogT || t > 0) {
			xys = append(xys, plotter.XY{X: t, Y: m})
		}
	}
	if len(xys) < 2 {
		return nil, errors.New("plot: Survival needs at least two points with positive mass (and time, with LogT)")
	}
	return xys, nil
}

// Plot returns the figure as a gonum plot.
func (s Survival) Plot() (*gplot.Plot, error) {
	xys, err := s.points()
	if err != nil {
		return nil, err
	}
	ylabel := s.YLabel
	if ylabel == "" {
		ylabel = "M(t)"
	}
	p := newPlot(s.Title, "t", ylabel)
	p.Add(frame{})
	tlo, thi := math.Inf(1), math.Inf(-1)
	mlo, mhi := math.Inf(1), math.Inf(-1)
	for _, q := range xys {
		tlo, thi = min(tlo, q.X), max(thi, q.X)
		mlo, mhi = min(mlo, q.Y), max(mhi, q.Y)
	}
	data := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: viridis(0.25), Width: vg.Points(1.5)}}
	p.Add(plotterOnly{data})
	key := []keyEntry{{label: ylabel, line: &data.LineStyle}}
	if f := s.Fit; f != nil && f.M0 > 0 && !math.IsNaN(f.Rate) {
		t0 := max(f.T0, tlo)
		if t0 < thi {
			const n = 200
			fit := &plotter.Line{LineStyle: draw.LineStyle{
				Color: viridis(0.72), Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)},
			}}
			for i := range n {
				u := float64(i) / (n - 1)
				t := t0 + u*(thi-t0)
				if s.LogT {
					t = t0 * math.Pow(thi/t0, u)
				}
				if m := f.At(t); m > 0 && !math.IsInf(m, 0) {
					fit.XYs = append(fit.XYs, plotter.XY{X: t, Y: m})
				}
			}
			if len(fit.XYs) > 1 {
				p.Add(plotterOnly{fit})
				key = append(key, keyEntry{label: "fit, γ = " + formatRich(f.Rate), line: &fit.LineStyle})
			}
		}
	}
	// Leave a little room above and below the data on the log axis.
	if !(mhi > mlo) {
		mlo, mhi = mlo/2, mhi*2
	}
	r := math.Log10(mhi / mlo)
	p.Y.Min, p.Y.Max = mlo*math.Pow(10, -0.05*r), mhi*math.Pow(10, 0.05*r)
	p.Y.Scale = gplot.LogScale{}
	richTicks(p, &p.Y, logTicks{})
	p.X.Min, p.X.Max = tlo, thi
	if s.LogT {
		p.X.Scale = gplot.LogScale{}
		richTicks(p, &p.X, logTicks{})
	}
	// A decaying curve leaves the lower left corner empty.
	p.Add(keyInside{key})
	return p, nil
}

// Save writes the figure, 5 in × 3.6 in, to path, in the format named by
// its extension: .png (the default), .svg or .pdf.
func (s Survival) Save(path string) error {
	p, err := s.Plot()
	if err != nil {
		return err
	}
	h := 3.6 * vg.Inch
	if s.Title != "" {
		h += 0.25 * vg.Inch
	}
	return save(path, 5*vg.Inch, h, p.Draw)
}
