package plot

import (
	"errors"
	"fmt"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// shareScale returns copies of frames that all have the same colour range:
// from the least to the largest Min and Max over the frames, each an
// explicit field or else the automatic value of that frame. With Log, a
// floor left automatic stays automatic (Max·10⁻⁸ of the shared Max).
func shareScale(frames []Density2D) ([]Density2D, error) {
	if len(frames) == 0 {
		return nil, errors.New("plot: no frames")
	}
	out := make([]Density2D, len(frames))
	lo, hi := math.Inf(1), math.Inf(-1)
	logLo := math.Inf(1)
	for i, f := range frames {
		if err := f.check(); err != nil {
			return nil, fmt.Errorf("frame %d: %w", i, err)
		}
		if f.Log != frames[0].Log {
			return nil, errors.New("plot: frames mix linear and log colour scales")
		}
		dlo, dhi := f.dataRange()
		top := f.Max
		if top == 0 {
			top = dhi
		}
		bottom := f.Min
		if bottom == 0 && !f.Log {
			bottom = min(0, dlo)
		}
		if f.Log && f.Min != 0 {
			logLo = min(logLo, f.Min)
		}
		lo, hi = min(lo, bottom), max(hi, top)
	}
	for i, f := range frames {
		f.Max = hi
		if math.IsInf(hi, 0) || math.IsNaN(hi) {
			f.Max = 0
		}
		switch {
		case f.Log && !math.IsInf(logLo, 0):
			f.Min = logLo
		case f.Log:
			f.Min = 0
		case !math.IsInf(lo, 0):
			f.Min = lo
		}
		if f.Max != 0 && f.Min >= f.Max {
			f.Min, f.Max = 0, 0
		}
		out[i] = f
	}
	return out, nil
}

// Panels saves the frames as panels of a grid with cols columns, in row
// order, with one colour scale for all of them and one colour bar right of
// the grid. Each panel is titled by its frame's Title (such as "t = 10").
// Axis labels are shown only on the left column and on the bottom panel
// of each column. The format follows the extension of path, as for
// Density2D.Save.
func Panels(frames []Density2D, cols int, path string) error {
	if cols < 1 {
		return fmt.Errorf("plot: Panels with %d columns", cols)
	}
	fs, err := shareScale(frames)
	if err != nil {
		return err
	}
	n := len(fs)
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	plots := make([][]*gplot.Plot, rows)
	for j := range plots {
		plots[j] = make([]*gplot.Plot, cols)
	}
	for k, f := range fs {
		j, i := k/cols, k%cols
		p := f.plot(false)
		if i > 0 {
			p.Y.Label.Text = ""
		}
		if k+cols < n {
			p.X.Label.Text = ""
		}
		plots[j][i] = p
	}

	ax, ay := fs[0].Grid.Axis(0), fs[0].Grid.Axis(1)
	aspect := min(max((ay.Hi-ay.Lo)/(ax.Hi-ax.Lo), 0.4), 1.4)
	panelW := 2.5 * vg.Inch
	barW := 0.85 * vg.Inch
	w := vg.Length(cols)*panelW + 0.45*vg.Inch + barW
	h := vg.Length(rows)*(vg.Length(aspect)*(panelW-0.3*vg.Inch)+0.55*vg.Inch) + 0.35*vg.Inch
	sc, _ := fs[0].colorScale()
	label := fs[0].barLabel()

	return save(path, w, h, func(dc draw.Canvas) {
		area := draw.Crop(dc, 0, -barW, 0, 0)
		tiles := draw.Tiles{
			Rows: rows, Cols: cols,
			PadX: vg.Points(8), PadY: vg.Points(6),
			PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2),
		}
		canvases := gplot.Align(plots, tiles, area)
		top, bottom := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
		right := vg.Length(math.Inf(-1))
		for j := range plots {
			for i, p := range plots[j] {
				if p == nil {
					continue
				}
				p.Draw(canvases[j][i])
				d := p.DataCanvas(canvases[j][i])
				top, bottom, right = max(top, d.Max.Y), min(bottom, d.Min.Y), max(right, d.Max.X)
			}
		}
		bar := &rightAxis{lo: sc.lo, hi: sc.hi, label: label, bar: &sc, gap: vg.Points(12), barWidth: vg.Points(10)}
		c := dc
		c.Rectangle = vg.Rectangle{Min: vg.Point{X: dc.Min.X, Y: bottom}, Max: vg.Point{X: right, Y: top}}
		bar.Plot(c, nil)
	})
}
