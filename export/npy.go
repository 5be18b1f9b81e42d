package export

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fpsolve/fpsolve/grid"
)

// npyMagic opens every .npy file.
const npyMagic = "\x93NUMPY"

// npyAlign is the alignment of the start of the array data; NumPy writes
// 64 (older versions 16).
const npyAlign = 64

// gridShape returns the NumPy shape of a field on g: the grid axes in
// reverse order, so that C order matches fpsolve's natural order.
func gridShape(g *grid.Grid) []int {
	d := g.Dim()
	shape := make([]int, d)
	for k := 0; k < d; k++ {
		shape[d-1-k] = g.N(k)
	}
	return shape
}

// NPY writes field as a NumPy .npy file (format version 1.0, little-endian
// float64 '<f8', C order). The array has shape (Nx,), (Ny, Nx) or
// (Nz, Ny, Nx): grid axis 0 is the last NumPy axis, so that
// numpy.load(path)[j, i] is cell (i, j). The header is padded so that the
// data starts at a multiple of 64 bytes, as NumPy does.
func NPY(w io.Writer, g *grid.Grid, field []float64) error {
	if err := checkFields("npy", g, nil, [][]float64{field}); err != nil {
		return err
	}
	return writeNPY(w, gridShape(g), [][]float64{field})
}

// NPYStack writes several fields on g as one NumPy array with a leading
// axis over the fields (typically time): shape (T, Nx), (T, Ny, Nx) or
// (T, Nz, Ny, Nx) for T = len(fields) ≥ 1. Otherwise it is like NPY.
func NPYStack(w io.Writer, g *grid.Grid, fields [][]float64) error {
	if len(fields) == 0 {
		return errors.New("export: npy: no fields to stack")
	}
	if err := checkFields("npy", g, nil, fields); err != nil {
		return err
	}
	return writeNPY(w, append([]int{len(fields)}, gridShape(g)...), fields)
}

// WriteNPY writes fields to the file at path, replacing it atomically: one
// field as by NPY, several as by NPYStack.
func WriteNPY(path string, g *grid.Grid, fields ...[]float64) error {
	return writeFile(path, func(w io.Writer) error {
		if len(fields) == 1 {
			return NPY(w, g, fields[0])
		}
		return NPYStack(w, g, fields)
	})
}

// npyHeader returns the magic string, version, header length and header
// dictionary of a version 1.0 '<f8' C-order file of the given shape.
func npyHeader(shape []int) []byte {
	var dict strings.Builder
	dict.WriteString("{'descr': '<f8', 'fortran_order': False, 'shape': (")
	for i, n := range shape {
		if i > 0 {
			dict.WriteString(", ")
		}
		dict.WriteString(strconv.Itoa(n))
	}
	if len(shape) == 1 {
		dict.WriteByte(',')
	}
	dict.WriteString("), }")
	// magic (6) + version (2) + length (2) + dict + padding + '\n'.
	n := 10 + dict.Len() + 1
	pad := (npyAlign - n%npyAlign) % npyAlign
	hlen := dict.Len() + pad + 1
	b := make([]byte, 0, 10+hlen)
	b = append(b, npyMagic...)
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	b = append(b, dict.String()...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, '\n')
}

// writeNPY writes the header for shape and the concatenated fields.
func writeNPY(w io.Writer, shape []int, fields [][]float64) error {
	if _, err := w.Write(npyHeader(shape)); err != nil {
		return fmt.Errorf("export: npy: write: %w", err)
	}
	buf := make([]byte, 0, bufSize)
	for _, f := range fields {
		for _, v := range f {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return fmt.Errorf("export: npy: write: %w", err)
				}
				buf = buf[:0]
			}
		}
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("export: npy: write: %w", err)
	}
	return nil
}

