package landscape

import (
	"math"
	"math/rand/v2"
	"slices"
)

// derivatives returns L, ∇L and the Hessian of l at x.
func derivatives(l Landscape, x []float64) (v float64, grad, hess []float64) {
	d := l.Dim()
	grad, hess = make([]float64, d), make([]float64, d*d)
	v = l.Derivatives(x, grad, hess)
	return v, grad, hess
}

// finiteDifference returns the central-difference gradient and Hessian of l
// at x with step h.
func finiteDifference(l Landscape, x []float64, h float64) (grad, hess []float64) {
	d := l.Dim()
	grad, hess = make([]float64, d), make([]float64, d*d)
	FiniteDifference(l, x, grad, hess, h)
	return grad, hess
}

// relErr returns the normwise relative error max|gotᵢ − wantᵢ| / max|wantᵢ|.
// Normwise rather than entrywise, so that entries that are small through
// cancellation (an off-diagonal Hessian entry near 0, a gradient near a
// critical point) are judged on the scale of the whole vector. If want is
// identically zero the absolute error is returned.
func relErr(got, want []float64) float64 {
	var diff, scale float64
	for i := range want {
		diff = math.Max(diff, math.Abs(got[i]-want[i]))
		scale = math.Max(scale, math.Abs(want[i]))
	}
	if math.IsNaN(diff) {
		return math.Inf(1)
	}
	for i := range got {
		if math.IsNaN(got[i]) != math.IsNaN(want[i]) {
			return math.Inf(1)
		}
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}

// relErrFloor returns max|gotᵢ − wantᵢ| / max(max|wantᵢ|, floor). Near a
// critical point the gradient is small through cancellation among terms of
// the landscape's own scale, and its rounding error is set by those terms,
// not by the small result; floor is that scale (1 for the unit-scale
// landscapes tested here).
func relErrFloor(got, want []float64, floor float64) float64 {
	return absErr(got, want) / math.Max(maxAbs(want), floor)
}

// relErrScalar returns |got − want| / max(|want|, floor).
func relErrScalar(got, want, floor float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), floor)
}

// maxAbs returns max |vᵢ|.
func maxAbs(v []float64) float64 {
	var m float64
	for _, f := range v {
		m = math.Max(m, math.Abs(f))
	}
	return m
}

// randomPoints returns n points drawn uniformly from the box [lo, hi] with
// a fixed seed.
func randomPoints(n int, lo, hi []float64, seed uint64) [][]float64 {
	rnd := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	pts := make([][]float64, n)
	for k := range pts {
		p := make([]float64, len(lo))
		for i := range p {
			p[i] = lo[i] + (hi[i]-lo[i])*rnd.Float64()
		}
		pts[k] = p
	}
	return pts
}

// sameFloat reports whether a and b are equal or both NaN.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// box returns lo and hi vectors of length d for the cube [a, b]ᵈ.
func box(d int, a, b float64) (lo, hi []float64) {
	lo, hi = make([]float64, d), make([]float64, d)
	for i := range d {
		lo[i], hi[i] = a, b
	}
	return lo, hi
}

// fdTolerance returns bounds on the errors of FiniteDifference with step h
// at x, for the gradient and the Hessian (max over entries), derived from
// the error terms of central differences:
//
//	gradient: h²/6·M₃ + 2r/h,   Hessian: h²/3·M₄ + 4r/h²,
//
// where M₃ and M₄ bound the third and fourth partial derivatives near x and
// r bounds the rounding error of one evaluation of L. M₃ and M₄ are
// estimated from the exact Hessians at x ± δeₖ (and x ± δeₖ ± δeₗ) with
// δ = 1e-3, r as 10ε·max(|L|, 1). The bounds are doubled as a safety margin
// for the estimates.
func fdTolerance(l Landscape, x []float64, h float64) (tolG, tolH float64) {
	const delta, eps = 1e-3, 0x1p-52
	d := l.Dim()
	v, _, h0 := derivatives(l, x)
	hessAt := func(k int, sk float64, m int, sm float64) []float64 {
		p := slices.Clone(x)
		p[k] += sk * delta
		if m >= 0 {
			p[m] += sm * delta
		}
		_, _, hp := derivatives(l, p)
		return hp
	}
	var m3, m4 float64
	for k := range d {
		hp, hm := hessAt(k, 1, -1, 0), hessAt(k, -1, -1, 0)
		for i := range h0 {
			m3 = math.Max(m3, math.Abs(hp[i]-hm[i])/(2*delta))
			m4 = math.Max(m4, math.Abs(hp[i]-2*h0[i]+hm[i])/(delta*delta))
		}
		for m := k + 1; m < d; m++ {
			hpp, hpm, hmp, hmm := hessAt(k, 1, m, 1), hessAt(k, 1, m, -1), hessAt(k, -1, m, 1), hessAt(k, -1, m, -1)
			for i := range h0 {
				m4 = math.Max(m4, math.Abs(hpp[i]-hpm[i]-hmp[i]+hmm[i])/(4*delta*delta))
			}
		}
	}
	r := 10 * eps * math.Max(math.Abs(v), 1)
	return 2 * (h*h/6*m3 + 2*r/h), 2 * (h*h/3*m4 + 4*r/(h*h))
}

// absErr returns max |gotᵢ − wantᵢ|.
func absErr(got, want []float64) float64 {
	var m float64
	for i := range want {
		m = math.Max(m, math.Abs(got[i]-want[i]))
	}
	return m
}
