package export

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
)

// npyBytes builds a .npy file by hand the way NumPy lays it out: magic,
// version, little-endian header length, dictionary padded with spaces and
// ended by '\n', then the raw data.
func npyBytes(major byte, dict string, align int, data []byte) []byte {
	lenBytes := 2
	if major > 1 {
		lenBytes = 4
	}
	n := 8 + lenBytes + len(dict) + 1
	pad := (align - n%align) % align
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	b := []byte("\x93NUMPY")
	b = append(b, major, 0)
	if major > 1 {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	}
	b = append(b, hdr...)
	return append(b, data...)
}

func f8(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func TestNPYHeaderAndData(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range testGrids(t) {
		p := randomField(g, rng)
		var buf bytes.Buffer
		if err := NPY(&buf, g, p); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if string(b[:6]) != "\x93NUMPY" || b[6] != 1 || b[7] != 0 {
			t.Fatalf("%d-D: bad preamble %q", g.Dim(), b[:8])
		}
		hlen := int(binary.LittleEndian.Uint16(b[8:10]))
		total := 10 + hlen
		if total%64 != 0 {
			t.Errorf("%d-D: header ends at %d, not 64-aligned", g.Dim(), total)
		}
		if b[total-1] != '\n' {
			t.Errorf("%d-D: header does not end with newline", g.Dim())
		}
		var shape string
		switch g.Dim() {
		case 1:
			shape = "(7,)"
		case 2:
			shape = "(4, 5)"
		case 3:
			shape = "(2, 4, 3)"
		}
		dict := "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }"
		if got := strings.TrimRight(string(b[10:total]), " \n"); got != dict {
			t.Errorf("%d-D: dict %q, want %q", g.Dim(), got, dict)
		}
		if len(b) != total+8*g.Len() {
			t.Errorf("%d-D: %d bytes, want %d", g.Dim(), len(b), total+8*g.Len())
		}
		gotShape, data, err := ReadNPY(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		wantShape := make([]int, g.Dim())
		for k := range wantShape {
			wantShape[g.Dim()-1-k] = g.N(k)
		}
		if !slices.Equal(gotShape, wantShape) {
			t.Errorf("%d-D: shape %v, want %v", g.Dim(), gotShape, wantShape)
		}
		if !sameBits(data, p) {
			t.Errorf("%d-D: data differ", g.Dim())
		}
	}
}

// TestNPYIndexOrder checks that array element [j, i] (C order) is cell
// (i, j) of the grid.
func TestNPYIndexOrder(t *testing.T) {
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 1, N: 3}, grid.Axis{Lo: 0, Hi: 1, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, g.Len())
	for j := 0; j < 2; j++ {
		for i := 0; i < 3; i++ {
			p[g.Index([]int{i, j})] = float64(10*i + j)
		}
	}
	var buf bytes.Buffer
	if err := NPY(&buf, g, p); err != nil {
		t.Fatal(err)
	}
	shape, data, err := ReadNPY(&buf)
	if err != nil {
		t.Fatal(err)
	}
	nx := shape[1]
	for j := 0; j < shape[0]; j++ {
		for i := 0; i < nx; i++ {
			if data[j*nx+i] != float64(10*i+j) {
				t.Errorf("[%d, %d] = %g, want cell (%d, %d) = %d", j, i, data[j*nx+i], i, j, 10*i+j)
			}
		}
	}
}

func TestNPYStack(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, g := range testGrids(t) {
		fields := [][]float64{randomField(g, rng), randomField(g, rng), randomField(g, rng), randomField(g, rng)}
		path := filepath.Join(t.TempDir(), "stack.npy")
		if err := WriteNPY(path, g, fields...); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		shape, data, err := ReadNPY(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := []int{4}
		for k := g.Dim() - 1; k >= 0; k-- {
			want = append(want, g.N(k))
		}
		if !slices.Equal(shape, want) {
			t.Errorf("%d-D stack shape %v, want %v", g.Dim(), shape, want)
		}
		if !sameBits(data, slices.Concat(fields...)) {
			t.Errorf("%d-D stack data differ", g.Dim())
		}
		// A single field gives a plain array.
		if err := WriteNPY(path, g, fields[0]); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(path)
		shape, _, err = ReadNPY(bytes.NewReader(raw))
		if err != nil || len(shape) != g.Dim() {
			t.Errorf("%d-D single field shape %v, %v", g.Dim(), shape, err)
		}
	}
}

// TestReadNPYFromNumPy parses byte strings laid out as numpy.save writes
// them.
func TestReadNPYFromNumPy(t *testing.T) {
	vals := []float64{0, 1.5, -2, 3e-300, 4, math.Pi}
	// numpy ≥ 1.23 (np.save(f, np.arange(6.).reshape(2, 3))): 64-byte
	// alignment plus spare spaces so the shape can grow in place; header
	// length 118 (0x76), data at byte 128.
	numpyDict := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
	modern := []byte("\x93NUMPY\x01\x00\x76\x00" + numpyDict + strings.Repeat(" ", 118-len(numpyDict)-1) + "\n")
	if len(modern) != 128 {
		t.Fatalf("hand-built header is %d bytes", len(modern))
	}
	modern = append(modern, f8(vals...)...)
	cases := map[string][]byte{
		"numpy 64-aligned":      modern,
		"old numpy 16-aligned":  npyBytes(1, numpyDict, 16, f8(vals...)),
		"version 2.0":           npyBytes(2, numpyDict, 64, f8(vals...)),
		"double quotes, no sp":  npyBytes(1, `{"shape":(2,3),"fortran_order":False,"descr":"<f8"}`, 16, f8(vals...)),
		"python 2 long dims":    npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", 16, f8(vals...)),
		"trailing data ignored": append(npyBytes(1, numpyDict, 64, f8(vals...)), 1, 2, 3),
	}
	for name, b := range cases {
		shape, data, err := ReadNPY(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(shape, []int{2, 3}) || !sameBits(data, vals) {
			t.Errorf("%s: shape %v data %v", name, shape, data)
		}
	}
	// A 0-d array and an empty array.
	shape, data, err := ReadNPY(bytes.NewReader(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 64, f8(7))))
	if err != nil || len(shape) != 0 || len(data) != 1 || data[0] != 7 {
		t.Errorf("0-d array: %v %v %v", shape, data, err)
	}
	shape, data, err = ReadNPY(bytes.NewReader(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }", 64, nil)))
	if err != nil || !slices.Equal(shape, []int{0, 4}) || len(data) != 0 {
		t.Errorf("empty array: %v %v %v", shape, data, err)
	}
}

func TestReadNPYErrors(t *testing.T) {
	dict := func(descr, fortran, shape string) string {
		return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }"
	}
	data := f8(1, 2, 3, 4, 5, 6)
	cases := map[string][]byte{
		"float32":         npyBytes(1, dict("'<f4'", "False", "(2, 3)"), 64, data),
		"big-endian":      npyBytes(1, dict("'>f8'", "False", "(2, 3)"), 64, data),
		"int64":           npyBytes(1, dict("'<i8'", "False", "(2, 3)"), 64, data),
		"structured":      npyBytes(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", 64, data),
		"fortran":         npyBytes(1, dict("'<f8'", "True", "(2, 3)"), 64, data),
		"truncated data":  npyBytes(1, dict("'<f8'", "False", "(2, 4)"), 64, data),
		"big, truncated":  npyBytes(1, dict("'<f8'", "False", "(1000000000,)"), 64, data),
		"huge shape":      npyBytes(1, dict("'<f8'", "False", "(100000000000, 100000000000)"), 64, data),
		"missing key":     npyBytes(1, "{'descr': '<f8', 'shape': (2, 3), }", 64, data),
		"unknown key":     npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 64, data),
		"bad shape":       npyBytes(1, dict("'<f8'", "False", "(2 3)"), 64, data),
		"negative dim":    npyBytes(1, dict("'<f8'", "False", "(-2, 3)"), 64, data),
		"bad bool":        npyBytes(1, dict("'<f8'", "maybe", "(2, 3)"), 64, data),
		"not a dict":      npyBytes(1, "[1, 2]", 64, data),
		"version 9":       npyBytes(9, dict("'<f8'", "False", "(2, 3)"), 64, data),
		"bad magic":       append([]byte("\x93NUMPX\x01\x00"), npyBytes(1, dict("'<f8'", "False", "(2, 3)"), 64, data)[8:]...),
		"truncated hdr":   npyBytes(1, dict("'<f8'", "False", "(2, 3)"), 64, data)[:30],
		"empty":           nil,
		"unterminated":    npyBytes(1, "{'descr': '<f8", 64, data),
		"trailing header": npyBytes(1, dict("'<f8'", "False", "(2, 3)")+" junk", 64, data),
	}
	for name, b := range cases {
		_, _, err := ReadNPY(bytes.NewReader(b))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	_, _, err := ReadNPY(bytes.NewReader(cases["float32"]))
	if !strings.Contains(err.Error(), "<f4") || !strings.Contains(err.Error(), "dtype") {
		t.Errorf("dtype error is not clear: %v", err)
	}
}

func TestNPYWriteErrors(t *testing.T) {
	g := testGrids(t)[1]
	if err := NPY(&bytes.Buffer{}, g, make([]float64, g.Len()+1)); err == nil {
		t.Error("long field: no error")
	}
	if err := NPYStack(&bytes.Buffer{}, g, nil); err == nil {
		t.Error("empty stack: no error")
	}
	if err := NPYStack(&bytes.Buffer{}, g, [][]float64{make([]float64, g.Len()), {1}}); err == nil {
		t.Error("ragged stack: no error")
	}
	if err := WriteNPY(filepath.Join(t.TempDir(), "x.npy"), g); err == nil {
		t.Error("WriteNPY without fields: no error")
	}
}
