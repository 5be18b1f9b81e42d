// Package grid provides the uniform Cartesian cell-centred mesh on which
// fpsolve discretizes the Fokker–Planck equation, in one, two or three
// dimensions.
//
// A Grid with axes k = 0 … d−1 has Nₖ cells of width hₖ = (hiₖ − loₖ)/Nₖ on
// axis k. Cells are numbered in natural order with axis 0 fastest:
//
//	c = i₀ + N₀·i₁ + N₀·N₁·i₂,
//
// so Stride(k) = Π_{m<k} Nₘ. Every face of the domain carries a boundary
// condition: Reflecting (zero flux), Absorbing (P = 0 on the face) or
// Periodic (the axis wraps around).
//
// Cell fields are plain []float64 of length Len() holding cell averages; the
// integration helpers (Mass, Mean, Covariance) treat them as densities.
package grid
