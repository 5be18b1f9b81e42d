package escape

import (
	"math"

	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
)

// Laplace is the Laplace (saddle-point) estimate of the escape time along
// the minimum-energy path from minimum a over saddle b:
//
//	ΔΦ = ∫ₐᵇ ∇L·D⁻¹ dθ,   τ ≈ 2π·√(D_b/(D_a·h_a·|h_b|))·e^{ΔΦ},
//
// with D_a, D_b the diffusion along the path's direction at its ends and
// h_a, h_b the curvatures there. In 1-D with the Itô convention this is the
// asymptotic MFPT; in d-D it treats the path as one-dimensional.
type Laplace struct {
	// Exponent is ΔΦ, the quasi-potential barrier along the path.
	Exponent float64 `json:"exponent"`
	// Prefactor is 2π·√(D_b/(D_a h_a |h_b|)).
	Prefactor float64 `json:"prefactor"`
	// Tau is Prefactor·e^{Exponent}.
	Tau float64 `json:"tau"`
	// Length is the arclength of the path.
	Length float64 `json:"path_length"`
}

// pathPhi follows steepest descent from saddle b (displaced along its
// unstable direction towards minimum a) down to a, and integrates
// ∇L·D⁻¹·dθ along the reversed path (from a up to b) by the trapezoidal
// rule on an adaptive arclength grid. It returns ΔΦ and the path length,
// or NaN when the descent does not reach a.
func pathPhi(l landscape.Landscape, diff operators.Diffusion, a landscape.Point, b landscape.Saddle) (float64, float64) {
	d := len(a.X)
	// Unstable direction, pointing towards a.
	u := make([]float64, d)
	dot := 0.0
	for i := 0; i < d; i++ {
		u[i] = b.Eigenvectors[i*d]
		dot += u[i] * (a.X[i] - b.X[i])
	}
	if dot < 0 {
		for i := range u {
			u[i] = -u[i]
		}
	}
	span := 0.0
	for i := range a.X {
		span += (a.X[i] - b.X[i]) * (a.X[i] - b.X[i])
	}
	span = math.Sqrt(span)
	ds := span / 4000 // arclength step
	g := make([]float64, d)
	dm := make([]float64, d*d)
	inv := make([]float64, d*d)
	// integrand: the component of D⁻¹∇L along the step direction, for a
	// step taken against the gradient (descending); ΔΦ accumulates it with
	// the sign of ascent.
	phiRate := func(x, dir []float64) float64 {
		l.Derivatives(x, g, nil)
		diff.At(dm, x)
		if !invert(d, dm, inv) {
			return math.NaN()
		}
		s := 0.0
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				s += dir[i] * inv[i*d+j] * g[j]
			}
		}
		return -s // moving along dir (downhill) lowers Φ by D⁻¹∇L·dir
	}
	x := append([]float64(nil), b.X...)
	// First segment: straight along u for a small distance (∇L ≈ 0 there).
	h0 := 1e-3 * span
	prev := phiRate(x, u)
	total, length := 0.0, 0.0
	y := make([]float64, d)
	for i := range y {
		y[i] = x[i] + h0*u[i]
	}
	cur := phiRate(y, u)
	total += 0.5 * h0 * (prev + cur)
	length += h0
	copy(x, y)
	dir := make([]float64, d)
	for step := 0; step < 200000; step++ {
		l.Derivatives(x, g, nil)
		gn := 0.0
		for i := range g {
			gn += g[i] * g[i]
		}
		gn = math.Sqrt(gn)
		dist := 0.0
		for i := range x {
			dist += (x[i] - a.X[i]) * (x[i] - a.X[i])
		}
		dist = math.Sqrt(dist)
		if dist < 2*ds || gn == 0 {
			// Last straight piece into the minimum.
			for i := range dir {
				dir[i] = (a.X[i] - x[i]) / math.Max(dist, 1e-300)
			}
			p0 := phiRate(x, dir)
			p1 := phiRate(a.X, dir)
			if math.IsNaN(p1) {
				p1 = 0
			}
			total += 0.5 * dist * (p0 + p1)
			length += dist
			return total, length
		}
		for i := range dir {
			dir[i] = -g[i] / gn
		}
		// Midpoint (RK2) step of length ds along the normalized descent.
		h := math.Min(ds, dist)
		for i := range y {
			y[i] = x[i] + 0.5*h*dir[i]
		}
		l.Derivatives(y, g, nil)
		gm := 0.0
		for i := range g {
			gm += g[i] * g[i]
		}
		gm = math.Sqrt(gm)
		if gm == 0 {
			return math.NaN(), length
		}
		for i := range y {
			y[i] = x[i] - h*g[i]/gm
		}
		// The trapezoid uses the direction of the chord at both ends.
		for i := range dir {
			dir[i] = (y[i] - x[i]) / h
		}
		p0, p1 := phiRate(x, dir), phiRate(y, dir)
		total += 0.5 * h * (p0 + p1)
		length += h
		copy(x, y)
		if length > 20*span {
			return math.NaN(), length
		}
	}
	return math.NaN(), length
}

// invert stores the inverse of the d×d matrix m in inv (d ≤ 3) and reports
// whether m is invertible.
func invert(d int, m, inv []float64) bool {
	switch d {
	case 1:
		if m[0] == 0 {
			return false
		}
		inv[0] = 1 / m[0]
		return true
	case 2:
		det := m[0]*m[3] - m[1]*m[2]
		if det == 0 {
			return false
		}
		inv[0], inv[1], inv[2], inv[3] = m[3]/det, -m[1]/det, -m[2]/det, m[0]/det
		return true
	}
	c00 := m[4]*m[8] - m[5]*m[7]
	c01 := m[5]*m[6] - m[3]*m[8]
	c02 := m[3]*m[7] - m[4]*m[6]
	det := m[0]*c00 + m[1]*c01 + m[2]*c02
	if det == 0 {
		return false
	}
	inv[0] = c00 / det
	inv[1] = (m[2]*m[7] - m[1]*m[8]) / det
	inv[2] = (m[1]*m[5] - m[2]*m[4]) / det
	inv[3] = c01 / det
	inv[4] = (m[0]*m[8] - m[2]*m[6]) / det
	inv[5] = (m[2]*m[3] - m[0]*m[5]) / det
	inv[6] = c02 / det
	inv[7] = (m[1]*m[6] - m[0]*m[7]) / det
	inv[8] = (m[0]*m[4] - m[1]*m[3]) / det
	return true
}

// directional returns vᵀMv for the d×d matrix m and unit vector v.
func directional(d int, m, v []float64) float64 {
	s := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s += v[i] * m[i*d+j] * v[j]
		}
	}
	return s
}

// laplace evaluates the Laplace estimate for a → b.
func laplace(l landscape.Landscape, diff operators.Diffusion, a landscape.Point, b landscape.Saddle) *Laplace {
	phi, length := pathPhi(l, diff, a, b)
	if math.IsNaN(phi) {
		return nil
	}
	d := len(a.X)
	u := make([]float64, d)
	for i := 0; i < d; i++ {
		u[i] = b.Eigenvectors[i*d]
	}
	dm := make([]float64, d*d)
	diff.At(dm, b.X)
	db := directional(d, dm, u)
	diff.At(dm, a.X)
	da := directional(d, dm, u)
	hae, hbe, _ := escapeCurvatures(a, b)
	pre := 2 * math.Pi * math.Sqrt(db/(da*hae*hbe))
	return &Laplace{Exponent: phi, Prefactor: pre, Tau: pre * math.Exp(phi), Length: length}
}
