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
// by a few symmetric sweeps where they converge fast (gsCoarse), by a
// V-cycle of coarser levels where it is mild (innerCycle), or by band LU
// (see setCoarsest). A level whose Galerkin matrix would have a non-positive
// diagonal (linear interpolation of a strongly convective level) is built
// with constant interpolation instead, which keeps the sign structure.
type multigrid struct {
	levels []*mgLevel
	coarse Solver
	// aggregate: constant interpolation on every level (Settings.Aggregate)
	aggregate bool
	// For the name: stencil points of the finest level, cells of the
	// coarsest.
	points, coarsest int
}

// mgLevel is one grid of the hierarchy.
type mgLevel struct {
	n  int       // cells
	sm *smoother // nil on the coarsest level (solved directly)
	// Work vectors: the level's solution and right-hand side (levels ≥ 1)
	// and residual (all but the coarsest, except 2-D levels, which form it
	// a row at a time).
	x, b, r []float64
	// pw is the transfer to the next coarser level (nil on the coarsest).
	pw *prolongation
}

// Levels stop coarsening at mgCoarsest cells (a 64×64 grid). Deeper
// hierarchies were measured to lose convergence on strongly convective
// Fokker–Planck steps (the cell Péclet number doubles per level): 5 levels
// on a 400² SGD step did not converge where 4 take 9 iterations. Only a
// mild level whose V-cycle below it is measured to contract is coarsened
// further (see setCoarsest).
const mgCoarsest = 4096

// newMultigrid builds the hierarchy for a on the grid shape.
func newMultigrid(a rawCSR, shape []int) (*multigrid, error) {
	st, ok := newStencil(a, shape)
	if !ok {
		return nil, fmt.Errorf("linear: multigrid needs a nearest-neighbour matrix on a %v grid", shape)
	}
	return newMultigridStencil(st, false)
}

// newMultigridStencil builds the hierarchy for the stencil matrix st (which
// becomes the finest level and must not be modified while in use). The
// coarse levels are built as stencils; only the coarsest goes to CSR, for
// its band LU. With aggregate, every level interpolates by constants.
func newMultigridStencil(st *stencil, aggregate bool) (*multigrid, error) {
	mg := &multigrid{points: len(st.off), aggregate: aggregate}
	return mg, mg.extend(st)
}

// newMultigridShifted builds the hierarchy for I − c·A, A = sh.a, without
// forming I − c·A on the finest grid: its product and smoother are
// computed from A, and since the Galerkin product is linear in the matrix
// the first coarse level is R·P − c·R·A·P from the products that sh keeps
// (the levels below are small). With aggregate (constant interpolation
// on every level) the first coarse level is the Galerkin product of the
// formed matrix.
func newMultigridShifted(sh *Shifts, c float64, aggregate bool) (*multigrid, error) {
	a := sh.a
	pw := newProlongation(a.shape)
	if a.n <= mgCoarsest || pw == nil {
		return newMultigridStencil(sh.form(c), aggregate)
	}
	lay, i1, a1 := sh.multigrid()
	sm, err := lay.smoother(a, -c, 1)
	if err != nil {
		return nil, fmt.Errorf("linear: multigrid: %w", err)
	}
	var next *stencil
	if !aggregate {
		next = combine(i1, a1, -c)
	}
	if aggregate || !next.positiveDiagonal() {
		// Aggregated, as coarsen would: from the formed matrix.
		next = coarsen(sh.form(c), pw, true)
	}
	return below(a, sm, pw, next, aggregate)
}

// below returns the hierarchy whose finest level is m (smoother sm,
// transfer pw, both given) and whose next level is next, extended down to
// the coarsest.
func below(m *stencil, sm *smoother, pw *prolongation, next *stencil, aggregate bool) (*multigrid, error) {
	mg := &multigrid{points: len(m.off), levels: []*mgLevel{{n: m.n, sm: sm, pw: pw, r: residualSpace(m)}}, aggregate: aggregate}
	return mg, mg.extend(next)
}

