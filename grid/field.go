package grid

import "math"

// Mass returns ∫P = Σ_c P_c·V, the total probability of the density p.
func (g *Grid) Mass(p []float64) float64 {
	s := 0.0
	for _, v := range p {
		s += v
	}
	return s * g.vol
}

// Mean stores the mean E[θ] = ∫θP/∫P of the density p in dst (len d) and
// returns the mass ∫P. dst is left zero when the mass is zero.
func (g *Grid) Mean(dst, p []float64) float64 {
	d := g.Dim()
	dst = dst[:d]
	clear(dst)
	var mass float64
	g.eachRow(p, func(row []float64, y []float64) {
		// Per row: Σ p and Σ p·x along the first axis; the other
		// coordinates are constant on the row.
		var s0, s1 float64
		xs := g.centers[0][:len(row)]
		for i, v := range row {
			s0 += v
			s1 += v * xs[i]
		}
		mass += s0
		dst[0] += s1
		for k := 1; k < d; k++ {
			dst[k] += s0 * y[k]
		}
	})
	if mass == 0 {
		clear(dst)
		return 0
	}
	for k := range dst {
		dst[k] /= mass
	}
	return mass * g.vol
}

// Covariance stores the covariance E[(θ−μ)(θ−μ)ᵀ] of the density p in dst
// (len d·d, row-major) and its mean in mean (len d), and returns the mass.
// The values are treated as point values at cell centres (the midpoint
// rule), which is what the exponentially fitted scheme computes: for a
// smooth density that decays at the walls the midpoint rule is accurate
// beyond every power of h. The second pass sums centred products (no
// cancellation for a narrow density far from the origin).
func (g *Grid) Covariance(dst, mean, p []float64) float64 {
	d := g.Dim()
	mass := g.Mean(mean, p)
	dst = dst[:d*d]
	clear(dst)
	if mass == 0 {
		return 0
	}
	dy := make([]float64, d)
	var w float64
	g.eachRow(p, func(row []float64, y []float64) {
		// Per row, with u = x − μ₀ along the first axis: Σ p, Σ p·u and
		// Σ p·u²; the cross terms follow from the constant coordinates.
		var s0, s1, s2 float64
		xs := g.centers[0][:len(row)]
		m0 := mean[0]
		for i, v := range row {
			u := xs[i] - m0
			vu := v * u
			s0 += v
			s1 += vu
			s2 += vu * u
		}
		w += s0
		dst[0] += s2
		for k := 1; k < d; k++ {
			dy[k] = y[k] - mean[k]
			dst[k*d] += s1 * dy[k]
			for j := 1; j <= k; j++ {
				dst[k*d+j] += s0 * dy[k] * dy[j]
			}
		}
	})
	for i := 0; i < d; i++ {
		for j := 0; j <= i; j++ {
			dst[i*d+j] /= w
			dst[j*d+i] = dst[i*d+j]
		}
	}
	return mass
}

// eachRow calls f for every line of cells along the first axis of the
// density p (len Len()), in order, with the line's values and y holding the
// centre coordinates of the line on the other axes (y[0] is unused).
func (g *Grid) eachRow(p []float64, f func(row, y []float64)) {
	d := g.Dim()
	nx := g.axes[0].N
	y := make([]float64, d)
	idx := make([]int, d)
	for k := 1; k < d; k++ {
		y[k] = g.centers[k][0]
	}
	for lo := 0; lo+nx <= len(p); lo += nx {
		f(p[lo:lo+nx], y)
		for k := 1; k < d; k++ {
			idx[k]++
			if idx[k] < g.axes[k].N {
				y[k] = g.centers[k][idx[k]]
				break
			}
			idx[k] = 0
			y[k] = g.centers[k][0]
		}
	}
}

// Sample stores f(x_c) at every cell centre x_c in dst (len Len()).
func (g *Grid) Sample(dst []float64, f func(x []float64) float64) {
	x := make([]float64, g.Dim())
	for c := range dst {
		g.Center(c, x)
		dst[c] = f(x)
	}
}

// Normalize scales p so that Mass(p) = 1 and returns the mass before
// scaling. It leaves p unchanged when the mass is zero.
func (g *Grid) Normalize(p []float64) float64 {
	m := g.Mass(p)
	if m == 0 {
		return 0
	}
	s := 1 / m
	for i := range p {
		p[i] *= s
	}
	return m
}

// Gaussian stores in p the cell averages of the product Gaussian density
// Π N(mean_k, std_k²): exact integrals over each cell, so that a Gaussian
// narrower than a cell still carries the right mass.
func (g *Grid) Gaussian(p, mean, std []float64) {
	d := g.Dim()
	w := make([][]float64, d)
	for k := 0; k < d; k++ {
		a := g.axes[k]
		h := g.h[k]
		s := std[k] * math.Sqrt2
		w[k] = make([]float64, a.N)
		for i := range w[k] {
			lo := (a.Lo + float64(i)*h - mean[k]) / s
			w[k][i] = 0.5 * (math.Erf(lo+h/s) - math.Erf(lo)) / h
		}
	}
	idx := make([]int, d)
	for c := range p {
		g.Coords(c, idx)
		v := 1.0
		for k := 0; k < d; k++ {
			v *= w[k][idx[k]]
		}
		p[c] = v
	}
}
