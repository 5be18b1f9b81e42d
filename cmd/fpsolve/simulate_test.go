package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// simWhite is the 1-D white-noise double well of
// shared/reference/1d_white_noise.json with T = 0.2, where the exact mean
// first passage times are a → c 29.992109967184682 and c → a
// 12.832323910303957.
const simWhite = `
landscape: {builtin: double-well, params: {tilt: 0.1}}
domain: [[-2.5, 2.5]]
cells: [500]
noise: {model: white, temperature: 0.2}
time: {end: 1}
initial: {uniform: true}
output: {formats: []}
simulate: {walkers: 3000, dynamics: sde, dt: 0.01, max_time: 1e5}
`

// TestSimulateJSON checks the §6 fields, one entry per transition, and
// agreement with the exact mean first passage times within 3 standard
// errors plus the Euler–Maruyama bias at Δt = 0.01 (≈ 0.5%, measured in
// package sde).
func TestSimulateJSON(t *testing.T) {
	path := writeScenario(t, simWhite)
	code, stdout, stderr := fpsolve(t, "simulate", path, "--seed", "3", "--json", "-", "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("JSON: %v\n%s", err, stdout)
	}
	for _, k := range []string{"walkers", "mean_escape_time", "stderr", "mean_iterations", "capped", "dt", "transitions", "seed"} {
		if _, ok := out[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	trs := out["transitions"].([]any)
	if len(trs) != 2 {
		t.Fatalf("%d transitions, want 2", len(trs))
	}
	first := trs[0].(map[string]any)
	if out["mean_escape_time"] != first["mean_escape_time"] || out["walkers"].(float64) != 3000 || out["dt"].(float64) != 0.01 || out["capped"].(float64) != 0 {
		t.Errorf("top-level fields %v do not match the first transition", out)
	}
	exact := map[[2]int]float64{{0, 1}: 29.992109967184682, {1, 0}: 12.832323910303957}
	for _, x := range trs {
		tr := x.(map[string]any)
		key := [2]int{int(tr["from"].(float64)), int(tr["to"].(float64))}
		tau, se := tr["mean_escape_time"].(float64), tr["stderr"].(float64)
		want := exact[key]
		if math.Abs(tau-want) > 3*se+0.005*want {
			t.Errorf("%v: τ = %.4f ± %.4f, exact %.4f", key, tau, se, want)
		}
		if it := tr["mean_iterations"].(float64); math.Abs(it*0.01-tau) > 1e-9*tau {
			t.Errorf("%v: mean_iterations %v ≠ τ/Δt", key, it)
		}
	}

	// --from/--to pick one transition; the same seed reproduces it.
	code, stdout2, stderr := fpsolve(t, "simulate", path, "--seed", "3", "--from", "1", "--to", "0", "--json", "-", "-q", "--workers", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var one map[string]any
	if err := json.Unmarshal([]byte(stdout2), &one); err != nil {
		t.Fatal(err)
	}
	if n := len(one["transitions"].([]any)); n != 1 {
		t.Fatalf("--from 1 --to 0: %d transitions", n)
	}
	second := trs[1].(map[string]any)
	if one["mean_escape_time"] != second["mean_escape_time"] {
		t.Errorf("same seed, one worker: τ = %v, before %v", one["mean_escape_time"], second["mean_escape_time"])
	}
}

// TestSimulateText checks the printed summary.
func TestSimulateText(t *testing.T) {
	path := writeScenario(t, simWhite)
	code, stdout, stderr := fpsolve(t, "simulate", path, "--seed", "1", "--from", "1", "--set", "simulate.walkers=300", "--set", "simulate.max_time=5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"1 → 0 over saddle 0", "mean escape time", "95% CI", "mean iterations", "capped (", "restricted mean", "exponential fit", "seed 1"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, stdout)
		}
	}
}

// TestSimulateBadInput checks exit status 2 with the offending key named.
func TestSimulateBadInput(t *testing.T) {
	path := writeScenario(t, simWhite)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--set", "simulate.walkers=-5"}, "simulate.walkers"},
		{[]string{"--set", "simulate.dt=-1"}, "simulate.dt"},
		{[]string{"--set", "simulate.max_time=-1"}, "simulate.max_time"},
		{[]string{"--set", "simulate.dynamics=langevin"}, "simulate.dynamics"},
		{[]string{"--set", "simulate.dynamics=minibatch"}, "simulate.dynamics"},
		{[]string{"--set", "simulate.dynamics=sgd"}, "noise.lr"},
		{[]string{"--from", "7"}, "--from"},
		{[]string{"--to", "-3"}, "--to"},
		{[]string{"--from", "0", "--to", "0"}, "no saddle"},
		{[]string{"--seed", "abc"}, "seed"},
		{[]string{"--target", "nowhere"}, "nowhere"},
		{[]string{"--start", "9"}, "--start"},
		{[]string{"--start", "1,2"}, "--start"},
	}
	for _, tc := range cases {
		code, _, stderr := fpsolve(t, append([]string{"simulate", path}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %q", tc.args, code, stderr, tc.want)
		}
	}
}
