package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/james-bowman/sparse"
)

// mmBanner is the first line of the MatrixMarket files written here.
const mmBanner = "%%MatrixMarket matrix coordinate real general"

// MatrixMarket writes m in MatrixMarket coordinate real general format: the
// banner line, the comment (one "% " line per line of comment; none when
// comment is empty), the line "rows cols nnz" and one "i j value" line per
// stored entry with 1-based indices, row by row, and values in the shortest
// form that parses back to the same float64. Explicitly stored zeros are
// written too.
func MatrixMarket(w io.Writer, m *sparse.CSR, comment string) error {
	if m == nil {
		return errors.New("export: matrix market: nil matrix")
	}
	rows, cols := m.Dims()
	raw := m.RawMatrix()
	nnz := 0
	if rows > 0 || len(raw.Indptr) > 0 {
		if len(raw.Indptr) != rows+1 {
			return fmt.Errorf("export: matrix market: malformed CSR: %d row pointers for %d rows", len(raw.Indptr), rows)
		}
		nnz = raw.Indptr[rows] - raw.Indptr[0]
		if nnz < 0 || raw.Indptr[0] < 0 || raw.Indptr[rows] > len(raw.Ind) || raw.Indptr[rows] > len(raw.Data) {
			return fmt.Errorf("export: matrix market: malformed CSR: row pointers [%d, %d] for %d indices and %d values",
				raw.Indptr[0], raw.Indptr[rows], len(raw.Ind), len(raw.Data))
		}
	}
	bw := newWriter(w)
	bw.WriteString(mmBanner)
	bw.WriteByte('\n')
	if comment != "" {
		for _, line := range strings.Split(strings.ReplaceAll(comment, "\r\n", "\n"), "\n") {
			bw.WriteString(strings.TrimRight("% "+line, " "))
			bw.WriteByte('\n')
		}
	}
	fmt.Fprintf(bw, "%d %d %d\n", rows, cols, nnz)
	var rowBuf []byte
	for i := 0; i < rows; i++ {
		lo, hi := raw.Indptr[i], raw.Indptr[i+1]
		if lo > hi || lo < raw.Indptr[0] || hi > raw.Indptr[rows] {
			return fmt.Errorf("export: matrix market: malformed CSR: row %d spans [%d, %d)", i, lo, hi)
		}
		if lo == hi {
			continue
		}
		rowBuf = strconv.AppendInt(rowBuf[:0], int64(i+1), 10)
		rowBuf = append(rowBuf, ' ')
		for p := lo; p < hi; p++ {
			j := raw.Ind[p]
			if j < 0 || j >= cols {
				return fmt.Errorf("export: matrix market: malformed CSR: column %d in row %d outside [0, %d)", j, i, cols)
			}
			b := bw.AvailableBuffer()
			b = append(b, rowBuf...)
			b = strconv.AppendInt(b, int64(j+1), 10)
			b = append(b, ' ')
			b = strconv.AppendFloat(b, raw.Data[p], 'g', -1, 64)
			b = append(b, '\n')
			bw.Write(b)
		}
	}
	return flush("matrix market", bw)
}

// WriteMatrixMarket writes m to the file at path in the format of
// MatrixMarket, replacing the file atomically.
func WriteMatrixMarket(path string, m *sparse.CSR, comment string) error {
	return writeFile(path, func(w io.Writer) error { return MatrixMarket(w, m, comment) })
}

// mmMaxDim bounds the dimensions ReadMatrixMarket accepts, so that a
// corrupt size line cannot trigger an enormous allocation.
const mmMaxDim = math.MaxInt32

