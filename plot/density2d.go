package plot

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
)

// Density2D is a heat map of a density P(θ₁, θ₂) on a two-dimensional grid,
// overlaid with the contour lines of the loss, the critical points and
// arrows of the probability current. Only Grid and P are required.
type Density2D struct {
	// Grid is the two-dimensional mesh of P.
	Grid *grid.Grid
	// P holds the density in the cells of Grid (len Grid.Len()).
	P []float64

	// Loss, if not nil, adds about 12 contour lines of L. The levels are
	// quantiles of L over the domain below its 85th percentile, so that
	// steep walls do not take all of them, with the level nearest each
	// saddle's loss moved onto it, so that the separatrix is drawn.
	Loss landscape.Landscape
	// Critical, if not nil, marks the minima as filled circles labelled
	// by their index 0, 1, … in Critical.Minima and the index-1 saddles
	// as crosses.
	Critical *landscape.Critical
	// Current, if not nil, adds arrows of the probability current J on a
	// lattice of about 20×20 points. J at a cell centre is the mean of the
	// face fluxes on its two faces along each axis, averaged over the
	// cells of a lattice block. Arrow length is proportional to |J|, the
	// largest 0.9 lattice spacings long, and arrows shorter than 2 % of
	// the largest are left out.
	Current *operators.Current

	// Log selects a log₁₀ colour scale, floored at 10⁻⁸ times the top of
	// the range.
	Log bool
	// Min and Max fix the colour range in units of P; zero means automatic:
	// Max is the largest value of P and Min is min(0, min P), or Max·10⁻⁸
	// with Log. Panels and GIF2D set them to one range over all frames.
	Min, Max float64

	// Title is the title above the map, such as "t = 10".
	Title string
}

// logFloor is the lowest value of a log scale relative to its top.
const logFloor = 1e-8

// check reports whether d can be drawn.
func (d Density2D) check() error {
	g := d.Grid
	switch {
	case g == nil:
		return errors.New("plot: Density2D has no grid")
	case g.Dim() != 2:
		return fmt.Errorf("plot: Density2D needs a 2-D grid, got %d-D", g.Dim())
	case len(d.P) != g.Len():
		return fmt.Errorf("plot: Density2D has %d values for %d cells", len(d.P), g.Len())
	case d.Loss != nil && d.Loss.Dim() != 2:
		return fmt.Errorf("plot: Density2D needs a 2-D loss, got %d-D", d.Loss.Dim())
	case d.Log && d.Min < 0, d.Max != 0 && d.Min >= d.Max, d.Log && d.Max < 0:
		return fmt.Errorf("plot: Density2D colour range [%g, %g] is invalid", d.Min, d.Max)
	}
	if c := d.Critical; c != nil {
		for _, m := range c.Minima {
			if len(m.X) != 2 {
				return fmt.Errorf("plot: Density2D critical point %v is not 2-D", m.X)
			}
		}
		for _, s := range c.Saddles {
			if len(s.X) != 2 {
				return fmt.Errorf("plot: Density2D critical point %v is not 2-D", s.X)
			}
		}
	}
	if j := d.Current; j != nil {
		if len(j.High) != 2 || len(j.High[0]) != g.Len() || len(j.High[1]) != g.Len() {
			return errors.New("plot: Density2D current does not match the grid")
		}
		if len(j.Low) != 0 && (len(j.Low) != 2 || len(j.Low[0]) != g.Len() || len(j.Low[1]) != g.Len()) {
			return errors.New("plot: Density2D current does not match the grid")
		}
	}
	return nil
}

