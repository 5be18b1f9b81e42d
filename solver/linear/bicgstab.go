package linear

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/floats"
)

// ilu0 is the incomplete factorization M ≈ L·U restricted to the sparsity
// pattern of M: L is unit lower triangular, U upper triangular, and
// (L·U)ᵢⱼ = Mᵢⱼ for every stored position (i, j). Both factors share one
// CSR array with sorted columns; diag[i] indexes the diagonal entry of row
// i, which holds Uᵢᵢ; the entries right of the diagonal hold Uᵢⱼ/Uᵢᵢ.
type ilu0 struct {
	n         int
	ptr, ind  []int
	val       []float64
	diag      []int
	invDiag   []float64 // 1/Uᵢᵢ
	perturbed int       // pivots replaced because they were (nearly) zero
	missing   int       // diagonal positions added to the pattern
}

// Relative size below which an ILU(0) pivot is replaced, and the fraction
// of the row 1-norm used as replacement.
const (
	iluTinyPivot = 1e-12
	iluPivotFill = 1e-4
)

// newILU0 copies a (sorting columns, summing duplicates and inserting a
// structural diagonal where missing) and computes its ILU(0) factors with
// the row-oriented IKJ elimination.
func newILU0(a rawCSR) *ilu0 {
	n := a.n
	f := &ilu0{n: n, ptr: make([]int, n+1), diag: make([]int, n), invDiag: make([]float64, n)}
	f.ind = make([]int, 0, len(a.ind)+n)
	f.val = make([]float64, 0, len(a.ind)+n)
	rowNorm := make([]float64, n)
	type entry struct {
		j int
		v float64
	}
	var row []entry
	for i := 0; i < n; i++ {
		row = row[:0]
		hasDiag := false
		for k := a.indptr[i]; k < a.indptr[i+1]; k++ {
			row = append(row, entry{a.ind[k], a.data[k]})
			rowNorm[i] += math.Abs(a.data[k])
			hasDiag = hasDiag || a.ind[k] == i
		}
		if !hasDiag {
			row = append(row, entry{i, 0})
			f.missing++
		}
		if !slices.IsSortedFunc(row, func(x, y entry) int { return x.j - y.j }) {
			slices.SortStableFunc(row, func(x, y entry) int { return x.j - y.j })
		}
		for k, e := range row {
			if k > 0 && e.j == row[k-1].j {
				f.val[len(f.val)-1] += e.v
				continue
			}
			if e.j == i {
				f.diag[i] = len(f.ind)
			}
			f.ind = append(f.ind, e.j)
			f.val = append(f.val, e.v)
		}
		f.ptr[i+1] = len(f.ind)
	}

	ptr, ind, val := f.ptr, f.ind, f.val
	pos := make([]int, n) // column → position in the current row, or −1
	for i := range pos {
		pos[i] = -1
	}
	for i := 0; i < n; i++ {
		lo, hi := ptr[i], ptr[i+1]
		for k := lo; k < hi; k++ {
			pos[ind[k]] = k
		}
		for k := lo; k < f.diag[i]; k++ {
			c := ind[k]
			lik := val[k] * f.invDiag[c]
			val[k] = lik
			if lik == 0 {
				continue
			}
			for kk := f.diag[c] + 1; kk < ptr[c+1]; kk++ {
				if p := pos[ind[kk]]; p >= 0 {
					val[p] -= lik * val[kk]
				}
			}
		}
		d := val[f.diag[i]]
		if !(math.Abs(d) > iluTinyPivot*rowNorm[i]) || rowNorm[i] == 0 {
			fill := iluPivotFill * rowNorm[i]
			if fill == 0 {
				fill = 1
			}
			if d < 0 {
				fill = -fill
			}
			d = fill
			val[f.diag[i]] = d
			f.perturbed++
		}
		f.invDiag[i] = 1 / d
		for k := lo; k < hi; k++ {
			pos[ind[k]] = -1
		}
	}
	// Scale U's rows to unit diagonal for the backward sweep.
	for i := 0; i < n; i++ {
		for k := f.diag[i] + 1; k < ptr[i+1]; k++ {
			val[k] *= f.invDiag[i]
		}
	}
	return f
}

