package plot

import (
	"image/color"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// keyEntry is a row of a key drawn beside a figure: a sample (a line, a
// marker or both) and its text.
type keyEntry struct {
	label  string
	line   *draw.LineStyle
	marker func(c draw.Canvas, pt vg.Point)
}

// Layout of a key.
var (
	keyStyle  = textStyle(smallSize+1, text.XLeft, text.YCenter)
	keyThumb  = vg.Points(20)
	keyGap    = vg.Points(5)
	keyRow    = vg.Points(14)
	keyMargin = vg.Points(10)
)

// keyWidth returns the width of a key, margins included.
func keyWidth(es []keyEntry) vg.Length {
	var w vg.Length
	for _, e := range es {
		w = max(w, richWidth(richLabel(e.label, keyStyle)))
	}
	return keyMargin + keyThumb + keyGap + w + vg.Points(4)
}

// drawKey draws the key with its first row centred keyRow/2 below top,
// starting at x.
func drawKey(c draw.Canvas, x, top vg.Length, es []keyEntry) {
	x += keyMargin
	y := top - keyRow/2
	for _, e := range es {
		if e.line != nil {
			c.StrokeLine2(*e.line, x, y, x+keyThumb, y)
		}
		if e.marker != nil {
			e.marker(c, vg.Point{X: x + keyThumb/2, Y: y})
		}
		// Centre the height of a capital letter on the sample.
		base := y - 0.33*keyStyle.Font.Size
		drawRich(c, richLabel(e.label, keyStyle), vg.Point{X: x + keyThumb + keyGap, Y: base}, 0)
		y -= keyRow
	}
}

// keyInside draws a key in the lower left corner of the data area.
type keyInside struct{ entries []keyEntry }

// Plot draws the key on a translucent white ground.
func (k keyInside) Plot(c draw.Canvas, _ *gplot.Plot) {
	if len(k.entries) == 0 {
		return
	}
	h := keyRow*vg.Length(len(k.entries)) + vg.Points(4)
	x, top := c.Min.X+vg.Points(4), c.Min.Y+vg.Points(6)+h
	box := vg.Rectangle{
		Min: vg.Point{X: x + keyMargin - vg.Points(4), Y: top - h},
		Max: vg.Point{X: x + keyWidth(k.entries) - vg.Points(2), Y: top + vg.Points(2)},
	}
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 200})
	c.Fill(box.Path())
	drawKey(c, x, top, k.entries)
}