// extend appends the levels from the stencil matrix st down to the
// coarsest and sets up its solver.
func (mg *multigrid) extend(st *stencil) error {
	first := len(mg.levels)
	for {
		lv := &mgLevel{n: st.n}
		mg.levels = append(mg.levels, lv)
		pw := newProlongation(st.shape)
		if st.n <= mgCoarsest || pw == nil {
			break
		}
		sm, err := newSmoother(st)
		if err != nil {
			return fmt.Errorf("linear: multigrid: %w", err)
		}
		lv.sm = sm
		lv.pw = pw
		lv.r = residualSpace(st)
		st = coarsen(st, pw, mg.aggregate)
	}
	for _, lv := range mg.levels[max(first, 1):] {
		lv.x, lv.b = make([]float64, lv.n), make([]float64, lv.n)
	}
	return mg.setCoarsest(st)
}

// coarsen returns the Galerkin matrix of m for the transfer pw. Linear
// interpolation of a strongly convective level can give a coarse operator
// with a non-positive diagonal, on which the smoother diverges: such a
// level is aggregated instead (constant interpolation, which keeps the
// sign structure), as every level is with aggregate.
func coarsen(m *stencil, pw *prolongation, aggregate bool) *stencil {
	if !aggregate {
		if next := galerkin(m, pw); next.positiveDiagonal() {
			return next
		}
	}
	pw.constant()
	return galerkin(m, pw)
}

// setCoarsest sets up the solver of the coarsest level st: symmetric
// sweeps where they converge fast (gsCoarse); on a mild level (see
// stencil.mild), a V-cycle over coarser levels where one contracts well;
// band LU otherwise.
func (mg *multigrid) setCoarsest(st *stencil) error {
	mg.coarsest = st.n
	if sm, err := newSmoother(st); err == nil {
		b, bn := testRHS(st.n)
		if gs, ok := newGSCoarse(st, sm, b, bn); ok {
			mg.coarse = gs
			return nil
		}
		if st.mild() {
			if inner, ok := newInnerCycle(st, sm, b, bn, mg.aggregate); ok {
				mg.coarse = inner
				return nil
			}
		}
	}
	last := st.csr()
	c, err := New(sparse.NewCSR(last.n, last.n, last.indptr, last.ind, last.data), Settings{Method: BandLU, NoRefine: true})
	if err != nil {
		return fmt.Errorf("linear: multigrid coarsest level (%d cells): %w", last.n, err)
	}
	mg.coarse = c
	return nil
}

// residualSpace returns the residual vector of a level on m's grid; 2-D
// levels need none (restrictResidual forms it a row at a time).
func residualSpace(m *stencil) []float64 {
	if len(m.shape) == 2 {
		return nil
	}
	return make([]float64, m.n)
}

// apply sets z ≈ M⁻¹·r by one V-cycle from zero: a fixed linear operator,
// as a BiCGSTAB preconditioner must be.
func (mg *multigrid) apply(z, r []float64) {
	mg.cycle(0, z, r)
}

func (mg *multigrid) cycle(l int, x, b []float64) {
	lv := mg.levels[l]
	if l == len(mg.levels)-1 {
		// Band LU without refinement (NoRefine) or sweeps: their only
		// errors are length mismatches, impossible here, and their
		// accuracy is not the preconditioner's business (BiCGSTAB checks
		// the true residual).
		_ = mg.coarse.Solve(x, b)
		return
	}
	// The cycle starts from x = 0 on every level (its input values are
	// never read): the pre-smoothing sweep from zero writes all of x, and
	// the residual of restrictResidual relies on that start.
	lv.sm.sweepZero(x, b)
	next := mg.levels[l+1]
	cx, cb := next.x, next.b
	lv.pw.restrictResidual(cb, lv.sm, x, lv.r)
	mg.cycle(l+1, cx, cb)
	lv.pw.prolongAdd(x, cx)
	lv.sm.sweepBackward(x, b)
}

