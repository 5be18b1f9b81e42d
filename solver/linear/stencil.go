package linear

import (
	"fmt"
	"math"
	"slices"
)

// stencil stores a square matrix that couples each cell of a Cartesian grid
// only to its 3^d nearest neighbours (faces, edges and corners) as one
// coefficient array per neighbour offset: coef[s][c] multiplies x[c+off[s]].
// Without index arrays a product reads about half the bytes of CSR. Grids
// with periodic faces (whose couplings wrap around) are not representable;
// newStencil reports that and the caller keeps CSR.
type stencil struct {
	n     int
	shape []int
	off   []int       // linear offset of each stored term
	term  []int       // its per-axis deltas δₖ ∈ {−1, 0, 1} as Σₖ (δₖ+1)·3ᵏ
	coef  [][]float64 // coef[s][c]; zero where the neighbour does not exist
	diag  int         // index of the term with offset 0
	pad   int         // max |off|: cells [pad, n−pad) need no bounds checks
}

// stencilBlock is the number of cells processed per pass in products: the
// partial sums stay in the first-level cache while the terms stream by.
const stencilBlock = 512

// newStencil converts a to stencil storage for the grid shape (cells per
// axis, the first axis varying fastest). It returns false when a has an
// entry that is not a nearest-neighbour coupling on that grid.
func newStencil(a rawCSR, shape []int) (*stencil, bool) {
	n := 1
	for _, m := range shape {
		if m < 1 {
			return nil, false
		}
		n *= m
	}
	d := len(shape)
	if n != a.n || d < 1 || d > 3 {
		return nil, false
	}
	offOf, pad := stencilOffsets(shape)
	nt := len(offOf)
	// Term t ↔ per-axis deltas in {−1, 0, 1}: t = Σₖ (δₖ+1)·3ᵏ.
	delta := make([][3]int, nt)
	for t := range nt {
		r := t
		for k := range d {
			delta[t][k] = r%3 - 1
			r /= 3
		}
	}
	// With at least 3 cells per axis the offsets are distinct, and an
	// entry's term follows from j − i through a table; for cells off the
	// boundary that is all, for the others the coordinates confirm that
	// the neighbour is geometric (not wrapped).
	var table []int
	if slices.Min(shape) >= 3 {
		table = make([]int, 2*pad+1)
		for i := range table {
			table[i] = -1
		}
		for t, o := range offOf {
			table[o+pad] = t
		}
	}
	// term returns the term of entry (i, j) for the cell i at coordinates
	// ci, or −1.
	term := func(i, j int, ci []int) int {
		if table == nil {
			return stencilTerm(j, ci, shape)
		}
		dl := j - i + pad
		if dl < 0 || dl >= len(table) || table[dl] < 0 {
			return -1
		}
		t := table[dl]
		for ax, c := range ci {
			if c += delta[t][ax]; c < 0 || c >= shape[ax] {
				return -1
			}
		}
		return t
	}
	var coef [27][]float64
	nx := shape[0]
	ci := make([]int, d) // coordinates of the cell (axes ≥ 1: of its line)
	for line := range n / nx {
		inLine := table != nil
		for ax := 1; ax < d; ax++ {
			inLine = inLine && ci[ax] > 0 && ci[ax] < shape[ax]-1
		}
		for ix := range nx {
			i := line*nx + ix
			lo, hi := a.indptr[i], a.indptr[i+1]
			cols, vals := a.ind[lo:hi], a.data[lo:hi]
			vals = vals[:len(cols)]
			if inLine && ix > 0 && ix < nx-1 {
				for k, j := range cols {
					t := -1
					if dl := j - i + pad; dl >= 0 && dl < len(table) {
						t = table[dl]
					}
					if t < 0 {
						if vals[k] != 0 {
							return nil, false
						}
						continue
					}
					cf := coef[t]
					if cf == nil {
						cf = make([]float64, n)
						coef[t] = cf
					}
					cf[i] += vals[k]
				}
				continue
			}
			ci[0] = ix
			for k, j := range cols {
				t := term(i, j, ci)
				if t < 0 {
					if vals[k] != 0 {
						return nil, false
					}
					continue
				}
				if coef[t] == nil {
					coef[t] = make([]float64, n)
				}
				coef[t][i] += vals[k]
			}
		}
		for ax := 1; ax < d; ax++ {
			ci[ax]++
			if ci[ax] < shape[ax] {
				break
			}
			ci[ax] = 0
		}
	}
	st := &stencil{n: n, shape: append([]int(nil), shape...), pad: min(pad, n), diag: -1}
	center := (nt - 1) / 2 // all deltas zero
	if coef[center] == nil {
		coef[center] = make([]float64, n)
	}
	for t := range nt {
		if coef[t] == nil {
			continue
		}
		if t == center {
			st.diag = len(st.off)
		}
		st.off = append(st.off, offOf[t])
		st.term = append(st.term, t)
		st.coef = append(st.coef, coef[t])
	}
	return st, true
}

