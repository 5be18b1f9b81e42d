package sweep

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/scenario"
)

func TestParseAxis(t *testing.T) {
	good := []struct {
		spec string
		log  bool
		want []float64
	}{
		{"noise.batch=1:6:6", false, []float64{1, 2, 3, 4, 5, 6}},
		{"noise.lr=0.05,0.1,0.2", false, []float64{0.05, 0.1, 0.2}},
		{"landscape.params.k=1:100:3", true, []float64{1, 10, 100}},
		{"noise.temperature=0.1", false, []float64{0.1}},
		{"noise.lr=0.1:0.1:1", false, []float64{0.1}},
	}
	for _, c := range good {
		a, err := ParseAxis(c.spec, c.log)
		if err != nil {
			t.Errorf("ParseAxis(%q): %v", c.spec, err)
			continue
		}
		if len(a.Values) != len(c.want) {
			t.Errorf("ParseAxis(%q) = %v, want %v", c.spec, a.Values, c.want)
			continue
		}
		for i := range c.want {
			// Geometric spacing goes through Pow: a few ulps.
			if math.Abs(a.Values[i]-c.want[i]) > 1e-12*math.Abs(c.want[i]) {
				t.Errorf("ParseAxis(%q) = %v, want %v", c.spec, a.Values, c.want)
				break
			}
		}
	}
	bad := []struct {
		spec string
		log  bool
		want string
	}{
		{"noise.batch", false, "key=a:b:n"},
		{"=1:2:3", false, "key=a:b:n"},
		{"noise.batch=", false, "key=a:b:n"},
		{"noise.batch=1:2", false, "start:stop:count"},
		{"noise.batch=1:2:0", false, "count"},
		{"noise.batch=1:2:x", false, "count"},
		{"noise.batch=1:2:1", false, "count of at least 2"},
		{"noise.batch=a:2:3", false, "start"},
		{"noise.batch=1,x", false, `"x" is not a finite number`},
		{"noise.batch=1,NaN", false, "finite"},
		{"noise.lr=0:1:3", true, "positive"},
		{"noise.lr=-1,1", true, "positive"},
		{"noise lr=1", false, "not a key path"},
	}
	for _, c := range bad {
		_, err := ParseAxis(c.spec, c.log)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--vary") {
			t.Errorf("ParseAxis(%q, %v) error %v; want one naming --vary and containing %q", c.spec, c.log, err, c.want)
		}
	}
}

func TestPointsAndShard(t *testing.T) {
	p := &Plan{Name: "a", Base: scenario.Default(), Axes: []Axis{
		{Key: "noise.lr", Values: []float64{0.1, 0.2}},
		{Key: "noise.batch", Values: []float64{1, 2, 3}},
	}}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	pts := p.Points(5)
	// The first axis varies slowest.
	want := [][2]float64{{0.1, 1}, {0.1, 2}, {0.1, 3}, {0.2, 1}, {0.2, 2}, {0.2, 3}}
	for i, c := range pts {
		if c.Index != 5+i || c.Params[0].Value != want[i][0] || c.Params[1].Value != want[i][1] {
			t.Errorf("point %d = %+v, want index %d and %v", i, c, 5+i, want[i])
		}
	}
	seen := map[int]int{}
	for i := range 4 {
		sh, err := Shard(pts, i, 4)
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range sh {
			if c.Index != 5+i+4*k {
				t.Errorf("shard %d/4 point %d has index %d, want %d", i, k, c.Index, 5+i+4*k)
			}
			seen[c.Index]++
		}
	}
	if len(seen) != len(pts) {
		t.Errorf("shards hold %d distinct points, want %d", len(seen), len(pts))
	}
	for _, bad := range [][2]int{{4, 4}, {-1, 2}, {0, 0}} {
		if _, err := Shard(pts, bad[0], bad[1]); err == nil || !strings.Contains(err.Error(), "--shard") {
			t.Errorf("Shard(%d, %d) error %v, want one naming --shard", bad[0], bad[1], err)
		}
	}
	bad := &Plan{Base: scenario.Default(), Axes: []Axis{{Key: "noise.lrr", Values: []float64{1}}}}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "noise.lrr") {
		t.Errorf("Check with an unknown key: %v, want an error naming it", err)
	}
}