func (mg *multigrid) name() string {
	interp := ""
	if mg.aggregate {
		interp = ", constant interpolation"
	}
	return fmt.Sprintf("multigrid-bicgstab (%d levels, %d-point stencil%s, coarsest %d cells by %s)", len(mg.levels), mg.points, interp, mg.coarsest, mg.coarse.Name())
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
	// scratch holds two rows of work space per part of forRows (2-D
	// transfers), allocated on first use.
	scratch []float64
}

// rows returns the 2-D scratch rows, two of p.fine[0] values per part of
// forRows; call it before forRows (it may allocate).
func (p *prolongation) rows() []float64 {
	if p.scratch == nil {
		parts := (p.fine[1] + rowChunk - 1) / rowChunk
		p.scratch = make([]float64, 2*parts*p.fine[0])
	}
	return p.scratch
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
	if len(p.fine) == 2 {
		p.restrictRows(dst, func(_ []float64, lo, hi int) []float64 { return src[lo:hi] })
		return
	}
	clear(dst)
	p.forEachFine(func(c int, co []int) { dst[p.aggregate(co)] += src[c] })
}

// restrictResidual sets dst (coarse) to the restriction of the residual
// that sm.zeroResidual gives for x, using r as work space; on 2-D grids
// the residual is formed a row at a time and never stored.
func (p *prolongation) restrictResidual(dst []float64, sm *smoother, x, r []float64) {
	if len(p.fine) == 2 {
		p.restrictRows(dst, func(buf []float64, lo, hi int) []float64 {
			sm.zeroResidualRange(buf, x, lo, hi)
			return buf
		})
		return
	}
	sm.zeroResidual(r, x)
	p.restrict(dst, r)
}

// restrictRows is restrict on a 2-D grid, with row(buf, lo, hi) giving the
// fine values of cells [lo, hi) (one row; buf is a scratch row). The fine
// rows of a coarse row (two, or one at an odd end or on an axis that is
// not coarsened) are taken together, so every coarse value is written
// once, as ((a + b) + c) + d over its fine cells in storage order.
func (p *prolongation) restrictRows(dst []float64, row func(buf []float64, lo, hi int) []float64) {
	nx, ay := p.fine[0], p.agg[1]
	ncx := p.coarse[0]
	half := nx / 2 // fine pairs along x when x is coarsened
	if ncx == nx {
		half = 0
	}
	scratch := p.rows()
	// Row pairs (2J, 2J+1) stay in one part: they share coarse row J.
	forRows(p.fine[1], nx, func(j0, j1 int) {
		buf := scratch[j0/rowChunk*2*nx:][:2*nx]
		for j := j0; j < j1; {
			out := dst[int(ay[j])*ncx:][:ncx]
			in0 := row(buf[:nx], j*nx, (j+1)*nx)[:nx]
			if j+1 < j1 && ay[j+1] == ay[j] {
				in1 := row(buf[nx:], (j+1)*nx, (j+2)*nx)[:nx]
				for I := range half {
					out[I] = in0[2*I] + in0[2*I+1] + in1[2*I] + in1[2*I+1]
				}
				for i := 2 * half; i < nx; i++ { // odd end, or x not coarsened
					out[i-half] = in0[i] + in1[i]
				}
				j += 2
				continue
			}
			for I := range half {
				out[I] = in0[2*I] + in0[2*I+1]
			}
			for i := 2 * half; i < nx; i++ {
				out[i-half] = in0[i]
			}
			j++
		}
	})
}