// dataRange returns the smallest and the largest finite value of P.
func (d Density2D) dataRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range d.P {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

// colorScale returns the colour range in display units (log₁₀ P with Log)
// and the map from P to display units.
func (d Density2D) colorScale() (scale, func(float64) float64) {
	dlo, dhi := d.dataRange()
	if math.IsInf(dlo, 0) {
		dlo, dhi = 0, 0
	}
	top := d.Max
	if top == 0 {
		top = dhi
	}
	if d.Log {
		if !(top > 0) {
			top = 1
		}
		floor := d.Min
		if floor == 0 {
			floor = top * logFloor
		}
		f := func(v float64) float64 {
			if math.IsNaN(v) {
				return v
			}
			return math.Log10(max(v, floor))
		}
		return scale{lo: math.Log10(floor), hi: math.Log10(top)}, f
	}
	bottom := d.Min
	if bottom == 0 {
		bottom = min(0, dlo)
	}
	if !(top > bottom) {
		top = bottom + 1
	}
	return scale{lo: bottom, hi: top}, func(v float64) float64 { return v }
}

// barLabel returns the label of the colour bar.
func (d Density2D) barLabel() string {
	if d.Log {
		return "log_{10} P"
	}
	return "P"
}

// Plot returns the figure as a gonum plot with its colour bar, which the
// plot draws right of the map in room it reserves for it.
func (d Density2D) Plot() (*gplot.Plot, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return d.plot(true), nil
}

// plot builds the figure, with or without its colour bar.
func (d Density2D) plot(bar bool) *gplot.Plot {
	g := d.Grid
	ax, ay := g.Axis(0), g.Axis(1)
	p := newPlot(d.Title, "θ₁", "θ₂")
	sc, f := d.colorScale()

	nx, ny := g.N(0), g.N(1)
	img := image.NewNRGBA(image.Rect(0, 0, nx, ny))
	nan := color.NRGBA{R: 160, G: 160, B: 160, A: 255}
	for j := range ny {
		for i := range nx {
			v := f(d.P[i+j*nx])
			c := nan
			if !math.IsNaN(v) {
				c = sc.at(v)
			}
			img.SetNRGBA(i, ny-1-j, c)
		}
	}
	p.Add(plotter.NewImage(img, ax.Lo, ay.Lo, ax.Hi, ay.Hi))

	if d.Loss != nil {
		if c := d.contours(); c != nil {
			p.Add(c)
		}
	}
	if d.Current != nil {
		p.Add(d.arrows())
	}
	if d.Critical != nil {
		p.Add(d.markers())
	}
	p.Add(frame{})
	if bar {
		p.Add(&rightAxis{lo: sc.lo, hi: sc.hi, label: d.barLabel(), bar: &sc, gap: vg.Points(8), barWidth: vg.Points(10)})
	}
	p.X.Min, p.X.Max = ax.Lo, ax.Hi
	p.Y.Min, p.Y.Max = ay.Lo, ay.Hi
	return p
}

// Save writes the figure with its colour bar to path, in the format named
// by its extension: .png (the default), .svg or .pdf. The figure is
// 5.6 in wide and as tall as keeps the map's aspect ratio near that of the
// domain.
func (d Density2D) Save(path string) error {
	p, err := d.Plot()
	if err != nil {
		return err
	}
	w, h := d.size()
	return save(path, w, h, p.Draw)
}

// size returns the width and height of a saved figure.
func (d Density2D) size() (w, h vg.Length) {
	ax, ay := d.Grid.Axis(0), d.Grid.Axis(1)
	aspect := (ay.Hi - ay.Lo) / (ax.Hi - ax.Lo)
	aspect = min(max(aspect, 0.4), 1.4)
	w = 5.6 * vg.Inch
	mapWidth := w - 1.55*vg.Inch
	h = vg.Length(aspect)*mapWidth + 0.6*vg.Inch
	if d.Title != "" {
		h += 0.3 * vg.Inch
	}
	return w, h
}

// contourLattice is the number of points per axis, edges included, on
// which the loss is sampled for contouring, independent of the grid: the
// loss is a function, not cell data, and smooth contours need a fine
// lattice even on a coarse grid.
const contourLattice = 201

// contours returns the contour plotter of the loss, or nil if the loss is
// flat or not finite anywhere.
func (d Density2D) contours() *contourLines {
	g := d.Grid
	lat := &lattice{}
	for k, dst := range []*[]float64{&lat.x, &lat.y} {
		a := g.Axis(k)
		m := contourLattice
		*dst = make([]float64, m)
		for i := range m {
			(*dst)[i] = a.Lo + (a.Hi-a.Lo)*float64(i)/float64(m-1)
		}
	}
	lat.z = make([]float64, len(lat.x)*len(lat.y))
	x := make([]float64, 2)
	for j, yv := range lat.y {
		for i, xv := range lat.x {
			x[0], x[1] = xv, yv
			lat.z[i+j*len(lat.x)] = d.Loss.Value(x)
		}
	}
	var saddles []float64
	if d.Critical != nil {
		for _, s := range d.Critical.Saddles {
			saddles = append(saddles, s.Loss)
		}
	}
	levels := contourLevels(lat.z, saddles, 12)
	if len(levels) == 0 {
		return nil
	}
	for i, v := range lat.z {
		if math.IsInf(v, 0) {
			lat.z[i] = math.NaN()
		}
	}
	cl := &contourLines{style: draw.LineStyle{Color: color.NRGBA{R: 255, G: 255, B: 255, A: 150}, Width: vg.Points(0.7)}}
	for _, v := range levels {
		cl.lines = append(cl.lines, lat.isolines(v)...)
	}
	return cl
}

// contourLevels returns up to n contour levels of the sampled values z:
// the quantiles (i+½)/n of the values below the 85th percentile, with the
// level nearest each saddle loss replaced by it.
func contourLevels(z, saddles []float64, n int) []float64 {
	s := make([]float64, 0, len(z))
	for _, v := range z {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s = append(s, v)
		}
	}
	if len(s) < 2 {
		return nil
	}
	slices.Sort(s)
	top := quantile(s, 0.85)
	lo := s[0]
	if !(top > lo) {
		return nil
	}
	k, _ := slices.BinarySearch(s, top)
	sub := s[:max(k, 2)]
	levels := make([]float64, n)
	for i := range levels {
		levels[i] = quantile(sub, (float64(i)+0.5)/float64(n))
	}
	for _, v := range saddles {
		if !(v > lo && v < top) {
			continue
		}
		best := 0
		for i, l := range levels {
			if math.Abs(l-v) < math.Abs(levels[best]-v) {
				best = i
			}
		}
		levels[best] = v
	}
	slices.Sort(levels)
	tol := 1e-9 * (top - lo)
	out := levels[:1]
	for _, l := range levels[1:] {
		if l-out[len(out)-1] > tol {
			out = append(out, l)
		}
	}
	return out
}

