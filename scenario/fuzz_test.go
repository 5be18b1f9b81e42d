package scenario

import (
	"os"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse, Validate and Marshal never panic and that a
// parsed scenario survives a Marshal/Parse round trip.
func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	for _, file := range scenarioFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "~", "[]", "a: b", minimal,
		minimal + "boundary: [[periodic, periodic]]\n",
		minimal + "boundary: [periodic, [1, 2, 3]]\n",
		minimal + "targets: [{box: [[0, 1]]}, {basin: 1}, {ball: {center: [0], radius: 1}}]\n",
		minimal + "landscape: &a {builtin: x, params: {a: *a}}\n",
		"a: &a [*a, *a]\n",
		"<<: {name: x}\n",
		minimal + "cells: [1e400]\n",
		minimal + "simulate: {walkers: 1e30, seed: 18446744073709551615}\n",
		minimal + "noise: {model: matrix, matrix: [[.nan]]}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		_ = s.Validate()
		out, err := s.Marshal()
		if err != nil {
			return // for example a scenario holding NaN in a map key
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal()) failed: %v\n%s", err, out)
		}
		if s.Validate() == nil && !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip of a valid scenario differs:\n%s", out)
		}
	})
}

// FuzzSet checks that Set never panics and leaves a scenario that can be
// validated and marshalled.
func FuzzSet(f *testing.F) {
	for _, a := range []string{
		"cells=[400,400]", "noise.lr=0.05", "boundary=absorbing", "landscape.params.tilt=0.2",
		"time.end=1e3", "initial.gaussian.mean=[0.5]", "targets[0].basin=1", "domain.0.1=3",
		"targets[0].box[0]=[0,1]", "=", "a", "[0]=1", "noise..lr=1", "noise.lr=[", "x]=1",
		"landscape.params.a.b.c=1", "landscape.params=[1]", "landscape.params.a[0]=1",
		"boundary[0]=periodic", "initial=~", "simulate.seed=-1", "cells[1]=5",
	} {
		f.Add(a)
	}
	f.Fuzz(func(t *testing.T, a string) {
		s := Default()
		if err := s.Set(a); err != nil {
			return
		}
		_ = s.Validate()
		if _, err := s.Marshal(); err != nil {
			t.Fatalf("Marshal after Set(%q): %v", a, err)
		}
	})
}