// ReadMatrixMarket reads a MatrixMarket coordinate file into a CSR matrix
// whose rows have sorted column indices, with duplicate entries summed.
// The field may be real, double or integer and the symmetry general,
// symmetric or skew-symmetric (the missing triangle is filled in); the
// banner is matched case-insensitively. Comment and blank lines are
// skipped. Pattern, complex and dense array files, out-of-range indices
// and a wrong number of entries give an error.
func ReadMatrixMarket(r io.Reader) (*sparse.CSR, error) {
	lr := newLineReader(r)
	banner, err := lr.next()
	if err != nil {
		return nil, fmt.Errorf("export: read matrix market: banner: %w", err)
	}
	tok := strings.Fields(strings.ToLower(string(banner)))
	if len(tok) != 5 || tok[0] != "%%matrixmarket" || tok[1] != "matrix" {
		return nil, fmt.Errorf("export: read matrix market: bad banner %q, want %q", banner, mmBanner)
	}
	if tok[2] != "coordinate" {
		return nil, fmt.Errorf("export: read matrix market: format %q not supported, want coordinate", tok[2])
	}
	switch tok[3] {
	case "real", "double", "integer":
	default:
		return nil, fmt.Errorf("export: read matrix market: field %q not supported, want real", tok[3])
	}
	sym := tok[4]
	switch sym {
	case "general", "symmetric", "skew-symmetric":
	default:
		return nil, fmt.Errorf("export: read matrix market: symmetry %q not supported, want general", sym)
	}

	// Size line, after comments and blank lines.
	var size []byte
	for {
		size, err = lr.next()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("export: read matrix market: missing size line")
		}
		if err != nil {
			return nil, fmt.Errorf("export: read matrix market: %w", err)
		}
		t := bytes.TrimSpace(size)
		if len(t) > 0 && t[0] != '%' {
			break
		}
	}
	f := bytes.Fields(size)
	if len(f) != 3 {
		return nil, fmt.Errorf("export: read matrix market: line %d: size line %q, want \"rows cols nnz\"", lr.line, size)
	}
	var dims [3]int
	for k := range dims {
		v, err := strconv.Atoi(string(f[k]))
		if err != nil || v < 0 || (k < 2 && v > mmMaxDim) {
			return nil, fmt.Errorf("export: read matrix market: line %d: bad size %q", lr.line, f[k])
		}
		dims[k] = v
	}
	rows, cols, nnz := dims[0], dims[1], dims[2]
	if sym != "general" && rows != cols {
		return nil, fmt.Errorf("export: read matrix market: %s matrix is %d×%d, not square", sym, rows, cols)
	}
	if nnz > 0 && (rows == 0 || cols == 0 || (nnz-1)/rows >= cols) {
		return nil, fmt.Errorf("export: read matrix market: %d entries do not fit a %d×%d matrix", nnz, rows, cols)
	}

	capacity := min(nnz, 1<<22)
	if sym != "general" {
		capacity = min(2*nnz, 1<<22)
	}
	ri := make([]int, 0, capacity)
	ci := make([]int, 0, capacity)
	vs := make([]float64, 0, capacity)
	read := 0
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("export: read matrix market: %w", err)
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '%' {
			continue
		}
		if read == nnz {
			return nil, fmt.Errorf("export: read matrix market: line %d: more than the %d entries declared", lr.line, nnz)
		}
		i, j, v, err := parseEntry(t)
		if err != nil {
			return nil, fmt.Errorf("export: read matrix market: line %d: %w", lr.line, err)
		}
		if i < 1 || i > rows || j < 1 || j > cols {
			return nil, fmt.Errorf("export: read matrix market: line %d: entry (%d, %d) outside the %d×%d matrix", lr.line, i, j, rows, cols)
		}
		read++
		ri, ci, vs = append(ri, i-1), append(ci, j-1), append(vs, v)
		if i != j {
			switch sym {
			case "symmetric":
				ri, ci, vs = append(ri, j-1), append(ci, i-1), append(vs, v)
			case "skew-symmetric":
				ri, ci, vs = append(ri, j-1), append(ci, i-1), append(vs, -v)
			}
		}
	}
	if read != nnz {
		return nil, fmt.Errorf("export: read matrix market: %d entries, want %d", read, nnz)
	}
	return buildCSR(rows, cols, ri, ci, vs), nil
}

// parseEntry parses an "i j value" line.
func parseEntry(t []byte) (i, j int, v float64, err error) {
	var f [3][]byte
	n := 0
	for p := 0; p < len(t); {
		for p < len(t) && (t[p] == ' ' || t[p] == '\t') {
			p++
		}
		if p == len(t) {
			break
		}
		q := p
		for q < len(t) && t[q] != ' ' && t[q] != '\t' {
			q++
		}
		if n == 3 {
			return 0, 0, 0, errors.New("more than three numbers in entry")
		}
		f[n] = t[p:q]
		n++
		p = q
	}
	if n != 3 {
		return 0, 0, 0, fmt.Errorf("%d numbers in entry, want \"i j value\"", n)
	}
	if i, err = strconv.Atoi(string(f[0])); err != nil {
		return 0, 0, 0, fmt.Errorf("row index: %w", err)
	}
	if j, err = strconv.Atoi(string(f[1])); err != nil {
		return 0, 0, 0, fmt.Errorf("column index: %w", err)
	}
	if v, err = strconv.ParseFloat(string(f[2]), 64); err != nil {
		return 0, 0, 0, fmt.Errorf("value: %w", err)
	}
	return i, j, v, nil
}

// buildCSR assembles coordinate triplets (0-based) into a CSR matrix with
// sorted columns and summed duplicates, by two stable counting sorts: by
// column, then by row.
func buildCSR(rows, cols int, ri, ci []int, vs []float64) *sparse.CSR {
	n := len(vs)
	// Sort by column.
	colPtr := make([]int, cols+1)
	for _, j := range ci {
		colPtr[j+1]++
	}
	for j := 0; j < cols; j++ {
		colPtr[j+1] += colPtr[j]
	}
	r1 := make([]int, n)
	v1 := make([]float64, n)
	c1 := make([]int, n)
	for p, j := range ci {
		q := colPtr[j]
		colPtr[j]++
		r1[q], c1[q], v1[q] = ri[p], j, vs[p]
	}
	// Stable sort by row, keeping column order within rows.
	indptr := make([]int, rows+1)
	for _, i := range r1 {
		indptr[i+1]++
	}
	for i := 0; i < rows; i++ {
		indptr[i+1] += indptr[i]
	}
	next := append([]int(nil), indptr[:rows]...)
	ind := ri[:n] // reuse the input slices as output storage
	data := vs[:n]
	for p, i := range r1 {
		q := next[i]
		next[i]++
		ind[q], data[q] = c1[p], v1[p]
	}
	// Sum duplicates in place.
	out := 0
	for i := 0; i < rows; i++ {
		start := out
		for p := indptr[i]; p < indptr[i+1]; p++ {
			if out > start && ind[out-1] == ind[p] {
				data[out-1] += data[p]
				continue
			}
			ind[out], data[out] = ind[p], data[p]
			out++
		}
		indptr[i] = start
	}
	indptr[rows] = out
	return sparse.NewCSR(rows, cols, indptr, ind[:out:out], data[:out:out])
}
