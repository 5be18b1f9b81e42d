package scenario

import (
	"errors"
	"strings"
	"testing"
)

// grid10 is minimal on a grid of 10 cells of width 0.2 on [-1, 1]: cell
// centres at −0.9, −0.7, …, 0.9.
const grid10 = minimal + "cells: [10]\n"

// TestRefuseZeroAndEmpty checks the checks added for the input refusal
// table: explicit zeros of keys whose zero means "default", the iteration
// cap, and targets that hold no cell centre or all of them. Each bad case
// must name its key path; each good one must pass Parse, Set and Validate.
func TestRefuseZeroAndEmpty(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		set  []string
		path string // "" for a scenario that must be accepted
		also string
	}{
		{name: "walkers 0", yaml: minimal + "simulate: {walkers: 0}\n", path: "simulate.walkers", also: "at least 1"},
		{name: "simulate dt 0", yaml: minimal + "simulate: {dt: 0.0}\n", path: "simulate.dt", also: "> 0"},
		{name: "max_time 0", yaml: minimal + "simulate: {max_time: 0}\n", path: "simulate.max_time"},
		{name: "tol 0", yaml: strings.Replace(minimal, "time: {end: 1}", "time: {end: 1, tol: 0}", 1), path: "time.tol"},
		{name: "dt 0 beside end", yaml: strings.Replace(minimal, "time: {end: 1}", "time: {end: 1, dt: 0}", 1), path: "time.dt"},
		{name: "set dt 0", yaml: minimal, set: []string{"time.dt=0"}, path: "time.dt"},
		{name: "set walkers 0", yaml: minimal, set: []string{"simulate.walkers=0"}, path: "simulate.walkers"},
		{name: "max_iter 0", yaml: minimal + "solver: {max_iter: 0}\n", path: "solver.max_iter"},
		{name: "max_iter negative", yaml: minimal + "solver: {max_iter: -4}\n", path: "solver.max_iter", also: "positive integer"},
		{name: "max_iter fraction", yaml: minimal + "solver: {max_iter: 2.5}\n", path: "solver.max_iter", also: "fraction"},
		{name: "box between centres", yaml: grid10 + "targets: [{box: [[0.0, 0.05]]}]\n", path: "targets[0].box", also: "no cell centre"},
		{name: "box covers all", yaml: grid10 + "targets: [{box: [[-0.95, 0.95]]}]\n", path: "targets[0].box", also: "every cell"},
		{name: "2-D box empty on axis 1", yaml: `
landscape: {formula: "x^2 + y^2"}
domain: [[-1, 1], [0, 1]]
cells: [10, 4]
noise: {model: white, temperature: 0.1}
targets: [{box: [[0, 1], [0.4, 0.6]]}]
`, path: "targets[0].box", also: "axis 1"},
		{name: "ball between centres", yaml: grid10 + "targets: [{ball: {center: [0.0], radius: 0.05}}]\n", path: "targets[0].ball.radius", also: "0.1 away"},

		// Accepted.
		{name: "no time span round trip", yaml: strings.Replace(minimal, "time: {end: 1}", "time: {end: 0, dt: 0}", 1)},
		{name: "max_iter 50", yaml: minimal + "solver: {linear: bicgstab, max_iter: 50}\n"},
		{name: "box around one centre", yaml: grid10 + "targets: [{box: [[0.08, 0.12]]}]\n"},
		{name: "box edge on a centre", yaml: grid10 + "targets: [{box: [[0.9, 1]]}]\n"},
		{name: "box all but one", yaml: grid10 + "targets: [{box: [[-0.8, 1]]}]\n"},
		{name: "ball on a centre", yaml: grid10 + "targets: [{ball: {center: [0.1], radius: 1e-9}}]\n"},
		{name: "ball at the wall", yaml: grid10 + "targets: [{ball: {center: [1], radius: 0.1}}]\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := parseSetValidate(c.yaml, c.set)
			if c.path == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v (%T), want Problems", err, err)
			}
			if !hasPath(ps, c.path) {
				t.Errorf("no problem with path %q in\n%s", c.path, err)
			}
			if !strings.Contains(err.Error(), c.also) {
				t.Errorf("message lacks %q:\n%s", c.also, err)
			}
		})
	}
}
