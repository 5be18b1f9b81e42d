package scenario

import (
	"reflect"
	"strings"
	"testing"
)

func TestSet(t *testing.T) {
	cases := []struct {
		set   string
		check func(*Scenario) bool
	}{
		{"cells=[400]", func(s *Scenario) bool { return reflect.DeepEqual(s.Cells, []int{400}) }},
		{"noise.lr=0.05", func(s *Scenario) bool { return *s.Noise.LR == 0.05 }},
		{"noise.batch = 8", func(s *Scenario) bool { return *s.Noise.Batch == 8 }},
		{"boundary=absorbing", func(s *Scenario) bool { return s.Boundary.All == Absorbing && s.Boundary.Axes == nil }},
		{"boundary=[[reflecting, absorbing]]", func(s *Scenario) bool {
			return s.Boundary.All == "" && reflect.DeepEqual(s.Boundary.Axes, [][2]string{{Reflecting, Absorbing}})
		}},
		{"landscape.params.tilt=0.2", func(s *Scenario) bool { return s.Landscape.Params["tilt"] == 0.2 }},
		{"landscape.params.k=3", func(s *Scenario) bool { return s.Landscape.Params["k"] == 3.0 }},
		{"time.end=1e3", func(s *Scenario) bool { return s.Time.End == 1000 }},
		{"time.scheme=cn", func(s *Scenario) bool { return s.Time.Scheme == CrankNicolson }},
		{"time.adaptive=false", func(s *Scenario) bool { return !s.Time.IsAdaptive() }},
		{"initial.gaussian.mean=[0.5]", func(s *Scenario) bool { return s.Initial.Gaussian.Mean[0] == 0.5 && s.Initial.Gaussian.Std[0] == 0.05 }},
		{"domain[0]=[-3, 3]", func(s *Scenario) bool { return reflect.DeepEqual(s.Domain, [][]float64{{-3, 3}}) }},
		{"domain.0.1=4", func(s *Scenario) bool { return s.Domain[0][1] == 4 }},
		{"cells[0]=500", func(s *Scenario) bool { return s.Cells[0] == 500 }},
		{"targets[0].box=[[1, 2.5]]", func(s *Scenario) bool { return len(s.Targets) == 1 && s.Targets[0].Box[0][0] == 1 }},
		{"simulate.walkers=1e4", func(s *Scenario) bool { return s.Simulate.Walkers == 10000 }},
		{"simulate.seed=7", func(s *Scenario) bool { return *s.Simulate.Seed == 7 }},
		{"simulate.max_time=5e5", func(s *Scenario) bool { return s.Simulate.MaxTime == 5e5 }},
		{"name=my run", func(s *Scenario) bool { return s.Name == "my run" }},
		{"landscape.formula=x^4 - x^2 # no comment", func(s *Scenario) bool { return s.Landscape.Formula == "x^4 - x^2" }},
		{"landscape.formula=[x]^2", func(s *Scenario) bool { return s.Landscape.Formula == "[x]^2" }},
		{"noise.floor=~", func(s *Scenario) bool { return *s.Noise.Floor == 0 }}, // unset, then the default
		{"output.formats=[svg, npy]", func(s *Scenario) bool { return reflect.DeepEqual(s.Output.Formats, []string{"svg", "npy"}) }},
		{"solver.linear=thomas", func(s *Scenario) bool { return s.Solver.Linear == LinearThomas }},
		{"convention=divergence", func(s *Scenario) bool { return s.Convention == Divergence }},
		{"noise={model: white, temperature: 0.3}", func(s *Scenario) bool {
			return s.Noise.Model == White && *s.Noise.Temperature == 0.3 && s.Noise.LR == nil
		}},
	}
	for _, c := range cases {
		s := Default()
		if err := s.Set(c.set); err != nil {
			t.Errorf("Set(%q): %v", c.set, err)
			continue
		}
		if !c.check(s) {
			t.Errorf("Set(%q) gave %+v", c.set, s)
		}
		if c.set == "landscape.formula=x^4 - x^2 # no comment" {
			continue // the comment is dropped by YAML
		}
		if err := s.Validate(); err != nil && !strings.Contains(c.set, "thomas") && !strings.Contains(c.set, "[x]") {
			t.Errorf("Set(%q) then Validate: %v", c.set, err)
		}
	}
}

// TestSetExactlyOne checks that setting one variant of a choice drops the others.
func TestSetExactlyOne(t *testing.T) {
	s := Default()
	if err := s.Set("initial.minimum=1"); err != nil {
		t.Fatal(err)
	}
	if s.Initial.Gaussian != nil || *s.Initial.Minimum != 1 || s.Initial.Uniform || s.Initial.Point != nil {
		t.Errorf("initial.minimum=1 gave %+v", s.Initial)
	}
	if err := s.Set("initial.point=[0.3]"); err != nil {
		t.Fatal(err)
	}
	if s.Initial.Minimum != nil || s.Initial.Point[0] != 0.3 {
		t.Errorf("initial.point gave %+v", s.Initial)
	}
	if err := s.Set("landscape.builtin=double-well"); err != nil {
		t.Fatal(err)
	}
	if s.Landscape.Formula != "" || s.Landscape.Builtin != "double-well" {
		t.Errorf("landscape.builtin gave %+v", s.Landscape)
	}
	if err := s.Set("landscape.params.tilt=0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("landscape.formula=x^2"); err != nil {
		t.Fatal(err)
	}
	if s.Landscape.Builtin != "" || s.Landscape.Formula != "x^2" {
		t.Errorf("landscape.formula gave %+v", s.Landscape)
	}
	for _, a := range []string{"targets[0].box=[[1, 2]]", "targets[0].basin=1"} {
		if err := s.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	if tg := s.Targets[0]; tg.Box != nil || *tg.Basin != 1 {
		t.Errorf("targets[0].basin gave %+v", tg)
	}
	if err := s.Validate(); err != nil {
		t.Error(err)
	}
}

// TestSetThenMarshal checks that overrides survive --print-scenario.
func TestSetThenMarshal(t *testing.T) {
	s := Default()
	for _, a := range []string{"domain=[[-2,2],[-1,1]]", "cells=[400,400]", "landscape.builtin=flat-sharp", "initial.uniform=true", "noise.lr=0.05"} {
		if err := s.Set(a); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip after Set differs:\n%s", data)
	}
}

// TestSetLeavesScenarioOnError checks that a failed Set changes nothing.
func TestSetLeavesScenarioOnError(t *testing.T) {
	s := Default()
	want := Default()
	for _, a := range []string{"noise.lr=abc", "nosie.lr=1", "cells=[a]", "targets[3].basin=1"} {
		if err := s.Set(a); err == nil {
			t.Errorf("Set(%q) succeeded", a)
		}
	}
	if !reflect.DeepEqual(s, want) {
		t.Error("failed Set changed the scenario")
	}
}