// apply sets z = (L·U)⁻¹·r by forward and backward substitution. The
// sums run so that the term coupling row i to its immediate neighbour,
// computed just before, comes last: it is the only one on the critical
// dependency chain of the sweep.
func (f *ilu0) apply(z, r []float64) {
	n := f.n
	ptr, ind, val, diag := f.ptr, f.ind, f.val, f.diag
	z = z[:n]
	r = r[:n]
	for i := range z {
		s := r[i]
		lo, hi := ptr[i], diag[i]
		cols := ind[lo:hi]
		vals := val[lo:hi]
		vals = vals[:len(cols)]
		for k, j := range cols {
			s -= vals[k] * z[j]
		}
		z[i] = s
	}
	inv := f.invDiag[:n]
	for i := n - 1; i >= 0; i-- {
		// Off-diagonal U entries are stored divided by Uᵢᵢ.
		s := z[i] * inv[i]
		lo, hi := diag[i]+1, ptr[i+1]
		cols := ind[lo:hi]
		vals := val[lo:hi]
		vals = vals[:len(cols)]
		for k := len(cols) - 1; k >= 0; k-- {
			s -= vals[k] * z[cols[k]]
		}
		z[i] = s
	}
}

// bicgstab is the right-preconditioned BiCGSTAB method: it iterates on
// M·K⁻¹·y = b with x = K⁻¹·y and K = L·U from ILU(0), so the recurrence
// residual approximates the true residual b − M·x.
type bicgstab struct {
	n       int
	op      matrix // CSR or stencil storage
	pre     preconditioner
	tol     float64
	maxIter int
	stall   int // Settings.Stall
	// work lends each Solve its seven work vectors, so that solvers that
	// are built often (one per step size) share them.
	work *sync.Pool
	// Statistics of the last Solve.
	iters, restarts int
}

// matrix is a matrix–vector product and residual.
type matrix interface {
	size() int
	mulVec(dst, x []float64)
	residual(r, b, x []float64) float64
}

// preconditioner applies z = K⁻¹·r for a fixed approximation K of M.
type preconditioner interface {
	apply(z, r []float64)
	name() string
}

// divergence is the residual growth, relative to ‖b‖, at which BiCGSTAB
// gives up early.
const divergence = 1e8

func newBiCGSTAB(a rawCSR, s Settings) (*bicgstab, error) {
	for k, v := range a.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("linear: matrix entry %d is %v", k, v)
		}
	}
	if len(s.Shape) > 0 {
		if m, ok := newStencil(a, s.Shape); ok {
			return stencilBiCGSTAB(m, s, nil)
		}
	}
	if s.Method == Multigrid {
		if len(s.Shape) == 0 {
			return nil, fmt.Errorf("linear: multigrid needs the grid shape (Settings.Shape)")
		}
		return nil, fmt.Errorf("linear: multigrid needs a nearest-neighbour matrix on the %v grid (periodic faces are not supported; use bicgstab)", s.Shape)
	}
	b := bicgstabFor(a, s, nil)
	b.pre = newILU0(a)
	return b, nil
}

// bicgstabFor returns a BiCGSTAB solver of op without preconditioner,
// with work vectors from work (from a pool of its own when work is nil).
func bicgstabFor(op matrix, s Settings, work *sync.Pool) *bicgstab {
	n := op.size()
	if work == nil {
		work = workPool(n)
	}
	return &bicgstab{n: n, op: op, tol: s.tol(), maxIter: s.maxIter(n), stall: s.Stall, work: work}
}

// workPool returns a pool of BiCGSTAB's work for systems of n unknowns:
// *[]float64 of length 7·n.
func workPool(n int) *sync.Pool {
	return &sync.Pool{New: func() any {
		w := make([]float64, 7*n)
		return &w
	}}
}

// stencilBiCGSTAB returns BiCGSTAB on the stencil matrix m, preconditioned
// by multigrid (s.Method == Multigrid) or DILU, with work vectors from
// work (see bicgstabFor).
func stencilBiCGSTAB(m *stencil, s Settings, work *sync.Pool) (*bicgstab, error) {
	b := bicgstabFor(m, s, work)
	if s.Method == Multigrid {
		mg, err := newMultigridStencil(m, s.Aggregate)
		if err != nil {
			return nil, err
		}
		b.pre = mg
		return b, nil
	}
	b.pre = newDILU(m)
	return b, nil
}

func (s *bicgstab) Name() string { return s.pre.name() }

// Iterations returns the number of iterations of the last Solve.
func (s *bicgstab) Iterations() int { return s.iters }

