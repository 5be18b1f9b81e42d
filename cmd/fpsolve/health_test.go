package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/scenario"
)

// healthHard is a 2-D problem with cross-diffusion (sgd noise on a
// sheared double well) whose linear systems ILU(0)-BiCGSTAB needs tens of
// iterations for: with solver.max_iter = 2 it cannot reach 1e-10.
const healthHard = `
landscape: {formula: "(x^2 - 1)^2 + y^2 + 0.3*x*y"}
domain: [[-2, 2], [-1.5, 1.5]]
cells: [40, 30]
noise: {model: sgd, lr: 0.1, batch: 1, epsilon: 0.3, floor: 0.01}
solver: {linear: bicgstab, max_iter: 2}
output: {formats: [csv, json]}
`

var residualRE = regexp.MustCompile(`true relative residual ‖b − M·x‖/‖b‖ = ([0-9.e+-]+) \(tolerance ([0-9.e+-]+)\)`)

// TestNotConvergedIsNotAResult forces stationary and mfpt onto BiCGSTAB
// with two iterations: each must exit 1, say that the solve did not
// converge with the true residual (above the tolerance), and write no
// result file. The same stationary solve with the default iteration cap
// converges, so the failure is the cap's.
func TestNotConvergedIsNotAResult(t *testing.T) {
	path := writeScenario(t, healthHard)
	cases := []struct {
		name   string
		args   []string
		result string // file that must not exist, relative to the output directory
	}{
		{"stationary", []string{"stationary", path}, "stationary.csv"},
		{"mfpt", []string{"mfpt", path, "--set", "targets=[{basin: 1}]"}, "mfpt.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append(tc.args, "--out", out, "--json", filepath.Join(out, "mfpt.json"), "--quiet")
			code, stdout, stderr := fpsolve(t, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
			}
			if !strings.Contains(stderr, "did not converge") || !strings.Contains(stderr, "no result written") {
				t.Errorf("stderr does not report the non-convergence: %q", stderr)
			}
			m := residualRE.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("stderr names no true residual: %q", stderr)
			}
			res, err1 := strconv.ParseFloat(m[1], 64)
			tol, err2 := strconv.ParseFloat(m[2], 64)
			if err1 != nil || err2 != nil || !(res > tol) || tol != 1e-10 {
				t.Errorf("residual %q, tolerance %q: want a residual above the tolerance 1e-10", m[1], m[2])
			}
			if _, err := os.Stat(filepath.Join(out, tc.result)); !os.IsNotExist(err) {
				t.Errorf("%s was written (or stat failed: %v)", tc.result, err)
			}
			if stdout != "" {
				t.Errorf("a result was printed: %q", stdout)
			}
		})
	}
	t.Run("default cap converges", func(t *testing.T) {
		out := t.TempDir()
		code, _, stderr := fpsolve(t, "stationary", path, "--set", "solver.max_iter=", "--out", out, "--quiet", "--set", "output.formats=[csv]")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "stationary.csv")); err != nil {
			t.Error(err)
		}
	})
}

// TestRunNaNKeepsSnapshots makes the density of a run go NaN: a step
// schedule multiplies η by 1e154 every 0.3 time units, so from t = 0.6
// (factor 1e308, still finite) the generator's rates overflow to +Inf.
// (At 1e200 the factor itself overflows at t = 0.6 and the schedule check
// stops the run first, with its own error.) The run must exit 1 naming
// NaN, and keep (write) the snapshots taken at t = 0.25 and 0.5 before
// the blow-up, with their mass 1 (a closed problem: conserved to
// rounding, 1e-12).
func TestRunNaNKeepsSnapshots(t *testing.T) {
	path := writeScenario(t, `
landscape: {formula: "x^4/4 - x^2/2 + 0.1*x"}
domain: [[-2, 2]]
cells: [60]
noise: {model: sgd, lr: 0.1, batch: 1, epsilon: 0.3, floor: 0.01, schedule: {form: step, gamma: 1e154, every: 0.3}}
initial: {gaussian: {mean: [0.9], std: [0.1]}}
time: {end: 1, dt: 0.1, adaptive: false}
output: {every: 0.25, formats: [csv, json]}
`)
	out := t.TempDir()
	code, _, stderr := fpsolve(t, "run", path, "--out", out, "--quiet")
	if code != 1 || !strings.Contains(stderr, "NaN") {
		t.Fatalf("exit %d, stderr %q; want 1 and NaN", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Snapshots []struct{ T, Mass float64 }
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Snapshots) != 2 || res.Snapshots[0].T != 0.25 || res.Snapshots[1].T != 0.5 {
		t.Errorf("snapshots %+v, want t = 0.25 and 0.5", res.Snapshots)
	}
	for _, sn := range res.Snapshots {
		if math.Abs(sn.Mass-1) > 1e-12 {
			t.Errorf("snapshot at t = %g: mass %.17g, want 1", sn.T, sn.Mass)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, "density.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(string(csv), "\n"); head != "x,P(t=0),P(t=0.25),P(t=0.5)" {
		t.Errorf("density.csv header %q, want the initial density and the snapshots at 0.25 and 0.5", head)
	}
	if bytes.Contains(csv, []byte("NaN")) {
		t.Error("density.csv holds NaN")
	}
}

// TestRunHealthMassDrift checks the mass-drift record of run: a closed
// problem whose snapshot masses drift by 3e-7 gets "mass_drift" = 3e-7 in
// its statistics and a warning; one within rounding (1e-13) gets the
// record and no warning, and so does a drift of 5e-8 over 1000 steps
// (allowed: 1e-8 + 1000·1e-10); a problem with targets loses mass by design
// and is not checked.
func TestRunHealthMassDrift(t *testing.T) {
	closed := `
landscape: {formula: "x^2"}
domain: [[-1, 1]]
cells: [20]
noise: {model: white, temperature: 0.1}
output: {formats: []}
`
	cases := []struct {
		name    string
		text    string
		masses  []float64
		steps   int
		drift   float64 // -1: not recorded
		warning bool
	}{
		{"drifting", closed, []float64{1 + 1e-12, 1 - 3e-7, 1 - 2e-7}, 100, 3e-7, true},
		{"rounding", closed, []float64{1 - 1e-13, 1 + 1e-14}, 100, 1e-13, false},
		{"iterative solves", closed, []float64{1 + 5e-8}, 1000, 5e-8, false},
		{"iterative, too few steps", closed, []float64{1 + 5e-8}, 100, 5e-8, true},
		{"targets", closed + "targets: [{box: [[0.5, 1]]}]\n", []float64{0.9, 0.5}, 100, -1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.Parse([]byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			m, err := scenario.Build(s)
			if err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			o := &options{stdout: &bytes.Buffer{}, stderr: &errb}
			res := runResult{Stats: map[string]any{"steps": tc.steps}}
			for i, mass := range tc.masses {
				res.Snapshots = append(res.Snapshots, snapshot{T: float64(i + 1), Mass: mass})
			}
			o.runHealth(m, &res)
			got, ok := res.Stats["mass_drift"].(float64)
			switch {
			case tc.drift < 0 && ok:
				t.Errorf("mass_drift recorded (%g) for a problem with targets", got)
			case tc.drift >= 0 && (!ok || math.Abs(got-tc.drift) > 1e-16):
				t.Errorf("mass_drift %v (recorded %v), want %g", got, ok, tc.drift)
			}
			if w := strings.Contains(errb.String(), "warning: the total mass drifted"); w != tc.warning {
				t.Errorf("warning %v, want %v: %q", w, tc.warning, errb.String())
			}
		})
	}
}
