package main

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/fpsolve/fpsolve/export"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/plot"
	"github.com/fpsolve/fpsolve/scenario"
)

// fieldSet is a series of densities on the scenario's grid, with their
// times (NaN-free; a single stationary field has one time, 0).
type fieldSet struct {
	name   string // file stem, e.g. "density" or "stationary"
	title  string
	times  []float64
	fields [][]float64
	labels []string
	// current of the last field, for the arrows of 2-D pictures (optional).
	current *operators.Current
}

// writeFields writes the data files and pictures that output.formats asks
// for and returns the paths written.
func (o *options) writeFields(m *scenario.Model, fs fieldSet) ([]string, error) {
	g := m.Grid
	var written []string
	if len(m.Scenario.Output.Formats) > 0 {
		if err := os.MkdirAll(m.Scenario.Output.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
	}
	add := func(path string, err error) error {
		if err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	for _, f := range m.Scenario.Output.Formats {
		path := outPath(m, fs.name+"."+f)
		var err error
		switch f {
		case "csv":
			err = add(path, export.WriteCSV(path, g, fs.labels, fs.fields))
		case "npy":
			err = add(path, export.WriteNPY(path, g, fs.fields...))
		case "vtk":
			names := make([]string, len(fs.labels))
			for i := range names {
				names[i] = fmt.Sprintf("P_%d", i)
			}
			err = add(path, export.WriteVTK(path, g, fs.title+" ("+strings.Join(fs.labels, ", ")+")", names, fs.fields))
		case "png", "svg", "pdf":
			err = o.pictures(m, fs, f, add)
		case "gif":
			err = o.animation(m, fs, path, add)
		}
		if err != nil {
			return written, fmt.Errorf("write %s output: %w", f, err)
		}
	}
	return written, nil
}

// pictures draws the fields: 1-D curves over time; in 2-D the last field
// with its current and, for several times, a panel series.
func (o *options) pictures(m *scenario.Model, fs fieldSet, ext string, add func(string, error) error) error {
	g := m.Grid
	crit, err := m.Critical()
	if err != nil {
		crit = nil
	}
	switch g.Dim() {
	case 1:
		path := outPath(m, fs.name+"."+ext)
		return add(path, plot.Curves1D{Grid: g, Times: fs.times, P: fs.fields, Loss: m.Loss, Critical: crit, Title: fs.title}.Save(path))
	case 2:
		last := len(fs.fields) - 1
		title := fs.title
		if len(fs.times) > 1 {
			title = fmt.Sprintf("%s, t = %g", fs.title, fs.times[last])
		}
		path := outPath(m, fs.name+"."+ext)
		d := plot.Density2D{Grid: g, P: fs.fields[last], Loss: m.Loss, Critical: crit, Current: fs.current, Title: title}
		if err := add(path, d.Save(path)); err != nil {
			return err
		}
		if len(fs.fields) > 1 {
			frames := make([]plot.Density2D, 0, 6)
			for _, i := range spread(len(fs.fields), 6) {
				// A log scale: the panels share one colour scale, and a
				// narrow start would otherwise leave the later ones black.
				frames = append(frames, plot.Density2D{Grid: g, P: fs.fields[i], Loss: m.Loss, Critical: crit, Log: true, Title: fmt.Sprintf("t = %g", fs.times[i])})
			}
			path := outPath(m, fs.name+"_panels."+ext)
			return add(path, plot.Panels(frames, 3, path))
		}
		return nil
	}
	o.logf("note: pictures need a 1-D or 2-D grid; 3-D densities go to vtk and npy\n")
	return nil
}

// animation writes an animated GIF of the fields over time.
func (o *options) animation(m *scenario.Model, fs fieldSet, path string, add func(string, error) error) error {
	g := m.Grid
	crit, _ := m.Critical()
	switch g.Dim() {
	case 1:
		return add(path, plot.GIF1D(plot.Curves1D{Grid: g, Times: fs.times, P: fs.fields, Loss: m.Loss, Critical: crit, Title: fs.title}, path))
	case 2:
		frames := make([]plot.Density2D, len(fs.fields))
		for i := range frames {
			frames[i] = plot.Density2D{Grid: g, P: fs.fields[i], Loss: m.Loss, Critical: crit, Log: true, Title: fmt.Sprintf("%s, t = %g", fs.title, fs.times[i])}
		}
		return add(path, plot.GIF2D(frames, path))
	}
	o.logf("note: animations need a 1-D or 2-D grid\n")
	return nil
}

// currentFor returns the current of p for the arrows of a 2-D picture, or
// nil where it is only rounding (at equilibrium, when detailed balance
// holds, the net current is a cancellation of one-sided fluxes).
func currentFor(op *operators.Operator, p []float64) *operators.Current {
	if op.Grid.Dim() != 2 {
		return nil
	}
	cur := op.Current(p)
	m := 0.0
	for _, f := range cur.High {
		for _, v := range f {
			m = math.Max(m, math.Abs(v))
		}
	}
	if m <= 1e-9*op.CurrentScale(p) {
		return nil
	}
	return cur
}

// spread returns up to k indices spread evenly over [0, n), including the
// last.
func spread(n, k int) []int {
	if n <= k {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = (i + 1) * (n - 1) / k
	}
	idx[0] = 0
	return idx
}
