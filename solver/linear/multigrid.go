package linear

import (
	"fmt"

	"github.com/james-bowman/sparse"
)

// multigrid is a cell-centred geometric multigrid V-cycle for a matrix on a
// Cartesian grid, used as the preconditioner of BiCGSTAB. Coarse cells
// aggregate 2 (per coarsened axis) fine cells; the restriction sums over the
// aggregate (so it conserves mass), the prolongation interpolates linearly
// between coarse centres, and the coarse matrices are R·M·P. That pair
// (orders 1 + 2 > 2) keeps the coarse operators consistent for second-order
// problems, and with constant R the coarse stencils stay within 3^d
// neighbours. Smoothing is one forward Gauss–Seidel sweep before and one
// backward sweep after the coarse correction; the coarsest level is solved
// by band LU.
type multigrid struct {
	levels []*mgLevel
	coarse Solver
}

// mgLevel is one grid of the hierarchy.
type mgLevel struct {
	a  rawCSR
	st *stencil
	sm *smoother
	// Work vectors: the level's solution and right-hand side (levels ≥ 1)
	// and residual (all but the coarsest).
	x, b, r []float64
	// pw is the transfer to the next coarser level (nil on the coarsest).
	pw *prolongation
}

// Levels stop coarsening at mgCoarsest cells (a 64×64 grid), solved by
// band LU. Deeper hierarchies were measured to lose convergence on
// strongly convective Fokker–Planck steps (the cell Péclet number doubles
// per level): 5 levels on a 400² SGD step did not converge where 4 take 9
// iterations.
const mgCoarsest = 4096

// newMultigrid builds the hierarchy for a on the grid shape.
func newMultigrid(a rawCSR, shape []int) (*multigrid, error) {
	mg := &multigrid{}
	cur := a
	sh := append([]int(nil), shape...)
	for {
		st, ok := newStencil(cur, sh)
		if !ok {
			return nil, fmt.Errorf("linear: multigrid needs a nearest-neighbour matrix on a %v grid", sh)
		}
		sm, err := newSmoother(st)
		if err != nil {
			return nil, fmt.Errorf("linear: multigrid: %w", err)
		}
		lv := &mgLevel{a: cur, st: st, sm: sm}

		mg.levels = append(mg.levels, lv)
		pw := newProlongation(sh)
		if cur.n <= mgCoarsest || pw == nil {
			break
		}
		lv.pw = pw
		lv.r = make([]float64, cur.n)
		next := galerkin(cur, pw)
		if !positiveDiagonal(next) {
			// Linear interpolation of a strongly convective level can give
			// a coarse operator with a non-positive diagonal, on which the
			// smoother diverges: aggregate (constant interpolation, which
			// keeps the sign structure) from here on.
			pw.constant()
			next = galerkin(cur, pw)
		}
		cur = next
		sh = pw.coarse
	}
	for _, lv := range mg.levels[1:] {
		lv.x, lv.b = make([]float64, lv.a.n), make([]float64, lv.a.n)
	}
	last := mg.levels[len(mg.levels)-1]
	c, err := New(sparse.NewCSR(last.a.n, last.a.n, last.a.indptr, last.a.ind, last.a.data), Settings{Method: BandLU})
	if err != nil {
		return nil, fmt.Errorf("linear: multigrid coarsest level (%d cells): %w", last.a.n, err)
	}
	mg.coarse = c
	return mg, nil
}

// apply sets z ≈ M⁻¹·r by one V-cycle from zero: a fixed linear operator,
// as a BiCGSTAB preconditioner must be.
func (mg *multigrid) apply(z, r []float64) {
	clear(z)
	mg.cycle(0, z, r)
}

func (mg *multigrid) cycle(l int, x, b []float64) {
	lv := mg.levels[l]
	if l == len(mg.levels)-1 {
		// The band LU refines against its own residual; its errors are not
		// the preconditioner's business (BiCGSTAB checks the true one).
		_ = mg.coarse.Solve(x, b)
		return
	}
	lv.sm.sweep(x, b, true)
	lv.st.residual(lv.r, b, x)
	next := mg.levels[l+1]
	cx, cb := next.x, next.b
	lv.pw.restrict(cb, lv.r)
	clear(cx)
	mg.cycle(l+1, cx, cb)
	lv.pw.prolongAdd(x, cx)
	lv.sm.sweep(x, b, false)
}

