package export

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fpsolve/fpsolve/grid"
)

// vtkTitleMax is the longest title line the legacy VTK format allows.
const vtkTitleMax = 255

// VTK writes fields on g as a legacy ASCII VTK file ("# vtk DataFile
// Version 3.0") holding a STRUCTURED_POINTS dataset: DIMENSIONS Nx Ny Nz
// (1 for axes the grid lacks), ORIGIN at the centre of the first cell and
// SPACING the cell widths (0 and 1 for missing axes). The cell-centred
// values become point data at the cell centres, one "SCALARS <name> double
// 1" block with the default lookup table per field, in natural order (x
// fastest, as VTK expects).
//
// The title is written on one line: runs of white space, line breaks
// included, become single spaces and it is cut to 255 bytes; an empty title is replaced by "fpsolve". Field names must
// be non-empty without white space, and there must be at least one field.
// Values are written in full precision; note that VTK's ASCII reader may not
// accept NaN or infinite values.
func VTK(w io.Writer, g *grid.Grid, title string, names []string, fields [][]float64) error {
	if len(fields) == 0 {
		return errors.New("export: vtk: no fields")
	}
	if names == nil {
		return errors.New("export: vtk: nil names")
	}
	if err := checkFields("vtk", g, names, fields); err != nil {
		return err
	}
	for _, name := range names {
		if name == "" || strings.IndexFunc(name, unicode.IsSpace) >= 0 {
			return fmt.Errorf("export: vtk: invalid field name %q: must be non-empty without white space", name)
		}
	}
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		title = "fpsolve"
	}
	if len(title) > vtkTitleMax {
		cut := vtkTitleMax
		for cut > 0 && !utf8.RuneStart(title[cut]) {
			cut--
		}
		title = title[:cut]
	}
	var dims [3]int
	var origin, spacing [3]float64
	for k := range 3 {
		dims[k], origin[k], spacing[k] = 1, 0, 1
		if k < g.Dim() {
			dims[k], origin[k], spacing[k] = g.N(k), g.CenterCoord(k, 0), g.H(k)
		}
	}
	ftoa := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	bw := newWriter(w)
	fmt.Fprintf(bw, "# vtk DataFile Version 3.0\n%s\nASCII\nDATASET STRUCTURED_POINTS\n", title)
	fmt.Fprintf(bw, "DIMENSIONS %d %d %d\n", dims[0], dims[1], dims[2])
	fmt.Fprintf(bw, "ORIGIN %s %s %s\n", ftoa(origin[0]), ftoa(origin[1]), ftoa(origin[2]))
	fmt.Fprintf(bw, "SPACING %s %s %s\n", ftoa(spacing[0]), ftoa(spacing[1]), ftoa(spacing[2]))
	fmt.Fprintf(bw, "POINT_DATA %d\n", g.Len())
	for f, name := range names {
		fmt.Fprintf(bw, "SCALARS %s double 1\nLOOKUP_TABLE default\n", name)
		for _, v := range fields[f] {
			b := bw.AvailableBuffer()
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
			b = append(b, '\n')
			bw.Write(b)
		}
	}
	return flush("vtk", bw)
}

// WriteVTK writes the fields to the file at path in the format of VTK,
// replacing the file atomically.
func WriteVTK(path string, g *grid.Grid, title string, names []string, fields [][]float64) error {
	return writeFile(path, func(w io.Writer) error { return VTK(w, g, title, names, fields) })
}