// quantile returns the q-quantile of the sorted values s by linear
// interpolation between order statistics.
func quantile(s []float64, q float64) float64 {
	h := q * float64(len(s)-1)
	i := int(h)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}

// arrowLattice is the number of arrows along the longer axis.
const arrowLattice = 20

// arrows returns the arrow plotter of the current.
func (d Density2D) arrows() *arrowField {
	g := d.Grid
	j := d.Current
	nx, ny := g.N(0), g.N(1)
	// Cell-centred current: the mean of the fluxes through the low and the
	// high face of the cell along each axis.
	centred := func(k, c int) float64 {
		var low float64
		if nb, ok := g.Neighbor(c, k, -1); ok {
			low = j.High[k][nb]
		} else if len(j.Low) == 2 {
			low = j.Low[k][c]
		}
		return 0.5 * (low + j.High[k][c])
	}
	b := max(1, int(math.Ceil(float64(max(nx, ny))/arrowLattice)))
	f := &arrowField{dx: float64(b) * g.H(0), dy: float64(b) * g.H(1)}
	for bj := 0; bj*b < ny; bj++ {
		for bi := 0; bi*b < nx; bi++ {
			var u, v, x, y float64
			n := 0
			for jj := bj * b; jj < min((bj+1)*b, ny); jj++ {
				for ii := bi * b; ii < min((bi+1)*b, nx); ii++ {
					c := ii + jj*nx
					u += centred(0, c)
					v += centred(1, c)
					x += g.CenterCoord(0, ii)
					y += g.CenterCoord(1, jj)
					n++
				}
			}
			w := 1 / float64(n)
			f.x = append(f.x, x*w)
			f.y = append(f.y, y*w)
			f.u = append(f.u, u*w)
			f.v = append(f.v, v*w)
			if m := math.Hypot(u*w, v*w); m > f.max {
				f.max = m
			}
		}
	}
	return f
}

// arrowField draws arrows of a vector field at scattered points.
type arrowField struct {
	x, y, u, v []float64
	dx, dy     float64 // lattice spacing in data units
	max        float64 // largest |(u, v)|
}

// minArrow is the smallest drawn arrow relative to the largest.
const minArrow = 0.02