func (mg *multigrid) name() string {
	return fmt.Sprintf("multigrid-bicgstab (%d levels, %d-point stencil, coarsest %d cells)", len(mg.levels), len(mg.levels[0].st.off), mg.levels[len(mg.levels)-1].a.n)
}

// prolongation describes the transfer between a grid and its coarsening.
type prolongation struct {
	fine, coarse []int
	// Per axis and fine index: up to two coarse indices and weights
	// (cell-centred linear interpolation; one index at the ends and on
	// axes that are not coarsened).
	idx [][2]int32
	w   [][2]float64
	// agg[k][i] is the coarse index of fine index i on axis k.
	agg [][]int32
	// offsets of axis k's per-index tables in idx, w and agg
	base []int
}

// newProlongation returns the transfer for shape, coarsening every axis
// with at least 4 cells, or nil when no axis can be coarsened.
func newProlongation(shape []int) *prolongation {
	p := &prolongation{fine: shape, coarse: make([]int, len(shape))}
	any := false
	for k, m := range shape {
		p.coarse[k] = m
		if m >= 4 {
			p.coarse[k] = (m + 1) / 2
			any = true
		}
	}
	if !any {
		return nil
	}
	for k, m := range shape {
		p.base = append(p.base, len(p.idx))
		coarsened := p.coarse[k] != m
		for i := range m {
			if !coarsened {
				p.idx = append(p.idx, [2]int32{int32(i), int32(i)})
				p.w = append(p.w, [2]float64{1, 0})
				continue
			}
			c := i / 2
			o := c + 1
			if i%2 == 0 {
				o = c - 1
			}
			if o < 0 || o >= p.coarse[k] {
				p.idx = append(p.idx, [2]int32{int32(c), int32(c)})
				p.w = append(p.w, [2]float64{1, 0})
			} else {
				p.idx = append(p.idx, [2]int32{int32(c), int32(o)})
				p.w = append(p.w, [2]float64{0.75, 0.25})
			}
		}
	}
	p.agg = make([][]int32, len(shape))
	for k, m := range shape {
		p.agg[k] = make([]int32, m)
		for i := range m {
			if p.coarse[k] != m {
				p.agg[k][i] = int32(i / 2)
			} else {
				p.agg[k][i] = int32(i)
			}
		}
	}
	return p
}

// forEachFine calls f for every fine cell with its linear index and
// per-axis coordinates.
func (p *prolongation) forEachFine(f func(c int, co []int)) {
	d := len(p.fine)
	co := make([]int, d)
	n := 1
	for _, m := range p.fine {
		n *= m
	}
	for c := range n {
		f(c, co)
		for k := range d {
			co[k]++
			if co[k] < p.fine[k] {
				break
			}
			co[k] = 0
		}
	}
}

// row lists the coarse cells and weights that interpolate fine cell co.
func (p *prolongation) row(co []int, cols []int, ws []float64) ([]int, []float64) {
	cols, ws = append(cols[:0], 0), append(ws[:0], 1)
	stride := 1
	for k := range p.fine {
		e := p.idx[p.base[k]+co[k]]
		w := p.w[p.base[k]+co[k]]
		m := len(cols)
		if w[1] != 0 {
			for t := range m {
				cols = append(cols, cols[t]+int(e[1])*stride)
				ws = append(ws, ws[t]*w[1])
			}
		}
		for t := range m {
			cols[t] += int(e[0]) * stride
			ws[t] *= w[0]
		}
		stride *= p.coarse[k]
	}
	return cols, ws
}

// aggregate returns the coarse cell containing fine cell co.
func (p *prolongation) aggregate(co []int) int {
	c, stride := 0, 1
	for k := range p.fine {
		c += int(p.agg[k][co[k]]) * stride
		stride *= p.coarse[k]
	}
	return c
}

// restrict sets dst (coarse) to the sums of src over the aggregates.
func (p *prolongation) restrict(dst, src []float64) {
	clear(dst)
	if len(p.fine) == 2 {
		nx, ax, ay := p.fine[0], p.agg[0], p.agg[1]
		ncx := p.coarse[0]
		for j := range p.fine[1] {
			row := src[j*nx : (j+1)*nx]
			out := dst[int(ay[j])*ncx : (int(ay[j])+1)*ncx]
			for i, v := range row {
				out[ax[i]] += v
			}
		}
		return
	}
	p.forEachFine(func(c int, co []int) { dst[p.aggregate(co)] += src[c] })
}

