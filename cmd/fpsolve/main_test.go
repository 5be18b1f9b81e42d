package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/export"
	"github.com/fpsolve/fpsolve/internal/reference"
)

// fpsolve runs the command line in-process and returns exit status, stdout
// and stderr.
func fpsolve(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeScenario(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBadInputExit2 checks that bad scenarios and flags exit with status 2
// and a message naming the field, never a panic.
func TestBadInputExit2(t *testing.T) {
	base := `
landscape: {formula: "x^4/4 - x^2/2"}
domain: [[-2, 2]]
cells: [100]
noise: {model: white, temperature: 0.1}
time: {end: 1, dt: 0.1}
output: {formats: []}
`
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"cells zero", []string{"stationary", "--set", "cells=[0]"}, "cells"},
		{"lo >= hi", []string{"stationary", "--set", "domain=[[2, -2]]"}, "domain[0]"},
		{"negative temperature", []string{"stationary", "--set", "noise.temperature=-1"}, "noise.temperature"},
		{"non-psd matrix", []string{"stationary", "--set", "noise.model=matrix", "--set", "noise.matrix=[[1]]", "--set", "domain=[[-2,2],[-2,2]]", "--set", "cells=[10,10]", "--set", "landscape.formula=x^2+y^2", "--set", "noise.matrix=[[1, 2], [2, 1]]"}, "noise.matrix"},
		{"formula syntax", []string{"stationary", "--set", "landscape.formula=x^4 +"}, "landscape.formula"},
		{"unknown variable", []string{"stationary", "--set", "landscape.formula=x^2 + y"}, "landscape.formula"},
		{"unknown key", []string{"stationary", "--set", "noise.temprature=1"}, "temprature"},
		{"bad --from", []string{"mfpt", "--set", "boundary=absorbing", "--from", "1,2"}, "--from"},
		{"from outside", []string{"mfpt", "--set", "boundary=absorbing", "--from", "7"}, "outside"},
		{"--from without absorbing set", []string{"mfpt", "--from", "0.5"}, "absorbing"},
		{"unknown flag", []string{"run", "--frobnicate"}, "frobnicate"},
		{"missing file", []string{"run", "/nonexistent/s.yaml"}, "/nonexistent/s.yaml"},
		{"bad builtin", []string{"stationary", "--set", "landscape={builtin: nope}"}, "landscape.builtin"},
		{"wrong type", []string{"stationary", "--set", "cells=many"}, "cells"},
		{"out of range", []string{"stationary", "--set", "noise.model=sgd", "--set", "noise.lr=-0.1", "--set", "noise.batch=2"}, "noise.lr"},
		{"bad target", []string{"escape", "--target", "nowhere"}, "nowhere"},
	}
	path := writeScenario(t, base)
	for _, tc := range cases {
		args := tc.args
		if tc.name != "missing file" && tc.name != "unknown flag" {
			args = append([]string{args[0], path}, args[1:]...)
		}
		code, _, stderr := fpsolve(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, stderr, tc.want)
		}
	}
}

// TestMalformedYAML checks that a file that is not YAML exits 2 naming the
// line.
func TestMalformedYAML(t *testing.T) {
	path := writeScenario(t, "landscape: {formula: \"x^2\"\ndomain: [[-1, 1]\n")
	code, _, stderr := fpsolve(t, "critical", path)
	if code != 2 || !strings.Contains(stderr, "line") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

// TestEveryCommandRunsBare checks that every command runs with no arguments
// on the embedded default and exits 0.
func TestEveryCommandRunsBare(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
	}{{"run", 0}, {"stationary", 0}, {"mfpt", 0}, {"critical", 0}, {"escape", 0}, {"landscapes", 0}, {"sweep", 0}, {"simulate", 0}} {
		// Few walkers: the default's 0→1 escape takes ~1.7e5 SGD iterations.
		code, _, stderr := fpsolve(t, c.name, "--quiet", "--out", t.TempDir(), "--set", "simulate.walkers=20")
		if code != c.code {
			t.Errorf("%s: exit %d (%s), want %d", c.name, code, stderr, c.code)
		}
	}
}

