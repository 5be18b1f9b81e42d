package sweep

import (
	"bytes"
	"fmt"
	"image/color"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// SaveFitFigure draws the fit's points, the fitted line and (for escape
// fits with the SGD theory or white noise) the slope of the theory's
// exponent through the points' centroid, and saves it to path (.png, .svg
// or .pdf).
func SaveFitFigure(f Fit, title, path string) error {
	if len(f.Xs) == 0 {
		return fmt.Errorf("sweep: fit %s has no points to draw", f.X)
	}
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = f.X
	p.Y.Label.Text = f.Y
	pts := make(plotter.XYs, len(f.Xs))
	lo, hi := math.Inf(1), math.Inf(-1)
	var mx, my float64
	for i := range f.Xs {
		pts[i] = plotter.XY{X: f.Xs[i], Y: f.Ys[i]}
		lo, hi = math.Min(lo, f.Xs[i]), math.Max(hi, f.Xs[i])
		mx += f.Xs[i] / float64(len(f.Xs))
		my += f.Ys[i] / float64(len(f.Xs))
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(3)
	sc.GlyphStyle.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	line := func(slope, intercept float64, c color.Color, dashed bool) (*plotter.Line, error) {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: slope*lo + intercept}, {X: hi, Y: slope*hi + intercept}})
		if err != nil {
			return nil, err
		}
		l.Color = c
		l.Width = vg.Points(1.2)
		if dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		return l, nil
	}
	fit, err := line(f.Slope, f.Intercept, color.RGBA{R: 214, G: 39, B: 40, A: 255}, false)
	if err != nil {
		return err
	}
	p.Add(fit, sc)
	p.Legend.Add(fmt.Sprintf("fit: slope %.4g ± %.2g, r = %.6f", f.Slope, f.SlopeErr, f.R), fit)
	if th := f.Theory; th != nil {
		slope, label := 0.0, ""
		switch {
		case th.SlopeBarrier != 0:
			slope, label = th.SlopeBarrier, fmt.Sprintf("theory ΔL/T: slope %.4g", th.SlopeBarrier)
		case th.SlopeMeanS != 0:
			slope, label = th.SlopeMeanS, fmt.Sprintf("theory, mean fitted s = %.3f: slope %.4g", th.SMean, th.SlopeMeanS)
		}
		if label != "" {
			tl, err := line(slope, my-slope*mx, color.Gray{Y: 90}, true)
			if err != nil {
				return err
			}
			p.Add(tl)
			p.Legend.Add(label, tl)
		}
	}
	p.Legend.Top = f.Slope > 0
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		ext = ".png"
	}
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, strings.TrimPrefix(ext, "."))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// FigureName returns a file name stem for a fit: series, transition, the
// abscissa and the other axes' values, with characters unsafe in file
// names replaced.
func FigureName(f Fit) string {
	var parts []string
	if f.Series != "" {
		parts = append(parts, f.Series)
	}
	if len(f.Transition) == 2 {
		parts = append(parts, fmt.Sprintf("%d-to-%d", f.Transition[0], f.Transition[1]))
	}
	parts = append(parts, "vs-"+f.X)
	for _, k := range slices.Sorted(maps.Keys(f.At)) {
		parts = append(parts, fmt.Sprintf("%s-%g", k, f.At[k]))
	}
	s := strings.Join(parts, "_")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, s)
}