// stencilOffsets returns the linear offset of each of the 3^d terms of a
// stencil on shape and the largest of them.
func stencilOffsets(shape []int) ([]int, int) {
	nt := 1
	for range shape {
		nt *= 3
	}
	off := make([]int, nt)
	pad := 0
	for t := range off {
		r, stride := t, 1
		for _, m := range shape {
			off[t] += (r%3 - 1) * stride
			r /= 3
			stride *= m
		}
		pad = max(pad, off[t])
	}
	return off, pad
}

// stencilFromTerms returns the stencil on shape whose term t (in the
// numbering Σₖ (δₖ+1)·3ᵏ) has the coefficients terms[t]. Terms that are nil
// or zero everywhere are left out, except the diagonal.
func stencilFromTerms(shape []int, terms [][]float64) *stencil {
	offOf, pad := stencilOffsets(shape)
	n := 1
	for _, m := range shape {
		n *= m
	}
	st := &stencil{n: n, shape: append([]int(nil), shape...), pad: min(pad, n), diag: -1}
	center := (len(offOf) - 1) / 2
	for t, cf := range terms {
		if t != center && !slices.ContainsFunc(cf, func(v float64) bool { return v != 0 }) {
			continue
		}
		if cf == nil {
			cf = make([]float64, n)
		}
		if t == center {
			st.diag = len(st.off)
		}
		st.off = append(st.off, offOf[t])
		st.term = append(st.term, t)
		st.coef = append(st.coef, cf[:n:n])
	}
	return st
}

// csr returns m in CSR form with sorted columns, holding every coupling to
// an existing neighbour (zeros included).
func (m *stencil) csr() rawCSR {
	d := len(m.shape)
	dl := make([][3]int, len(m.term))
	for s, t := range m.term {
		for k := range d {
			dl[s][k] = t%3 - 1
			t /= 3
		}
	}
	out := rawCSR{n: m.n, indptr: make([]int, m.n+1), ind: make([]int, 0, m.n*len(m.off)), data: make([]float64, 0, m.n*len(m.off))}
	ci := make([]int, d)
	for c := range m.n {
		// Terms in increasing order of t couple to increasing columns.
	terms:
		for s, o := range m.off {
			for k := range d {
				if j := ci[k] + dl[s][k]; j < 0 || j >= m.shape[k] {
					continue terms
				}
			}
			out.ind = append(out.ind, c+o)
			out.data = append(out.data, m.coef[s][c])
		}
		out.indptr[c+1] = len(out.ind)
		for k := range d {
			ci[k]++
			if ci[k] < m.shape[k] {
				break
			}
			ci[k] = 0
		}
	}
	return out
}

// stencilTerm returns the term (Σₖ (δₖ+1)·3ᵏ) that couples the cell at
// coordinates ci to cell j, or −1 if j is not a nearest neighbour.
func stencilTerm(j int, ci, shape []int) int {
	t, pow, rest := 0, 1, j
	for ax, m := range shape {
		dl := rest%m - ci[ax]
		rest /= m
		if dl < -1 || dl > 1 {
			return -1
		}
		t += (dl + 1) * pow
		pow *= 3
	}
	return t
}

func (m *stencil) size() int { return m.n }

// rowAt returns Σₛ coef[s][c]·x[c+off[s]] with bounds checks (for the cells
// within pad of either end).
func (m *stencil) rowAt(c int, x []float64) float64 {
	var s float64
	for t, o := range m.off {
		if j := c + o; j >= 0 && j < m.n {
			s += m.coef[t][c] * x[j]
		}
	}
	return s
}

// mulVec sets dst = M·x, in blocks on several goroutines for large
// grids (bitwise the same as serially).
func (m *stencil) mulVec(dst, x []float64) {
	dst = dst[:m.n]
	x = x[:m.n]
	forBlocks(m.n, func(_, lo, hi int) { m.mulVecRange(dst, x, lo, hi) })
}