// ReadNPY reads a NumPy .npy array of little-endian float64 ('<f8') in C
// order, as written by NPY, NPYStack or numpy.save, and returns its shape
// and its values in C order (last axis fastest). Format versions 1.0, 2.0
// and 3.0 are accepted. Other dtypes, Fortran order and malformed or
// truncated files give an error.
func ReadNPY(r io.Reader) (shape []int, data []float64, err error) {
	br := bufio.NewReaderSize(r, bufSize)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, nil, fmt.Errorf("export: read npy: preamble: %w", err)
	}
	if string(pre[:6]) != npyMagic {
		return nil, nil, fmt.Errorf("export: read npy: bad magic %q, want %q: not a .npy file", pre[:6], npyMagic)
	}
	var hlen int
	switch major := pre[6]; major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, nil, fmt.Errorf("export: read npy: header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, nil, fmt.Errorf("export: read npy: header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
		if hlen > 1<<24 {
			return nil, nil, fmt.Errorf("export: read npy: header length %d is implausibly large", hlen)
		}
	default:
		return nil, nil, fmt.Errorf("export: read npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, nil, fmt.Errorf("export: read npy: header: %w", err)
	}
	h, err := parseNPYHeader(string(hdr))
	if err != nil {
		return nil, nil, fmt.Errorf("export: read npy: header %q: %w", strings.TrimSpace(string(hdr)), err)
	}
	if h.descr != "<f8" {
		return nil, nil, fmt.Errorf("export: read npy: unsupported dtype %q: only little-endian float64 '<f8' is supported", h.descr)
	}
	if h.fortran {
		return nil, nil, errors.New("export: read npy: Fortran-order arrays are not supported: save a C-order array")
	}
	n := 1
	for _, s := range h.shape {
		if s < 0 {
			return nil, nil, fmt.Errorf("export: read npy: negative dimension in shape %v", h.shape)
		}
		if s != 0 && n > math.MaxInt/8/s {
			return nil, nil, fmt.Errorf("export: read npy: shape %v is too large", h.shape)
		}
		n *= s
	}
	// Read in chunks so that a truncated file claiming a huge shape fails
	// before a huge allocation.
	data = make([]float64, 0, min(n, 1<<20))
	buf := make([]byte, 8*min(n, 1<<16))
	for len(data) < n {
		chunk := buf[:8*min(n-len(data), len(buf)/8)]
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, nil, fmt.Errorf("export: read npy: data truncated after %d of %d values: %w", len(data), n, err)
		}
		for i := 0; i < len(chunk); i += 8 {
			data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(chunk[i:])))
		}
	}
	return h.shape, data, nil
}

// npyDict holds the entries of a .npy header dictionary.
type npyDict struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the Python dictionary literal of a .npy header:
// {'descr': <str>, 'fortran_order': <bool>, 'shape': <tuple of ints>}.
func parseNPYHeader(s string) (npyDict, error) {
	p := &pyParser{s: s}
	var h npyDict
	seen := map[string]bool{}
	if !p.eat('{') {
		return h, errors.New("want a dictionary")
	}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("key: %w", err)
		}
		if seen[key] {
			return h, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return h, fmt.Errorf("want ':' after key %q", key)
		}
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, errors.New("structured dtypes are not supported")
			}
			h.descr, err = p.str()
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, fmt.Errorf("unexpected key %q", key)
		}
		if err != nil {
			return h, fmt.Errorf("%s: %w", key, err)
		}
		if !p.eat(',') && p.peek() != '}' {
			return h, fmt.Errorf("want ',' or '}' after %q", key)
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("missing key %q", k)
		}
	}
	if rest := strings.TrimSpace(p.s[p.i:]); rest != "" {
		return h, fmt.Errorf("trailing text %q", rest)
	}
	return h, nil
}

// pyParser scans the small subset of Python literals used in .npy headers.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *pyParser) peek() byte {
	p.skip()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// eat consumes c if it is the next non-space byte.
func (p *pyParser) eat(c byte) bool {
	if p.peek() == c && c != 0 {
		p.i++
		return true
	}
	return false
}

// str parses a quoted string without escapes.
func (p *pyParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", errors.New("want a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

// boolean parses True or False.
func (p *pyParser) boolean() (bool, error) {
	p.skip()
	for _, w := range []string{"True", "False"} {
		if strings.HasPrefix(p.s[p.i:], w) {
			p.i += len(w)
			return w == "True", nil
		}
	}
	return false, errors.New("want True or False")
}

// tuple parses a tuple of non-negative integers such as (), (3,) or (2, 3).
func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple")
	}
	shape := []int{}
	for !p.eat(')') {
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		if err != nil {
			return nil, fmt.Errorf("bad dimension at %q", p.s[p.i:min(p.i+10, len(p.s))])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long suffix
			p.i++
		}
		shape = append(shape, n)
		if !p.eat(',') && p.peek() != ')' {
			return nil, errors.New("want ',' or ')' in tuple")
		}
	}
	return shape, nil
}