func (f *ilu0) name() string {
	name := "ilu0-bicgstab"
	if f.perturbed > 0 || f.missing > 0 {
		name += fmt.Sprintf(" (%d ilu pivots perturbed, %d diagonals missing)", f.perturbed, f.missing)
	}
	return name
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Solve runs BiCGSTAB from the initial guess in x (replaced by zero when it
// is not finite or is worse than zero). A breakdown (ρ = (r̂, r) ≈ 0,
// (r̂, v) = 0 or ω = 0) restarts the method from the current iterate with
// r̂ = r. Convergence of the recurrence residual is confirmed with the true
// residual; if that disagrees the method restarts from the true residual.
// The result is accepted only if ‖b − M·x‖₂ ≤ Tol·‖b‖₂; otherwise a
// *NotConvergedError is returned.
func (s *bicgstab) Solve(x, b []float64) error { return s.SolveTol(x, b, s.tol) }

// Approx sets x = K⁻¹·b by one application of the preconditioner K.
func (s *bicgstab) Approx(x, b []float64) { s.pre.apply(x, b) }

// SolveTol is Solve with the relative residual tolerance tol instead of
// the one the solver was built with.
func (s *bicgstab) SolveTol(x, b []float64, tol float64) error {
	n := s.n
	if err := checkArgs(n, x, b); err != nil {
		return err
	}
	s.iters, s.restarts = 0, 0
	bn := math.Sqrt(floats.Dot(b, b))
	if bn == 0 {
		clear(x)
		return nil
	}
	if math.IsNaN(bn) || math.IsInf(bn, 0) {
		return fmt.Errorf("linear: right-hand side is not finite")
	}
	if !finite(x) {
		clear(x)
	}
	wp := s.work.Get().(*[]float64)
	defer s.work.Put(wp)
	w := *wp
	r, rh, p, v := w[0:n:n], w[n:2*n:2*n], w[2*n:3*n:3*n], w[3*n:4*n:4*n]
	ph, sh, t := w[4*n:5*n:5*n], w[5*n:6*n:6*n], w[6*n:7*n:7*n]
	rn := s.op.residual(r, b, x)
	if !(rn <= bn) {
		clear(x)
		copy(r, b)
		rn = bn
	}
	target := tol * bn
	iter := 0
	exact := true // rn is the true residual ‖b − M·x‖ (not the recurrence's)
	// The last recorded residual and its iteration (see Settings.Stall).
	mark, markIter := rn, 0
	for rn > target && iter < s.maxIter {
		// (Re)start: shadow residual r̂ = r, p = v = 0.
		copy(rh, r)
		rhn := rn
		rho, alpha, omega := 1.0, 1.0, 1.0
		clear(p)
		clear(v)
		restart := false
		for !restart && iter < s.maxIter {
			iter++
			rhoNew := dot(rh, r)
			if !(math.Abs(rhoNew) > 0x1p-52*rhn*rn) {
				restart = true
				break
			}
			beta := (rhoNew / rho) * (alpha / omega)
			rho = rhoNew
			updateP(p, r, v, beta, omega)
			s.pre.apply(ph, p)
			s.op.mulVec(v, ph)
			den := dot(rh, v)
			if den == 0 || math.IsNaN(den) || math.IsInf(den, 0) {
				restart = true
				break
			}
			alpha = rho / den
			sn := math.Sqrt(axpyNorm(r, -alpha, v)) // r now holds s = r − αv
			if sn <= target {
				floats.AddScaled(x, alpha, ph)
				rn = s.op.residual(r, b, x)
				exact = true
				restart = true
				break
			}
			s.pre.apply(sh, r)
			s.op.mulVec(t, sh)
			tt, tr := dot2(t, r)
			if tt == 0 || math.IsNaN(tt) || math.IsInf(tt, 0) {
				floats.AddScaled(x, alpha, ph)
				rn = s.op.residual(r, b, x)
				exact = true
				restart = true
				break
			}
			omega = tr / tt
			updateX(x, ph, sh, alpha, omega)
			rn = math.Sqrt(axpyNorm(r, -omega, t))
			exact = false
			if math.IsNaN(rn) || math.IsInf(rn, 0) {
				return fmt.Errorf("%w: bicgstab residual became %v at iteration %d", ErrBreakdown, rn, iter)
			}
			if rn > divergence*bn {
				// A preconditioner that amplifies: more iterations only
				// grow the residual.
				return &NotConvergedError{Method: s.Name(), Iter: iter, Residual: s.op.residual(r, b, x) / bn, Tol: tol}
			}
			if rn <= target {
				// Confirm with the true residual; continue from it if the
				// recurrence has drifted.
				rn = s.op.residual(r, b, x)
				exact = true
				restart = true
				break
			}
			if rn <= mark/2 {
				mark, markIter = rn, iter
			} else if s.stall > 0 && iter-markIter >= s.stall {
				return &NotConvergedError{Method: s.Name(), Iter: iter, Residual: s.op.residual(r, b, x) / bn, Tol: tol, Stalled: true}
			}
			if omega == 0 {
				restart = true
				break
			}
		}
		if restart && rn > target && iter < s.maxIter {
			s.restarts++
			rn = s.op.residual(r, b, x)
			exact = true
		}
	}
	s.iters = iter
	if !finite(x) {
		return fmt.Errorf("%w: bicgstab iterate is not finite after %d iterations", ErrBreakdown, iter)
	}
	if !exact {
		rn = s.op.residual(r, b, x)
	}
	if rel := rn / bn; !(rel <= tol) {
		return &NotConvergedError{Method: s.Name(), Iter: iter, Residual: rel, Tol: tol}
	}
	return nil
}

// The vector kernels of BiCGSTAB run in blocks on several goroutines
// (forBlocks) for vectors of parallelCells and more; their sums are taken
// per block, then over the blocks in order, so the bits do not depend on
// the number of goroutines. Shorter vectors take one serial pass, without
// allocating.

// blockSum returns Σ over the blocks of [0, n) of f(lo, hi).
func blockSum(n int, f func(lo, hi int) float64) float64 {
	sums := make([]float64, blocks(n))
	forBlocks(n, func(k, lo, hi int) { sums[k] = f(lo, hi) })
	var s float64
	for _, v := range sums {
		s += v
	}
	return s
}

// dot returns x·y.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	if len(x) < parallelCells {
		return floats.Dot(x, y)
	}
	return blockSum(len(x), func(lo, hi int) float64 { return floats.Dot(x[lo:hi], y[lo:hi]) })
}

