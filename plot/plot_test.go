package plot

import (
	"bytes"
	"flag"
	"image/gif"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	gplot "gonum.org/v1/plot"

	"github.com/fpsolve/fpsolve/operators"
)

var regen = flag.Bool("regen", false, "rewrite golden files")

// golden saves a figure with save into a temporary PNG and compares its
// bytes with testdata/name, or rewrites that file under -regen.
func golden(t *testing.T, name string, save func(path string) error) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), name)
	if err := save(tmp); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("testdata", name)
	if *regen {
		if err := os.WriteFile(want, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	exp, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run go test -regen to create it)", err)
	}
	if !bytes.Equal(got, exp) {
		bad := filepath.Join(os.TempDir(), "fpsolve-plot-failed-"+name)
		_ = os.WriteFile(bad, got, 0o644)
		t.Errorf("%s differs from the golden file; got written to %s", name, bad)
	}
}

// density2DFixture is the 60×50 Boltzmann density of the 2-D double well
// at D = 0.25 with its contours, critical points and a synthetic current.
func density2DFixture(t testing.TB) Density2D {
	g, l, crit, p := boltzmann2D(t, 60, 50, 0.25)
	cur := syntheticCurrent(g, func(x []float64) float64 { return math.Exp(-l.Value(x) / 0.25) })
	return Density2D{Grid: g, P: p, Loss: l, Critical: crit, Current: cur, Title: "Boltzmann density, D = 0.25"}
}

func TestGoldenDensity2D(t *testing.T) {
	d := density2DFixture(t)
	golden(t, "density2d.png", d.Save)
}

func TestGoldenDensity2DLog(t *testing.T) {
	d := density2DFixture(t)
	d.Current = nil
	d.Log = true
	d.Title = ""
	golden(t, "density2d_log.png", d.Save)
}

func TestGoldenCurves1D(t *testing.T) {
	golden(t, "curves1d.png", curves1DFixture(t).Save)
}

func TestGoldenSurvival(t *testing.T) {
	golden(t, "survival.png", survivalFixture().Save)
}

func TestGoldenPanels(t *testing.T) {
	frames := panelFrames(t, 40, 30)
	golden(t, "panels.png", func(path string) error { return Panels(frames, 2, path) })
}

