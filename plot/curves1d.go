package plot

import (
	"errors"
	"fmt"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
)

// Curves1D is a one-dimensional density P(θ, t) at several times, with the
// loss L(θ) against a second axis on the right. Grid, Times and P are
// required.
type Curves1D struct {
	// Grid is the one-dimensional mesh of the densities.
	Grid *grid.Grid
	// Times are the times of the curves, in the order they are drawn.
	Times []float64
	// P[i] is the density at Times[i] in the cells of Grid.
	P [][]float64
	// Loss, if not nil, is drawn as a grey dashed curve against a right
	// axis. Its range runs from the least value on the grid to at most 1.5
	// times the span up to its 90th percentile, so that a steep wall at the
	// edge of the domain does not flatten the wells.
	Loss landscape.Landscape
	// Critical, if not nil, marks the minima (discs labelled 0, 1, …) and
	// the saddles (crosses; in one dimension, the maxima of L) on the θ
	// axis.
	Critical *landscape.Critical
	// Title is the title above the figure.
	Title string
}

// maxKeyCurves is the largest number of curves named in the key.
const maxKeyCurves = 8

// check reports whether c can be drawn.
func (c Curves1D) check() error {
	switch {
	case c.Grid == nil:
		return errors.New("plot: Curves1D has no grid")
	case c.Grid.Dim() != 1:
		return fmt.Errorf("plot: Curves1D needs a 1-D grid, got %d-D", c.Grid.Dim())
	case len(c.Times) == 0:
		return errors.New("plot: Curves1D has no curves")
	case len(c.P) != len(c.Times):
		return fmt.Errorf("plot: Curves1D has %d curves for %d times", len(c.P), len(c.Times))
	case c.Loss != nil && c.Loss.Dim() != 1:
		return fmt.Errorf("plot: Curves1D needs a 1-D loss, got %d-D", c.Loss.Dim())
	}
	for i, p := range c.P {
		if len(p) != c.Grid.Len() {
			return fmt.Errorf("plot: Curves1D curve %d has %d values for %d cells", i, len(p), c.Grid.Len())
		}
	}
	if cr := c.Critical; cr != nil {
		for _, m := range cr.Minima {
			if len(m.X) != 1 {
				return fmt.Errorf("plot: Curves1D critical point %v is not 1-D", m.X)
			}
		}
		for _, s := range cr.Saddles {
			if len(s.X) != 1 {
				return fmt.Errorf("plot: Curves1D critical point %v is not 1-D", s.X)
			}
		}
	}
	return nil
}

// yRange returns the range of the density axis: from min(0, min P) to the
// largest value plus 5 %.
func (c Curves1D) yRange() (lo, hi float64) {
	for _, p := range c.P {
		for _, v := range p {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	return lo, hi + 0.05*(hi-lo)
}

// timeLabel returns "t = …".
func timeLabel(t float64) string { return "t = " + formatRich(t) }

// keyCurves returns the indices of the curves named in the key: all of
// them, or maxKeyCurves evenly spaced ones including the first and last.
func keyCurves(n int) []int {
	if n <= maxKeyCurves {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, maxKeyCurves)
	for k := range idx {
		idx[k] = int(math.Round(float64(k) * float64(n-1) / float64(maxKeyCurves-1)))
	}
	return idx
}

// plot builds the plot of the curves with indices which, on the density
// range [ylo, yhi], and returns the key entries. With fixed, the curves
// are dark blue instead of coloured by time.
func (c Curves1D) plot(which []int, ylo, yhi float64, title string, fixed bool) (*gplot.Plot, []keyEntry) {
	g := c.Grid
	a := g.Axis(0)
	p := newPlot(title, "θ", "P(θ, t)")
	p.Add(frame{})
	xs := make([]float64, g.Len())
	for i := range xs {
		xs[i] = g.CenterCoord(0, i)
	}
	var key []keyEntry
	var lossKey *keyEntry
	if c.Loss != nil {
		if l, ax := c.lossCurve(ylo, yhi); l != nil {
			p.Add(plotterOnly{l}, ax)
			lossKey = &keyEntry{label: "L(θ), right axis", line: &l.LineStyle}
		}
	}
	inKey := keyCurves(len(c.Times))
	for _, i := range which {
		xys := make(plotter.XYs, 0, len(xs))
		for j, x := range xs {
			if v := c.P[i][j]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				xys = append(xys, plotter.XY{X: x, Y: v})
			}
		}
		l := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{
			Color: curveColor(i, len(c.Times)), Width: vg.Points(1.4),
		}}
		if fixed {
			l.Color = viridis(0.25)
		}
		p.Add(plotterOnly{l})
		if slices.Contains(inKey, i) {
			key = append(key, keyEntry{label: timeLabel(c.Times[i]), line: &l.LineStyle})
		}
	}
	if lossKey != nil {
		key = append(key, *lossKey)
	}
	if cr := c.Critical; cr != nil {
		m := &critMarks{}
		for i, q := range cr.Minima {
			if q.X[0] >= a.Lo && q.X[0] <= a.Hi {
				m.minima = append(m.minima, [2]float64{q.X[0], ylo})
				m.index = append(m.index, i)
			}
		}
		for _, s := range cr.Saddles {
			if s.X[0] >= a.Lo && s.X[0] <= a.Hi {
				m.saddles = append(m.saddles, [2]float64{s.X[0], ylo})
			}
		}
		p.Add(m)
		if len(m.minima) > 0 {
			key = append(key, keyEntry{label: "minimum", marker: func(c draw.Canvas, pt vg.Point) { drawDisc(c, pt, vg.Points(3.2)) }})
		}
		if len(m.saddles) > 0 {
			key = append(key, keyEntry{label: "saddle (max. of L)", marker: func(c draw.Canvas, pt vg.Point) { drawCross(c, pt, vg.Points(4)) }})
		}
	}
	p.X.Min, p.X.Max = a.Lo, a.Hi
	p.Y.Min, p.Y.Max = ylo, yhi
	return p, key
}