// mulVecRange sets dst[c] = (M·x)[c] for the cells c in [lo, hi).
func (m *stencil) mulVecRange(dst, x []float64, lo, hi int) {
	n, pad := m.n, m.pad
	for c := lo; c < min(hi, pad); c++ {
		dst[c] = m.rowAt(c, x)
	}
	for c := max(lo, n-pad, pad); c < hi; c++ {
		dst[c] = m.rowAt(c, x)
	}
	lo, hi = max(lo, pad), min(hi, n-pad)
	if hi <= lo {
		return
	}
	switch len(m.off) {
	case 5:
		m.mulVec5(dst, x, lo, hi)
		return
	case 9:
		m.mulVec9(dst, x, lo, hi)
		return
	}
	for l := lo; l < hi; l += stencilBlock {
		h := min(l+stencilBlock, hi)
		y := dst[l:h]
		for t, o := range m.off {
			cf := m.coef[t][l:h]
			xs := x[l+o : h+o]
			cf = cf[:len(y)]
			xs = xs[:len(y)]
			if t == 0 {
				for i := range y {
					y[i] = cf[i] * xs[i]
				}
				continue
			}
			for i := range y {
				y[i] += cf[i] * xs[i]
			}
		}
	}
}

// residual sets r = b − M·x and returns ‖r‖₂.
func (m *stencil) residual(r, b, x []float64) float64 {
	return residualBy(m.n, r, b, x, m.mulVecRange)
}

// residualBy sets r = b − M·x, where product sets (M·x)[lo:hi], in blocks
// on several goroutines, and returns ‖r‖₂ (summed per block, then over
// blocks in order).
func residualBy(n int, r, b, x []float64, product func(dst, x []float64, lo, hi int)) float64 {
	r = r[:n]
	b = b[:n]
	x = x[:n]
	return math.Sqrt(blockSum(n, func(lo, hi int) float64 {
		product(r, x, lo, hi)
		var s float64
		rr, bb := r[lo:hi], b[lo:hi]
		bb = bb[:len(rr)]
		for i := range rr {
			v := bb[i] - rr[i]
			rr[i] = v
			s += v * v
		}
		return s
	}))
}

// layout holds the off-diagonal coefficients of a stencil matrix m in the
// order of a Gauss–Seidel sweep: per cell, side by side, so a relaxation
// reads contiguous runs: those of the earlier neighbours (negative
// offsets) in one block of g, those of the later ones in a second block,
// which the zero-start residual reads alone. It does not depend on a
// shift or scale of m, so one layout of A serves the smoothers of every
// step matrix I − c·A.
type layout struct {
	n, pad int
	off    []int // offsets of the off-diagonal terms, increasing
	kl, ku int   // how many are negative and positive
	// g[c·kl + t] = m(c, c+off[t]) for t < kl, and g[n·kl + c·ku + t − kl]
	// for t ≥ kl (see at).
	g []float64
}

// smoother is Gauss–Seidel on M = shift·I + scale·m for the layout of m:
// a relaxation sets x[c] = inv[c]·(b[c] − scale·Σ m(c, j)·x[j]).
type smoother struct {
	*layout
	scale float64
	inv   []float64 // 1/M(c, c)
}

// lower and upper return the blocks of g.
func (l *layout) lower() []float64 { return l.g[:l.n*l.kl] }
func (l *layout) upper() []float64 { return l.g[l.n*l.kl:] }

// at returns the position in g of cell c's term t.
func (l *layout) at(c, t int) int {
	if t < l.kl {
		return c*l.kl + t
	}
	return l.n*l.kl + c*l.ku + t - l.kl
}

// newSmoother returns the Gauss–Seidel form of m, or an error naming a row
// with a zero diagonal.
func newSmoother(m *stencil) (*smoother, error) { return newLayout(m).smoother(m, 1, 0) }

// newLayout returns the sweep layout of m's off-diagonal coefficients.
func newLayout(m *stencil) *layout {
	n := m.n
	l := &layout{n: n, pad: m.pad}
	var cols [][]float64
	for t, o := range m.off {
		if t != m.diag {
			cols = append(cols, m.coef[t][:n])
			l.off = append(l.off, o)
			if o < 0 {
				l.kl++
			}
		}
	}
	k := len(cols)
	l.g = make([]float64, n*k)
	l.ku = k - l.kl
	// In blocks on several goroutines; within a block row by row, so
	// that g is written in order, with the columns in registers for the
	// common widths.
	kl, ku := l.kl, l.ku
	forBlocks(n, func(_, lo, hi int) {
		gl, gu := l.lower()[kl*lo:kl*hi], l.upper()[ku*lo:ku*hi]
		switch {
		case kl == 4 && ku == 4:
			c0, c1, c2, c3 := cols[0][lo:hi], cols[1][lo:hi], cols[2][lo:hi], cols[3][lo:hi]
			c4, c5, c6, c7 := cols[4][lo:hi], cols[5][lo:hi], cols[6][lo:hi], cols[7][lo:hi]
			for c := range hi - lo {
				l, u := gl[4*c:4*c+4:4*c+4], gu[4*c:4*c+4:4*c+4]
				l[0], l[1], l[2], l[3] = c0[c], c1[c], c2[c], c3[c]
				u[0], u[1], u[2], u[3] = c4[c], c5[c], c6[c], c7[c]
			}
		case kl == 2 && ku == 2:
			c0, c1, c2, c3 := cols[0][lo:hi], cols[1][lo:hi], cols[2][lo:hi], cols[3][lo:hi]
			for c := range hi - lo {
				l, u := gl[2*c:2*c+2:2*c+2], gu[2*c:2*c+2:2*c+2]
				l[0], l[1], u[0], u[1] = c0[c], c1[c], c2[c], c3[c]
			}
		default:
			for c := lo; c < hi; c++ {
				for t, cf := range cols {
					l.g[l.at(c, t)] = cf[c]
				}
			}
		}
	})
	return l
}

