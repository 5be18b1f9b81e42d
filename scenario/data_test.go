package scenario

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/dataset"
)

// dataMinimal is a valid data scenario to which the cases apply overrides.
const dataMinimal = `
data: {model: regression, n: 32, seed: 1, noise: 0.3, params: {a: 1, theta_star: 0.5}}
domain: [[-2.5, 1.5]]
cells: [200]
noise: {model: data, lr: 0.05, batch: 4}
time: {end: 1}
`

// TestDataBuild checks that a data scenario resolves to the data set's mean
// loss and the covariance diffusion, and that the defaults are filled.
func TestDataBuild(t *testing.T) {
	s, err := Parse([]byte(dataMinimal))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if m.Data == nil || m.Loss != m.Data || m.Data.Len() != 32 {
		t.Fatalf("Loss %T, Data %v: want the data set of 32 examples", m.Loss, m.Data)
	}
	dn, ok := m.Diffusion.(dataset.Noise)
	if !ok {
		t.Fatalf("Diffusion is %T, want dataset.Noise", m.Diffusion)
	}
	// D = η/(2B)·(n−B)/(n−1)·Σ.
	x := []float64{0.2}
	var sig, d [1]float64
	m.Data.Covariance(sig[:], x)
	dn.At(d[:], x)
	if want := 0.05 / 8 * 28.0 / 31 * sig[0]; math.Abs(d[0]-want) > 1e-14*want {
		t.Errorf("D(0.2) = %g, want %g", d[0], want)
	}
	if m.IterationTime() != 0.05 {
		t.Errorf("IterationTime = %g, want η = 0.05", m.IterationTime())
	}
	// Default n, seed and noise; a clone is deep.
	s2, err := Parse([]byte(strings.Replace(dataMinimal, "n: 32, seed: 1, noise: 0.3, ", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := s2.Data; d.N != 64 || *d.Seed != 1 || *d.Noise != 0.1 {
		t.Errorf("defaults n %d, seed %d, noise %g; want 64, 1, 0.1", d.N, *d.Seed, *d.Noise)
	}
	c := s2.Clone()
	*c.Data.Noise = 5
	c.Data.Params["a"] = 7.0
	if *s2.Data.Noise != 0.1 || s2.Data.Params["a"] != 1.0 {
		t.Error("Clone shares the data block")
	}
	// Round trip through Marshal.
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := Parse(b)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, b)
	}
	if err := s3.Validate(); err != nil {
		t.Fatalf("re-parsed scenario: %v\n%s", err, b)
	}
}

// TestDataCSV checks a data set read from a file, and a missing file.
func TestDataCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(path, []byte("x,y\n1,0.9\n-1,-1.1\n2,2.2\n0.5,0.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Parse([]byte(`
data: {model: linear-net, csv: "` + path + `"}
domain: [[-2, 2], [-2, 2]]
cells: [20, 20]
noise: {model: data, lr: 0.05, batch: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if m.Data.Len() != 4 {
		t.Errorf("%d examples, want 4", m.Data.Len())
	}
	s.Data.CSV = path + ".missing"
	_, err = Build(s)
	var ps Problems
	if !errors.As(err, &ps) || !strings.Contains(err.Error(), "data.csv") {
		t.Errorf("missing CSV: %v; want a problem naming data.csv", err)
	}
}

// TestDataBad checks that bad data blocks are rejected with the key named.
func TestDataBad(t *testing.T) {
	cases := []struct {
		name string
		set  []string
		path string
		also string
	}{
		{"unknown model", []string{"data.model=mlp"}, "data.model", "regression | linear-net"},
		{"missing model", []string{"data.model="}, "data.model", "missing"},
		{"n too small", []string{"data.n=1"}, "data.n", "between 2"},
		{"negative noise", []string{"data.noise=-1"}, "data.noise", "≥ 0"},
		{"unknown param", []string{"data.params.b=2"}, "data.params.b", "allowed: a, theta_star, weight_decay"},
		{"bad param", []string{"data.params.weight_decay=-0.1"}, "data.params.weight_decay", "≥ 0"},
		{"text param", []string{"data.params.a=big"}, "data.params.a", "number"},
		{"batch above n", []string{"noise.batch=40"}, "noise.batch", "data.n = 32"},
		{"wrong dimension", []string{"data.model=linear-net"}, "domain", "2 parameter"},
		{"both blocks", []string{"landscape.formula=x^2"}, "landscape", "not both"},
		{"no data block", []string{"data=~"}, "data", "required by noise.model: data"},
		{"unknown key", []string{"data.nn=3"}, "data.nn", `did you mean "n"`},
	}
	for _, c := range cases {
		s, err := Parse([]byte(dataMinimal))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range c.set {
			if err = s.Set(a); err != nil {
				break
			}
		}
		if err == nil {
			err = s.Validate()
		}
		if err == nil {
			_, err = Build(s)
		}
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%s: %T %v, want Problems", c.name, err, err)
			continue
		}
		found := false
		for _, p := range ps {
			found = found || p.Path == c.path && strings.Contains(p.Error(), c.also)
		}
		if !found {
			t.Errorf("%s: %v; want a problem at %s containing %q", c.name, err, c.path, c.also)
		}
	}
}

// TestDefaultUnchanged checks that the default scenario has no data block
// and still builds.
func TestDefaultUnchanged(t *testing.T) {
	s := Default()
	if s.Data != nil {
		t.Fatal("the default scenario has a data block")
	}
	if _, err := Build(s); err != nil {
		t.Fatal(err)
	}
}
