package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
)

func TestVTKHeader2D(t *testing.T) {
	g, err := grid.New(grid.Axis{Lo: 0, Hi: 1, N: 4}, grid.Axis{Lo: -1, Hi: 1, N: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := []float64{1, 2, 3, 4, 5, 6, 7, 0.1}
	q := []float64{-1, -2, -3, -4, -5, -6, -7, 1e-310}
	var buf bytes.Buffer
	if err := VTK(&buf, g, "density\nat t=1", []string{"P", "Q"}, [][]float64{p, q}); err != nil {
		t.Fatal(err)
	}
	want := "# vtk DataFile Version 3.0\n" +
		"density at t=1\n" +
		"ASCII\n" +
		"DATASET STRUCTURED_POINTS\n" +
		"DIMENSIONS 4 2 1\n" +
		"ORIGIN 0.125 -0.5 0\n" +
		"SPACING 0.25 1 1\n" +
		"POINT_DATA 8\n" +
		"SCALARS P double 1\n" +
		"LOOKUP_TABLE default\n"
	got := buf.String()
	if !strings.HasPrefix(got, want) {
		t.Fatalf("header:\n%s\nwant prefix:\n%s", got, want)
	}
	// Parse the two blocks and count the values.
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	blocks := map[string][]float64{}
	var cur string
	for _, l := range lines[8:] {
		switch {
		case strings.HasPrefix(l, "SCALARS "):
			cur = strings.Fields(l)[1]
		case l == "LOOKUP_TABLE default":
		default:
			v, err := strconv.ParseFloat(l, 64)
			if err != nil {
				t.Fatalf("value line %q: %v", l, err)
			}
			blocks[cur] = append(blocks[cur], v)
		}
	}
	if len(blocks) != 2 || !sameBits(blocks["P"], p) || !sameBits(blocks["Q"], q) {
		t.Errorf("value blocks %v", blocks)
	}
}

func TestVTKDims(t *testing.T) {
	for _, g := range testGrids(t) {
		path := filepath.Join(t.TempDir(), "f.vtk")
		p := make([]float64, g.Len())
		if err := WriteVTK(path, g, "", []string{"P"}, [][]float64{p}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		if lines[1] != "fpsolve" {
			t.Errorf("default title %q", lines[1])
		}
		n := [3]int{1, 1, 1}
		for k := 0; k < g.Dim(); k++ {
			n[k] = g.N(k)
		}
		wantDims := "DIMENSIONS " + strconv.Itoa(n[0]) + " " + strconv.Itoa(n[1]) + " " + strconv.Itoa(n[2])
		if lines[4] != wantDims {
			t.Errorf("%d-D: %q, want %q", g.Dim(), lines[4], wantDims)
		}
		if lines[7] != "POINT_DATA "+strconv.Itoa(g.Len()) {
			t.Errorf("%d-D: %q", g.Dim(), lines[7])
		}
		if got := len(lines) - 1 - 10; got != g.Len() {
			t.Errorf("%d-D: %d values, want %d", g.Dim(), got, g.Len())
		}
	}
}

func TestVTKErrors(t *testing.T) {
	g := testGrids(t)[1]
	ok := make([]float64, g.Len())
	cases := map[string]struct {
		names  []string
		fields [][]float64
	}{
		"no fields":      {nil, nil},
		"nil names":      {nil, [][]float64{ok}},
		"short field":    {[]string{"P"}, [][]float64{ok[2:]}},
		"names mismatch": {[]string{"P"}, [][]float64{ok, ok}},
		"space in name":  {[]string{"my P"}, [][]float64{ok}},
		"empty name":     {[]string{""}, [][]float64{ok}},
	}
	for name, c := range cases {
		if err := VTK(&bytes.Buffer{}, g, "t", c.names, c.fields); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Long titles are cut to 255 bytes on a rune boundary.
	var buf bytes.Buffer
	if err := VTK(&buf, g, strings.Repeat("é", 200), []string{"P"}, [][]float64{ok}); err != nil {
		t.Fatal(err)
	}
	title := strings.Split(buf.String(), "\n")[1]
	if len(title) != 254 || !strings.HasPrefix(title, "éé") {
		t.Errorf("title of %d bytes", len(title))
	}
}
