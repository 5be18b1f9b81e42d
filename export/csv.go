package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fpsolve/fpsolve/grid"
)

// coordNames are the CSV column names of the cell-centre coordinates.
var coordNames = [grid.MaxDim]string{"x", "y", "z"}

// CSV writes cell fields as comma-separated values: a header
// "x[,y[,z]],<name1>,<name2>,…" followed by one row per cell in natural
// order (axis 0 fastest) holding the cell-centre coordinates and the field
// values. In two and three dimensions this is the "long" format (x, y, P)
// that plotting tools accept directly. Numbers use the shortest 'g' form
// that parses back to the same float64, so ReadCSV recovers them exactly.
//
// names and fields must have the same length (zero fields gives a file of
// coordinates only), every field must hold g.Len() values and names must
// be non-empty and free of commas, quotes and line breaks.
func CSV(w io.Writer, g *grid.Grid, names []string, fields [][]float64) error {
	if names == nil && len(fields) > 0 {
		return errors.New("export: csv: nil names")
	}
	if err := checkFields("csv", g, names, fields); err != nil {
		return err
	}
	for _, name := range names {
		if name == "" || strings.ContainsAny(name, ",\"\r\n") {
			return fmt.Errorf("export: csv: invalid column name %q: must be non-empty without commas, quotes or line breaks", name)
		}
	}
	d := g.Dim()
	// The coordinates repeat, so each axis's centres are formatted once.
	var coords [grid.MaxDim][][]byte
	for k := 0; k < d; k++ {
		coords[k] = make([][]byte, g.N(k))
		for i := range coords[k] {
			coords[k][i] = strconv.AppendFloat(nil, g.CenterCoord(k, i), 'g', -1, 64)
		}
	}
	bw := newWriter(w)
	bw.WriteString(strings.Join(append(coordNames[:d:d], names...), ","))
	bw.WriteByte('\n')
	var idx [grid.MaxDim]int
	for c := 0; c < g.Len(); c++ {
		b := bw.AvailableBuffer()
		for k := 0; k < d; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, coords[k][idx[k]]...)
		}
		for _, f := range fields {
			b = append(b, ',')
			b = strconv.AppendFloat(b, f[c], 'g', -1, 64)
		}
		b = append(b, '\n')
		bw.Write(b)
		// Advance the multi-index with axis 0 fastest.
		for k := 0; k < d; k++ {
			idx[k]++
			if idx[k] < g.N(k) {
				break
			}
			idx[k] = 0
		}
	}
	return flush("csv", bw)
}

// WriteCSV writes the fields to the file at path in the format of CSV,
// replacing the file atomically.
func WriteCSV(path string, g *grid.Grid, names []string, fields [][]float64) error {
	return writeFile(path, func(w io.Writer) error { return CSV(w, g, names, fields) })
}

// ReadCSV reads a file written by CSV for the grid g and returns the field
// names and values. It checks the header's coordinate columns, the number of
// rows and columns, and that every row's coordinates match the centre of the
// corresponding cell of g to within 1e-12 relative to the magnitude of the
// axis bounds, max(|Lo|, |Hi|). Blank lines are ignored and "\r\n" line ends
// are accepted.
func ReadCSV(r io.Reader, g *grid.Grid) (names []string, fields [][]float64, err error) {
	if g == nil {
		return nil, nil, errors.New("export: read csv: nil grid")
	}
	d := g.Dim()
	lr := newLineReader(r)
	line, err := nextNonBlank(lr)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("export: read csv: empty input, want a header line")
		}
		return nil, nil, fmt.Errorf("export: read csv: %w", err)
	}
	header := strings.Split(string(line), ",")
	if len(header) < d {
		return nil, nil, fmt.Errorf("export: read csv: header %q has %d columns, want at least %d coordinates for a %d-D grid", line, len(header), d, d)
	}
	for k := 0; k < d; k++ {
		if strings.TrimSpace(header[k]) != coordNames[k] {
			return nil, nil, fmt.Errorf("export: read csv: header column %d is %q, want %q", k+1, header[k], coordNames[k])
		}
	}
	names = header[d:]
	fields = make([][]float64, len(names))
	for f := range fields {
		fields[f] = make([]float64, g.Len())
	}
	var tol [grid.MaxDim]float64
	for k := 0; k < d; k++ {
		a := g.Axis(k)
		tol[k] = 1e-12 * math.Max(math.Abs(a.Lo), math.Abs(a.Hi))
	}
	ncol := len(header)
	var idx [grid.MaxDim]int
	for c := 0; ; c++ {
		line, err := nextNonBlank(lr)
		if errors.Is(err, io.EOF) {
			if c != g.Len() {
				return nil, nil, fmt.Errorf("export: read csv: %d data rows, want %d (grid cells)", c, g.Len())
			}
			return names, fields, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("export: read csv: %w", err)
		}
		if c >= g.Len() {
			return nil, nil, fmt.Errorf("export: read csv: line %d: more data rows than the %d grid cells", lr.line, g.Len())
		}
		g.Coords(c, idx[:d])
		for col := 0; col < ncol; col++ {
			var cell []byte
			if col < ncol-1 {
				i := bytes.IndexByte(line, ',')
				if i < 0 {
					return nil, nil, fmt.Errorf("export: read csv: line %d has %d columns, want %d", lr.line, col+1, ncol)
				}
				cell, line = line[:i], line[i+1:]
			} else {
				if bytes.IndexByte(line, ',') >= 0 {
					return nil, nil, fmt.Errorf("export: read csv: line %d has more than %d columns", lr.line, ncol)
				}
				cell = line
			}
			v, err := strconv.ParseFloat(string(bytes.TrimSpace(cell)), 64)
			if err != nil {
				return nil, nil, fmt.Errorf("export: read csv: line %d, column %d: %w", lr.line, col+1, err)
			}
			if col < d {
				want := g.CenterCoord(col, idx[col])
				if !(math.Abs(v-want) <= tol[col]) {
					return nil, nil, fmt.Errorf("export: read csv: line %d: %s = %g, want cell centre %g", lr.line, coordNames[col], v, want)
				}
				continue
			}
			fields[col-d][c] = v
		}
	}
}

// nextNonBlank returns the next line of lr that is not empty or all white
// space.
func nextNonBlank(lr *lineReader) ([]byte, error) {
	for {
		b, err := lr.next()
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return b, nil
		}
	}
}