// lossCurve returns the loss as a line rescaled into the density range
// [ylo, yhi] and the right axis that reads it in units of L, or nil if
// the loss is not finite anywhere.
func (c Curves1D) lossCurve(ylo, yhi float64) (*plotter.Line, *rightAxis) {
	a := c.Grid.Axis(0)
	n := max(4*a.N, 400)
	xs := make([]float64, n)
	ls := make([]float64, n)
	var finite []float64
	for i := range xs {
		xs[i] = a.Lo + (a.Hi-a.Lo)*float64(i)/float64(n-1)
		ls[i] = c.Loss.Value(xs[i : i+1])
		if !math.IsNaN(ls[i]) && !math.IsInf(ls[i], 0) {
			finite = append(finite, ls[i])
		}
	}
	if len(finite) < 2 {
		return nil, nil
	}
	slices.Sort(finite)
	lmin, lmax := finite[0], finite[len(finite)-1]
	top := min(lmax, lmin+1.5*(quantile(finite, 0.9)-lmin))
	if !(top > lmin) {
		top = lmin + 1
	}
	pad := 0.05 * (top - lmin)
	lo, hi := lmin-pad, top+pad
	xys := make(plotter.XYs, 0, n)
	for i, x := range xs {
		if v := ls[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			// Clamp far beyond the axis so that clipping at the frame,
			// not overflow, decides where the curve stops.
			v = min(v, hi+10*(hi-lo))
			xys = append(xys, plotter.XY{X: x, Y: ylo + (v-lo)/(hi-lo)*(yhi-ylo)})
		}
	}
	l := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{
		Color: lossGrey, Width: vg.Points(1.1), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)},
	}}
	return l, &rightAxis{lo: lo, hi: hi, label: "L(θ)"}
}

// Save writes the figure to path, in the format named by its extension:
// .png (the default), .svg or .pdf. The curves are coloured along
// viridis in the order of Times, and a key right of the plot names at most
// eight of them (evenly spaced, the first and the last included), the loss
// and the critical-point markers.
func (c Curves1D) Save(path string) error {
	if err := c.check(); err != nil {
		return err
	}
	all := make([]int, len(c.Times))
	for i := range all {
		all[i] = i
	}
	ylo, yhi := c.yRange()
	p, key := c.plot(all, ylo, yhi, c.Title, false)
	kw := keyWidth(key)
	w, h := 5.2*vg.Inch+kw, 3.6*vg.Inch
	if c.Title != "" {
		h += 0.25 * vg.Inch
	}
	return save(path, w, h, func(dc draw.Canvas) {
		main := draw.Crop(dc, 0, -kw, 0, 0)
		p.Draw(main)
		data := p.DataCanvas(main)
		drawKey(dc, main.Max.X, data.Max.Y, key)
	})
}
