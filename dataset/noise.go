package dataset

import (
	"errors"
	"fmt"
	"math"
)

// Noise is the diffusion of minibatch SGD computed from the data,
//
//	D(θ) = (η/2)·C(θ) + T0·I,   C(θ) = Σ(θ)/B · (n − B)/(n − 1),
//
// with Σ the population covariance of the per-example gradients (see
// Set.Covariance). It implements operators.Diffusion.
type Noise struct {
	Set   *Set
	LR    float64 // η > 0
	Batch float64 // B, 1 ≤ B ≤ n
	Floor float64 // T0 ≥ 0
}

// NewNoise returns the data noise of s with learning rate lr, batch size
// batch (1 ≤ B ≤ n) and white floor floor ≥ 0.
func NewNoise(s *Set, lr, batch, floor float64) (Noise, error) {
	switch {
	case s == nil:
		return Noise{}, errors.New("dataset: no data set")
	case !(lr > 0) || math.IsInf(lr, 0):
		return Noise{}, fmt.Errorf("dataset: learning rate %g, want a finite number > 0", lr)
	case !(batch >= 1 && batch <= float64(s.Len())):
		return Noise{}, fmt.Errorf("dataset: batch size %g, want 1 ≤ B ≤ n = %d", batch, s.Len())
	case !(floor >= 0) || math.IsInf(floor, 0):
		return Noise{}, fmt.Errorf("dataset: floor %g, want a finite number ≥ 0", floor)
	}
	return Noise{Set: s, LR: lr, Batch: batch, Floor: floor}, nil
}

// Dim returns d.
func (n Noise) Dim() int { return n.Set.Dim() }

// Scale returns η/(2B)·(n − B)/(n − 1), the factor of Σ in D.
func (n Noise) Scale() float64 { return n.LR / (2 * n.Batch) * FPC(n.Set.Len(), n.Batch) }

// At stores D(x) in dst (len d·d).
func (n Noise) At(dst, x []float64) {
	d := n.Set.Dim()
	n.Set.Covariance(dst, x)
	sc := n.Scale()
	for k := range dst[:d*d] {
		dst[k] *= sc
	}
	for k := 0; k < d; k++ {
		dst[k*d+k] += n.Floor
	}
}

// GradientNoise stores in dst (len d·d) C(θ) = Σ(θ)/B·(n − B)/(n − 1), the
// covariance of a minibatch gradient of B examples drawn without
// replacement.
func (s *Set) GradientNoise(dst, theta []float64, batch float64) {
	d := s.Dim()
	s.Covariance(dst, theta)
	f := FPC(s.Len(), batch) / batch
	for k := range dst[:d*d] {
		dst[k] *= f
	}
}

// FisherRatio returns vᵀC(θ)v / (vᵀH(θ)v/B), the ratio of the minibatch
// gradient noise C along the direction v to the Hessian-proportional model
// H/B of the sgd noise model (v need not be normalized). Near a minimum it
// is about the residual variance times the finite-population correction
// (see the package documentation); it is negative where vᵀHv < 0.
func (s *Set) FisherRatio(theta, v []float64, batch float64) float64 {
	d := s.Dim()
	var c, h [16]float64
	s.GradientNoise(c[:d*d], theta, batch)
	s.Derivatives(theta, nil, h[:d*d])
	num, den := 0.0, 0.0
	for j := 0; j < d; j++ {
		for k := 0; k < d; k++ {
			num += v[j] * c[j*d+k] * v[k]
			den += v[j] * h[j*d+k] * v[k]
		}
	}
	return num / (den / batch)
}
