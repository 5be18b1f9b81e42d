package scenario

import (
	"errors"
	"strings"
	"testing"
)

// minimal is a valid scenario to which bad YAML cases append or replace keys.
const minimal = `
landscape: {formula: "x^2/2"}
domain: [[-1, 1]]
noise: {model: white, temperature: 0.1}
time: {end: 1}
`

// TestBadScenarios checks that each bad scenario is rejected by Parse, Set or
// Validate with a message naming the key path (and, where given, more text).
func TestBadScenarios(t *testing.T) {
	cases := []struct {
		name string
		yaml string   // a whole document; empty means Default()
		set  []string // overrides applied in order
		path string   // must appear in the error
		also string   // optional further text that must appear
	}{
		// Parse: unknown keys and wrong types.
		{name: "unknown top key", yaml: minimal + "nosie: {}\n", path: "nosie", also: `did you mean "noise"`},
		{name: "unknown nested key", yaml: minimal + "output: {dir: o, evry: 2}\n", path: "output.evry", also: "at line 6"},
		{name: "string for number", yaml: minimal + "simulate: {dt: fast}\n", path: "simulate.dt", also: "expected a number"},
		{name: "fraction for int", yaml: minimal + "cells: [10.5]\n", path: "cells[0]", also: "fraction"},
		{name: "scalar for list", yaml: minimal + "cells: 100\n", path: "cells", also: "expected a list of integers"},
		{name: "bad boundary shape", yaml: minimal + "boundary: [[reflecting, absorbing, periodic]]\n", path: "boundary[0]"},
		{name: "boundary mapping", yaml: minimal + "boundary: {low: reflecting}\n", path: "boundary"},
		{name: "duplicate key", yaml: minimal + "convention: ito\nconvention: divergence\n", path: "convention", also: "duplicate key"},
		{name: "negative seed", yaml: minimal + "simulate: {seed: -1}\n", path: "simulate.seed", also: "non-negative integer"},
		{name: "not a mapping", yaml: "[1, 2]\n", path: "", also: "must be a mapping"},
		{name: "syntax error", yaml: "domain: [[-1, 1]\n", path: "", also: "not valid YAML"},
		{name: "empty document", yaml: "\n", path: "", also: "empty"},

		// Set: unknown paths and wrong types.
		{name: "set unknown path", set: []string{"noise.rl=0.1"}, path: "noise.rl", also: `did you mean "lr"`},
		{name: "set wrong type", set: []string{"noise.lr=fast"}, path: "noise.lr", also: "fast: expected a number, got a string"},
		{name: "set list for number", set: []string{"time.end=[1, 2]"}, path: "time.end", also: "expected a number, got a list"},
		{name: "set index out of range", set: []string{"domain[3]=[0, 1]"}, path: "domain[3]", also: "use [1] to append"},
		{name: "set no equals", set: []string{"noise.lr"}, path: "", also: "noise.lr: an override must look like key.path=value"},
		{name: "set key into list", set: []string{"cells.x=3"}, path: "cells.x", also: "is a list"},
		{name: "set index into mapping", set: []string{"noise[0]=1"}, path: "noise[0]", also: "is not a list"},
		{name: "set inside scalar", set: []string{"time.end.x=1"}, path: "time.end.x", also: "single value"},
		{name: "set bad yaml", set: []string{"cells=[1,"}, path: "cells", also: "cannot parse"},

		// Validate.
		{name: "no domain", set: []string{"domain=~"}, path: "domain", also: "missing"},
		{name: "4-D domain", set: []string{"domain=[[0,1],[0,1],[0,1],[0,1]]", "cells=[3,3,3,3]"}, path: "domain", also: "has 4 axes"},
		{name: "domain lo >= hi", set: []string{"domain[0]=[1, 1]"}, path: "domain[0]", also: "lo < hi"},
		{name: "domain not pair", set: []string{"domain[0]=[1]"}, path: "domain[0]", also: "two numbers"},
		{name: "domain infinite", set: []string{"domain[0]=[-.inf, 1]"}, path: "domain[0]", also: "finite"},
		{name: "cells count", set: []string{"cells=[100, 100]"}, path: "cells", also: "has 2 entries but the domain has 1"},
		{name: "too few cells", set: []string{"cells=[2]"}, path: "cells[0]", also: "at least 3"},
		{name: "too many cells", set: []string{"domain=[[0,1],[0,1],[0,1]]", "cells=[1000,1000,1000]", "initial.uniform=true"}, path: "cells", also: "at most 1e+08"},
		{name: "boundary word", set: []string{"boundary=sticky"}, path: "boundary", also: "reflecting | absorbing | periodic"},
		{name: "boundary axes count", set: []string{"boundary=[[reflecting, absorbing], periodic]"}, path: "boundary", also: "has 2 axes"},
		{name: "half periodic", set: []string{"boundary=[[periodic, absorbing]]"}, path: "boundary[0]", also: "both faces"},
		{name: "unknown noise model", set: []string{"noise.model=pink"}, path: "noise.model", also: "white | matrix | sgd | sgd-local | data"},
		{name: "missing noise model", yaml: strings.Replace(minimal, "model: white, ", "", 1), path: "noise.model", also: "missing"},
		{name: "white without T", set: []string{"noise={model: white}"}, path: "noise.temperature", also: "required"},
		{name: "white T = 0", set: []string{"noise={model: white, temperature: 0}"}, path: "noise.temperature", also: "> 0"},
		{name: "negative lr", set: []string{"noise.lr=-0.1"}, path: "noise.lr", also: "learning rate"},
		{name: "zero batch", set: []string{"noise.batch=0"}, path: "noise.batch", also: "batch size"},
		{name: "sgd-local without lr", set: []string{"noise={model: sgd-local, batch: 2}"}, path: "noise.lr", also: "required by model sgd-local"},
		{name: "bad psd", set: []string{"noise.psd=square"}, path: "noise.psd", also: "abs | softabs | clip"},
		{name: "negative epsilon", set: []string{"noise.epsilon=-1"}, path: "noise.epsilon", also: "≥ 0"},
		{name: "negative floor", set: []string{"noise.floor=-0.001"}, path: "noise.floor", also: "≥ 0"},
		{name: "sgd vanishing", set: []string{"noise.epsilon=0", "noise.floor=0"}, path: "noise.epsilon", also: "inflection"},
		{name: "matrix missing", set: []string{"noise={model: matrix}"}, path: "noise.matrix", also: "required"},
		{name: "matrix size", set: []string{"noise={model: matrix, matrix: [[1, 0], [0, 1]]}"}, path: "noise.matrix", also: "has 2 rows"},
		{name: "matrix asymmetric", set: []string{"domain=[[-1,1],[-1,1]]", "initial.uniform=true", "cells=[10,10]", "noise={model: matrix, matrix: [[1, 0.5], [0.4, 1]]}"}, path: "noise.matrix", also: "symmetric"},
		{name: "matrix indefinite", set: []string{"domain=[[-1,1],[-1,1]]", "initial.uniform=true", "cells=[10,10]", "noise={model: matrix, matrix: [[1, 2], [2, 1]]}"}, path: "noise.matrix", also: "smallest eigenvalue is -1"},
		{name: "matrix zero diagonal", set: []string{"noise={model: matrix, matrix: [[0]]}"}, path: "noise.matrix[0][0]", also: "> 0"},
		{name: "matrix row", set: []string{"domain=[[-1,1],[-1,1]]", "initial.uniform=true", "cells=[10,10]", "noise={model: matrix, matrix: [[1, 0], [0]]}"}, path: "noise.matrix[1]", also: "each row needs 2"},
		{name: "bad convention", set: []string{"convention=stratonovich"}, path: "convention", also: "ito | divergence"},
		{name: "landscape both", set: []string{"landscape={formula: x^2, builtin: double-well}"}, path: "landscape", also: "exactly one"},
		{name: "landscape none", set: []string{"landscape.formula=~"}, path: "landscape", also: "needs a formula"},
		{name: "landscape param inf", set: []string{"landscape.params.tilt=.inf"}, path: "landscape.params.tilt", also: "finite"},
		{name: "initial two", set: []string{"initial={minimum: 0, uniform: true}"}, path: "initial", also: "exactly one"},
		{name: "gaussian mean length", set: []string{"initial.gaussian.mean=[0, 0]"}, path: "initial.gaussian.mean", also: "2 coordinates"},
		{name: "gaussian outside", set: []string{"initial.gaussian.mean=[3]"}, path: "initial.gaussian.mean[0]", also: "inside the domain [-2.5, 2.5]"},
		{name: "gaussian std", set: []string{"initial.gaussian.std=[0]"}, path: "initial.gaussian.std[0]", also: "> 0"},
		{name: "gaussian std length", set: []string{"initial.gaussian.std=[]"}, path: "initial.gaussian.std", also: "one standard deviation per axis"},
		{name: "point outside", set: []string{"initial.point=[-7]"}, path: "initial.point[0]", also: "inside the domain"},
		{name: "negative minimum", set: []string{"initial.minimum=-1"}, path: "initial.minimum", also: "≥ 0"},
		{name: "end zero", set: []string{"time.end=0"}, path: "time.end", also: "> 0"},
		{name: "dt negative", set: []string{"time.dt=-1"}, path: "time.dt", also: "> 0"},
		{name: "dt beyond end", set: []string{"time.dt=3000"}, path: "time.dt", also: "must not exceed time.end = 1000"},
		{name: "unknown scheme", set: []string{"time.scheme=rk45"}, path: "time.scheme", also: "backward-euler | crank-nicolson | bdf2 | tr-bdf2"},
		{name: "tol too big", set: []string{"time.tol=2"}, path: "time.tol", also: "(0, 1)"},
		{name: "target none", set: []string{"targets=[{}]"}, path: "targets[0]", also: "exactly one"},
		{name: "target two", set: []string{"targets=[{basin: 1, box: [[0, 1]]}]"}, path: "targets[0]", also: "found 2"},
		{name: "target box axes", set: []string{"targets[0].box=[[0, 1], [0, 1]]"}, path: "targets[0].box", also: "has 2 intervals"},
		{name: "target box order", set: []string{"targets[0].box=[[1, 0]]"}, path: "targets[0].box[0]", also: "lo < hi"},
		{name: "target box outside", set: []string{"targets[0].basin=0", "targets[1].box=[[3, 4]]"}, path: "targets[1].box[0]", also: "outside the domain"},
		{name: "target basin", set: []string{"targets[0].basin=-2"}, path: "targets[0].basin", also: "≥ 0"},
		{name: "target ball radius", set: []string{"targets[0].ball={center: [1], radius: 0}"}, path: "targets[0].ball.radius", also: "> 0"},
		{name: "target ball center", set: []string{"targets[0].ball={center: [9], radius: 1}"}, path: "targets[0].ball.center[0]", also: "inside the domain"},
		{name: "output every", set: []string{"output.every=-1"}, path: "output.every", also: "≥ 0"},
		{name: "output format", set: []string{"output.formats=[png, jpeg]"}, path: "output.formats[1]", also: "png | svg | pdf"},
		{name: "walkers", set: []string{"simulate.walkers=-5"}, path: "simulate.walkers", also: "at least 1"},
		{name: "dynamics", set: []string{"simulate.dynamics=langevin"}, path: "simulate.dynamics", also: "sde | sgd | sgld | minibatch"},
		{name: "simulate dt", set: []string{"simulate.dt=-0.1"}, path: "simulate.dt", also: "> 0"},
		{name: "max time", set: []string{"simulate.max_time=-1"}, path: "simulate.max_time", also: "> 0"},
		{name: "linear solver", set: []string{"solver.linear=lu"}, path: "solver.linear", also: "auto | thomas | direct | bicgstab"},
		{name: "thomas in 2-D", set: []string{"domain=[[-1,1],[-1,1]]", "cells=[10,10]", "initial.uniform=true", "solver.linear=thomas"}, path: "solver.linear", also: "1-D"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			yaml := c.yaml
			if yaml == "" {
				yaml = string(defaultYAML)
			}
			err := parseSetValidate(yaml, c.set)
			if err == nil {
				t.Fatal("accepted")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not Problems: %v", err, err)
			}
			msg := err.Error()
			if c.path != "" && !hasPath(ps, c.path) {
				t.Errorf("no problem with path %q in\n%s", c.path, msg)
			}
			if !strings.Contains(msg, c.also) {
				t.Errorf("message lacks %q:\n%s", c.also, msg)
			}
		})
	}
}

func hasPath(ps Problems, path string) bool {
	for _, p := range ps {
		if p.Path == path {
			return true
		}
	}
	return false
}

// parseSetValidate parses yaml, applies the --set arguments and validates,
// stopping at the first error.
func parseSetValidate(yaml string, sets []string) error {
	s, err := Parse([]byte(yaml))
	for _, a := range sets {
		if err != nil {
			return err
		}
		err = s.Set(a)
	}
	if err != nil {
		return err
	}
	return s.Validate()
}