// Plot draws the arrows, each centred on its point: white with a dark
// outline, so that they read on both ends of the palette.
func (f *arrowField) Plot(c draw.Canvas, plt *gplot.Plot) {
	if !(f.max > 0) || math.IsInf(f.max, 0) {
		return
	}
	trX, trY := plt.Transforms(&c)
	x0, y0 := plt.X.Min, plt.Y.Min
	sx := float64(trX(x0+f.dx)-trX(x0)) / f.dx // canvas length per data unit
	sy := float64(trY(y0+f.dy)-trY(y0)) / f.dy
	full := 0.9 * min(sx*f.dx, sy*f.dy) // length of the largest arrow
	halo := draw.LineStyle{Color: color.NRGBA{A: 170}, Width: vg.Points(2.1)}
	body := draw.LineStyle{Color: white, Width: vg.Points(0.9)}
	type arrow struct{ tail, neck, tip, l, r vg.Point }
	var as []arrow
	for i := range f.x {
		m := math.Hypot(f.u[i], f.v[i])
		if !(m >= minArrow*f.max) {
			continue
		}
		ex, ey := f.u[i]*sx, f.v[i]*sy
		en := math.Hypot(ex, ey)
		ex, ey = ex/en, ey/en
		l := full * m / f.max
		head := min(0.45*l, float64(vg.Points(4.5)))
		half := 0.5 * head
		cx, cy := float64(trX(f.x[i])), float64(trY(f.y[i]))
		pt := func(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(y)} }
		tx, ty := cx+0.5*l*ex, cy+0.5*l*ey
		nx, ny := tx-head*ex, ty-head*ey
		as = append(as, arrow{
			tail: pt(cx-0.5*l*ex, cy-0.5*l*ey),
			neck: pt(nx, ny),
			tip:  pt(tx, ty),
			l:    pt(nx-half*ey, ny+half*ex),
			r:    pt(nx+half*ey, ny-half*ex),
		})
	}
	headPath := func(a arrow) vg.Path {
		var pa vg.Path
		pa.Move(a.tip)
		pa.Line(a.l)
		pa.Line(a.r)
		pa.Close()
		return pa
	}
	// Halos first, then bodies, so that no halo darkens a neighbour.
	for _, a := range as {
		c.StrokeLines(halo, []vg.Point{a.tail, a.neck})
		c.SetLineStyle(draw.LineStyle{Color: halo.Color, Width: vg.Points(1.2)})
		c.Stroke(headPath(a))
	}
	for _, a := range as {
		c.StrokeLines(body, []vg.Point{a.tail, a.neck})
		c.SetColor(white)
		c.Fill(headPath(a))
	}
}

// markers returns the plotter of the critical points.
func (d Density2D) markers() *critMarks {
	m := &critMarks{}
	in := func(x []float64) bool {
		for k := range 2 {
			a := d.Grid.Axis(k)
			if !(x[k] >= a.Lo && x[k] <= a.Hi) {
				return false
			}
		}
		return true
	}
	for i, p := range d.Critical.Minima {
		if in(p.X) {
			m.minima = append(m.minima, [2]float64{p.X[0], p.X[1]})
			m.index = append(m.index, i)
		}
	}
	for _, s := range d.Critical.Saddles {
		if in(s.X) {
			m.saddles = append(m.saddles, [2]float64{s.X[0], s.X[1]})
		}
	}
	return m
}

// critMarks draws minima as white discs labelled by their index and
// saddles as crosses.
type critMarks struct {
	minima  [][2]float64
	index   []int
	saddles [][2]float64
}

// Plot draws the markers.
func (m *critMarks) Plot(c draw.Canvas, plt *gplot.Plot) {
	trX, trY := plt.Transforms(&c)
	for _, s := range m.saddles {
		drawCross(c, vg.Point{X: trX(s[0]), Y: trY(s[1])}, vg.Points(4))
	}
	lab := textStyle(smallSize, draw.XLeft, draw.YBottom)
	for i, x := range m.minima {
		pt := vg.Point{X: trX(x[0]), Y: trY(x[1])}
		drawDisc(c, pt, vg.Points(3.2))
		txt := fmt.Sprint(m.index[i])
		w, h := lab.Width(txt), lab.Height(txt)
		at := vg.Point{X: pt.X + vg.Points(4), Y: pt.Y + vg.Points(3)}
		if at.X+w > c.Max.X {
			at.X = pt.X - vg.Points(4) - w
		}
		if at.Y+h > c.Max.Y {
			at.Y = pt.Y - vg.Points(3) - h
		}
		pad := vg.Points(1)
		box := vg.Rectangle{Min: vg.Point{X: at.X - pad, Y: at.Y - pad}, Max: vg.Point{X: at.X + w + pad, Y: at.Y + h}}
		c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 210})
		c.Fill(box.Path())
		c.FillText(lab, at, txt)
	}
}

// drawDisc draws a white disc of radius r with a black rim at pt.
func drawDisc(c draw.Canvas, pt vg.Point, r vg.Length) {
	var pa vg.Path
	pa.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	pa.Arc(pt, r, 0, 2*math.Pi)
	pa.Close()
	c.SetColor(white)
	c.Fill(pa)
	c.SetLineStyle(draw.LineStyle{Color: black, Width: vg.Points(0.9)})
	c.Stroke(pa)
}

// drawCross draws a white × of half-size r with a black outline at pt.
func drawCross(c draw.Canvas, pt vg.Point, r vg.Length) {
	for _, st := range []draw.LineStyle{
		{Color: black, Width: vg.Points(2.6)},
		{Color: white, Width: vg.Points(1.1)},
	} {
		c.StrokeLines(st,
			[]vg.Point{{X: pt.X - r, Y: pt.Y - r}, {X: pt.X + r, Y: pt.Y + r}},
			[]vg.Point{{X: pt.X - r, Y: pt.Y + r}, {X: pt.X + r, Y: pt.Y - r}},
		)
	}
}
