package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func scenarioFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d scenario files in testdata/scenarios, want at least 6", len(files))
	}
	return files
}

func TestDefaultValidates(t *testing.T) {
	s := Default()
	if err := s.Validate(); err != nil {
		t.Fatalf("default scenario does not validate:\n%v", err)
	}
	if s.Noise.Model != SGD || *s.Noise.LR != 0.1 || *s.Noise.Batch != 1 || s.Cells[0] != 1000 {
		t.Errorf("unexpected default scenario: %+v", s)
	}
	// Each call returns a fresh copy.
	s.Cells[0] = 7
	*s.Noise.LR = 3
	if d := Default(); d.Cells[0] != 1000 || *d.Noise.LR != 0.1 {
		t.Error("Default returned shared state")
	}
}

func TestTestdataScenariosValidate(t *testing.T) {
	for _, f := range scenarioFiles(t) {
		s, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s:\n%v", f, err)
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".yaml"); s.Name == "" {
			t.Errorf("%s: no name, want one (e.g. %s)", f, want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	cases := map[string]*Scenario{"default": Default()}
	for _, f := range scenarioFiles(t) {
		s, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[f] = s
	}
	withTargets := Default()
	for _, a := range []string{"targets[0].ball={center: [1], radius: 0.3}", "targets[1].basin=1", "simulate.seed=42", "boundary=[[absorbing, reflecting]]", "landscape.params.tilt=0.25", "output.formats=[]"} {
		if err := withTargets.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	cases["with targets"] = withTargets
	for name, s := range cases {
		data, err := s.Marshal()
		if err != nil {
			t.Fatalf("%s: Marshal: %v", name, err)
		}
		back, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: Parse(Marshal()): %v\n%s", name, err, data)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s: round trip differs:\n got %#v\nwant %#v\n%s", name, back, s, data)
		}
		if c := s.Clone(); !reflect.DeepEqual(c, s) {
			t.Errorf("%s: Clone differs", name)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := Default()
	if err := s.Set("landscape.params.a=[1, 2]"); err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	c.Domain[0][0] = -9
	*c.Noise.LR = 9
	c.Initial.Gaussian.Mean[0] = 9
	c.Landscape.Params["a"].([]any)[0] = 9.0
	if s.Domain[0][0] != -2.5 || *s.Noise.LR != 0.1 || s.Initial.Gaussian.Mean[0] != 0.95 || s.Landscape.Params["a"].([]any)[0] != 1.0 {
		t.Error("Clone shares memory with the original")
	}
}

func TestUnknownKey(t *testing.T) {
	doc := strings.Replace(string(defaultYAML), "noise:", "nosie:", 1)
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("unknown key accepted")
	}
	line := 0
	for i, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "nosie:") {
			line = i + 1
		}
	}
	for _, want := range []string{`unknown key "nosie" at line ` + strconv.Itoa(line), `did you mean "noise"`, "allowed: name, landscape, domain"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	var ps Problems
	if !errors.As(err, &ps) || ps[0].Line != line || ps[0].Path != "nosie" {
		t.Errorf("want Problems with line %d and path nosie, got %#v", line, err)
	}

	// Nested unknown keys are reported with their path, all at once.
	_, err = Parse([]byte("landscape: {formula: x^2}\ndomain: [[-1, 1]]\nnoise: {model: white, temprature: 0.1}\ntime: {end: 1, stepper: be}\n"))
	for _, want := range []string{`noise.temprature: unknown key "temprature" at line 3 in noise; did you mean "temperature"?`, `time.stepper: unknown key "stepper" at line 4 in time`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("want an error naming %s, got %v", path, err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error does not wrap os.ErrNotExist: %v", err)
	}
}

func TestLoadNamesAfterFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my-well.yaml")
	doc := strings.Replace(string(defaultYAML), "name: tilted-double-well-sgd\n", "", 1)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "my-well" {
		t.Errorf("Name = %q, want my-well", s.Name)
	}
}

func TestDefaultsFill(t *testing.T) {
	s, err := Parse([]byte(`
landscape: {builtin: flat-sharp}
domain: [[-2, 2], [-2, 2]]
noise: {model: SGLD, temperature: 0.2}
time: {end: 10, scheme: BE}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Scenario{
		Landscape:  Landscape{Builtin: "flat-sharp"},
		Domain:     [][]float64{{-2, 2}, {-2, 2}},
		Cells:      []int{200, 200},
		Boundary:   Boundary{All: Reflecting},
		Noise:      Noise{Model: White, Temperature: ptr(0.2)},
		Convention: Ito,
		Initial:    Initial{Uniform: true},
		Time:       Time{End: 10, DT: 0.1, Scheme: BackwardEuler, Adaptive: ptr(true), Tol: 1e-4},
		Output:     Output{Dir: "out", Formats: []string{"png", "csv", "json"}},
		Simulate:   Simulate{Walkers: 1000, Dynamics: "sde", DT: 0.001, MaxTime: 1e6},
		Solver:     Solver{Linear: LinearAuto},
	}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("defaults:\n got %#v\nwant %#v", *s, want)
	}
	sgd, err := Parse([]byte("noise: {model: sgd-local}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n := sgd.Noise; n.PSD != PSDSoftAbs || *n.Epsilon != 0.05 || *n.Floor != 0 {
		t.Errorf("sgd-local noise defaults: %+v", n)
	}
}

func TestBoundaryFaces(t *testing.T) {
	cases := []struct {
		yaml string
		d    int
		want [][2]string
		err  string
	}{
		{yaml: "reflecting", d: 2, want: [][2]string{{"reflecting", "reflecting"}, {"reflecting", "reflecting"}}},
		{yaml: "[[reflecting, absorbing], periodic]", d: 2, want: [][2]string{{"reflecting", "absorbing"}, {"periodic", "periodic"}}},
		{yaml: "[[Absorbing, absorbing]]", d: 1, want: [][2]string{{"absorbing", "absorbing"}}},
		{yaml: "[[periodic, reflecting]]", d: 1, err: "boundary[0]"},
		{yaml: "[[reflecting, absorbing]]", d: 2, err: "has 1 axes but the domain has 2"},
		{yaml: "sticky", d: 1, err: "allowed: reflecting | absorbing | periodic"},
		{yaml: "[[reflecting, wall]]", d: 1, err: "boundary[0][1]"},
	}
	for _, c := range cases {
		s, err := Parse([]byte("boundary: " + c.yaml + "\n"))
		if err != nil {
			t.Fatalf("%s: %v", c.yaml, err)
		}
		got, err := s.Boundary.Faces(c.d)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want one containing %q", c.yaml, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Faces = %v, %v; want %v", c.yaml, got, err, c.want)
		}
	}
	var zero Boundary
	if f, err := zero.Faces(1); err != nil || f[0] != [2]string{Reflecting, Reflecting} {
		t.Errorf("zero Boundary: %v, %v", f, err)
	}
}

func TestSeveralProblemsAtOnce(t *testing.T) {
	s := Default()
	s.Domain = [][]float64{{2, -2}}
	s.Cells = []int{2}
	s.Noise.LR = ptr(-0.1)
	s.Time.Scheme = "rk4"
	s.Output.Formats = []string{"png", "bmp"}
	err := s.Validate()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Validate returned %T %v, want Problems", err, err)
	}
	wantLines := []string{
		"domain[0] = [2, -2]: needs lo < hi",
		"cells[0] = 2: must be at least 3 cells per axis",
		"noise.lr = -0.1: must be a finite number > 0 (the SGD learning rate η)",
		"time.scheme = rk4: unknown time-stepping scheme",
		"output.formats[1] = bmp: unknown format",
	}
	msg := err.Error()
	for _, w := range wantLines {
		if !strings.Contains(msg, w) {
			t.Errorf("problems\n%s\nlack %q", msg, w)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != len(ps) || len(ps) < len(wantLines) {
		t.Errorf("%d lines for %d problems", n, len(ps))
	}

	// The zero Scenario (no Defaults) lacks everything required.
	err = new(Scenario).Validate()
	for _, w := range []string{"landscape: needs a formula", "domain: missing", "noise.model: missing", "initial: missing", "simulate.walkers = 0"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("zero scenario: problems\n%v\nlack %q", err, w)
		}
	}
}