// smoother returns Gauss–Seidel on shift·I + scale·m, where l is the
// layout of m (for a time step I − c·A: shift 1, scale −c), or an error
// naming a row with a zero diagonal.
func (l *layout) smoother(m *stencil, scale, shift float64) (*smoother, error) {
	diag := m.coef[m.diag][:l.n]
	sm := &smoother{layout: l, scale: scale, inv: make([]float64, l.n)}
	// One pass: each block notes its first zero diagonal (or −1).
	zero := make([]int, blocks(l.n))
	forBlocks(l.n, func(k, lo, hi int) {
		zero[k] = -1
		inv := sm.inv[lo:hi]
		for i, d := range diag[lo:hi] {
			v := shift + scale*d
			if v == 0 && zero[k] < 0 {
				zero[k] = lo + i
			}
			inv[i] = 1 / v
		}
	})
	for _, c := range zero {
		if c >= 0 {
			return nil, fmt.Errorf("linear: zero diagonal in row %d", c)
		}
	}
	return sm, nil
}

// relax updates x[c] from its neighbours (with bounds checks).
func (sm *smoother) relax(c int, x, b []float64) {
	var s float64
	for t, o := range sm.off {
		if j := c + o; j >= 0 && j < sm.n {
			s += sm.g[sm.at(c, t)] * x[j]
		}
	}
	x[c] = sm.inv[c] * (b[c] - sm.scale*s)
}

// sweepZero performs a forward Gauss–Seidel sweep on M·x = b from x = 0:
// each cell's later neighbours are still zero when it is relaxed, so only
// the earlier neighbours' block of g is read, and x need not be cleared
// first (every value is written before it is read). The unrolled 2-D
// kernels slide the south triple and relax two cells per step (see
// sweep5Backward).
func (sm *smoother) sweepZero(x, b []float64) {
	n, pad, kl, sc := sm.n, sm.pad, sm.kl, sm.scale
	x = x[:n]
	b = b[:n]
	lo, hi := min(pad, n), max(n-pad, pad)
	inv, gl, off := sm.inv[:n], sm.lower(), sm.off[:kl]
	lower := func(c int) {
		var s float64
		row := gl[c*kl : c*kl+kl]
		for t, o := range off {
			if j := c + o; j >= 0 {
				s += row[t] * x[j]
			}
		}
		x[c] = inv[c] * (b[c] - sc*s)
	}
	for c := 0; c < lo; c++ {
		lower(c)
	}
	switch {
	case kl == 2 && off[1] == -1 && lo > 0 && lo < hi:
		m := hi - lo
		xs, xS := x[lo:hi:hi], x[lo+off[0]:][:m]
		bs, is := b[lo:hi][:m], inv[lo:hi][:m]
		ls := gl[2*lo : 2*hi]
		prev := x[lo-1]
		i := 0
		for ; i+1 < len(xs); i += 2 {
			l := ls[:4:4]
			ls = ls[4:]
			q0, q1 := sc*is[i], sc*is[i+1]
			a0 := is[i]*bs[i] - q0*(l[0]*xS[i])
			a1 := is[i+1]*bs[i+1] - q1*(l[2]*xS[i+1])
			w0, w1 := q0*l[1], q1*l[3]
			xs[i] = a0 - w0*prev
			prev = (a1 - w1*a0) + (w1*w0)*prev
			xs[i+1] = prev
		}
		for ; i < len(xs); i++ {
			l := ls[:2:2]
			ls = ls[2:]
			v := is[i] * (bs[i] - sc*(l[0]*xS[i]+l[1]*prev))
			xs[i] = v
			prev = v
		}
	case kl == 4 && off[3] == -1 && off[1] == off[0]+1 && off[2] == off[0]+2 && lo > 0 && lo < hi:
		m := hi - lo
		xs, xS := x[lo:hi:hi], x[lo+off[0]:][:m+2]
		bs, is := b[lo:hi][:m], inv[lo:hi][:m]
		ls := gl[4*lo : 4*hi]
		prev := x[lo-1]
		s0, s1 := xS[0], xS[1]
		i := 0
		for ; i+1 < len(xs); i += 2 {
			l := ls[:8:8]
			ls = ls[8:]
			s2, s3 := xS[i+2], xS[i+3]
			q0, q1 := sc*is[i], sc*is[i+1]
			a0 := is[i]*bs[i] - q0*(l[0]*s0+l[1]*s1+l[2]*s2)
			a1 := is[i+1]*bs[i+1] - q1*(l[4]*s1+l[5]*s2+l[6]*s3)
			w0, w1 := q0*l[3], q1*l[7]
			xs[i] = a0 - w0*prev
			prev = (a1 - w1*a0) + (w1*w0)*prev
			xs[i+1] = prev
			s0, s1 = s2, s3
		}
		for ; i < len(xs); i++ {
			l := ls[:4:4]
			ls = ls[4:]
			s2 := xS[i+2]
			v := is[i] * (bs[i] - sc*(l[0]*s0+l[1]*s1+l[2]*s2+l[3]*prev))
			xs[i] = v
			prev = v
			s0, s1 = s1, s2
		}
	default:
		for c := lo; c < hi; c++ {
			lower(c)
		}
	}
	for c := max(hi, lo); c < n; c++ {
		lower(c)
	}
}

