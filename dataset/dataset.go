package dataset

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Model names of the built-in per-example losses.
const (
	Regression = "regression" // d = 1: prediction (θ² + aθ)·x
	LinearNet  = "linear-net" // d = 2: prediction θ₁θ₂·x
)

// Models lists the built-in model names.
func Models() []string { return []string{Regression, LinearNet} }

// ParamInfo documents one parameter of a built-in model.
type ParamInfo struct {
	Name    string
	Default float64
	Doc     string
}

// ModelParams returns the parameters of the built-in model name, or nil
// for an unknown name.
func ModelParams(name string) []ParamInfo {
	switch name {
	case Regression:
		return []ParamInfo{
			{"a", 1, "the linear coefficient a of the prediction (θ² + aθ)·x; the barrier top is at θ = −a/2"},
			{"theta_star", 0.5, "θ*, one zero-loss minimum of the noiseless data y = (θ*² + aθ*)·x; the other is −a − θ*"},
			{"weight_decay", 0, "λ ≥ 0 of the penalty ½λθ² in every ℓᵢ"},
		}
	case LinearNet:
		return []ParamInfo{
			{"w", 1, "the teacher slope w of the data y = w·x + noise"},
			{"weight_decay", 0.05, "λ ≥ 0 of the penalty ½λ|θ|² in every ℓᵢ"},
		}
	}
	return nil
}

// Dim returns the number of parameters of the built-in model name, or 0.
func Dim(name string) int {
	switch name {
	case Regression:
		return 1
	case LinearNet:
		return 2
	}
	return 0
}

// ParamError is an invalid or unknown model parameter.
type ParamError struct {
	Name string // the parameter, or "" for the model name
	Msg  string
}

func (e *ParamError) Error() string {
	if e.Name == "" {
		return e.Msg
	}
	return e.Name + ": " + e.Msg
}

// Params resolves the parameters of model name: the defaults of
// ModelParams overridden by given. It returns a *ParamError for an unknown
// model, an unknown parameter (with the allowed names) or a bad value.
func Params(name string, given map[string]float64) (map[string]float64, error) {
	info := ModelParams(name)
	if info == nil {
		return nil, &ParamError{Msg: fmt.Sprintf("unknown model %q; allowed: %s", name, strings.Join(Models(), " | "))}
	}
	p := make(map[string]float64, len(info))
	var names []string
	for _, pi := range info {
		p[pi.Name] = pi.Default
		names = append(names, pi.Name)
	}
	keys := make([]string, 0, len(given))
	for k := range given {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := p[k]; !ok {
			return nil, &ParamError{Name: k, Msg: fmt.Sprintf("unknown parameter of model %s; allowed: %s", name, strings.Join(names, ", "))}
		}
		v := given[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &ParamError{Name: k, Msg: "must be a finite number"}
		}
		p[k] = v
	}
	if p["weight_decay"] < 0 {
		return nil, &ParamError{Name: "weight_decay", Msg: "must be ≥ 0"}
	}
	return p, nil
}

// Set is a data set with a model of per-example losses ℓᵢ(θ). Its mean
// loss L = (1/n)·Σᵢ ℓᵢ makes it a landscape.Landscape. A Set is read-only
// after New and safe for concurrent use.
type Set struct {
	model  string
	x, y   []float64
	params map[string]float64
	a, lam float64 // regression a (unused by linear-net); weight decay λ
}

// New returns the set of examples (x[i], y[i]) under the built-in model
// name with parameters given (defaults for those absent; see
// ModelParams). x and y are not copied.
func New(name string, x, y []float64, given map[string]float64) (*Set, error) {
	p, err := Params(name, given)
	if err != nil {
		return nil, err
	}
	switch {
	case len(x) != len(y):
		return nil, fmt.Errorf("dataset: %d inputs but %d targets", len(x), len(y))
	case len(x) < 2:
		return nil, errors.New("dataset: at least 2 examples are needed (a covariance of one example is 0)")
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("dataset: example %d (%g, %g) is not finite", i, x[i], y[i])
		}
	}
	return &Set{model: name, x: x, y: y, params: p, a: p["a"], lam: p["weight_decay"]}, nil
}

// Model returns the model name.
func (s *Set) Model() string { return s.model }

// Params returns a copy of the resolved model parameters.
func (s *Set) Params() map[string]float64 {
	c := make(map[string]float64, len(s.params))
	for k, v := range s.params {
		c[k] = v
	}
	return c
}

// Len returns the number of examples n.
func (s *Set) Len() int { return len(s.x) }

// XY returns example i.
func (s *Set) XY(i int) (x, y float64) { return s.x[i], s.y[i] }

// Dim returns the number of parameters d.
func (s *Set) Dim() int { return Dim(s.model) }