func TestDeterministic(t *testing.T) {
	d := density2DFixture(t)
	dir := t.TempDir()
	var outs [][]byte
	for _, name := range []string{"a.png", "b.png"} {
		path := filepath.Join(dir, name)
		if err := d.Save(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two renderings of the same figure differ")
	}
}

func TestVectorFormats(t *testing.T) {
	dir := t.TempDir()
	d := density2DFixture(t)
	c := curves1DFixture(t)
	s := survivalFixture()
	magic := map[string][]string{
		".svg": {"<?xml", "<svg"},
		".pdf": {"%PDF"},
	}
	for _, ext := range []string{".svg", ".pdf"} {
		for name, save := range map[string]func(string) error{
			"density": d.Save, "curves": c.Save, "survival": s.Save,
			"panels": func(p string) error { return Panels(panelFrames(t, 20, 15), 2, p) },
		} {
			path := filepath.Join(dir, name+ext)
			if err := save(path); err != nil {
				t.Fatalf("%s%s: %v", name, ext, err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ok := false
			for _, m := range magic[ext] {
				ok = ok || bytes.HasPrefix(b, []byte(m))
			}
			if !ok {
				t.Errorf("%s%s starts with %q", name, ext, b[:min(len(b), 12)])
			}
		}
	}
	if err := d.Save(filepath.Join(dir, "x.bmp")); err == nil {
		t.Error("no error for an unsupported extension")
	}
	// No extension means PNG.
	path := filepath.Join(dir, "noext")
	if err := d.Save(path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("a path without extension is not written as PNG")
	}
}

func TestGIF(t *testing.T) {
	dir := t.TempDir()
	check := func(path string, frames int) {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		g, err := gif.DecodeAll(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Image) != frames || len(g.Delay) != frames {
			t.Errorf("%s: %d frames, %d delays; want %d", path, len(g.Image), len(g.Delay), frames)
		}
		if g.LoopCount != 0 {
			t.Errorf("%s: loop count %d, want 0 (forever)", path, g.LoopCount)
		}
		if b := g.Image[0].Bounds(); b.Dx() != 480 || b.Dy() != 400 {
			t.Errorf("%s: frame size %v, want 480×400", path, b.Size())
		}
		for i, d := range g.Delay {
			if d != 12 {
				t.Errorf("%s: frame %d delay %d, want 12", path, i, d)
			}
		}
	}
	p2 := filepath.Join(dir, "d2.gif")
	if err := GIF2D(panelFrames(t, 40, 30), p2); err != nil {
		t.Fatal(err)
	}
	check(p2, 4)
	c := curves1DFixture(t)
	p1 := filepath.Join(dir, "d1.gif")
	if err := GIF1D(c, p1); err != nil {
		t.Fatal(err)
	}
	check(p1, len(c.Times))
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.png")
	d := density2DFixture(t)
	c := curves1DFixture(t)

	bad2D := map[string]Density2D{
		"no grid":     {P: d.P},
		"1-D grid":    {Grid: c.Grid, P: c.P[0]},
		"short P":     {Grid: d.Grid, P: d.P[1:]},
		"1-D loss":    {Grid: d.Grid, P: d.P, Loss: c.Loss},
		"bad current": {Grid: d.Grid, P: d.P, Current: &operators.Current{High: [][]float64{d.P}}},
		"1-D minima":  {Grid: d.Grid, P: d.P, Critical: c.Critical},
		"min > max":   {Grid: d.Grid, P: d.P, Min: 2, Max: 1},
	}
	for name, f := range bad2D {
		if _, err := f.Plot(); err == nil {
			t.Errorf("Density2D %s: Plot gave no error", name)
		}
		if err := f.Save(path); err == nil {
			t.Errorf("Density2D %s: Save gave no error", name)
		}
		if err := Panels([]Density2D{d, f}, 2, path); err == nil {
			t.Errorf("Density2D %s: Panels gave no error", name)
		}
		if err := GIF2D([]Density2D{f}, path); err == nil {
			t.Errorf("Density2D %s: GIF2D gave no error", name)
		}
	}
	bad1D := map[string]Curves1D{
		"no grid":       {Times: c.Times, P: c.P},
		"2-D grid":      {Grid: d.Grid, Times: []float64{0}, P: [][]float64{d.P}},
		"no curves":     {Grid: c.Grid},
		"times ≠ P":     {Grid: c.Grid, Times: c.Times[1:], P: c.P},
		"short curve":   {Grid: c.Grid, Times: []float64{0}, P: [][]float64{c.P[0][1:]}},
		"2-D loss":      {Grid: c.Grid, Times: c.Times, P: c.P, Loss: d.Loss},
		"2-D criticals": {Grid: c.Grid, Times: c.Times, P: c.P, Critical: d.Critical},
	}
	for name, f := range bad1D {
		if err := f.Save(path); err == nil {
			t.Errorf("Curves1D %s: Save gave no error", name)
		}
		if err := GIF1D(f, path); err == nil {
			t.Errorf("Curves1D %s: GIF1D gave no error", name)
		}
	}
	badS := map[string]Survival{
		"length":      {T: []float64{0, 1, 2}, Mass: []float64{1, 0.5}},
		"empty":       {},
		"no positive": {T: []float64{0, 1}, Mass: []float64{0, -1}},
		"log t ≤ 0":   {T: []float64{-1, 0}, Mass: []float64{1, 0.5}, LogT: true},
	}
	for name, s := range badS {
		if err := s.Save(path); err == nil {
			t.Errorf("Survival %s: Save gave no error", name)
		}
	}
	if err := Panels(nil, 2, path); err == nil {
		t.Error("Panels without frames gave no error")
	}
	if err := Panels([]Density2D{d}, 0, path); err == nil {
		t.Error("Panels with 0 columns gave no error")
	}
	if err := GIF2D(nil, path); err == nil {
		t.Error("GIF2D without frames gave no error")
	}
	// Missing directories are created; a path under a regular file cannot be.
	if err := d.Save(filepath.Join(dir, "missing", "x.png")); err != nil {
		t.Errorf("Save into a new directory: %v", err)
	}
	if err := d.Save(filepath.Join(dir, "missing", "x.png", "y.png")); err == nil {
		t.Error("Save below a regular file gave no error")
	}
}

// TestArrowDirection checks the cell-centred, block-averaged current of
// the synthetic field J = P·(1, θ₁/2): right everywhere, up where θ₁ > 0
// and down where θ₁ < 0.
func TestArrowDirection(t *testing.T) {
	d := density2DFixture(t)
	f := d.arrows()
	if len(f.x) != 20*17 {
		t.Errorf("%d arrows, want 20×17", len(f.x))
	}
	for i := range f.x {
		if math.Hypot(f.u[i], f.v[i]) < minArrow*f.max {
			continue
		}
		if f.u[i] <= 0 {
			t.Errorf("arrow at (%.2f, %.2f) points left: (%g, %g)", f.x[i], f.y[i], f.u[i], f.v[i])
		}
		if math.Abs(f.x[i]) > 0.2 && (f.v[i] > 0) != (f.x[i] > 0) {
			t.Errorf("arrow at (%.2f, %.2f) has J₂ = %g of the wrong sign", f.x[i], f.y[i], f.v[i])
		}
		// The block mean of J₂/J₁ is about θ₁/2.
		if r := f.v[i] / f.u[i]; math.Abs(r-f.x[i]/2) > 0.1 {
			t.Errorf("arrow at (%.2f, %.2f): J₂/J₁ = %.3f, want ≈ %.3f", f.x[i], f.y[i], r, f.x[i]/2)
		}
	}
}

func TestContourLevels(t *testing.T) {
	// A wall: 90 % of the values are below 1, the rest up to 1000.
	var z []float64
	for i := range 1000 {
		v := float64(i) / 900
		if i >= 900 {
			v = 1 + float64(i-900)*10
		}
		z = append(z, v)
	}
	lv := contourLevels(z, []float64{0.5}, 12)
	if len(lv) != 12 {
		t.Fatalf("%d levels, want 12", len(lv))
	}
	for i, l := range lv {
		if l > 1 {
			t.Errorf("level %d = %g is on the wall", i, l)
		}
		if i > 0 && !(l > lv[i-1]) {
			t.Errorf("levels not increasing: %v", lv)
		}
	}
	if !slices.Contains(lv, 0.5) {
		t.Errorf("saddle level 0.5 missing from %v", lv)
	}
	if contourLevels([]float64{1, 1, 1}, nil, 12) != nil {
		t.Error("levels for a flat loss")
	}
}

func TestIsolines(t *testing.T) {
	// The circle x² + y² = 1 on a lattice of [−2, 2]²: one closed line.
	n := 41
	l := &lattice{x: make([]float64, n), y: make([]float64, n), z: make([]float64, n*n)}
	for i := range n {
		l.x[i] = -2 + 4*float64(i)/float64(n-1)
		l.y[i] = l.x[i]
	}
	for j := range n {
		for i := range n {
			l.z[i+j*n] = l.x[i]*l.x[i] + l.y[j]*l.y[j]
		}
	}
	lines := l.isolines(1)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	pts := lines[0]
	if pts[0] != pts[len(pts)-1] {
		t.Error("the circle is not closed")
	}
	for _, p := range pts {
		if r := math.Hypot(float64(p.X), float64(p.Y)); math.Abs(r-1) > 0.01 {
			t.Errorf("point at radius %g", r)
		}
	}
}

func TestTicks(t *testing.T) {
	labels := func(ts []gplot.Tick) []string {
		var s []string
		for _, t := range ts {
			if t.Label != "" {
				s = append(s, t.Label)
			}
		}
		return s
	}
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{-2, 2, []string{"−2", "−1", "0", "1", "2"}},
		{-1.5, 1.5, []string{"−1.5", "−1.0", "−0.5", "0", "0.5", "1.0", "1.5"}},
		{0, 150, []string{"0", "25", "50", "75", "100", "125", "150"}},
		{0, 1.17, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 3e5, []string{"0", "5e4", "1e5", "1.5e5", "2e5", "2.5e5", "3e5"}},
	} {
		if got := labels(linearTicks{}.Ticks(c.lo, c.hi)); !slices.Equal(got, c.want) {
			t.Errorf("linear ticks [%g, %g] = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{0.005, 1.2, []string{"0.01", "0.1", "1"}},
		{1e-6, 1, []string{"10^{−6}", "10^{−5}", "10^{−4}", "10^{−3}", "10^{−2}", "10^{−1}", "10^{0}"}},
		{1e-12, 1, []string{"10^{−12}", "10^{−10}", "10^{−8}", "10^{−6}", "10^{−4}", "10^{−2}", "10^{0}"}},
		{0.3, 0.9, []string{"0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}},
	} {
		if got := labels(logTicks{}.Ticks(c.lo, c.hi)); !slices.Equal(got, c.want) {
			t.Errorf("log ticks [%g, %g] = %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
	for v, want := range map[float64]string{0: "0", 0.5: "0.5", 12345: "12300", 2e5: "2e5", -1.5e-5: "−1.5e−5"} {
		if got := formatNumber(v); got != want {
			t.Errorf("formatNumber(%g) = %q, want %q", v, got, want)
		}
	}
	if got := formatRich(3e-4); got != "3×10^{−4}" {
		t.Errorf("formatRich(3e-4) = %q", got)
	}
}

func BenchmarkDensity2DSave(b *testing.B) {
	g, l, crit, p := boltzmann2D(b, 400, 400, 0.25)
	d := Density2D{Grid: g, P: p, Loss: l, Critical: crit, Title: "400×400"}
	path := filepath.Join(b.TempDir(), "bench.png")
	b.ResetTimer()
	for b.Loop() {
		if err := d.Save(path); err != nil {
			b.Fatal(err)
		}
	}
}