// prolongAdd adds the interpolation of the coarse vector src to dst.
func (p *prolongation) prolongAdd(dst, src []float64) {
	if len(p.fine) == 2 {
		scratch := p.rows()
		forRows(p.fine[1], p.fine[0], func(j0, j1 int) {
			p.prolongRows(dst, src, j0, j1, scratch[j0/rowChunk*2*p.fine[0]:])
		})
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

// prolongRows is prolongAdd on a 2-D grid for the fine rows [j0, j1),
// with scratch (at least a coarse row) as work space.
//
// It interpolates along y into a coarse-x row first (ncx values per fine
// row), then along x; on a linearly coarsened x axis the interior pairs
// (2I, 2I+1) take ¾·tmp[I] + ¼·tmp[I∓1] directly.
func (p *prolongation) prolongRows(dst, src []float64, j0, j1 int, scratch []float64) {
	nx, ncx := p.fine[0], p.coarse[0]
	bx, by := p.base[0], p.base[1]
	regular := nx >= 4 && p.w[bx+1] == [2]float64{0.75, 0.25}
	tmp := scratch[:ncx]
	for j := j0; j < j1; j++ {
		ey, wy := p.idx[by+j], p.w[by+j]
		r0 := src[int(ey[0])*ncx : (int(ey[0])+1)*ncx]
		r1 := src[int(ey[1])*ncx : (int(ey[1])+1)*ncx]
		r1 = r1[:len(r0)]
		t := tmp[:len(r0)]
		for i := range t {
			t[i] = wy[0]*r0[i] + wy[1]*r1[i]
		}
		out := dst[j*nx : (j+1)*nx]
		edge := func(i int) {
			ex, wx := p.idx[bx+i], p.w[bx+i]
			out[i] += wx[0]*t[ex[0]] + wx[1]*t[ex[1]]
		}
		if !regular {
			for i := range out {
				edge(i)
			}
			continue
		}
		// Fine 0 and the last one or two cells are ends; fine 2I and
		// 2I+1 for 1 ≤ I with 2I+1 < nx − 1 are interior pairs.
		edge(0)
		edge(1)
		last := (nx - 2) / 2 // the last I with 2I+1 ≤ nx − 2
		for I := 1; I < last; I++ {
			c, l, r := t[I], t[I-1], t[I+1]
			out[2*I] += 0.75*c + 0.25*l
			out[2*I+1] += 0.75*c + 0.25*r
		}
		for i := max(2, 2*last); i < nx; i++ {
			edge(i)
		}
	}
}

// galerkin returns R·M·P for the transfer p (R sums over aggregates, P
// interpolates) as a stencil on the coarse grid, with at most 3^d terms
// (the coarse cells that interpolate a neighbour of an aggregate's member
// lie within one cell of the aggregate on every axis). R, P and the
// aggregates are tensor products over the axes, so the product is formed
// one coarsened axis at a time: contracting axis k replaces, in every term,
// the fine index and offset δₖ on that axis by the coarse index and offset
// Dₖ. The axes above the first come first (their inner loops run along
// contiguous rows), the first axis last, on the smallest arrays.
func galerkin(m *stencil, p *prolongation) *stencil {
	nt := 1
	for range p.fine {
		nt *= 3
	}
	terms := make([][]float64, nt)
	for s, t := range m.term {
		terms[t] = m.coef[s]
	}
	shape := append([]int(nil), p.fine...)
	for k := len(shape) - 1; k >= 0; k-- {
		if p.coarse[k] != p.fine[k] {
			terms = p.contract(terms, shape, k)
			shape[k] = p.coarse[k]
		}
	}
	return stencilFromTerms(p.coarse, terms)
}

// contract applies R and P along the coarsened axis k to the stencil terms
// on shape (nil for absent terms), returning the terms on shape with axis k
// coarsened.
func (p *prolongation) contract(in [][]float64, shape []int, k int) [][]float64 {
	m, mc := p.fine[k], p.coarse[k]
	inner, outer := 1, 1
	for a, s := range shape {
		switch {
		case a < k:
			inner *= s
		case a > k:
			outer *= s
		}
	}
	nOut := inner * mc * outer
	tab := p.pairs(k)
	pow := 1
	for range k {
		pow *= 3
	}
	kinds := p.kinds(k, tab)
	zero := make([]float64, max(m, inner))
	out := make([][]float64, len(in))
	for code := range in {
		if (code/pow)%3 != 0 {
			continue
		}
		xs := [3][]float64{in[code], in[code+pow], in[code+2*pow]}
		if xs[0] == nil && xs[1] == nil && xs[2] == nil {
			continue
		}
		var ys [3][]float64
		block := make([]float64, 3*nOut)
		for dl := range ys {
			ys[dl] = block[dl*nOut : (dl+1)*nOut : (dl+1)*nOut]
			out[code+dl*pow] = ys[dl]
		}
		if inner > 1 {
			contractRuns(ys, xs, tab, kinds, zero[:inner], inner, outer)
			continue
		}
		for o := range outer {
			var xl, yl [3][]float64
			for dl, x := range xs {
				xl[dl] = zero[:m]
				if x != nil {
					xl[dl] = x[o*m : (o+1)*m : (o+1)*m]
				}
				yl[dl] = ys[dl][o*mc : (o+1)*mc : (o+1)*mc]
			}
			contractLine(yl, xl, tab, kinds)
		}
	}
	return out
}

// contractRuns contracts an axis with stride inner > 1, a run of inner
// contiguous values at a time: the interior by the explicit weights, the
// ends from the tables. zero is a run of zeros standing in for absent
// terms.
func contractRuns(ys, xs [3][]float64, tab []mgPairs, kinds []mgKind, zero []float64, inner, outer int) {
	m, mc := len(tab)/3, len(kinds)
	run := func(x []float64, i int) []float64 {
		if x == nil {
			return zero
		}
		return x[i*inner : (i+1)*inner : (i+1)*inner]
	}
	for o := range outer {
		for g, kd := range kinds {
			out := (o*mc + g) * inner
			ym := ys[0][out : out+inner : out+inner]
			yz := ys[1][out : out+inner : out+inner]
			yp := ys[2][out : out+inner : out+inner]
			a := o*m + 2*g
			if kd == mgLinear || kd == mgConstant {
				// The two members a, a+1 of an interior aggregate, their
				// runs cut to one length (no bounds checks below).
				xma, xza, xpa := run(xs[0], a), run(xs[1], a), run(xs[2], a)
				xmb, xzb, xpb := run(xs[0], a+1), run(xs[1], a+1), run(xs[2], a+1)
				n := len(ym)
				xma, xza, xpa, xmb, xzb, xpb = xma[:n], xza[:n], xpa[:n], xmb[:n], xzb[:n], xpb[:n]
				yz, yp = yz[:n], yp[:n]
				if kd == mgLinear {
					for q := range ym {
						ym[q] = 0.75*xma[q] + 0.25*xza[q] + 0.25*xmb[q]
						yz[q] = 0.25*xma[q] + 0.75*xza[q] + 0.75*xpa[q] + 0.75*xmb[q] + 0.75*xzb[q] + 0.25*xpb[q]
						yp[q] = 0.25*xpa[q] + 0.25*xzb[q] + 0.75*xpb[q]
					}
				} else {
					for q := range ym {
						ym[q] = xma[q]
						yz[q] = xza[q] + xpa[q] + xmb[q] + xzb[q]
						yp[q] = xpb[q]
					}
				}
				continue
			}
			// The ends of the axis, from the tables.
			for i := 2 * g; i < min(2*g+2, m); i++ {
				for dl, x := range xs {
					if x == nil {
						continue
					}
					pr := &tab[3*i+dl]
					src := run(x, o*m+i)
					for t := range pr.n {
						dst := ys[pr.t[t]][out : out+inner : out+inner]
						w := pr.w[t]
						for q, v := range src {
							dst[q] += w * v
						}
					}
				}
			}
		}
	}
}

// mgKind classifies a coarse index of an axis for contractLine.
type mgKind uint8

const (
	mgGeneric  mgKind = iota // from the tables (ends of the axis)
	mgLinear                 // two members, interior linear interpolation
	mgConstant               // two members, constant interpolation
)

// Interpolation weights W[member][δ+1][D+1] of the two members of an
// interior aggregate onto the coarse offsets D, for both interpolations.
var (
	mgLinearW = [2][3][3]float64{
		{{0.75, 0.25, 0}, {0.25, 0.75, 0}, {0, 0.75, 0.25}},
		{{0.25, 0.75, 0}, {0, 0.75, 0.25}, {0, 0.25, 0.75}},
	}
	mgConstantW = [2][3][3]float64{
		{{1, 0, 0}, {0, 1, 0}, {0, 1, 0}},
		{{0, 1, 0}, {0, 1, 0}, {0, 0, 1}},
	}
)

// kinds classifies the coarse indices of axis k by their weights in tab.
func (p *prolongation) kinds(k int, tab []mgPairs) []mgKind {
	m, mc := p.fine[k], p.coarse[k]
	out := make([]mgKind, mc)
	for g := range out {
		if 2*g+1 >= m {
			continue
		}
		var w [2][3][3]float64
		for mem := range 2 {
			for dl := range 3 {
				pr := &tab[3*(2*g+mem)+dl]
				for a := range pr.n {
					w[mem][dl][pr.t[a]] += pr.w[a]
				}
			}
		}
		switch w {
		case mgLinearW:
			out[g] = mgLinear
		case mgConstantW:
			out[g] = mgConstant
		}
	}
	return out
}

// contractLine contracts one line of a coarsened axis with stride 1: the
// interior by the explicit weights, the ends from the tables. xs[δ+1] and
// ys[D+1] hold the line's terms.
func contractLine(ys, xs [3][]float64, tab []mgPairs, kinds []mgKind) {
	xm, xz, xp := xs[0], xs[1], xs[2]
	ym, yz, yp := ys[0], ys[1], ys[2]
	for g, kd := range kinds {
		a, b := 2*g, 2*g+1
		switch kd {
		case mgLinear:
			ym[g] = 0.75*xm[a] + 0.25*xz[a] + 0.25*xm[b]
			yz[g] = 0.25*xm[a] + 0.75*xz[a] + 0.75*xp[a] + 0.75*xm[b] + 0.75*xz[b] + 0.25*xp[b]
			yp[g] = 0.25*xp[a] + 0.25*xz[b] + 0.75*xp[b]
		case mgConstant:
			ym[g] = xm[a]
			yz[g] = xz[a] + xp[a] + xm[b] + xz[b]
			yp[g] = xp[b]
		default:
			for i := a; i < min(b+1, len(xm)); i++ {
				for dl, x := range xs {
					pr := &tab[3*i+dl]
					for t := range pr.n {
						ys[pr.t[t]][g] += pr.w[t] * x[i]
					}
				}
			}
		}
	}
}

// mgPairs lists the coarse neighbours (as D+1 for the coarse offset
// D ∈ {−1, 0, 1} from the aggregate) and interpolation weights of one fine
// index; n = 0 for a fine index outside the grid.
type mgPairs struct {
	n int
	t [2]int
	w [2]float64
}

// pairs returns, for axis k and each fine index i and δ ∈ {−1, 0, 1} (at
// i·3 + δ + 1), the coarse neighbours of the aggregate of i that
// interpolate fine index i + δ.
func (p *prolongation) pairs(k int) []mgPairs {
	m := p.fine[k]
	out := make([]mgPairs, 3*m)
	for i := range m {
		g := int(p.agg[k][i])
		for dl := -1; dl <= 1; dl++ {
			j := i + dl
			if j < 0 || j >= m {
				continue
			}
			e, w := p.idx[p.base[k]+j], p.w[p.base[k]+j]
			q := &out[3*i+dl+1]
			q.n = 1
			q.t[0], q.w[0] = int(e[0])-g+1, w[0]
			if w[1] != 0 {
				q.n = 2
				q.t[1], q.w[1] = int(e[1])-g+1, w[1]
			}
		}
	}
	return out
}

// positiveDiagonal reports whether every diagonal entry of m is positive.
func (m *stencil) positiveDiagonal() bool {
	for _, d := range m.coef[m.diag] {
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