// split returns the frame of the sweeps from a given x: x and b cut to the
// smoother's n cells, the interior [lo, hi) (cells whose neighbours'
// indices all lie in [0, n)), the offsets and the inverse diagonal.
func (sm *smoother) split(x, b []float64) (xs, bs []float64, lo, hi int, off []int, inv []float64) {
	n, pad := sm.n, sm.pad
	return x[:n], b[:n], min(pad, n), max(n-pad, pad), sm.off[:len(sm.off)], sm.inv[:n]
}

// interior relaxes the interior cells c in the given order by the
// generic loop (no unrolled kernel applies).
func (sm *smoother) interior(x, b []float64, off []int, inv []float64, c, end, step int) {
	for ; c != end; c += step {
		var s float64
		for t, o := range off {
			s += sm.g[sm.at(c, t)] * x[c+o]
		}
		x[c] = inv[c] * (b[c] - sm.scale*s)
	}
}

// sweepForward performs one forward Gauss–Seidel sweep on M·x = b from
// the current x (cells in increasing order).
func (sm *smoother) sweepForward(x, b []float64) {
	n := sm.n
	x, b, lo, hi, off, inv := sm.split(x, b)
	k := len(off)
	for c := 0; c < lo; c++ {
		sm.relax(c, x, b)
	}
	switch {
	case k == 4 && off[1] == -1 && off[2] == 1 && lo > 0 && lo < hi:
		sweep5Forward(x, b, sm.lower(), sm.upper(), inv, sm.scale, off, lo, hi)
	case k == 8 && nine(off[:3], off[5:]) && off[3] == -1 && off[4] == 1 && lo > 0 && lo < hi:
		sweep9Forward(x, b, sm.lower(), sm.upper(), inv, sm.scale, off, lo, hi)
	case lo < hi:
		sm.interior(x, b, off, inv, lo, hi, 1)
	}
	for c := max(hi, lo); c < n; c++ {
		sm.relax(c, x, b)
	}
}

// sweepBackward performs one backward Gauss–Seidel sweep on M·x = b
// (cells in decreasing order).
func (sm *smoother) sweepBackward(x, b []float64) {
	n := sm.n
	x, b, lo, hi, off, inv := sm.split(x, b)
	k := len(off)
	for c := n - 1; c >= hi; c-- {
		sm.relax(c, x, b)
	}
	// On 2-D 5- and 9-point stencils (offsets sorted, ±1 in the middle)
	// the unrolled kernels below apply.
	switch {
	case k == 4 && off[1] == -1 && off[2] == 1 && hi < n:
		sweep5Backward(x, b, sm.lower(), sm.upper(), inv, sm.scale, off, lo, hi)
	case k == 8 && nine(off[:3], off[5:]) && off[3] == -1 && off[4] == 1 && hi < n:
		sweep9Backward(x, b, sm.lower(), sm.upper(), inv, sm.scale, off, lo, hi)
	case lo < hi:
		sm.interior(x, b, off, inv, hi-1, lo-1, -1)
	}
	for c := lo - 1; c >= 0; c-- {
		sm.relax(c, x, b)
	}
}

