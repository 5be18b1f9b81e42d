package plot

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes and line widths shared by all figures.
const (
	titleSize = 12
	labelSize = 12
	tickSize  = 10
	smallSize = 9
)

var (
	tickLength = vg.Points(4)
	axisWidth  = vg.Points(0.6)
	black      = color.Gray{Y: 0}
	white      = color.Gray{Y: 255}
	lossGrey   = color.Gray{Y: 110}
)

// textStyle returns a plain text style of the given size and alignment.
func textStyle(size vg.Length, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{
		Color:   black,
		Font:    font.From(gplot.DefaultFont, size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: gplot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the shared look: sizes, tick lengths, tick
// labels with true minus signs and exponents, and no axis padding.
func newPlot(title, xlabel, ylabel string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.Title.Padding = vg.Points(6)
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
		a.Tick.Length = tickLength
		a.Width = axisWidth
		a.Tick.Width = axisWidth
		a.Padding = 0
		a.Tick.Marker = linearTicks{}
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Label.Padding = vg.Points(2)
	p.Y.Label.Padding = vg.Points(4)
	return p
}

// linearTicks places labelled ticks at the multiples of a step of 1, 2,
// 2.5 or 5 times a power of ten, the smallest step giving at most
// maxTicks of them, with unlabelled ticks halfway (a fifth of the way for a
// step of 2.5) between. Labels use a minus sign (−) and ×10ⁿ for numbers
// of magnitude 10⁵ and beyond or below 10⁻³.
type linearTicks struct{}

// maxTicks is the largest number of labelled ticks on an axis.
const maxTicks = 7

// Ticks returns the ticks of the interval [lo, hi].
func (linearTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	e := math.Floor(math.Log10((hi - lo) / maxTicks))
	var step, minor float64
	for _, m := range []float64{1, 2, 2.5, 5, 10, 20} {
		step = m * math.Pow(10, e)
		minor = step / 2
		if m == 2.5 {
			minor = step / 5
		}
		if math.Floor(hi/step+1e-9)-math.Ceil(lo/step-1e-9)+1 <= maxTicks {
			break
		}
	}
	// The decimals of the labels are those of the step.
	dec := 0
	for ; dec < 15; dec++ {
		if s := step * math.Pow10(dec); math.Abs(s-math.Round(s)) < 1e-9*s {
			break
		}
	}
	big := max(math.Abs(lo), math.Abs(hi))
	label := func(v float64) string {
		if v == 0 {
			return "0"
		}
		if big >= 1e5 || big < 1e-3 {
			return prettyNumber(strconv.FormatFloat(v, 'g', 4, 64))
		}
		return prettyNumber(strconv.FormatFloat(v, 'f', dec, 64))
	}
	var ts []gplot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k <= math.Floor(hi/minor+1e-9); k++ {
		v := k * minor
		t := gplot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			v = math.Round(r) * step
			t = gplot.Tick{Value: v, Label: label(v)}
		}
		ts = append(ts, t)
	}
	return ts
}

// logTicks places ticks on a logarithmic axis: labelled powers of ten with
// unlabelled minor ticks at 2…9 times each, or, when the range holds fewer
// than two powers of ten, labels at some of the leading digits as well.
// Powers of ten between 0.01 and 1000 are written as decimals, others as
// "10^{n}" (markup for drawRich; the fonts lack a superscript minus).
type logTicks struct{}

// Ticks returns the ticks of the interval [lo, hi], 0 < lo < hi.
func (logTicks) Ticks(lo, hi float64) []gplot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := int(math.Ceil(math.Log10(hi)))
	in := func(v float64) bool { return v >= lo*(1-1e-12) && v <= hi*(1+1e-12) }
	decades := 0
	powers := true
	for e := e0; e <= e1; e++ {
		if in(math.Pow10(e)) {
			decades++
			if e < -2 || e > 3 {
				powers = false
			}
		}
	}
	// Label every k-th power of ten so that at most maxTicks are labelled.
	k := 1
	for (e1-e0)/k+1 > maxTicks {
		k++
	}
	var ts []gplot.Tick
	for e := e0; e <= e1; e++ {
		base := math.Pow10(e)
		for m := 1; m <= 9; m++ {
			v := float64(m) * base
			if !in(v) || (m > 1 && k > 2) {
				continue
			}
			t := gplot.Tick{Value: v}
			switch {
			case m == 1 && e%k == 0 && powers:
				t.Label = strconv.FormatFloat(v, 'f', max(0, -e), 64)
			case m == 1 && e%k == 0:
				t.Label = "10^{" + strings.ReplaceAll(strconv.Itoa(e), "-", "−") + "}"
			case decades < 2 && (hi/lo < 4 || m == 2 || m == 5):
				t.Label = prettyNumber(strconv.FormatFloat(v, 'g', 3, 64))
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// plainTicks wraps a ticker whose labels hold drawRich markup and returns
// them as plain text at least as wide, for an axis whose tick labels are
// transparent placeholders that richTickLabels draws over.
type plainTicks struct{ gplot.Ticker }

// Ticks returns the ticks with the markup removed.
func (p plainTicks) Ticks(lo, hi float64) []gplot.Tick {
	ts := p.Ticker.Ticks(lo, hi)
	for i := range ts {
		ts[i].Label = strings.NewReplacer("^{", "", "_{", "", "}", "").Replace(ts[i].Label)
	}
	return ts
}

// richTicks sets up axis a of p so that its tick labels, which may hold
// drawRich markup, are drawn by a richTickLabels plotter added to p.
func richTicks(p *gplot.Plot, a *gplot.Axis, t gplot.Ticker) {
	a.Tick.Marker = plainTicks{t}
	sty := a.Tick.Label
	a.Tick.Label.Color = color.Transparent
	p.Add(&richTickLabels{vertical: a == &p.Y, ticker: t, style: sty})
}

// richTickLabels draws the tick labels of an axis of the plot with markup,
// where gonum draws their placeholders: right-aligned left of the y axis
// or centred below the x axis.
type richTickLabels struct {
	vertical bool
	ticker   gplot.Ticker
	style    text.Style
}

// Plot draws the labels outside the data canvas c.
func (r *richTickLabels) Plot(c draw.Canvas, plt *gplot.Plot) {
	a := &plt.X
	if r.vertical {
		a = &plt.Y
	}
	ext := r.style.FontExtents()
	for _, t := range r.ticker.Ticks(a.Min, a.Max) {
		if t.Label == "" {
			continue
		}
		spans := richLabel(t.Label, r.style)
		w := richWidth(spans)
		var q vg.Point // start of the baseline
		if r.vertical {
			y := c.Y(a.Norm(t.Value))
			if !c.ContainsY(y) {
				continue
			}
			// gonum: anchor (x, y + descent), right and centre aligned.
			x := c.Min.X - a.Width/2 - a.Tick.Length - r.style.Width(" ")
			q = vg.Point{X: x - w, Y: y + ext.Descent - r.style.Height(t.Label)/2 - ext.Ascent + r.style.Font.Size}
		} else {
			x := c.X(a.Norm(t.Value))
			if !c.ContainsX(x) {
				continue
			}
			// gonum: anchor (x, bottom of ticks + descent), top aligned.
			y := c.Min.Y - a.Width/2 - a.Tick.Length + ext.Descent
			q = vg.Point{X: x - w/2, Y: y - r.style.Height(t.Label) - ext.Ascent + r.style.Font.Size}
		}
		drawRich(c, spans, q, 0)
	}
}

// prettyNumber rewrites a number formatted by strconv for a label drawn by
// gonum: "-" becomes "−" and "1.5e-05" becomes "1.5e−5".
func prettyNumber(s string) string {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := s[i+1:]
		neg := strings.HasPrefix(exp, "-")
		exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if exp == "" {
			exp = "0"
		}
		if neg {
			exp = "-" + exp
		}
		s = s[:i] + "e" + exp
	}
	return strings.ReplaceAll(s, "-", "−")
}

// formatNumber formats v with three significant digits for labels such as
// "t = 1500", as decimals from 10⁻³ to below 10⁵ and as "1.5e5" beyond.
func formatNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e-3 && a < 1e5 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
		return prettyNumber(strconv.FormatFloat(r, 'f', -1, 64))
	}
	m := strconv.FormatFloat(v, 'e', 2, 64)
	// Drop trailing zeros of the mantissa: 1.50e+06 → 1.5e+06.
	i := strings.IndexByte(m, 'e')
	mant := strings.TrimRight(strings.TrimRight(m[:i], "0"), ".")
	return prettyNumber(mant + m[i:])
}

// formatRich formats v like formatNumber, but numbers outside [10⁻³, 10⁵)
// as "1.5×10^{5}", markup for drawRich.
func formatRich(v float64) string {
	s := formatNumber(v)
	i := strings.IndexByte(s, 'e')
	if i < 0 {
		return s
	}
	if s[:i] == "1" {
		return "10^{" + s[i+1:] + "}"
	}
	return s[:i] + "×10^{" + s[i+1:] + "}"
}

// frame draws the outline of the data area, so that the top and right edges
// of a figure are closed like the bottom and left axes.
type frame struct{}

// Plot strokes the border of the data canvas.
func (frame) Plot(c draw.Canvas, _ *gplot.Plot) {
	c.StrokeLines(draw.LineStyle{Color: black, Width: axisWidth}, []vg.Point{
		{X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y},
	})
}

// plotterOnly hides every method of a plotter but Plot, so that it neither
// widens the axis ranges nor asks for padding around its glyphs.
type plotterOnly struct{ gplot.Plotter }
