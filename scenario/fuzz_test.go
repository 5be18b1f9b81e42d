package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The scenario fuzz targets run about a millisecond per input for a valid
// scenario (two YAML parses in Parse, Validate, Marshal and a re-parse). The
// fuzzing engine minimizes every new interesting input for up to
// -fuzzminimizetime (default 60s) with an O(n²) search over the input's
// bytes, and a worker does nothing else meanwhile; with seeds the size of a
// scenario file (~1 KB) each new input stalls the worker for the full 60 s,
// which is the "27 execs in 100 s" once seen with -parallel 1. Run them with
// a short minimization budget:
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 10m -fuzzminimizetime 5s -parallel 1 ./scenario/

// checkProblems fails unless err is a non-empty Problems whose problems all
// have a message.
func checkProblems(t *testing.T, what string, err error) {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("%s: error %T (%v), want Problems", what, err, err)
	}
	if len(ps) == 0 {
		t.Fatalf("%s: empty Problems", what)
	}
	for _, p := range ps {
		if strings.TrimSpace(p.Msg) == "" || p.Line < 0 {
			t.Fatalf("%s: problem without a message or with a negative line: %+v", what, p)
		}
	}
	if err.Error() == "" {
		t.Fatalf("%s: empty error text", what)
	}
}

// same reports whether a and b hold the same scenario data: reflect.DeepEqual
// except that a NaN equals a NaN and a nil slice or map equals an empty one
// (YAML writes both as [] or {}).
func same(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || x != x && y != y
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return false
		}
		return same(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			v := b.MapIndex(k)
			if !v.IsValid() || !same(a.MapIndex(k), v) {
				return false
			}
		}
		return true
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.String:
		return a.String() == b.String()
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// sameScenario reports whether a and b hold the same data (see same).
func sameScenario(a, b *Scenario) bool { return same(reflect.ValueOf(a), reflect.ValueOf(b)) }

// checkParsed checks the properties every parsed or Set scenario has:
// Clone is equal (see same), Defaults is idempotent, Validate returns nil or
// Problems and changes nothing, and Marshal re-parses, to an equal scenario
// when it is valid, after which the text of further round trips does not
// change.
func checkParsed(t *testing.T, what string, s *Scenario) {
	t.Helper()
	out, err := s.Marshal()
	if err != nil {
		t.Fatalf("%s: Marshal: %v", what, err)
	}
	c := s.Clone()
	if !sameScenario(c, s) {
		t.Fatalf("%s: Clone differs:\n%s", what, out)
	}
	c.Defaults()
	if !sameScenario(c, s) {
		t.Fatalf("%s: Defaults is not idempotent:\n%s", what, out)
	}
	valid := s.Validate()
	if valid != nil {
		checkProblems(t, what+": Validate", valid)
	}
	if !sameScenario(c, s) {
		t.Fatalf("%s: Validate changed the scenario:\n%s", what, out)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatalf("%s: Parse(Marshal()) failed: %v\n%s", what, err, out)
	}
	// Only a valid scenario is sure to survive: Marshal omits an empty
	// initial.point or target box, which made the scenario invalid by being
	// present (initial.point=[] reads back as no initial variant, uniform).
	if valid == nil && !sameScenario(back, s) {
		t.Fatalf("%s: round trip of a valid scenario differs:\n%s", what, out)
	}
	// The text is stable from the first round trip on; the first may differ
	// where YAML reads a float's text back as an integer (−0 becomes 0).
	again, err := back.Marshal()
	if err != nil {
		t.Fatalf("%s: Marshal(Parse(Marshal())): %v", what, err)
	}
	back2, err := Parse(again)
	if err != nil {
		t.Fatalf("%s: Parse after two round trips: %v\n%s", what, err, again)
	}
	third, err := back2.Marshal()
	if err != nil {
		t.Fatalf("%s: third Marshal: %v", what, err)
	}
	if !bytes.Equal(third, again) {
		t.Fatalf("%s: Marshal∘Parse is not a fixed point:\n%s\nthen\n%s", what, again, third)
	}
}

// FuzzParse checks Parse on arbitrary bytes: it returns a scenario or
// Problems, never panics, and a scenario it returns has the properties
// checkParsed checks. The seed corpus is in testdata/fuzz/FuzzParse (the
// scenario files, the default, variants of them and inputs that once
// failed); f.Add adds the embedded default and the scenario files as they
// are now.
func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	for _, file := range scenarioFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			checkProblems(t, "Parse", err)
			return
		}
		checkParsed(t, "parsed scenario", s)
	})
}

