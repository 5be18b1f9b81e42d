package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fpsolve/fpsolve/dataset"
)

// Dataset is the `data:` block (an added key): a small data set whose mean
// per-example loss L = (1/n)·Σᵢ ℓᵢ(θ) is the landscape, and whose gradient
// covariance is the noise of noise.model: data,
//
//	D = η/(2B)·(n − B)/(n − 1)·Cov_i[∇ℓᵢ(θ)] + T0·I.
//
// It replaces the landscape block (giving both is an error). Models (see
// package dataset): regression (d = 1, prediction (θ² + aθ)·x, params a,
// theta_star, weight_decay) and linear-net (d = 2, prediction θ₁θ₂·x,
// params w, weight_decay). Example:
//
//	data: {model: regression, n: 64, seed: 1, noise: 0.1, params: {a: 1, theta_star: 0.5}}
type Dataset struct {
	// Model is regression or linear-net. Required.
	Model string `yaml:"model"`

	// N is the number of generated examples, at least 2. Default: 64.
	// Ignored with CSV.
	N int `yaml:"n,omitempty"`

	// Seed seeds the data generator. Default: 1. Ignored with CSV.
	Seed *uint64 `yaml:"seed,omitempty"`

	// Noise is the standard deviation σ ≥ 0 of the label noise of the
	// generated data. Default: 0.1. Ignored with CSV.
	Noise *float64 `yaml:"noise,omitempty"`

	// Params are model parameters (numbers); absent ones take the model's
	// defaults.
	Params map[string]any `yaml:"params,omitempty"`

	// CSV, when set, is a file of examples "x,y" (one per line, an
	// optional header) used instead of generated data. A relative path is
	// relative to the working directory.
	CSV string `yaml:"csv,omitempty"`
}

// maxExamples bounds data.n.
const maxExamples = 1 << 20

// defaults fills the unset fields of d (nil-safe).
func (d *Dataset) defaults() {
	if d == nil {
		return
	}
	d.Model = strings.ToLower(strings.TrimSpace(d.Model))
	if d.N == 0 && d.CSV == "" {
		d.N = 64
	}
	if d.Seed == nil {
		d.Seed = ptr(uint64(1))
	}
	if d.Noise == nil {
		d.Noise = ptr(0.1)
	}
	if d.Params != nil {
		d.Params = floatParams(d.Params).(map[string]any)
	}
}

// clone returns a deep copy of d (nil-safe).
func (d *Dataset) clone() *Dataset {
	if d == nil {
		return nil
	}
	c := *d
	c.Seed = clonePtr(d.Seed)
	c.Noise = clonePtr(d.Noise)
	c.Params = cloneAny(d.Params).(map[string]any)
	return &c
}

// params converts Params to numbers, reporting non-numbers.
func (d *Dataset) params() (map[string]float64, Problems) {
	var ps Problems
	out := make(map[string]float64, len(d.Params))
	for _, k := range sortedKeys(d.Params) {
		switch x := d.Params[k].(type) {
		case float64:
			out[k] = x
		case int:
			out[k] = float64(x)
		default:
			ps.add("data.params."+k, fmt.Sprint(x), "must be a number")
		}
	}
	return out, ps
}

// data checks the data block and its consistency with the landscape, the
// domain and the noise model.
func (v *validator) data() {
	s := v.s
	d := s.Data
	model, _ := noiseModels.canonical(s.Noise.Model)
	if d == nil {
		if model == Data {
			v.add("data", "", "required by noise.model: data (the noise is the covariance of per-example gradients); "+
				"for example data: {model: regression, n: 64, seed: 1, noise: 0.1}; it replaces the landscape block")
		}
		return
	}
	if strings.TrimSpace(s.Landscape.Formula) != "" || strings.TrimSpace(s.Landscape.Builtin) != "" || len(s.Landscape.Params) > 0 {
		v.add("landscape", "", "give either landscape or data, not both: with data the loss is the data set's mean loss; remove the landscape block")
	}
	dim := dataset.Dim(d.Model)
	switch {
	case strings.TrimSpace(d.Model) == "":
		v.add("data.model", "", "missing; choose one of %s", strings.Join(dataset.Models(), " | "))
	case dim == 0:
		v.add("data.model", d.Model, "unknown data model; allowed: %s", strings.Join(dataset.Models(), " | "))
	}
	if d.CSV == "" {
		if d.N < 2 || d.N > maxExamples {
			v.add("data.n", strconv.Itoa(d.N), "must be between 2 and %d (the number of examples generated)", maxExamples)
		}
		if x := d.Noise; x != nil && !(*x >= 0 && finite(*x)) {
			v.add("data.noise", fnum(*x), "must be a finite number ≥ 0 (the standard deviation of the label noise)")
		}
	}
	given, ps := d.params()
	v.ps = append(v.ps, ps...)
	if dim > 0 && len(ps) == 0 {
		if _, err := dataset.Params(d.Model, given); err != nil {
			var pe *dataset.ParamError
			path, val := "data.params", ""
			if errors.As(err, &pe) && pe.Name != "" {
				path = "data.params." + pe.Name
				if x, ok := given[pe.Name]; ok {
					val = fnum(x)
				}
				err = errors.New(pe.Msg)
			}
			v.add(path, val, "%v", err)
		}
	}
	if dim > 0 && v.d > 0 && v.d != dim {
		v.add("domain", fmat(s.Domain), "has %d axes but data model %s has %d parameter(s); give %d [lo, hi] interval(s)", v.d, d.Model, dim, dim)
	}
	if model == Data && d.CSV == "" && d.N >= 2 {
		if b := s.Noise.Batch; b != nil && *b > float64(d.N) {
			v.add("noise.batch", fnum(*b), "must not exceed data.n = %d (a batch of B distinct examples out of n)", d.N)
		}
	}
}

// buildData generates or reads the data set of s.Data.
func buildData(s *Scenario) (*dataset.Set, Problems) {
	d := s.Data
	given, ps := d.params()
	if len(ps) > 0 {
		return nil, ps
	}
	spec := dataset.Spec{Model: d.Model, N: d.N, Noise: deref(d.Noise), Params: given, CSV: d.CSV}
	if d.Seed != nil {
		spec.Seed = *d.Seed
	}
	set, err := dataset.Generate(spec)
	if err != nil {
		path := "data"
		var pe *dataset.ParamError
		switch {
		case errors.As(err, &pe) && pe.Name != "":
			path = "data.params." + pe.Name
		case errors.As(err, &pe):
			path = "data.model"
		case d.CSV != "":
			path = "data.csv"
		}
		ps.add(path, "", "%v", err)
		return nil, ps
	}
	if b := s.Noise.Batch; b != nil && s.Noise.Model == Data && *b > float64(set.Len()) {
		ps.add("noise.batch", fnum(*b), "must not exceed the %d examples of the data set", set.Len())
		return nil, ps
	}
	return set, ps
}
