package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// dataScenario is the example scenario of the data noise model.
var dataScenario = filepath.Join("..", "..", "testdata", "scenarios", "data-regression.yaml")

// TestMinibatchVsPDE compares real minibatch SGD with the Fokker–Planck
// mean first passage time of the data noise model,
// D = η/(2B)·(n−B)/(n−1)·Cov_i[∇ℓᵢ] + T0, for the escape −0.2 → −0.8 of
// testdata/scenarios/data-regression.yaml (n = 256, B = 8, η = 0.05,
// σ = 2, T0 = 0.0005; ηH = 0.019 at the minima). The PDE gives ≈ 6250
// iterations; the floor alone would give ≈ 2.3·10⁶, so the escape is
// carried by the data's gradient noise.
//
// With 6000 walkers the Monte Carlo standard error is ≈ 1.2% of the mean
// (asserted below to be under 2%), so the 10% band is more than five
// standard errors wide. Measured at this setting: minibatch / PDE =
// 0.969 ± 0.012 (seed 1, 6000 walkers) and 0.979 ± 0.014 (4000 walkers);
// Gaussian SGD with the same D (simulate.dynamics: sgd) gives 0.979 ±
// 0.014, so the ≈ 2–3% by which the iterations escape faster than the PDE
// is the discreteness of the iteration (ηH ≈ 0.02), not the sampling.
func TestMinibatchVsPDE(t *testing.T) {
	code, stdout, stderr := fpsolve(t, "simulate", dataScenario, "--seed", "1", "--from", "1",
		"--set", "simulate.walkers=6000", "--json", "-", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Transitions []struct {
			MeanIterations float64 `json:"mean_iterations"`
			IterStdErr     float64 `json:"iterations_stderr"`
			PDEIterations  float64 `json:"pde_iterations"`
			PDEMFPT        float64 `json:"pde_mfpt"`
			MCOverPDE      float64 `json:"mc_over_pde"`
			Capped         int     `json:"capped"`
			Dynamics       string  `json:"dynamics"`
		} `json:"transitions"`
		Fisher *fisherJSON `json:"fisher"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, stdout)
	}
	if len(out.Transitions) != 1 {
		t.Fatalf("%d transitions, want 1", len(out.Transitions))
	}
	tr := out.Transitions[0]
	if tr.Dynamics != "minibatch" || tr.Capped != 0 {
		t.Errorf("dynamics %q, %d capped", tr.Dynamics, tr.Capped)
	}
	if math.Abs(tr.PDEIterations*0.05-tr.PDEMFPT) > 1e-9*tr.PDEMFPT {
		t.Errorf("pde_iterations %g ≠ pde_mfpt/η = %g", tr.PDEIterations, tr.PDEMFPT/0.05)
	}
	se := tr.IterStdErr / tr.PDEIterations
	t.Logf("minibatch SGD %.1f ± %.1f iterations, PDE %.1f: ratio %.4f ± %.4f",
		tr.MeanIterations, tr.IterStdErr, tr.PDEIterations, tr.MCOverPDE, se)
	if tr.PDEIterations < 1e3 || tr.PDEIterations > 1e4 {
		t.Errorf("PDE τ = %g iterations, outside the 10³–10⁴ the test is set up for", tr.PDEIterations)
	}
	if se > 0.02 {
		t.Errorf("Monte Carlo standard error %.4f of the PDE value; want < 0.02 for a meaningful 10%% test", se)
	}
	if math.Abs(tr.MCOverPDE-1) > 0.10 {
		t.Errorf("minibatch / PDE = %.4f ± %.4f (1 standard error), want within 10%%", tr.MCOverPDE, se)
	}

	// C/(H/B) at the minima: the Fisher argument says ≈ the residual
	// variance σ²·(n−B)/(n−1) ≈ 3.9 (the measured value also holds the
	// 2r·x term of H and the x² weighting of the residuals).
	f := out.Fisher
	if f == nil || len(f.Minima) != 2 || len(f.Paths) != 1 || len(f.Paths[0].Points) != 9 {
		t.Fatalf("fisher report %+v: want 2 minima and one path of 9 points", f)
	}
	for _, m := range f.Minima {
		r := m.Directions[0].Ratio
		if r == nil || *r < 2 || *r > 6 {
			t.Errorf("minimum %d: C/(H/B) = %v, want ≈ σ²·fpc ≈ 3.9", m.Minimum, r)
		}
	}
	// The gradient noise vanishes at the barrier top θ = −a/2.
	if r := f.Paths[0].Points[4].Ratio; r == nil || math.Abs(*r) > 1e-12 {
		t.Errorf("C/(H/B) at the saddle = %v, want 0", r)
	}
}

// TestMinibatchText checks the printed comparison and ratios.
func TestMinibatchText(t *testing.T) {
	code, stdout, stderr := fpsolve(t, "simulate", dataScenario, "--seed", "2", "--from", "1",
		"--set", "simulate.walkers=200")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"dynamics: minibatch", "PDE mean first passage time", "Monte Carlo / PDE", "C/(H/B)", "minimum 0", "path 0 → saddle 0 → 1"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, stdout)
		}
	}
}

// TestDataBadInputExit2 checks exit status 2 naming the key for bad data
// blocks and minibatch settings.
func TestDataBadInputExit2(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--set", "data.model=mlp"}, "data.model"},
		{[]string{"--set", "data.n=1"}, "data.n"},
		{[]string{"--set", "data.noise=-2"}, "data.noise"},
		{[]string{"--set", "data.params.b=1"}, "data.params.b"},
		{[]string{"--set", "data.params.weight_decay=-1"}, "data.params.weight_decay"},
		{[]string{"--set", "data.csv=/nonexistent/d.csv"}, "data.csv"},
		{[]string{"--set", "data.model=linear-net"}, "domain"},
		{[]string{"--set", "landscape.formula=x^2"}, "landscape"},
		{[]string{"--set", "noise.batch=1000"}, "noise.batch"},
		{[]string{"--set", "noise.batch=2.5"}, "noise.batch"},
		{[]string{"--set", "data=~"}, "data"},
	}
	for _, tc := range cases {
		code, _, stderr := fpsolve(t, append([]string{"simulate", dataScenario, "--set", "simulate.walkers=10"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %q", tc.args, code, stderr, tc.want)
		}
	}
}