// setBases are the scenarios FuzzSet applies overrides to: the default and
// the scenario files (1-, 2-D, data, targets).
func setBases(f *testing.F) []*Scenario {
	bases := []*Scenario{Default()}
	for _, file := range scenarioFiles(f) {
		s, err := Load(file)
		if err != nil {
			f.Fatal(err)
		}
		bases = append(bases, s)
	}
	return bases
}

// FuzzSet checks Set on arbitrary overrides of the default and the scenario
// files: a rejected override returns Problems and leaves the scenario
// unchanged; an accepted one leaves a scenario with the properties
// checkParsed checks, and applying it again changes nothing.
func FuzzSet(f *testing.F) {
	for i, a := range []string{
		"cells=[400,400]", "noise.lr=0.05", "boundary=absorbing", "landscape.params.tilt=0.2",
		"time.end=1e3", "initial.gaussian.mean=[0.5]", "targets[0].basin=1", "domain.0.1=3",
		"targets[0].box[0]=[0,1]", "=", "a", "[0]=1", "noise..lr=1", "noise.lr=[", "x]=1",
		"landscape.params.a.b.c=1", "landscape.params=[1]", "landscape.params.a[0]=1",
		"boundary[0]=periodic", "initial=~", "simulate.seed=-1", "cells[1]=5",
	} {
		f.Add(a, uint8(i))
	}
	bases := setBases(f)
	f.Fuzz(func(t *testing.T, a string, base uint8) {
		s := bases[int(base)%len(bases)].Clone()
		before := s.Clone()
		if err := s.Set(a); err != nil {
			checkProblems(t, "Set("+a+")", err)
			if !sameScenario(s, before) {
				t.Fatalf("Set(%q) failed (%v) but changed the scenario", a, err)
			}
			return
		}
		checkParsed(t, "after Set("+a+")", s)
		twice := s.Clone()
		if err := twice.Set(a); err != nil {
			t.Fatalf("Set(%q) succeeded once, then failed: %v", a, err)
		}
		if !sameScenario(twice, s) {
			t.Fatalf("Set(%q) twice differs from once", a)
		}
	})
}

// TestParseRefusesAbsurdSizes checks that documents that would make Parse
// do huge work are refused early with a Problem: the YAML decoder's
// duplicate-key check is quadratic in the size of a mapping (100000
// landscape parameters took 105 s to parse, and as long again to validate,
// marshal and re-parse, before the cap), and alias expansion is exponential
// in the nesting of aliases.
func TestParseRefusesAbsurdSizes(t *testing.T) {
	const head = "domain: [[-2, 2]]\nnoise: {model: white, temperature: 0.1}\ntime: {end: 1}\n"
	keys := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "k%d: %d, ", i, i)
		}
		return strings.TrimSuffix(b.String(), ", ")
	}
	bomb := "landscape:\n  builtin: quadratic\n  params:\n    a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
	for i, name := range []string{"b", "c", "d", "e", "f"} {
		prev := string("abcde"[i])
		bomb += fmt.Sprintf("    %s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "))
	}
	for _, c := range []struct {
		name, yaml, path, msg string
	}{
		{"wide params", "landscape: {builtin: quadratic, params: {" + keys(5000) + "}}\n" + head, "landscape.params", "at most 1000"},
		{"wide nested params", "landscape: {builtin: quadratic, params: {A: [{" + keys(2000) + "}]}}\n" + head, "landscape.params.A[0]", "at most 1000"},
		{"wide data params", "data: {model: regression, params: {" + keys(1001) + "}}\n" + head, "data.params", "at most 1000"},
		{"too many bytes", "name: " + strings.Repeat("a", 1<<20) + "\n" + head, "", "at most 1048576"},
		{"too many nodes", "cells: [" + strings.Repeat("3, ", 250000) + "3]\n" + head, "", "too large"},
		{"alias bomb", bomb + head, "", "excessive aliasing"},
	} {
		if testing.Short() && c.name == "too many nodes" {
			continue // 0.7 s
		}
		start := time.Now()
		_, err := Parse([]byte(c.yaml))
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Errorf("%s: Parse returned %v, want Problems", c.name, err)
			continue
		}
		if ps[0].Path != c.path || !strings.Contains(ps[0].Msg, c.msg) {
			t.Errorf("%s: problem %+v, want path %q and a message containing %q", c.name, ps[0], c.path, c.msg)
		}
		t.Logf("%s (%d bytes): refused in %v", c.name, len(c.yaml), time.Since(start))
	}
	// 1000 keys are allowed.
	s, err := Parse([]byte("landscape: {builtin: quadratic, params: {" + keys(1000) + "}}\n" + head))
	if err != nil || len(s.Landscape.Params) != 1000 {
		t.Fatalf("1000 parameters: %v", err)
	}
}