// The unrolled backward sweeps of 2-D 5- and 9-point smoothers over the
// interior cells [lo, hi) (hi < n); sc is the smoother's scale. Each
// neighbour is read through its own slice, so the loops carry no bounds
// checks. The cell relaxed just before is the only term on the sweep's
// dependency chain, x[i] = a[i] − w[i]·x[i+1] with a[i] from the other
// neighbours: the kernels take two cells per step, x[i−1] = (a[i−1] −
// w[i−1]·a[i]) + (w[i−1]·w[i])·x[i+1], so the chain costs one multiply and
// one add per two cells instead of per cell (the same values to rounding;
// a 5-point sweep runs about 1.4× faster).

func sweep5Backward(x, b, gl, gu, inv []float64, sc float64, off []int, lo, hi int) {
	m := hi - lo
	xs := x[lo:hi:hi]
	xS, xW, xN := x[lo+off[0]:][:m], x[lo-1:][:m], x[lo+off[3]:][:m]
	bs, is := b[lo:hi][:m], inv[lo:hi][:m]
	ls, us := gl[2*lo:2*hi], gu[2*lo:2*hi]
	next := x[hi]
	i := m - 1
	for ; i >= 1; i -= 2 {
		// Cells i and i−1 (terms of i−1 first in l and u).
		l, u := ls[len(ls)-4:], us[len(us)-4:]
		l, u = l[:4:4], u[:4:4]
		ls, us = ls[:len(ls)-4], us[:len(us)-4]
		q0, q1 := sc*is[i], sc*is[i-1]
		a0 := is[i]*bs[i] - q0*(l[2]*xS[i]+l[3]*xW[i]+u[3]*xN[i])
		a1 := is[i-1]*bs[i-1] - q1*(l[0]*xS[i-1]+l[1]*xW[i-1]+u[1]*xN[i-1])
		w0, w1 := q0*u[2], q1*u[0]
		xs[i] = a0 - w0*next
		next = (a1 - w1*a0) + (w1*w0)*next
		xs[i-1] = next
	}
	if i == 0 {
		l, u := ls[:2:2], us[:2:2]
		xs[0] = is[0] * (bs[0] - sc*(l[0]*xS[0]+l[1]*xW[0]+u[1]*xN[0]+u[0]*next))
	}
}

func sweep9Backward(x, b, gl, gu, inv []float64, sc float64, off []int, lo, hi int) {
	m := hi - lo
	xs := x[lo:hi:hi]
	// The south and north triples slide one cell per step: one new value
	// each is read per cell (offsets off[0..2] and off[5..7] are
	// consecutive on a 2-D grid).
	xS, xN := x[lo+off[0]:][:m+2], x[lo+off[5]:][:m+2]
	xW := x[lo-1:][:m]
	bs, is := b[lo:hi][:m], inv[lo:hi][:m]
	ls, us := gl[4*lo:4*hi], gu[4*lo:4*hi]
	next := x[hi]
	s1, s2, n1, n2 := xS[m], xS[m+1], xN[m], xN[m+1]
	i := m - 1
	for ; i >= 1; i -= 2 {
		// Cells i and i−1 (terms of i−1 first in l and u).
		l, u := ls[len(ls)-8:], us[len(us)-8:]
		l, u = l[:8:8], u[:8:8]
		ls, us = ls[:len(ls)-8], us[:len(us)-8]
		s0, n0 := xS[i], xN[i]
		sm, nm := xS[i-1], xN[i-1]
		q0, q1 := sc*is[i], sc*is[i-1]
		a0 := is[i]*bs[i] - q0*((l[4]*s0+l[5]*s1+l[6]*s2+l[7]*xW[i])+
			(u[5]*n0+u[6]*n1+u[7]*n2))
		a1 := is[i-1]*bs[i-1] - q1*((l[0]*sm+l[1]*s0+l[2]*s1+l[3]*xW[i-1])+
			(u[1]*nm+u[2]*n0+u[3]*n1))
		w0, w1 := q0*u[4], q1*u[0]
		xs[i] = a0 - w0*next
		next = (a1 - w1*a0) + (w1*w0)*next
		xs[i-1] = next
		s1, s2, n1, n2 = sm, s0, nm, n0
	}
	if i == 0 {
		l, u := ls[:4:4], us[:4:4]
		xs[0] = is[0] * (bs[0] - sc*((l[0]*xS[0]+l[1]*s1+l[2]*s2+l[3]*xW[0])+
			(u[1]*xN[0]+u[2]*n1+u[3]*n2+u[0]*next)))
	}
}

// sweep5Forward and sweep9Forward are the forward counterparts of
// sweep5Backward and sweep9Backward (lo > 0): the chain runs through the
// west neighbour.

