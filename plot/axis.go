package plot

import (
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// rightAxis is a vertical axis drawn to the right of the data area of a
// plot, optionally behind a colour bar. Added to a plot as a plotter it
// reserves its width through a glyph box, so that the plot shrinks its data
// area to make room, and it draws itself outside that area. Values lo…hi
// span the full height of the data area linearly.
type rightAxis struct {
	lo, hi float64
	label  string
	// bar, if set, draws a colour bar of width barWidth at a distance gap
	// from the data area, with the axis along its right edge.
	bar      *scale
	gap      vg.Length
	barWidth vg.Length
}

// Styles of the right axis.
var (
	rightTickStyle  = textStyle(tickSize, text.XLeft, text.YCenter)
	rightLabelStyle = func() text.Style {
		s := textStyle(labelSize, text.XCenter, text.YTop)
		s.Rotation = math.Pi / 2
		return s
	}()
	tickGap  = vg.Points(2)
	labelGap = vg.Points(5)
)

// span is a run of text in a label, raised by rise (negative: lowered).
type span struct {
	text string
	sty  text.Style
	rise vg.Length
}

// richLabel splits a label into spans: "_{…}" is set as a subscript and
// "^{…}" as a superscript, smaller and shifted off the baseline, so that
// "log_{10} P" reads as log₁₀ P.
func richLabel(s string, sty text.Style) []span {
	size := sty.Font.Size
	small := sty
	small.Font.Size = size * 0.7
	var out []span
	for s != "" {
		i := strings.IndexAny(s, "_^")
		if i < 0 || !strings.HasPrefix(s[i+1:], "{") || !strings.Contains(s[i:], "}") {
			out = append(out, span{text: s, sty: sty})
			break
		}
		if i > 0 {
			out = append(out, span{text: s[:i], sty: sty})
		}
		j := i + strings.IndexByte(s[i:], '}')
		rise := -0.22 * size
		if s[i] == '^' {
			rise = 0.38 * size
		}
		out = append(out, span{text: s[i+2 : j], sty: small, rise: rise})
		s = s[j+1:]
	}
	return out
}

// drawRich draws spans in a row rotated by rot (radians, counter-clockwise)
// whose baseline starts at q.
func drawRich(c draw.Canvas, spans []span, q vg.Point, rot float64) {
	sin, cos := math.Sincos(rot)
	u := vg.Point{X: vg.Length(cos), Y: vg.Length(sin)}
	n := vg.Point{X: vg.Length(-sin), Y: vg.Length(cos)}
	for _, sp := range spans {
		st := sp.sty
		st.Rotation = rot
		st.XAlign, st.YAlign = text.XLeft, text.YBottom
		// Plain text puts the baseline of a bottom-aligned line at
		// size − ascent above the anchor.
		off := sp.rise - (st.Font.Size - st.FontExtents().Ascent)
		c.FillText(st, q.Add(n.Scale(off)), sp.text)
		q = q.Add(u.Scale(st.Width(sp.text)))
	}
}

// richWidth returns the length of the row of spans.
func richWidth(spans []span) vg.Length {
	var w vg.Length
	for _, sp := range spans {
		w += sp.sty.Width(sp.text)
	}
	return w
}

// ticks returns the labelled ticks in [lo, hi].
func (r *rightAxis) ticks() []gplot.Tick {
	var out []gplot.Tick
	for _, t := range (linearTicks{}).Ticks(r.lo, r.hi) {
		if t.Value >= r.lo-1e-9*(r.hi-r.lo) && t.Value <= r.hi+1e-9*(r.hi-r.lo) {
			out = append(out, t)
		}
	}
	return out
}

// width returns the horizontal room the axis takes right of the data area.
func (r *rightAxis) width() vg.Length {
	w := tickLength + tickGap
	if r.bar != nil {
		w += r.gap + r.barWidth
	}
	var lw vg.Length
	for _, t := range r.ticks() {
		if t.Label != "" {
			lw = max(lw, rightTickStyle.Width(t.Label))
		}
	}
	w += lw
	if r.label != "" {
		w += labelGap + rightLabelStyle.Height(r.label)
	}
	return w + vg.Points(2)
}

// GlyphBoxes reserves the width of the axis at the right edge of the plot.
func (r *rightAxis) GlyphBoxes(*gplot.Plot) []gplot.GlyphBox {
	return []gplot.GlyphBox{{
		X: 1, Y: 0.5,
		Rectangle: vg.Rectangle{Max: vg.Point{X: r.width()}},
	}}
}

// Plot draws the axis (and bar) right of the data canvas c.
func (r *rightAxis) Plot(c draw.Canvas, _ *gplot.Plot) {
	x := c.Max.X
	if r.bar != nil {
		x += r.gap
		rect := vg.Rectangle{Min: vg.Point{X: x, Y: c.Min.Y}, Max: vg.Point{X: x + r.barWidth, Y: c.Max.Y}}
		c.DrawImage(rect, r.bar.gradient(256))
		c.StrokeLines(draw.LineStyle{Color: black, Width: axisWidth}, []vg.Point{
			rect.Min, {X: rect.Min.X, Y: rect.Max.Y}, rect.Max, {X: rect.Max.X, Y: rect.Min.Y}, rect.Min,
		})
		x += r.barWidth
	}
	drawRightAxis(c, x, c.Min.Y, c.Max.Y, r.lo, r.hi, r.label, r.ticks(), r.bar == nil)
}

// drawRightAxis draws an axis line at x from y0 to y1 (unless line is
// false), ticks pointing right, tick labels and a rotated label.
func drawRightAxis(c draw.Canvas, x, y0, y1 vg.Length, lo, hi float64, label string, ticks []gplot.Tick, line bool) {
	ls := draw.LineStyle{Color: black, Width: axisWidth}
	if line {
		c.StrokeLine2(ls, x, y0, x, y1)
	}
	ypos := func(v float64) vg.Length { return y0 + vg.Length((v-lo)/(hi-lo))*(y1-y0) }
	var lw vg.Length
	for _, t := range ticks {
		y := ypos(t.Value)
		n := tickLength
		if t.IsMinor() {
			n /= 2
		}
		c.StrokeLine2(ls, x, y, x+n, y)
		if t.Label != "" {
			c.FillText(rightTickStyle, vg.Point{X: x + tickLength + tickGap, Y: y}, t.Label)
			lw = max(lw, rightTickStyle.Width(t.Label))
		}
	}
	if label != "" {
		lx := x + tickLength + tickGap + lw + labelGap
		// Rotated a quarter turn, the label reads upwards with its top
		// towards the axis.
		spans := richLabel(label, rightLabelStyle)
		asc := rightLabelStyle.FontExtents().Ascent
		drawRich(c, spans, vg.Point{X: lx + asc, Y: (y0+y1)/2 - richWidth(spans)/2}, math.Pi/2)
	}
}