// axpyNorm sets y += a·x and returns ‖y‖₂² (one pass instead of two).
func axpyNorm(y []float64, a float64, x []float64) float64 {
	if len(y) < parallelCells {
		return axpyNormSerial(y, a, x)
	}
	return blockSum(len(y), func(lo, hi int) float64 { return axpyNormSerial(y[lo:hi], a, x[lo:hi]) })
}

func axpyNormSerial(y []float64, a float64, x []float64) float64 {
	x = x[:len(y)]
	var s float64
	for i, xi := range x {
		v := y[i] + a*xi
		y[i] = v
		s += v * v
	}
	return s
}

// dot2 returns t·t and t·r in one pass.
func dot2(t, r []float64) (tt, tr float64) {
	if len(t) < parallelCells {
		return dot2Serial(t, r)
	}
	both := make([]float64, 2*blocks(len(t)))
	forBlocks(len(t), func(k, lo, hi int) {
		both[2*k], both[2*k+1] = dot2Serial(t[lo:hi], r[lo:hi])
	})
	for k := 0; k < len(both); k += 2 {
		tt += both[k]
		tr += both[k+1]
	}
	return tt, tr
}

func dot2Serial(t, r []float64) (tt, tr float64) {
	r = r[:len(t)]
	for i, v := range t {
		tt += v * v
		tr += v * r[i]
	}
	return tt, tr
}

// blocked3 applies the kernel f(x, y, z, a, b), which updates x element by
// element, to the whole vectors: serially below parallelCells, in blocks
// on several goroutines above.
func blocked3(f func(x, y, z []float64, a, b float64), x, y, z []float64, a, b float64) {
	if len(x) < parallelCells {
		f(x, y, z, a, b)
		return
	}
	forBlocks(len(x), func(_, lo, hi int) { f(x[lo:hi], y[lo:hi], z[lo:hi], a, b) })
}

// updateP sets p = r + β·(p − ω·v).
func updateP(p, r, v []float64, beta, omega float64) {
	blocked3(func(p, r, v []float64, beta, omega float64) {
		r, v = r[:len(p)], v[:len(p)]
		for i := range p {
			p[i] = r[i] + beta*(p[i]-omega*v[i])
		}
	}, p, r, v, beta, omega)
}

// updateX sets x += α·ph + ω·sh.
func updateX(x, ph, sh []float64, alpha, omega float64) {
	blocked3(func(x, ph, sh []float64, alpha, omega float64) {
		ph, sh = ph[:len(x)], sh[:len(x)]
		for i := range x {
			x[i] += alpha*ph[i] + omega*sh[i]
		}
	}, x, ph, sh, alpha, omega)
}