func sweep5Forward(x, b, gl, gu, inv []float64, sc float64, off []int, lo, hi int) {
	m := hi - lo
	xs := x[lo:hi:hi]
	xS, xE, xN := x[lo+off[0]:][:m], x[lo+1:][:m], x[lo+off[3]:][:m]
	bs, is := b[lo:hi][:m], inv[lo:hi][:m]
	ls, us := gl[2*lo:2*hi], gu[2*lo:2*hi]
	prev := x[lo-1]
	i := 0
	for ; i+1 < m; i += 2 {
		l, u := ls[:4:4], us[:4:4]
		ls, us = ls[4:], us[4:]
		q0, q1 := sc*is[i], sc*is[i+1]
		a0 := is[i]*bs[i] - q0*(l[0]*xS[i]+u[0]*xE[i]+u[1]*xN[i])
		a1 := is[i+1]*bs[i+1] - q1*(l[2]*xS[i+1]+u[2]*xE[i+1]+u[3]*xN[i+1])
		w0, w1 := q0*l[1], q1*l[3]
		xs[i] = a0 - w0*prev
		prev = (a1 - w1*a0) + (w1*w0)*prev
		xs[i+1] = prev
	}
	if i < m {
		l, u := ls[:2:2], us[:2:2]
		xs[i] = is[i] * (bs[i] - sc*(l[0]*xS[i]+u[0]*xE[i]+u[1]*xN[i]+l[1]*prev))
	}
}

func sweep9Forward(x, b, gl, gu, inv []float64, sc float64, off []int, lo, hi int) {
	m := hi - lo
	xs := x[lo:hi:hi]
	xS, xN := x[lo+off[0]:][:m+2], x[lo+off[5]:][:m+2]
	xE := x[lo+1:][:m]
	bs, is := b[lo:hi][:m], inv[lo:hi][:m]
	ls, us := gl[4*lo:4*hi], gu[4*lo:4*hi]
	prev := x[lo-1]
	s0, s1, n0, n1 := xS[0], xS[1], xN[0], xN[1]
	i := 0
	for ; i+1 < m; i += 2 {
		l, u := ls[:8:8], us[:8:8]
		ls, us = ls[8:], us[8:]
		s2, s3, n2, n3 := xS[i+2], xS[i+3], xN[i+2], xN[i+3]
		q0, q1 := sc*is[i], sc*is[i+1]
		a0 := is[i]*bs[i] - q0*((l[0]*s0+l[1]*s1+l[2]*s2+u[0]*xE[i])+
			(u[1]*n0+u[2]*n1+u[3]*n2))
		a1 := is[i+1]*bs[i+1] - q1*((l[4]*s1+l[5]*s2+l[6]*s3+u[4]*xE[i+1])+
			(u[5]*n1+u[6]*n2+u[7]*n3))
		w0, w1 := q0*l[3], q1*l[7]
		xs[i] = a0 - w0*prev
		prev = (a1 - w1*a0) + (w1*w0)*prev
		xs[i+1] = prev
		s0, s1, n0, n1 = s2, s3, n2, n3
	}
	if i < m {
		l, u := ls[:4:4], us[:4:4]
		xs[i] = is[i] * (bs[i] - sc*((l[0]*s0+l[1]*s1+l[2]*xS[i+2]+u[0]*xE[i])+
			(u[1]*n0+u[2]*n1+u[3]*xN[i+2]+l[3]*prev)))
	}
}

// zeroResidual sets r = b − M·x for the x that a forward sweep from x = 0
// has just produced, and returns nothing (the V-cycle does not need the
// norm). Each cell's equation then held with its later neighbours at
// zero, so r[c] = −scale·Σ g[c,t]·x[c+off[t]] over the terms with
// off[t] > 0: half the terms of a product, and no b.
func (sm *smoother) zeroResidual(r, x []float64) {
	r = r[:sm.n]
	forBlocks(sm.n, func(_, lo, hi int) { sm.zeroResidualRange(r[lo:hi], x, lo, hi) })
}

