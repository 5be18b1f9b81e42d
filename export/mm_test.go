package export

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"
)

// randomCSR returns a rows×cols CSR matrix with sorted distinct columns and
// roughly density·cols entries per row.
func randomCSR(rng *rand.Rand, rows, cols int, density float64) *sparse.CSR {
	indptr := []int{0}
	var ind []int
	var data []float64
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rng.Float64() < density {
				ind = append(ind, j)
				data = append(data, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(30)-15)))
			}
		}
		indptr = append(indptr, len(ind))
	}
	return sparse.NewCSR(rows, cols, indptr, ind, data)
}

func equalCSR(t *testing.T, got, want *sparse.CSR) {
	t.Helper()
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		t.Fatalf("dims %d×%d, want %d×%d", gr, gc, wr, wc)
	}
	g, w := got.RawMatrix(), want.RawMatrix()
	if !slices.Equal(g.Indptr, w.Indptr) || !slices.Equal(g.Ind, w.Ind) || !sameBits(g.Data, w.Data) {
		t.Errorf("matrices differ:\n got %v %v %v\nwant %v %v %v", g.Indptr, g.Ind, g.Data, w.Indptr, w.Ind, w.Data)
	}
}

func TestMatrixMarketRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, dims := range [][2]int{{30, 30}, {17, 40}, {40, 3}, {1, 1}} {
		m := randomCSR(rng, dims[0], dims[1], 0.2)
		var buf bytes.Buffer
		if err := MatrixMarket(&buf, m, "test matrix\nsecond line"); err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(buf.String(), "\n", 5)
		wantHead := []string{
			"%%MatrixMarket matrix coordinate real general",
			"% test matrix",
			"% second line",
		}
		if !slices.Equal(lines[:3], wantHead) {
			t.Errorf("header %q", lines[:3])
		}
		var r, c, n int
		if _, err := fmt.Sscan(lines[3], &r, &c, &n); err != nil || r != dims[0] || c != dims[1] || n != m.NNZ() {
			t.Errorf("size line %q (nnz %d)", lines[3], m.NNZ())
		}
		got, err := ReadMatrixMarket(&buf)
		if err != nil {
			t.Fatal(err)
		}
		equalCSR(t, got, m)
	}
}

func TestWriteMatrixMarket(t *testing.T) {
	m := randomCSR(rand.New(rand.NewPCG(9, 10)), 12, 12, 0.3)
	path := filepath.Join(t.TempDir(), "a.mtx")
	if err := WriteMatrixMarket(path, m, ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "\n%") {
		t.Error("comment line written for an empty comment")
	}
	got, err := ReadMatrixMarket(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	equalCSR(t, got, m)
}

func TestMatrixMarketEntries(t *testing.T) {
	m := sparse.NewCSR(2, 3, []int{0, 2, 3}, []int{0, 2, 1}, []float64{1.5, -2, 1e-300})
	var buf bytes.Buffer
	if err := MatrixMarket(&buf, m, "A"); err != nil {
		t.Fatal(err)
	}
	want := "%%MatrixMarket matrix coordinate real general\n% A\n2 3 3\n1 1 1.5\n1 3 -2\n2 2 1e-300\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// Empty matrices.
	for _, e := range []*sparse.CSR{sparse.NewCSR(3, 2, []int{0, 0, 0, 0}, nil, nil), sparse.NewCSR(0, 0, nil, nil, nil)} {
		buf.Reset()
		if err := MatrixMarket(&buf, e, ""); err != nil {
			t.Fatal(err)
		}
		got, err := ReadMatrixMarket(&buf)
		if err != nil {
			t.Fatal(err)
		}
		r, c := got.Dims()
		er, ec := e.Dims()
		if r != er || c != ec || got.NNZ() != 0 {
			t.Errorf("empty %d×%d read as %d×%d with %d entries", er, ec, r, c, got.NNZ())
		}
	}
}

func TestReadMatrixMarketDuplicatesAndSymmetry(t *testing.T) {
	in := "%%MatrixMarket matrix coordinate real general\n" +
		"% unsorted, with duplicates, CRLF and blank lines\r\n" +
		"\n" +
		"3 3 6\r\n" +
		"3 3 1\n" +
		"1 3 2\n" +
		"1 1 3\n" +
		"1 3 0.5\n" +
		"\t2   1   -4 \n" +
		"3 1 5\n\n"
	got, err := ReadMatrixMarket(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := sparse.NewCSR(3, 3, []int{0, 2, 3, 5}, []int{0, 2, 0, 0, 2}, []float64{3, 2.5, -4, 5, 1})
	equalCSR(t, got, want)

	sym := "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 1\n2 1 7\n"
	got, err = ReadMatrixMarket(strings.NewReader(sym))
	if err != nil {
		t.Fatal(err)
	}
	equalCSR(t, got, sparse.NewCSR(2, 2, []int{0, 2, 3}, []int{0, 1, 0}, []float64{1, 7, 7}))

	integer := "%%matrixmarket MATRIX Coordinate Integer General\n1 2 1\n1 2 3\n"
	got, err = ReadMatrixMarket(strings.NewReader(integer))
	if err != nil || got.At(0, 1) != 3 {
		t.Errorf("integer matrix: %v", err)
	}
}

func TestReadMatrixMarketErrors(t *testing.T) {
	const b = "%%MatrixMarket matrix coordinate real general\n"
	cases := map[string]string{
		"empty":            "",
		"no banner":        "2 2 1\n1 1 1\n",
		"array format":     "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
		"pattern":          "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n",
		"complex":          "%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1 0\n",
		"hermitian":        "%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n1 1 1\n",
		"missing size":     b + "% only a comment\n",
		"short size":       b + "2 2\n",
		"bad size":         b + "2 x 1\n1 1 1\n",
		"negative size":    b + "-2 2 1\n1 1 1\n",
		"too many nnz":     b + "2 2 5\n1 1 1\n",
		"huge dims":        b + "99999999999 2 1\n1 1 1\n",
		"too few entries":  b + "2 2 2\n1 1 1\n",
		"too many entries": b + "2 2 1\n1 1 1\n2 2 2\n",
		"zero index":       b + "2 2 1\n0 1 1\n",
		"row out of range": b + "2 2 1\n3 1 1\n",
		"col out of range": b + "2 2 1\n1 3 1\n",
		"bad value":        b + "2 2 1\n1 1 abc\n",
		"bad index":        b + "2 2 1\n1.5 1 1\n",
		"missing value":    b + "2 2 1\n1 1\n",
		"extra number":     b + "2 2 1\n1 1 1 1\n",
		"nonsquare sym":    "%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n",
	}
	for name, in := range cases {
		_, err := ReadMatrixMarket(strings.NewReader(in))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
}

func TestMatrixMarketWriteErrors(t *testing.T) {
	if err := MatrixMarket(&bytes.Buffer{}, nil, ""); err == nil {
		t.Error("nil matrix: no error")
	}
	bad := map[string]*sparse.CSR{
		"short indptr": sparse.NewCSR(3, 3, []int{0, 1}, []int{0}, []float64{1}),
		"column range": sparse.NewCSR(2, 2, []int{0, 1, 1}, []int{5}, []float64{1}),
		"decreasing":   sparse.NewCSR(2, 2, []int{0, 1, 0}, []int{0}, []float64{1}),
		"short data":   sparse.NewCSR(1, 2, []int{0, 2}, []int{0, 1}, []float64{1}),
	}
	for name, m := range bad {
		if err := MatrixMarket(&bytes.Buffer{}, m, ""); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
