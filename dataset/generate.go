package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

// Spec describes a data set: generated from a seed, or read from CSV.
type Spec struct {
	// Model is regression or linear-net.
	Model string
	// N is the number of generated examples (≥ 2); ignored with CSV.
	N int
	// Seed seeds the generator; ignored with CSV.
	Seed uint64
	// Noise is the standard deviation σ ≥ 0 of the label noise; ignored
	// with CSV.
	Noise float64
	// Params are model parameters; see ModelParams.
	Params map[string]float64
	// CSV, when not empty, is the path of a file of examples x, y.
	CSV string
}

// Generate returns the data set of spec. Generated data are xᵢ ~ N(0, 1)
// and yᵢ = c·xᵢ + σ·εᵢ, with c = θ*² + aθ* (regression) or c = w
// (linear-net) and εᵢ standard normal draws with their projection on x
// removed (εᵢ ← εᵢ − (Σε·x/Σx²)·xᵢ), so that the least-squares slope
// Σxy/Σx² is exactly c. All draws come from a PCG stream seeded with
// (Seed, a fixed word): the same spec gives the same data on every
// platform.
func Generate(spec Spec) (*Set, error) {
	p, err := Params(spec.Model, spec.Params)
	if err != nil {
		return nil, err
	}
	if spec.CSV != "" {
		f, err := os.Open(spec.CSV)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		x, y, err := ReadCSV(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.CSV, err)
		}
		return New(spec.Model, x, y, p)
	}
	if spec.N < 2 {
		return nil, fmt.Errorf("dataset: n = %d, want at least 2 examples", spec.N)
	}
	if !(spec.Noise >= 0) {
		return nil, fmt.Errorf("dataset: label noise %g, want ≥ 0", spec.Noise)
	}
	var c float64
	switch spec.Model {
	case Regression:
		t := p["theta_star"]
		c = t*t + p["a"]*t
	case LinearNet:
		c = p["w"]
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x6461746173657431))
	x, e := make([]float64, spec.N), make([]float64, spec.N)
	for i := range x {
		x[i] = rng.NormFloat64()
		e[i] = rng.NormFloat64()
	}
	// Remove the component of the noise along x, so that the least-squares
	// slope Σxy/Σx² is exactly c and the minima sit where the parameters
	// put them (at θ* and −a − θ* for the regression, for any σ and seed).
	sxe, sxx := 0.0, 0.0
	for i := range x {
		sxe += x[i] * e[i]
		sxx += x[i] * x[i]
	}
	y := make([]float64, spec.N)
	for i := range x {
		y[i] = c*x[i] + spec.Noise*(e[i]-sxe/sxx*x[i])
	}
	return New(spec.Model, x, y, p)
}

// ReadCSV reads examples, one "x,y" pair per line. Blank lines, lines
// starting with # and a first line that is not numeric (a header) are
// skipped; any other malformed line is an error naming its line number.
func ReadCSV(r io.Reader) (x, y []float64, err error) {
	sc := bufio.NewScanner(r)
	line, seen := 0, false // seen: a non-comment line was read
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		first := !seen
		seen = true
		f := strings.Split(t, ",")
		if len(f) != 2 {
			return nil, nil, fmt.Errorf("line %d: %d fields, want 2 (x, y)", line, len(f))
		}
		a, err1 := strconv.ParseFloat(strings.TrimSpace(f[0]), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(f[1]), 64)
		if err1 != nil || err2 != nil {
			if first {
				continue // a header
			}
			return nil, nil, fmt.Errorf("line %d: %q is not two numbers", line, t)
		}
		x, y = append(x, a), append(y, b)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if len(x) == 0 {
		return nil, nil, errors.New("no examples")
	}
	return x, y, nil
}
