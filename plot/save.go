package plot

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// pngDPI is the resolution of saved PNG files: a 5.6 in wide figure is
// 840 pixels wide, sharp enough for print at column width.
const pngDPI = 150

// gifDPI is the resolution of animation frames, at which one point is
// 4/3 pixels, the usual screen scale.
const gifDPI = 96

// painter draws a whole figure onto a canvas.
type painter func(c draw.Canvas)

// newCanvas returns a canvas of size w×h for the format named by the
// extension of path, with a white background.
func newCanvas(path string, w, h vg.Length) (vg.CanvasWriterTo, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case "", ".png":
		return vgimg.PngCanvas{Canvas: vgimg.NewWith(
			vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White),
		)}, nil
	case ".svg":
		return vgsvg.NewWith(vgsvg.UseWH(w, h), vgsvg.EmbedFonts(true)), nil
	case ".pdf":
		return vgpdf.New(w, h), nil
	default:
		return nil, fmt.Errorf("plot: unsupported file extension %q: use .png, .svg or .pdf", ext)
	}
}

// save paints a w×h figure into the file at path, in the format named by
// its extension.
func save(path string, w, h vg.Length, paint painter) error {
	c, err := newCanvas(path, w, h)
	if err != nil {
		return err
	}
	dc := draw.New(c)
	if !strings.EqualFold(filepath.Ext(path), ".png") && filepath.Ext(path) != "" {
		// Vector formats have a transparent page; paint it white.
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}
	paint(dc)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("plot: writing %s: %w", path, err)
	}
	// Atomic: a killed run never leaves a truncated picture behind.
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// render paints a figure of wpx×hpx pixels at gifDPI and returns the image.
func render(wpx, hpx int, paint painter) image.Image {
	w := vg.Length(wpx) * vg.Inch / gifDPI
	h := vg.Length(hpx) * vg.Inch / gifDPI
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(gifDPI), vgimg.UseBackgroundColor(color.White))
	paint(draw.New(c))
	return c.Image()
}