// Example returns ℓᵢ(θ) and stores ∇ℓᵢ(θ) in grad (len d) and ∇²ℓᵢ(θ) in
// hess (len d·d, row-major) when they are non-nil.
//
// regression: with f = θ² + aθ, r = f·xᵢ − yᵢ,
//
//	ℓᵢ = ½r² + ½λθ²,  ∇ℓᵢ = r·xᵢ·f′ + λθ,  ∇²ℓᵢ = xᵢ²·f′² + 2r·xᵢ + λ,  f′ = 2θ + a.
//
// linear-net: with r = θ₁θ₂·xᵢ − yᵢ,
//
//	ℓᵢ = ½r² + ½λ|θ|²,  ∇ℓᵢ = r·xᵢ·(θ₂, θ₁) + λθ,
//	∇²ℓᵢ = xᵢ²·(θ₂, θ₁)(θ₂, θ₁)ᵀ + r·xᵢ·[[0, 1], [1, 0]] + λI.
func (s *Set) Example(i int, theta, grad, hess []float64) float64 {
	xi, yi := s.x[i], s.y[i]
	switch s.model {
	case Regression:
		t := theta[0]
		f, fp := t*t+s.a*t, 2*t+s.a
		r := f*xi - yi
		if grad != nil {
			grad[0] = r*xi*fp + s.lam*t
		}
		if hess != nil {
			hess[0] = xi*xi*fp*fp + 2*r*xi + s.lam
		}
		return 0.5*r*r + 0.5*s.lam*t*t
	default: // LinearNet
		t1, t2 := theta[0], theta[1]
		r := t1*t2*xi - yi
		if grad != nil {
			grad[0] = r*xi*t2 + s.lam*t1
			grad[1] = r*xi*t1 + s.lam*t2
		}
		if hess != nil {
			x2 := xi * xi
			hess[0] = x2*t2*t2 + s.lam
			hess[1] = x2*t1*t2 + r*xi
			hess[2] = hess[1]
			hess[3] = x2*t1*t1 + s.lam
		}
		return 0.5*r*r + 0.5*s.lam*(t1*t1+t2*t2)
	}
}

// Value returns L(θ) = (1/n)·Σᵢ ℓᵢ(θ).
func (s *Set) Value(theta []float64) float64 { return s.Derivatives(theta, nil, nil) }

// Derivatives returns L(θ) and stores ∇L in grad and the Hessian H = ∇²L
// in hess when they are non-nil: the means of the per-example
// derivatives.
func (s *Set) Derivatives(theta, grad, hess []float64) float64 {
	d := s.Dim()
	var gi, hi [4]float64
	var g, h []float64
	if grad != nil {
		g = gi[:d]
		clear(grad[:d])
	}
	if hess != nil {
		h = hi[:d*d]
		clear(hess[:d*d])
	}
	sum := 0.0
	for i := range s.x {
		sum += s.Example(i, theta, g, h)
		for k := range g {
			grad[k] += g[k]
		}
		for k := range h {
			hess[k] += h[k]
		}
	}
	inv := 1 / float64(len(s.x))
	for k := range g {
		grad[k] *= inv
	}
	for k := range h {
		hess[k] *= inv
	}
	return sum * inv
}

// BatchGradient stores in dst the minibatch gradient
// (1/|batch|)·Σ_{i∈batch} ∇ℓᵢ(θ).
func (s *Set) BatchGradient(dst, theta []float64, batch []int) {
	inv := 1 / float64(len(batch))
	switch s.model {
	case Regression:
		t := theta[0]
		f, fp := t*t+s.a*t, 2*t+s.a
		m := 0.0
		for _, i := range batch {
			xi := s.x[i]
			m += (f*xi - s.y[i]) * xi
		}
		dst[0] = m*inv*fp + s.lam*t
	default:
		t1, t2 := theta[0], theta[1]
		p := t1 * t2
		m := 0.0
		for _, i := range batch {
			xi := s.x[i]
			m += (p*xi - s.y[i]) * xi
		}
		m *= inv
		dst[0] = m*t2 + s.lam*t1
		dst[1] = m*t1 + s.lam*t2
	}
}

// Covariance stores in dst (len d·d) the population covariance of the
// per-example gradients at θ,
//
//	Σ(θ) = (1/n)·Σᵢ (∇ℓᵢ − ∇L)(∇ℓᵢ − ∇L)ᵀ,
//
// computed in two passes (mean, then centred sums) for accuracy.
func (s *Set) Covariance(dst, theta []float64) {
	d := s.Dim()
	var mean, g [4]float64
	for i := range s.x {
		s.Example(i, theta, g[:d], nil)
		for k := 0; k < d; k++ {
			mean[k] += g[k]
		}
	}
	n := float64(len(s.x))
	for k := 0; k < d; k++ {
		mean[k] /= n
	}
	clear(dst[:d*d])
	for i := range s.x {
		s.Example(i, theta, g[:d], nil)
		for k := 0; k < d; k++ {
			g[k] -= mean[k]
		}
		for j := 0; j < d; j++ {
			for k := 0; k < d; k++ {
				dst[j*d+k] += g[j] * g[k]
			}
		}
	}
	for k := range dst[:d*d] {
		dst[k] /= n
	}
}

// FPC returns the finite-population correction (n − B)/(n − 1) of the
// variance of the mean of B examples drawn without replacement from n.
func FPC(n int, batch float64) float64 { return (float64(n) - batch) / float64(n-1) }