// TestCriticalJSON checks the §6 fields of critical.
func TestCriticalJSON(t *testing.T) {
	code, out, _ := fpsolve(t, "critical", "--json", "-", "--quiet")
	var res struct {
		Minima []struct {
			X           []float64
			Loss        float64
			Eigenvalues []float64 `json:"hessian_eigenvalues"`
		}
		Saddles []struct {
			X        []float64
			Connects []int
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Minima) != 2 || len(res.Saddles) != 1 ||
		len(res.Minima[0].Eigenvalues) != 1 || len(res.Saddles[0].Connects) != 2 {
		t.Errorf("critical JSON %q", out)
	}
	// The deeper minimum of x⁴/4 − x²/2 + 0.1x comes first.
	if !(math.Abs(res.Minima[0].X[0]+1.0466805318046022) <= 1e-10) {
		t.Errorf("minimum 0 at %v", res.Minima[0].X)
	}
}

// TestStationaryJSON checks the §6 fields and the white-noise basin masses
// against shared/reference/1d_white_noise.json (tilt 0.1, T = 0.1: mass
// left of the saddle 0.9137…, internal/reference).
func TestStationaryJSON(t *testing.T) {
	path := writeScenario(t, `
landscape: {builtin: double-well, params: {tilt: 0.1}}
domain: [[-2.5, 2.5]]
cells: [4000]
noise: {model: white, temperature: 0.1}
output: {formats: []}
`)
	code, out, stderr := fpsolve(t, "stationary", path, "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Basins []struct {
			Minimum []float64
			Mass    float64
		}
		MassTotal float64 `json:"mass_total"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	want := loadWhiteMassLeft(t, 0.1, 0.1)
	if len(res.Basins) != 2 || !(math.Abs(res.Basins[0].Mass-want) <= 1e-5) || !(math.Abs(res.MassTotal-1) <= 1e-12) {
		t.Errorf("basins %+v total %g; want deep-well mass %g", res.Basins, res.MassTotal, want)
	}
}

// loadWhiteMassLeft reads the reference mass left of the saddle.
func loadWhiteMassLeft(t *testing.T, tilt, temp float64) float64 {
	ref, err := reference.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ref.White {
		if c.Tilt == tilt && c.T == temp {
			return c.MassLeft
		}
	}
	t.Fatalf("no reference case tilt=%g T=%g", tilt, temp)
	return 0
}

// TestMFPTJSON checks mfpt --from against the reference MFPT a→c for white
// noise (tilt 0.1, T = 0.1) with the target box [x_c, 2.5].
func TestMFPTJSON(t *testing.T) {
	path := writeScenario(t, `
landscape: {builtin: double-well, params: {tilt: 0.1}}
domain: [[-2.5, 2.5]]
cells: [4000]
noise: {model: white, temperature: 0.1}
targets: [{box: [[0.9456492739235914, 2.5]]}]
output: {formats: []}
`)
	code, out, stderr := fpsolve(t, "mfpt", path, "--from", "-1.0466805318046022", "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		From  []float64
		MFPT  float64
		Cells []int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	const want = 177.96972633152654 // 1d_white_noise.json, tilt 0.1, T 0.1, mfpt.a_to_c
	if !(math.Abs(res.MFPT/want-1) <= 1e-4) || len(res.Cells) != 1 || res.Cells[0] != 4000 {
		t.Errorf("mfpt %+v, want %g", res, want)
	}
}

// TestRunDefault runs the embedded default briefly and checks the snapshot
// fields of §6 and mass conservation.
func TestRunDefault(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := fpsolve(t, "run", "--set", "time.end=20", "--set", "output.every=5", "--out", dir, "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Snapshots []struct {
			T      float64
			Mass   float64
			Mean   []float64
			Cov    [][]float64
			Basins []struct {
				Minimum []float64
				Mass    float64
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Snapshots) != 4 || res.Snapshots[3].T != 20 {
		t.Fatalf("snapshots %+v", res.Snapshots)
	}
	for _, s := range res.Snapshots {
		sum := 0.0
		for _, b := range s.Basins {
			sum += b.Mass
		}
		if !(math.Abs(s.Mass-1) <= 1e-12) || !(math.Abs(sum-1) <= 1e-9) || len(s.Mean) != 1 || len(s.Cov) != 1 {
			t.Errorf("snapshot %+v: mass %g, basin sum %g", s, s.Mass, sum)
		}
	}
	for _, f := range []string{"density.csv", "run.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing output %s: %v", f, err)
		}
	}
}

// TestMFPTBasinTransitions checks mfpt without an absorbing set: one
// entry per direction across each saddle, τ(a→basin c) and τ(c→basin a),
// against the 4000-cell values with explicit basin targets.
func TestMFPTBasinTransitions(t *testing.T) {
	path := writeScenario(t, `
landscape: {builtin: double-well, params: {tilt: 0.1}}
domain: [[-2.5, 2.5]]
cells: [2000]
noise: {model: white, temperature: 0.1}
output: {formats: []}
`)
	code, out, stderr := fpsolve(t, "mfpt", path, "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Results []struct {
			From []float64
			To   *int
			MFPT float64
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 2 {
		t.Fatalf("results %+v", res.Results)
	}
	for _, r := range res.Results {
		// Cross-check with an explicit basin target.
		code, out2, _ := fpsolve(t, "mfpt", path, "--json", "-", "--quiet", "--set", fmt.Sprintf("targets=[{basin: %d}]", *r.To), "--from", fmt.Sprint(r.From[0]))
		var one struct{ MFPT float64 }
		if code != 0 || json.Unmarshal([]byte(out2), &one) != nil || one.MFPT != r.MFPT {
			t.Errorf("from %v to basin %d: %g, explicit target gives %g", r.From, *r.To, r.MFPT, one.MFPT)
		}
	}
}

// TestEscapeJSON checks the §6 fields of escape on the default scenario
// and that the estimators agree with 1/MFPT to the order the physics
// allows (QSD vs start at the minimum: within 2% here).
func TestEscapeJSON(t *testing.T) {
	code, out, stderr := fpsolve(t, "escape", "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Minima      []map[string]any
		Saddles     []map[string]any
		Transitions []struct {
			From, To, Saddle int
			Barrier, MFPT    float64
			RateFlux         float64 `json:"rate_flux"`
			RateSurvival     float64 `json:"rate_survival"`
			RateSpectral     float64 `json:"rate_spectral"`
			Theory           map[string]any
			Iterations       float64
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Minima) != 2 || len(res.Saddles) != 1 || len(res.Transitions) != 2 {
		t.Fatalf("escape JSON: %d minima, %d saddles, %d transitions", len(res.Minima), len(res.Saddles), len(res.Transitions))
	}
	for _, tr := range res.Transitions {
		for name, r := range map[string]float64{"flux": tr.RateFlux, "survival": tr.RateSurvival, "spectral": tr.RateSpectral} {
			if !(math.Abs(r*tr.MFPT-1) <= 0.02) {
				t.Errorf("%d→%d: %s rate × MFPT = %g", tr.From, tr.To, name, r*tr.MFPT)
			}
		}
		if tr.Theory["sgd"] == nil || !(math.Abs(tr.Iterations*0.1/tr.MFPT-1) <= 1e-12) {
			t.Errorf("%d→%d: theory %v, iterations %g", tr.From, tr.To, tr.Theory, tr.Iterations)
		}
	}
}

// TestRunInterrupted: a run whose context is cancelled (Ctrl-C) exits 1,
// says so, and still writes what it has, marked in run.json as incomplete
// with the reason.
func TestRunInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"run", "--out", dir, "--set", "output.formats=[json,csv]"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "interrupted") {
		t.Fatalf("exit %d, %q", code, errb.String())
	}
	for _, f := range []string{"run.json", "density.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written after the interruption: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Stats struct {
			Complete *bool  `json:"complete"`
			Error    string `json:"error"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Stats.Complete == nil || *res.Stats.Complete || !strings.Contains(res.Stats.Error, "context canceled") {
		t.Errorf("run.json stats: complete %v, error %q; want false and the cancellation", res.Stats.Complete, res.Stats.Error)
	}
}

// TestExportOperator writes the generator in MatrixMarket format and reads
// it back: same size, same entries, columns summing to zero (reflecting).
func TestExportOperator(t *testing.T) {
	path := filepath.Join(t.TempDir(), "A.mtx")
	code, _, stderr := fpsolve(t, "run", "--export-operator", path, "--set", "cells=[50]", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := export.ReadMatrixMarket(f)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := a.Dims(); r != 50 || c != 50 || a.NNZ() != 3*50-2 {
		t.Fatalf("A is %d×%d with %d entries", r, c, a.NNZ())
	}
	colsum := make([]float64, 50)
	scale := 0.0
	a.DoNonZero(func(i, j int, v float64) {
		colsum[j] += v
		scale = math.Max(scale, math.Abs(v))
	})
	for j, s := range colsum {
		if !(math.Abs(s) <= 1e-12*scale) {
			t.Errorf("column %d sums to %g", j, s)
		}
	}
}

// TestHelpHasExamples checks that every command's help shows an example.
func TestHelpHasExamples(t *testing.T) {
	for _, c := range []string{"run", "stationary", "mfpt", "critical", "escape", "landscapes", "sweep", "simulate"} {
		code, out, _ := fpsolve(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: exit %d, no example in %q", c, code, out)
		}
	}
}
