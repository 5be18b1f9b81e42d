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
	for k := range dst[:d] {
		dst[k] = 0
	}
	var mass float64
	x := make([]float64, d)
	g.eachCenter(len(p), x, func(c int) {
		v := p[c]
		mass += v
		for k := range x {
			dst[k] += v * x[k]
		}
	})
	if mass == 0 {
		return 0
	}
	for k := range dst[:d] {
		dst[k] /= mass
	}
	return mass * g.vol
}

// Covariance stores the covariance E[(θ−μ)(θ−μ)ᵀ] of the density p in dst
// (len d·d, row-major) and its mean in mean (len d), and returns the mass.
// The values are treated as point values at cell centres (the midpoint
// rule), which is what the exponentially fitted scheme computes: for a
// smooth density that decays at the walls the midpoint rule is accurate
// beyond every power of h.
func (g *Grid) Covariance(dst, mean, p []float64) float64 {
	d := g.Dim()
	mass := g.Mean(mean, p)
	for i := range dst[:d*d] {
		dst[i] = 0
	}
	if mass == 0 {
		return 0
	}
	x := make([]float64, d)
	var w float64
	g.eachCenter(len(p), x, func(c int) {
		v := p[c]
		w += v
		for i := 0; i < d; i++ {
			xi := x[i] - mean[i]
			for j := 0; j <= i; j++ {
				dst[i*d+j] += v * xi * (x[j] - mean[j])
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

// eachCenter calls f(c) for the cells c = 0, …, n−1 in order with x set to
// the centre of c (as Center computes it, from per-axis tables instead of
// divisions).
func (g *Grid) eachCenter(n int, x []float64, f func(c int)) {
	d := g.Dim()
	tables := make([][]float64, d)
	for k := range tables {
		tables[k] = make([]float64, g.axes[k].N)
		for i := range tables[k] {
			tables[k][i] = g.CenterCoord(k, i)
		}
		x[k] = tables[k][0]
	}
	idx := make([]int, d)
	for c := range n {
		f(c)
		for k := range d {
			idx[k]++
			if idx[k] < len(tables[k]) {
				x[k] = tables[k][idx[k]]
				break
			}
			idx[k] = 0
			x[k] = tables[k][0]
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