func TestLinearFit(t *testing.T) {
	// y = 2x + 1 exactly: slope 2, intercept 1, r 1, zero errors.
	f, err := LinearFit([]float64{0, 1, 2, 3}, []float64{1, 3, 5, 7})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Slope-2) > 1e-14 || math.Abs(f.Intercept-1) > 1e-14 || math.Abs(f.R-1) > 1e-14 || f.SlopeErr > 1e-14 {
		t.Errorf("exact line: %+v", f)
	}
	// x = 0, 1, 2, y = 0, 2, 1: slope ½, intercept ½, residuals −½, 1, −½
	// (RSS 1.5, s² = 1.5), Sxx = 2: se(slope) = √(1.5/2), se(intercept) =
	// √(1.5·(1/3 + 1/2)), r = 1/(√2·√2) = ½.
	f, err = LinearFit([]float64{0, 1, 2}, []float64{0, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5, 0.5, 0.5, math.Sqrt(0.75), math.Sqrt(1.25)}
	got := []float64{f.Slope, f.Intercept, f.R, f.SlopeErr, f.InterceptErr}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-14 {
			t.Errorf("fit value %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := LinearFit([]float64{1, 1, 1}, []float64{1, 2, 3}); err == nil {
		t.Error("equal abscissae: want an error")
	}
}

// runPreset runs the named plans of a preset and returns the document.
func runPreset(t testing.TB, name string, keep ...string) *Document {
	t.Helper()
	pr, err := LookupPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := pr.Plans()
	if err != nil {
		t.Fatal(err)
	}
	if len(keep) > 0 {
		var sel []*Plan
		for _, p := range plans {
			for _, k := range keep {
				if p.Name == k {
					sel = append(sel, p)
				}
			}
		}
		plans = sel
	}
	pts, err := RunPlans(context.Background(), plans, AllPoints(plans), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.Error != "" {
			t.Fatalf("point %d: %s", p.Index, p.Error)
		}
	}
	d, err := NewDocument(name, plans, pts, "")
	if err != nil {
		t.Fatal(err)
	}
	pr.Judge(d)
	return d
}

// TestSGDBatch: on the 1-D sgd-local double well ln τ is linear in B, and
// its slope is the theorem's 2ΔL/η·(s/h_a + (1−s)/|h_b|).
//
// Which s: the escape analysis fits s at each point twice. The s of the
// exponent alone (ΔΦ = the theorem's exponent) is the same at every B
// because both scale with B, so it predicts the slope up to the O(1/B)
// corrections of the Laplace asymptotics, which bend ln τ at B = 1 and
// bias the least-squares slope by about 1% (0→1) and 2% (1→0, barrier
// 0.16, exponent 2.4 at B = 1): hence the 2% tolerance. The s fitted to τ
// itself with the theorem's prefactor 2π/|h_b| absorbs the prefactor's
// error (the Itô prefactor differs by a factor ≈ 2.4), so it drifts as
// 1/B, from 0.78 at B = 1 to 0.67 at B = 6; its mean predicts a slope 5–6%
// too small. That is reported, and asserted only to lie within 8%.
func TestSGDBatch(t *testing.T) {
	d := runPreset(t, "sgd-batch", "sgd-local")
	if len(d.Fits) != 2 {
		t.Fatalf("%d fits, want 2 (both directions)", len(d.Fits))
	}
	for _, f := range d.Fits {
		th := f.Theory
		t.Logf("%v: slope %.5g ± %.2g, r = %.7f; theory %.5g (exponent's s %.4f), %.5g (mean s %.4f); s from slope %.4f",
			f.Transition, f.Slope, f.SlopeErr, f.R, th.SlopeSExponent, th.SExponentMean, th.SlopeMeanS, th.SMean, th.SFromSlope)
		if f.R < 0.999 {
			t.Errorf("%v: r = %.6f, want > 0.999", f.Transition, f.R)
		}
		if e := relErr(f.Slope, th.SlopeSExponent); e > 0.02 {
			t.Errorf("%v: slope %.5g vs theory %.5g with the exponent's s: %.2f%%, want < 2%%", f.Transition, f.Slope, th.SlopeSExponent, 100*e)
		}
		if e := relErr(f.Slope, th.SlopeMeanS); e > 0.08 {
			t.Errorf("%v: slope %.5g vs theory %.5g with the mean fitted s: %.2f%%, want < 8%%", f.Transition, f.Slope, th.SlopeMeanS, 100*e)
		}
		if th.SMin <= 0 || th.SMax >= 1 {
			t.Errorf("%v: s ∈ [%.3f, %.3f], want inside (0, 1)", f.Transition, th.SMin, th.SMax)
		}
	}
	if len(d.Verdicts) != 2 || !strings.Contains(d.Verdicts[0], "inside (0, 1)") {
		t.Errorf("verdicts %q", d.Verdicts)
	}
}

// TestLinearScaling: sgd-local noise depends on η and B only through
// η/2B, so τ in time units is the same for equal B/η up to the rounding of
// the solves (the operators are identical to the last bit or two); the
// issue's tolerance is 1%.
func TestLinearScaling(t *testing.T) {
	d := runPreset(t, "sgd-lr", "linear-scaling")
	if len(d.Checks) != 2 {
		t.Fatalf("checks %+v", d.Checks)
	}
	for _, c := range d.Checks {
		t.Logf("%s: %.3g", c.Name, c.Value)
		if c.Value > 0.01 {
			t.Errorf("%s = %.3g, want < 1%%", c.Name, c.Value)
		}
	}
}

// TestSGLDTemperature: with white noise ln τ = ΔL/T + ln(2π/√(h_a|h_b|))
// + O(T/ΔL); over T = 0.03…0.06 the 0→1 barrier (ΔL/T = 6…12) leaves an
// O(T̄/ΔL)·T̄ correction to the slope, about 1%: 2% tolerance. The 1→0
// barrier (ΔL/T = 2.6…5) is not in the large-barrier regime and is only
// reported.
func TestSGLDTemperature(t *testing.T) {
	d := runPreset(t, "sgld-temperature", "white")
	for _, f := range d.Fits {
		e := relErr(f.Slope, f.Theory.Barrier)
		t.Logf("%v: slope %.6g vs ΔL %.6g (%.2f%%), r = %.7f", f.Transition, f.Slope, f.Theory.Barrier, 100*e, f.R)
		if f.Transition[0] == 0 && e > 0.02 {
			t.Errorf("0→1: slope %.6g vs ΔL %.6g: %.2f%%, want < 2%%", f.Slope, f.Theory.Barrier, 100*e)
		}
	}
}

// TestShardMerge: the shards of a sweep, merged, give the unsharded
// document byte for byte (JSON numbers round-trip exactly).
func TestShardMerge(t *testing.T) {
	pr, _ := LookupPreset("sgd-batch")
	plans, err := pr.Plans()
	if err != nil {
		t.Fatal(err)
	}
	all := AllPoints(plans)
	whole, err := RunPlans(context.Background(), plans, all, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDocument(pr.Name, plans, whole, "")
	if err != nil {
		t.Fatal(err)
	}
	pr.Judge(d)
	want, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var shards []*Document
	for i := range 3 {
		sh, _ := Shard(all, i, 3)
		pts, err := RunPlans(context.Background(), plans, sh, Settings{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		sd, err := NewDocument(pr.Name, plans, pts, "x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sd.Marshal()
		var back Document
		if err := back.unmarshal(b); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, &back)
	}
	m, err := Merge([]*Document{shards[2], shards[0], shards[1]})
	if err != nil {
		t.Fatal(err)
	}
	pr.Judge(m)
	got, _ := m.Marshal()
	if !bytes.Equal(got, want) {
		t.Errorf("merged document differs from the unsharded one (%d vs %d bytes)", len(got), len(want))
	}
	if _, err := Merge(shards[:2]); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("merge of 2 of 3 shards: %v, want an error about missing points", err)
	}
	if _, err := Merge([]*Document{shards[0], shards[0], shards[1], shards[2]}); err == nil {
		t.Error("merge with a shard twice: want an error")
	}
	other := *shards[1]
	other.Plans = append([]PlanInfo(nil), other.Plans...)
	other.Plans[0].BaseHash = "0"
	if _, err := Merge([]*Document{shards[0], &other, shards[2]}); err == nil || !strings.Contains(err.Error(), "different plan") {
		t.Errorf("merge across plans: %v, want an error", err)
	}
}

// benchmarkSweep measures n points of the sgd-batch scenario (B spread
// over 1..6) with the given number of workers and GOMAXPROCS.
func benchmarkSweep(b *testing.B, n, workers, procs int) {
	pr, _ := LookupPreset("sgd-batch")
	plans, err := pr.Plans()
	if err != nil {
		b.Fatal(err)
	}
	p := plans[0]
	p.Axes = []Axis{{Key: "noise.batch", Values: values(1, 6, n)}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	pts := p.Points(0)
	b.ResetTimer()
	for range b.N {
		if _, err := Run(context.Background(), p.Base, pts, Settings{Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep16 runs 16 points on every CPU; BenchmarkSweep8Sequential
// runs 8 points one after another on one CPU. On 2 cores the issue asks
// for the first to take less than 1.3× the second (speed-up ≥ 1.5).
func BenchmarkSweep16(b *testing.B) { benchmarkSweep(b, 16, 0, runtime.GOMAXPROCS(0)) }

// BenchmarkSweep8Sequential is the reference of BenchmarkSweep16.
func BenchmarkSweep8Sequential(b *testing.B) { benchmarkSweep(b, 8, 1, 1) }
