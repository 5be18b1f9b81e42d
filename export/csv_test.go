package export

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
)

func TestCSVRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, g := range testGrids(t) {
		names := []string{"P", "flux x", "q"}
		fields := [][]float64{randomField(g, rng), randomField(g, rng), randomField(g, rng)}
		fields[2][0] = math.NaN()
		fields[2][1] = math.Inf(-1)
		fields[2][2] = math.Copysign(0, -1)
		fields[1][0] = math.SmallestNonzeroFloat64
		fields[1][1] = math.MaxFloat64
		var buf bytes.Buffer
		if err := CSV(&buf, g, names, fields); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		wantHeader := strings.Join(append([]string{"x", "y", "z"}[:g.Dim()], names...), ",")
		if lines[0] != wantHeader {
			t.Errorf("%d-D header %q, want %q", g.Dim(), lines[0], wantHeader)
		}
		if len(lines) != g.Len()+1 {
			t.Errorf("%d-D: %d lines, want %d", g.Dim(), len(lines), g.Len()+1)
		}
		gotNames, got, err := ReadCSV(bytes.NewReader(buf.Bytes()), g)
		if err != nil {
			t.Fatalf("%d-D: %v", g.Dim(), err)
		}
		if strings.Join(gotNames, "|") != strings.Join(names, "|") {
			t.Errorf("%d-D names %q, want %q", g.Dim(), gotNames, names)
		}
		for f := range fields {
			if !sameBits(got[f], fields[f]) {
				t.Errorf("%d-D field %q differs after round trip", g.Dim(), names[f])
			}
		}
	}
}

func TestCSVRows(t *testing.T) {
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 1, N: 2}, grid.Axis{Lo: 0, Hi: 4, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := CSV(&buf, g, []string{"P"}, [][]float64{{0.1, 0.2, 0.3, 1e-300}}); err != nil {
		t.Fatal(err)
	}
	want := "x,y,P\n0.25,1,0.1\n0.75,1,0.2\n0.25,3,0.3\n0.75,3,1e-300\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	// CRLF line ends and blank lines are accepted on reading.
	crlf := strings.ReplaceAll(want, "\n", "\r\n") + "\r\n"
	_, f, err := ReadCSV(strings.NewReader(crlf), g)
	if err != nil || f[0][3] != 1e-300 {
		t.Errorf("CRLF read: %v, %v", f, err)
	}
	// Coordinates only.
	buf.Reset()
	if err := CSV(&buf, g, nil, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "x,y\n0.25,1\n") {
		t.Errorf("coordinates-only CSV: %q", buf.String())
	}
}

func TestWriteCSV(t *testing.T) {
	g := testGrids(t)[1]
	p := make([]float64, g.Len())
	g.Sample(p, func(x []float64) float64 { return x[0] * x[1] })
	path := filepath.Join(t.TempDir(), "sub", "p.csv")
	if err := WriteCSV(path, g, []string{"P"}, [][]float64{p}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, got, err := ReadCSV(f, g)
	if err != nil || !sameBits(got[0], p) {
		t.Errorf("read back: %v", err)
	}
}

func TestCSVErrors(t *testing.T) {
	g := testGrids(t)[0]
	ok := make([]float64, g.Len())
	cases := map[string]struct {
		names  []string
		fields [][]float64
	}{
		"short field":    {[]string{"P"}, [][]float64{ok[1:]}},
		"names mismatch": {[]string{"P", "Q"}, [][]float64{ok}},
		"nil names":      {nil, [][]float64{ok}},
		"comma in name":  {[]string{"a,b"}, [][]float64{ok}},
		"empty name":     {[]string{""}, [][]float64{ok}},
	}
	for name, c := range cases {
		if err := CSV(&bytes.Buffer{}, g, c.names, c.fields); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := CSV(&bytes.Buffer{}, nil, nil, nil); err == nil {
		t.Error("nil grid: no error")
	}

	var buf bytes.Buffer
	if err := CSV(&buf, g, []string{"P"}, [][]float64{ok}); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	other := testGrids(t)[1]
	shifted, _ := grid.New(grid.Axis{Lo: -1.1, Hi: 2.5, N: 7})
	reads := map[string]struct {
		text string
		g    *grid.Grid
	}{
		"empty":         {"", g},
		"wrong grid":    {good, shifted},
		"wrong dim":     {good, other},
		"bad header":    {strings.Replace(good, "x,P", "t,P", 1), g},
		"missing row":   {good[:strings.LastIndex(good[:len(good)-1], "\n")+1], g},
		"extra row":     {good + "3,0\n", g},
		"bad number":    {strings.Replace(good, ",0\n", ",zero\n", 1), g},
		"short row":     {strings.Replace(good, ",0\n", "\n", 1), g},
		"long row":      {strings.Replace(good, ",0\n", ",0,1\n", 1), g},
		"no data rows":  {"x,P\n", g},
		"header only x": {"x\n", g},
	}
	for name, c := range reads {
		if _, _, err := ReadCSV(strings.NewReader(c.text), c.g); err == nil {
			t.Errorf("ReadCSV %s: no error", name)
		} else {
			t.Logf("ReadCSV %s: %v", name, err)
		}
	}
}
