package linear

import (
	"fmt"
	"math"
)

// dilu is the diagonal incomplete LU factorization K = (D + L)·D⁻¹·(D + U)
// of a stencil matrix M = L + diag(M) + U, with D chosen so that
// diag(K) = diag(M). For a 5-point (7-point in 3-D) stencil it equals
// ILU(0); for 9- and 27-point stencils it keeps the off-diagonal entries of
// M unmodified, which costs nothing and preconditions the diagonally
// dominant step matrices about as well. Factors are stored per cell side by
// side (as the Gauss–Seidel smoother is), so a sweep reads one contiguous
// run per cell.
type dilu struct {
	n, pad      int
	lowOff      []int     // offsets < 0
	upOff       []int     // offsets > 0
	low         []float64 // low[c·kl + t] = M(c, c+lowOff[t])
	up          []float64 // up[c·ku + t] = M(c, c+upOff[t]) / D_c
	invD        []float64
	perturbed   int
	description string
}

// newDILU factorizes the stencil matrix m.
func newDILU(m *stencil) *dilu {
	n := m.n
	f := &dilu{n: n, pad: m.pad, invD: make([]float64, n)}
	var lowT, upT []int
	for t, o := range m.off {
		switch {
		case o < 0:
			lowT = append(lowT, t)
			f.lowOff = append(f.lowOff, o)
		case o > 0:
			upT = append(upT, t)
			f.upOff = append(f.upOff, o)
		}
	}
	kl, ku := len(lowT), len(upT)
	f.low = make([]float64, n*kl)
	f.up = make([]float64, n*ku)
	// mirror[t]: the term of row j = c + off[t] that couples back to c.
	mirror := make([]int, len(lowT))
	for i, t := range lowT {
		mirror[i] = -1
		for u, o := range m.off {
			if o == -m.off[t] {
				mirror[i] = u
			}
		}
	}
	diag := m.coef[m.diag]
	for c := range n {
		d := diag[c]
		rowNorm := math.Abs(d)
		for i, t := range lowT {
			a := m.coef[t][c]
			f.low[c*kl+i] = a
			rowNorm += math.Abs(a)
			j := c + m.off[t]
			if a == 0 || j < 0 || mirror[i] < 0 {
				continue
			}
			d -= a * m.coef[mirror[i]][j] * f.invD[j]
		}
		for _, t := range upT {
			rowNorm += math.Abs(m.coef[t][c])
		}
		if !(math.Abs(d) > iluTinyPivot*rowNorm) {
			fill := iluPivotFill * rowNorm
			if fill == 0 {
				fill = 1
			}
			d = math.Copysign(fill, d)
			f.perturbed++
		}
		f.invD[c] = 1 / d
		for i, t := range upT {
			f.up[c*ku+i] = m.coef[t][c] / d
		}
	}
	f.description = fmt.Sprintf("dilu-bicgstab (%d-point stencil)", len(m.off))
	if f.perturbed > 0 {
		f.description += fmt.Sprintf(" (%d pivots perturbed)", f.perturbed)
	}
	return f
}

func (f *dilu) name() string { return f.description }

// apply sets z = K⁻¹·r.
func (f *dilu) apply(z, r []float64) {
	n := f.n
	z = z[:n]
	r = r[:n]
	kl, ku := len(f.lowOff), len(f.upOff)
	lo, hi := min(f.pad, n), max(n-f.pad, f.pad)
	inv := f.invD[:n]
	// Forward: (D + L)·y = r.
	edgeLow := func(c int) {
		s := r[c]
		row := f.low[c*kl : c*kl+kl]
		for t, o := range f.lowOff {
			if j := c + o; j >= 0 && j < n {
				s -= row[t] * z[j]
			}
		}
		z[c] = s * inv[c]
	}
	for c := 0; c < lo; c++ {
		edgeLow(c)
	}
	// With the offset −1 last (sorted 2-D stencils), the value just computed
	// is carried in a register: the only term on the dependency chain.
	switch {
	case kl == 2 && f.lowOff[1] == -1 && lo > 0:
		m := hi - lo
		zs, z0 := z[lo:hi:hi], z[lo+f.lowOff[0]:][:m]
		rs, is := r[lo:hi][:m], inv[lo:hi][:m]
		ls := f.low[2*lo : 2*hi]
		prev := z[lo-1]
		for i := range zs {
			row := ls[:2:2]
			ls = ls[2:]
			v := (rs[i] - row[0]*z0[i] - row[1]*prev) * is[i]
			zs[i] = v
			prev = v
		}
	case kl == 4 && f.lowOff[3] == -1 && lo > 0:
		m := hi - lo
		zs := z[lo:hi:hi]
		z0, z1, z2 := z[lo+f.lowOff[0]:][:m], z[lo+f.lowOff[1]:][:m], z[lo+f.lowOff[2]:][:m]
		rs, is := r[lo:hi][:m], inv[lo:hi][:m]
		ls := f.low[4*lo : 4*hi]
		prev := z[lo-1]
		for i := range zs {
			row := ls[:4:4]
			ls = ls[4:]
			v := (rs[i] - row[0]*z0[i] - row[1]*z1[i] - row[2]*z2[i] - row[3]*prev) * is[i]
			zs[i] = v
			prev = v
		}
	default:
		for c := lo; c < hi; c++ {
			s := r[c]
			row := f.low[c*kl : c*kl+kl]
			for t, o := range f.lowOff {
				s -= row[t] * z[c+o]
			}
			z[c] = s * inv[c]
		}
	}
	for c := hi; c < n; c++ {
		edgeLow(c)
	}
	// Backward: (I + D⁻¹U)·z = y.
	edgeUp := func(c int) {
		s := z[c]
		row := f.up[c*ku : c*ku+ku]
		for t, o := range f.upOff {
			if j := c + o; j >= 0 && j < n {
				s -= row[t] * z[j]
			}
		}
		z[c] = s
	}
	for c := n - 1; c >= hi; c-- {
		edgeUp(c)
	}
	switch {
	case ku == 2 && f.upOff[0] == 1 && hi < n:
		m := hi - lo
		zs, z1 := z[lo:hi:hi], z[lo+f.upOff[1]:][:m]
		us := f.up[2*lo : 2*hi]
		next := z[hi]
		for i := m - 1; i >= 0; i-- {
			row := us[len(us)-2:]
			row = row[:2:2]
			us = us[:len(us)-2]
			v := zs[i] - row[1]*z1[i] - row[0]*next
			zs[i] = v
			next = v
		}
	case ku == 4 && f.upOff[0] == 1 && hi < n:
		m := hi - lo
		zs := z[lo:hi:hi]
		z1, z2, z3 := z[lo+f.upOff[1]:][:m], z[lo+f.upOff[2]:][:m], z[lo+f.upOff[3]:][:m]
		us := f.up[4*lo : 4*hi]
		next := z[hi]
		for i := m - 1; i >= 0; i-- {
			row := us[len(us)-4:]
			row = row[:4:4]
			us = us[:len(us)-4]
			v := zs[i] - row[1]*z1[i] - row[2]*z2[i] - row[3]*z3[i] - row[0]*next
			zs[i] = v
			next = v
		}
	default:
		for c := hi - 1; c >= lo; c-- {
			s := z[c]
			row := f.up[c*ku : c*ku+ku]
			for t, o := range f.upOff {
				s -= row[t] * z[c+o]
			}
			z[c] = s
		}
	}
	for c := lo - 1; c >= 0; c-- {
		edgeUp(c)
	}
}