// zeroResidualRange is zeroResidual for the cells [lo, hi), stored in
// r[0 : hi−lo].
func (sm *smoother) zeroResidualRange(r, x []float64, lo, hi int) {
	n, pad := sm.n, sm.pad
	x = x[:n]
	k, kl, ku := len(sm.off), sm.kl, sm.ku
	off, gu, sc := sm.off, sm.upper(), -sm.scale
	r = r[:hi-lo]
	ihi := max(min(hi, n-pad), lo)
	c := lo
	if m := ihi - lo; m > 0 {
		// Each neighbour through its own slice: no bounds checks in the
		// loops.
		rs := r[:m]
		us := gu[ku*lo : ku*ihi]
		switch {
		case k == 4 && kl == 2 && off[2] == 1:
			xE, xN := x[lo+1:][:m], x[lo+off[3]:][:m]
			for i := range rs {
				u := us[:2:2]
				us = us[2:]
				rs[i] = sc * (u[0]*xE[i] + u[1]*xN[i])
			}
			c = ihi
		case k == 8 && kl == 4 && off[4] == 1 && nine(off[:3], off[5:]):
			// The north triple slides as in sweep9Forward.
			xE, xN := x[lo+1:][:m], x[lo+off[5]:][:m+2]
			n0, n1 := xN[0], xN[1]
			for i := range rs {
				u := us[:4:4]
				us = us[4:]
				n2 := xN[i+2]
				rs[i] = sc * (u[0]*xE[i] + u[1]*n0 + u[2]*n1 + u[3]*n2)
				n0, n1 = n1, n2
			}
			c = ihi
		}
	}
	for ; c < hi; c++ {
		var s float64
		for t := kl; t < k; t++ {
			if j := c + off[t]; j < n {
				s += sm.g[sm.at(c, t)] * x[j]
			}
		}
		r[c-lo] = sc * s
	}
}

// nine reports whether the offsets of the south and north rows of a
// 9-point stencil, south and north, are consecutive triples (as on a 2-D
// grid), which the sliding kernels need.
func nine(south, north []int) bool {
	return south[1] == south[0]+1 && south[2] == south[0]+2 && north[1] == north[0]+1 && north[2] == north[0]+2
}

// mulVec9 is mulVecRange for nine terms on interior cells [lo, hi). On a
// 2-D grid the three rows' triples slide one cell per step: three values
// of x are read per cell instead of nine.
func (m *stencil) mulVec9(dst, x []float64, lo, hi int) {
	o, cf := m.off, m.coef
	y := dst[lo:hi]
	k := len(y)
	c0, c1, c2, c3, c4 := cf[0][lo:hi][:k], cf[1][lo:hi][:k], cf[2][lo:hi][:k], cf[3][lo:hi][:k], cf[4][lo:hi][:k]
	c5, c6, c7, c8 := cf[5][lo:hi][:k], cf[6][lo:hi][:k], cf[7][lo:hi][:k], cf[8][lo:hi][:k]
	if nine(o[:3], o[6:]) && o[3] == -1 && o[4] == 0 && o[5] == 1 {
		xS, xM, xN := x[lo+o[0]:][:k+2], x[lo-1:][:k+2], x[lo+o[6]:][:k+2]
		s0, s1, m0, m1, n0, n1 := xS[0], xS[1], xM[0], xM[1], xN[0], xN[1]
		for i := range y {
			s2, m2, n2 := xS[i+2], xM[i+2], xN[i+2]
			y[i] = c0[i]*s0 + c1[i]*s1 + c2[i]*s2 + c3[i]*m0 + c4[i]*m1 +
				c5[i]*m2 + c6[i]*n0 + c7[i]*n1 + c8[i]*n2
			s0, s1, m0, m1, n0, n1 = s1, s2, m1, m2, n1, n2
		}
		return
	}
	x0, x1, x2, x3, x4 := x[lo+o[0]:][:k], x[lo+o[1]:][:k], x[lo+o[2]:][:k], x[lo+o[3]:][:k], x[lo+o[4]:][:k]
	x5, x6, x7, x8 := x[lo+o[5]:][:k], x[lo+o[6]:][:k], x[lo+o[7]:][:k], x[lo+o[8]:][:k]
	for i := range y {
		y[i] = c0[i]*x0[i] + c1[i]*x1[i] + c2[i]*x2[i] + c3[i]*x3[i] + c4[i]*x4[i] +
			c5[i]*x5[i] + c6[i]*x6[i] + c7[i]*x7[i] + c8[i]*x8[i]
	}
}

// mulVec5 is mulVecRange for five terms on interior cells [lo, hi).
func (m *stencil) mulVec5(dst, x []float64, lo, hi int) {
	o, cf := m.off, m.coef
	y := dst[lo:hi]
	k := len(y)
	c0, c1, c2, c3, c4 := cf[0][lo:hi][:k], cf[1][lo:hi][:k], cf[2][lo:hi][:k], cf[3][lo:hi][:k], cf[4][lo:hi][:k]
	x0, x1, x2, x3, x4 := x[lo+o[0]:][:k], x[lo+o[1]:][:k], x[lo+o[2]:][:k], x[lo+o[3]:][:k], x[lo+o[4]:][:k]
	for i := range y {
		y[i] = c0[i]*x0[i] + c1[i]*x1[i] + c2[i]*x2[i] + c3[i]*x3[i] + c4[i]*x4[i]
	}
}