// prolongAdd adds the interpolation of the coarse vector src to dst.
func (p *prolongation) prolongAdd(dst, src []float64) {
	if len(p.fine) == 2 {
		nx, ncx := p.fine[0], p.coarse[0]
		bx, by := p.base[0], p.base[1]
		for j := range p.fine[1] {
			ey, wy := p.idx[by+j], p.w[by+j]
			r0 := src[int(ey[0])*ncx : (int(ey[0])+1)*ncx]
			r1 := src[int(ey[1])*ncx : (int(ey[1])+1)*ncx]
			out := dst[j*nx : (j+1)*nx]
			for i := range out {
				ex, wx := p.idx[bx+i], p.w[bx+i]
				out[i] += wy[0]*(wx[0]*r0[ex[0]]+wx[1]*r0[ex[1]]) + wy[1]*(wx[0]*r1[ex[0]]+wx[1]*r1[ex[1]])
			}
		}
		return
	}
	var cols []int
	var ws []float64
	p.forEachFine(func(c int, co []int) {
		cols, ws = p.row(co, cols, ws)
		s := 0.0
		for t, j := range cols {
			s += ws[t] * src[j]
		}
		dst[c] += s
	})
}

// galerkin returns R·A·P for the transfer p (R sums over aggregates, P
// interpolates), in CSR with sorted columns.
func galerkin(a rawCSR, p *prolongation) rawCSR {
	nc := 1
	for _, m := range p.coarse {
		nc *= m
	}
	// Fine-cell tables: aggregate and interpolation rows.
	agg := make([]int32, a.n)
	pptr := make([]int, a.n+1)
	per := 1 << len(p.fine)
	pcol := make([]int32, 0, a.n*per)
	pw := make([]float64, 0, a.n*per)
	var cols []int
	var ws []float64
	p.forEachFine(func(c int, co []int) {
		agg[c] = int32(p.aggregate(co))
		cols, ws = p.row(co, cols, ws)
		for t, j := range cols {
			pcol = append(pcol, int32(j))
			pw = append(pw, ws[t])
		}
		pptr[c+1] = len(pcol)
	})
	// Members of each aggregate, in order.
	mptr := make([]int, nc+1)
	for _, g := range agg {
		mptr[g+1]++
	}
	for i := range nc {
		mptr[i+1] += mptr[i]
	}
	members := make([]int32, a.n)
	fill := append([]int(nil), mptr[:nc]...)
	for c, g := range agg {
		members[fill[g]] = int32(c)
		fill[g]++
	}
	// Row by row: Σ over members i, entries a_ij, interpolation of j.
	acc := make([]float64, nc)
	mark := make([]int, nc)
	for i := range mark {
		mark[i] = -1
	}
	width := 1
	for range p.fine {
		width *= 3
	}
	out := rawCSR{n: nc, indptr: make([]int, nc+1), ind: make([]int, 0, nc*width), data: make([]float64, 0, nc*width)}
	var touched []int
	for g := range nc {
		touched = touched[:0]
		for _, i := range members[mptr[g]:mptr[g+1]] {
			for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
				j, v := a.ind[k], a.data[k]
				for t := pptr[j]; t < pptr[j+1]; t++ {
					col := int(pcol[t])
					if mark[col] != g {
						mark[col] = g
						acc[col] = 0
						touched = append(touched, col)
					}
					acc[col] += v * pw[t]
				}
			}
		}
		sortInts(touched)
		for _, col := range touched {
			out.ind = append(out.ind, col)
			out.data = append(out.data, acc[col])
		}
		out.indptr[g+1] = len(out.ind)
	}
	return out
}

// sortInts sorts a short slice in place (insertion sort: rows hold at most
// 3^d entries).
func sortInts(v []int) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// positiveDiagonal reports whether every diagonal entry of a is positive.
func positiveDiagonal(a rawCSR) bool {
	for i := 0; i < a.n; i++ {
		d := 0.0
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			if a.ind[k] == i {
				d += a.data[k]
			}
		}
		if !(d > 0) {
			return false
		}
	}
	return true
}

// constant switches p to constant interpolation (each fine cell takes the
// value of its aggregate).
func (p *prolongation) constant() {
	for i := range p.idx {
		p.idx[i][1] = p.idx[i][0]
		p.w[i] = [2]float64{1, 0}
	}
}
