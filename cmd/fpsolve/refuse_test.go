package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// refuseBase1D is a small valid 1-D scenario that the refusal cases spoil
// one key at a time (with --set or by replacing a line of the file).
const refuseBase1D = `
landscape: {formula: "x^4/4 - x^2/2 + 0.1*x"}
domain: [[-2, 2]]
cells: [60]
noise: {model: white, temperature: 0.2}
initial: {gaussian: {mean: [0.9], std: [0.1]}}
time: {end: 1, dt: 0.1}
output: {formats: []}
simulate: {walkers: 4, dt: 0.01, max_time: 1}
`

// refuseBase2D is the 2-D counterpart (matrix noise).
const refuseBase2D = `
landscape: {formula: "(x^2 - 1)^2 + y^2"}
domain: [[-2, 2], [-1.5, 1.5]]
cells: [12, 10]
noise: {model: matrix, matrix: [[0.2, 0.05], [0.05, 0.1]]}
time: {end: 1, dt: 0.1}
output: {formats: []}
`

// TestRefuseBadInput runs ≥ 40 distinct bad inputs through the command
// line, across every command. Each must exit with status 2, name the key
// path (or flag) in stderr, and never panic.
func TestRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	base1 := filepath.Join(dir, "base1.yaml")
	base2 := filepath.Join(dir, "base2.yaml")
	for path, text := range map[string]string{base1: refuseBase1D, base2: refuseBase2D} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		// args after the command; "@1"/"@2" stand for the 1-D/2-D base
		// file, "@f" for the file of the case, "@d" for a directory.
		args []string
		file string // scenario text for "@f"
		want []string
	}{
		// Scenario files: types and keys.
		{"yaml type: cells a word", []string{"critical", "@f"}, strings.Replace(refuseBase1D, "cells: [60]", "cells: many", 1), []string{"cells"}},
		{"yaml type: lr a word", []string{"critical", "@f"}, strings.Replace(refuseBase1D, "{model: white, temperature: 0.2}", "{model: sgd, lr: fast, batch: 2}", 1), []string{"noise.lr"}},
		{"yaml type: walkers a fraction", []string{"simulate", "@f"}, strings.Replace(refuseBase1D, "walkers: 4", "walkers: 4.5", 1), []string{"simulate.walkers"}},
		{"unknown top-level key", []string{"critical", "@f"}, refuseBase1D + "temprature: 1\n", []string{"temprature"}},
		{"unknown nested key", []string{"critical", "@f"}, strings.Replace(refuseBase1D, "temperature: 0.2", "temprature: 0.2", 1), []string{"noise.temprature"}},
		{"duplicate key", []string{"critical", "@f"}, refuseBase1D + "cells: [80]\n", []string{"cells"}},
		{"not yaml", []string{"critical", "@f"}, "domain: [[-1, 1]\nnoise: {", []string{"not valid YAML: line 1"}},
		// Geometry.
		{"cells vs dimension", []string{"critical", "@1", "--set", "cells=[60, 60]"}, "", []string{"cells"}},
		{"cells below 3", []string{"critical", "@1", "--set", "cells=[2]"}, "", []string{"cells[0]"}},
		{"cells not integer", []string{"critical", "@1", "--set", "cells=[60.5]"}, "", []string{"cells[0]"}},
		{"domain lo >= hi", []string{"critical", "@1", "--set", "domain=[[2, -2]]"}, "", []string{"domain[0]"}},
		{"domain interval of three", []string{"critical", "@1", "--set", "domain=[[-2, 0, 2]]"}, "", []string{"domain[0]"}},
		{"domain four axes", []string{"critical", "@1", "--set", "domain=[[0,1],[0,1],[0,1],[0,1]]", "--set", "cells=[4,4,4,4]"}, "", []string{"domain"}},
		{"domain infinite", []string{"critical", "@1", "--set", "domain=[[-.inf, 1]]"}, "", []string{"domain[0]"}},
		{"boundary word", []string{"stationary", "@1", "--set", "boundary=sticky"}, "", []string{"boundary"}},
		{"boundary axes count", []string{"stationary", "@1", "--set", "boundary=[[reflecting, absorbing], [reflecting, reflecting]]"}, "", []string{"boundary"}},
		{"convention", []string{"stationary", "@1", "--set", "convention=stratonovich"}, "", []string{"convention"}},
		// Noise.
		{"noise model unknown", []string{"stationary", "@1", "--set", "noise.model=pink"}, "", []string{"noise.model"}},
		{"temperature negative", []string{"stationary", "@1", "--set", "noise.temperature=-0.1"}, "", []string{"noise.temperature"}},
		{"temperature zero", []string{"mfpt", "@1", "--set", "noise.temperature=0"}, "", []string{"noise.temperature"}},
		{"matrix not psd", []string{"stationary", "@2", "--set", "noise.matrix=[[0.1, 0.3], [0.3, 0.1]]"}, "", []string{"noise.matrix"}},
		{"matrix not symmetric", []string{"stationary", "@2", "--set", "noise.matrix=[[0.1, 0.01], [0.02, 0.1]]"}, "", []string{"noise.matrix"}},
		{"matrix wrong size", []string{"stationary", "@2", "--set", "noise.matrix=[[0.1]]"}, "", []string{"noise.matrix"}},
		{"lr zero", []string{"mfpt", "@1", "--set", "noise={model: sgd, lr: 0, batch: 2}"}, "", []string{"noise.lr"}},
		{"lr missing", []string{"escape", "@1", "--set", "noise={model: sgd, batch: 2}"}, "", []string{"noise.lr"}},
		{"batch negative", []string{"escape", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: -2}"}, "", []string{"noise.batch"}},
		{"batch a list", []string{"escape", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: [2]}"}, "", []string{"noise.batch"}},
		{"epsilon negative", []string{"stationary", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: 2, epsilon: -0.1}"}, "", []string{"noise.epsilon"}},
		{"epsilon zero without floor", []string{"stationary", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: 2, epsilon: 0, floor: 0}"}, "", []string{"noise.epsilon"}},
		{"floor negative", []string{"stationary", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: 2, floor: -1}"}, "", []string{"noise.floor"}},
		{"psd map unknown", []string{"stationary", "@1", "--set", "noise={model: sgd, lr: 0.1, batch: 2, psd: square}"}, "", []string{"noise.psd"}},
		// Time.
		{"time.end negative", []string{"run", "@1", "--set", "time.end=-1"}, "", []string{"time.end"}},
		{"time.end zero for run", []string{"run", "@1", "--set", "time={end: 0, dt: 0}"}, "", []string{"time.end"}},
		{"time.dt zero", []string{"run", "@1", "--set", "time.dt=0"}, "", []string{"time.dt"}},
		{"time.dt beyond end", []string{"run", "@1", "--set", "time.dt=2"}, "", []string{"time.dt"}},
		{"time.scheme unknown", []string{"run", "@1", "--set", "time.scheme=rk4"}, "", []string{"time.scheme"}},
		{"time.tol one", []string{"run", "@1", "--set", "time.tol=1"}, "", []string{"time.tol"}},
		// Targets.
		{"target box outside", []string{"mfpt", "@1", "--set", "targets=[{box: [[3, 4]]}]"}, "", []string{"targets[0].box[0]"}},
		{"target empty", []string{"mfpt", "@1", "--set", "targets=[{}]"}, "", []string{"targets[0]"}},
		{"target box between cell centres", []string{"mfpt", "@1", "--set", "targets=[{box: [[1.001, 1.002]]}]"}, "", []string{"targets[0]"}},
		{"target ball outside", []string{"mfpt", "@1", "--set", "targets=[{ball: {center: [5], radius: 0.5}}]"}, "", []string{"targets[0].ball.center[0]"}},
		{"target ball radius", []string{"mfpt", "@1", "--set", "targets=[{ball: {center: [1], radius: -1}}]"}, "", []string{"targets[0].ball.radius"}},
		{"target basin beyond minima", []string{"mfpt", "@1", "--set", "targets=[{basin: 7}]"}, "", []string{"targets[0].basin"}},
		{"target covers the domain", []string{"mfpt", "@1", "--set", "targets=[{box: [[-2, 2]]}]"}, "", []string{"targets[0]"}},
		// Initial density.
		{"gaussian mean outside", []string{"run", "@1", "--set", "initial.gaussian.mean=[3]"}, "", []string{"initial.gaussian.mean[0]"}},
		{"gaussian std zero", []string{"run", "@1", "--set", "initial.gaussian.std=[0]"}, "", []string{"initial.gaussian.std[0]"}},
		{"gaussian std length", []string{"run", "@2", "--set", "initial={gaussian: {mean: [0, 0], std: [0.1]}}"}, "", []string{"initial.gaussian.std"}},
		{"initial point outside", []string{"run", "@1", "--set", "initial={point: [-7]}"}, "", []string{"initial.point[0]"}},
		{"initial minimum beyond minima", []string{"run", "@1", "--set", "initial={minimum: 5}"}, "", []string{"initial.minimum"}},
		{"initial mass all in target", []string{"run", "@1", "--set", "targets=[{box: [[0.5, 1.5]]}]"}, "", []string{"initial"}},
		// Formulas and built-ins.
		{"formula syntax", []string{"critical", "@1", "--set", "landscape.formula=x^4 +"}, "", []string{"landscape.formula"}},
		{"formula unknown function", []string{"critical", "@1", "--set", "landscape.formula=frob(x)"}, "", []string{"landscape.formula"}},
		{"formula unknown variable", []string{"critical", "@1", "--set", "landscape.formula=x^2 + q"}, "", []string{"landscape.formula"}},
		{"formula y in 1-D", []string{"critical", "@1", "--set", "landscape.formula=x^2 + y^2"}, "", []string{"landscape.formula"}},
		{"builtin unknown", []string{"critical", "@1", "--set", "landscape={builtin: volcano}"}, "", []string{"landscape.builtin"}},
		{"builtin param nan", []string{"critical", "@1", "--set", "landscape={builtin: double-well, params: {tilt: .nan}}"}, "", []string{"landscape.params.tilt"}},
		// Output, solver, simulate.
		{"output format unknown", []string{"run", "@1", "--set", "output.formats=[png, bmp]"}, "", []string{"output.formats[1]"}},
		{"output.every negative", []string{"run", "@1", "--set", "output.every=-1"}, "", []string{"output.every"}},
		{"solver.linear unknown", []string{"stationary", "@1", "--set", "solver.linear=cholesky"}, "", []string{"solver.linear"}},
		{"solver.linear thomas in 2-D", []string{"stationary", "@2", "--set", "solver.linear=thomas"}, "", []string{"solver.linear"}},
		{"solver.max_iter zero", []string{"mfpt", "@1", "--set", "solver.max_iter=-3"}, "", []string{"solver.max_iter"}},
		{"walkers zero", []string{"simulate", "@1", "--set", "simulate.walkers=0"}, "", []string{"simulate.walkers"}},
		{"walkers negative", []string{"simulate", "@1", "--set", "simulate.walkers=-5"}, "", []string{"simulate.walkers"}},
		{"simulate dt negative", []string{"simulate", "@1", "--set", "simulate.dt=-0.01"}, "", []string{"simulate.dt"}},
		{"simulate dynamics", []string{"simulate", "@1", "--set", "simulate.dynamics=langevin"}, "", []string{"simulate.dynamics"}},
		{"simulate max_time", []string{"simulate", "@1", "--set", "simulate.max_time=-1"}, "", []string{"simulate.max_time"}},
		// Data files.
		{"data csv missing", []string{"critical", "@f"}, `
data: {model: regression, csv: /nonexistent/examples.csv}
domain: [[-2, 2]]
noise: {model: data, lr: 0.1, batch: 4}
`, []string{"data.csv"}},
		{"data model unknown", []string{"critical", "@f"}, `
data: {model: forest}
domain: [[-2, 2]]
noise: {model: data, lr: 0.1, batch: 4}
`, []string{"data.model"}},
		// --set syntax.
		{"--set without =", []string{"critical", "@1", "--set", "noise.lr"}, "", []string{"--set = noise.lr"}},
		{"--set unknown key", []string{"critical", "@1", "--set", "noise.learning_rate=0.1"}, "", []string{"noise.learning_rate"}},
		{"--set bad yaml", []string{"critical", "@1", "--set", "cells=[1,"}, "", []string{"cells"}},
		{"--set index on a word", []string{"critical", "@1", "--set", "noise.model[0]=white"}, "", []string{"noise.model"}},
		// Flags.
		{"unknown flag", []string{"run", "@1", "--frobnicate"}, "", []string{"--frobnicate"}},
		{"missing scenario file", []string{"run", "/nonexistent/s.yaml"}, "", []string{"/nonexistent/s.yaml"}},
		{"two scenario files", []string{"critical", "@1", "@2"}, "", []string{"arg"}},
		{"escape --target", []string{"escape", "@1", "--target", "nowhere"}, "", []string{"--target", "nowhere"}},
		{"escape --radius negative", []string{"escape", "@1", "--target", "ball", "--radius", "-1"}, "", []string{"--radius"}},
		{"mfpt --from count", []string{"mfpt", "@1", "--set", "boundary=absorbing", "--from", "1,2"}, "", []string{"--from"}},
		{"mfpt --from word", []string{"mfpt", "@1", "--set", "boundary=absorbing", "--from", "left"}, "", []string{"--from"}},
		{"mfpt --from outside", []string{"mfpt", "@1", "--set", "boundary=absorbing", "--from", "9"}, "", []string{"--from"}},
		{"simulate --from", []string{"simulate", "@1", "--from", "9"}, "", []string{"--from"}},
		{"simulate --workers", []string{"simulate", "@1", "--workers", "-1"}, "", []string{"--workers"}},
		{"simulate --seed", []string{"simulate", "@1", "--seed", "-1"}, "", []string{"--seed"}},
		{"stationary with targets", []string{"stationary", "@1", "--set", "targets=[{basin: 1}]"}, "", []string{"targets"}},
		{"stationary with absorbing face", []string{"stationary", "@1", "--set", "boundary=absorbing"}, "", []string{"boundary"}},
		{"sweep --vary no =", []string{"sweep", "@1", "--vary", "noise.temperature"}, "", []string{"--vary"}},
		{"sweep --vary bad count", []string{"sweep", "@1", "--vary", "noise.temperature=0.1:0.2:x"}, "", []string{"--vary"}},
		{"sweep --vary unknown key", []string{"sweep", "@1", "--vary", "noise.temp=0.1:0.2:3"}, "", []string{"noise.temp"}},
		{"sweep --vary bad value", []string{"sweep", "@1", "--vary", "noise.temperature=-0.1:0.2:3"}, "", []string{"noise.temperature"}},
		{"sweep --vary log non-positive", []string{"sweep", "@1", "--log", "--vary", "noise.temperature=0:0.2:3"}, "", []string{"--vary"}},
		{"sweep --fit unswept", []string{"sweep", "@1", "--vary", "noise.temperature=0.1:0.2:3", "--fit", "noise.lr=inverse"}, "", []string{"--fit"}},
		{"sweep --shard", []string{"sweep", "@1", "--vary", "noise.temperature=0.1:0.2:3", "--shard", "4/4"}, "", []string{"--shard"}},
		{"sweep --estimators", []string{"sweep", "@1", "--vary", "noise.temperature=0.1:0.2:3", "--estimators", "tea-leaves"}, "", []string{"tea-leaves"}},
		{"sweep --preset", []string{"sweep", "--preset", "nope"}, "", []string{"nope"}},
		{"--json a directory", []string{"critical", "@1", "--json", "@d"}, "", []string{"--json"}},
		{"--json below a file", []string{"critical", "@1", "--json", "@1/x.json"}, "", []string{"--json"}},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := make([]string, 0, len(tc.args)+4)
			for _, a := range tc.args {
				switch a {
				case "@1":
					a = base1
				case "@2":
					a = base2
				case "@f":
					a = writeScenario(t, tc.file)
				case "@d":
					a = t.TempDir()
				case "@1/x.json":
					a = filepath.Join(base1, "x.json")
				}
				args = append(args, a)
			}
			args = append(args, "--quiet", "--out", t.TempDir())
			code, stdout, stderr := fpsolve(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			for _, w := range tc.want {
				if !namesPath(stderr, w) {
					t.Errorf("no problem line names %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stdout+stderr, "panic") || strings.Contains(stderr, "internal error") {
				t.Errorf("panic:\n%s", stderr)
			}
		})
	}
}

// namesPath reports whether stderr has a problem line that begins with the
// key path want ("  noise.lr = -1: ..."), or an error line of a flag or
// file ("fpsolve: --from ...") that mentions want. Echoes of the command
// line, such as "(after --set noise.lr=-1)", do not count.
func namesPath(stderr, want string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		line, _, _ = strings.Cut(line, " (after --set ")
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), want):
			return true
		case strings.HasPrefix(line, "fpsolve: ") && !strings.HasPrefix(line, "fpsolve: bad scenario") && strings.Contains(line, want):
			return true
		}
	}
	return false
}

// TestRefuseTooLarge checks the resource guard from the command line: a
// grid too large for the memory or an output too large for the limit is
// refused with exit status 2 before anything is allocated (so quickly),
// with the estimate and the key to change; a small problem passes the same
// limit.
func TestRefuseTooLarge(t *testing.T) {
	dir := t.TempDir()
	base3 := filepath.Join(dir, "base3.yaml")
	if err := os.WriteFile(base3, []byte(`
landscape: {formula: "x^2 + y^2 + z^2"}
domain: [[-1, 1], [-1, 1], [-1, 1]]
noise: {model: white, temperature: 0.1}
time: {end: 1, dt: 0.1}
output: {formats: []}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	base1 := filepath.Join(dir, "base1.yaml")
	if err := os.WriteFile(base1, []byte(refuseBase1D), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		// 8e9 cells: beyond what Validate accepts at all.
		{"3-D 2000^3", []string{"run", base3, "--set", "cells=[2000, 2000, 2000]"}, 2, []string{"cells"}},
		// 6.4e7 cells pass Validate; the operator alone is ≈ 12 GB.
		{"3-D 400^3 run", []string{"run", base3, "--set", "cells=[400, 400, 400]", "--memory-limit", "8GB"}, 2, []string{"cells = [400, 400, 400]", "GB", "fewer cells", "--force"}},
		{"3-D 400^3 mfpt", []string{"mfpt", base3, "--set", "cells=[400, 400, 400]", "--set", "boundary=absorbing", "--memory-limit", "8GB"}, 2, []string{"cells", "mfpt needs"}},
		{"3-D 400^3 escape", []string{"escape", base3, "--set", "cells=[400, 400, 400]", "--memory-limit", "8GB"}, 2, []string{"cells", "escape needs"}},
		{"3-D 400^3 sweep", []string{"sweep", base3, "--set", "cells=[400, 400, 400]", "--vary", "noise.temperature=0.1,0.2", "--workers", "2", "--memory-limit", "8GB"}, 2, []string{"cells", "fewer --workers"}},
		// 2-D, direct band LU of 1000×1000: kl = 1000, (3·1000+2)·10⁶·8 B ≈ 24 GB.
		{"2-D direct", []string{"stationary", base3, "--set", "domain=[[-1, 1], [-1, 1]]", "--set", "cells=[1000, 1000]", "--set", "noise={model: matrix, matrix: [[0.1, 0.02], [0.02, 0.1]]}", "--set", "solver.linear=direct", "--memory-limit", "4GB"}, 2, []string{"cells", "solver.linear: bicgstab"}},
		// Snapshots: 1000 outputs of 10⁶ cells are 8 GB.
		{"snapshots", []string{"run", base3, "--set", "domain=[[-1, 1], [-1, 1]]", "--set", "cells=[1000, 1000]", "--set", "output.every=0.001", "--memory-limit", "4GB"}, 2, []string{"cells", "1001 densities", "output.every"}},
		// Output volume: 1001 densities of 2000 cells as CSV ≈ 44 MB.
		{"output volume", []string{"run", base1, "--set", "cells=[2000]", "--set", "output.every=0.001", "--set", "output.formats=[csv]", "--output-limit", "10MB"}, 2, []string{"output.formats", "csv", "output.every"}},
		{"bad --memory-limit", []string{"run", base1, "--memory-limit", "lots"}, 2, []string{"--memory-limit"}},
		// The small problem passes the same limits.
		{"small passes", []string{"run", base1, "--memory-limit", "100MB", "--output-limit", "10MB"}, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			code, _, stderr := fpsolve(t, append(tc.args, "--quiet", "--out", t.TempDir())...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q: %q", w, stderr)
				}
			}
			// Refusing allocates nothing: far below a second even on a
			// busy machine (an operator of 6.4e7 cells takes minutes).
			if el := time.Since(start); tc.code == 2 && el > 2*time.Second {
				t.Errorf("refusal took %v", el)
			}
		})
	}
}

// TestRefuseCollectsAll checks that every problem is reported at once, not
// only the first: three bad values in a file, and a failed --set beside
// two bad values from other --set flags.
func TestRefuseCollectsAll(t *testing.T) {
	three := strings.NewReplacer(
		"cells: [60]", "cells: [2]",
		"temperature: 0.2", "temperature: -1",
		"time: {end: 1, dt: 0.1}", "time: {end: 1, dt: 5}",
	).Replace(refuseBase1D)
	file := writeScenario(t, three)
	base := writeScenario(t, refuseBase1D)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"file", []string{"run", file}, []string{"3 problems", "cells[0] = 2", "noise.temperature = -1", "time.dt = 5"}},
		{"--set", []string{"run", base, "--set", "noise.temperature=warm", "--set", "cells=[2]", "--set", "domain=[[1, 0]]"},
			[]string{"3 problems", "noise.temperature = warm", "cells[0] = 2", "domain[0] = [1, 0]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := fpsolve(t, append(tc.args, "--quiet", "--out", t.TempDir())...)
			if code != 2 {
				t.Fatalf("exit %d, want 2: %q", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, stderr)
				}
			}
			// One line per problem, after the heading.
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 3 {
				t.Errorf("%d lines after the heading, want 3:\n%s", lines, stderr)
			}
		})
	}
}
