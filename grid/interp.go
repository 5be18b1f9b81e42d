package grid

// Interpolate returns the multilinear interpolant of the cell field f at x
// from the surrounding cell centres (2ᵈ of them). Outside the band of cell
// centres it extrapolates nothing: x is clamped to the outermost centres.
func (g *Grid) Interpolate(f []float64, x []float64) float64 {
	d := g.Dim()
	var base [MaxDim]int
	var frac [MaxDim]float64
	for k := 0; k < d; k++ {
		a := g.axes[k]
		s := (x[k]-a.Lo)/g.h[k] - 0.5
		if s < 0 {
			s = 0
		}
		if s > float64(a.N-1) {
			s = float64(a.N - 1)
		}
		i := int(s)
		if i >= a.N-1 {
			i = a.N - 2
		}
		base[k] = i
		frac[k] = s - float64(i)
	}
	v := 0.0
	for corner := 0; corner < 1<<d; corner++ {
		w := 1.0
		c := 0
		for k := 0; k < d; k++ {
			i := base[k]
			if corner&(1<<k) != 0 {
				i++
				w *= frac[k]
			} else {
				w *= 1 - frac[k]
			}
			c += i * g.strides[k]
		}
		if w != 0 {
			v += w * f[c]
		}
	}
	return v
}
