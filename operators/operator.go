package operators

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/james-bowman/sparse"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Convention selects how the diffusion term is written.
type Convention int

const (
	// Ito is Σᵢⱼ ∂ᵢ∂ⱼ(Dᵢⱼ P), the Fokker–Planck equation of the Itô SDE
	// dθ = −∇L dt + √(2D) dW.
	Ito Convention = iota
	// Divergence is ∇·(D∇P).
	Divergence
)

// ParseConvention returns the convention named ito or divergence.
func ParseConvention(s string) (Convention, error) {
	switch s {
	case "ito", "":
		return Ito, nil
	case "divergence":
		return Divergence, nil
	}
	return 0, fmt.Errorf("unknown convention %q: use ito or divergence", s)
}

// String returns the scenario word for c.
func (c Convention) String() string {
	if c == Divergence {
		return "divergence"
	}
	return "ito"
}

// Problem is a Fokker–Planck problem to discretize.
type Problem struct {
	Grid       *grid.Grid
	Loss       landscape.Landscape
	Diffusion  Diffusion
	Convention Convention
	// Sinks are absorbing regions inside the domain (targets).
	Sinks []Sink
}

// Operator is the assembled finite-volume generator A of a Problem,
// dP/dt = A·P, together with the face coefficients that define its fluxes.
type Operator struct {
	Grid       *grid.Grid
	Convention Convention

	// A is the generator in CSR form. Rows of sink cells are zero.
	A *sparse.CSR

	// Sink marks the cells inside a sink (nil without sinks). Their density
	// is zero; their rows of A are zero.
	Sink []bool

	d int
	// alpha[k][c], beta[k][c]: two-point flux through the high face of cell
	// c along axis k, J = alpha·P_c − beta·P_up (zero when the face is a
	// reflecting wall).
	alpha, beta [][]float64
	// outHigh[k][c], outLow[k][c]: outward flux per unit P_c through an
	// absorbing wall face of a boundary cell.
	outHigh, outLow [][]float64
	// cross[k][m][c] for m ≠ k: the Dₖₘ weight of cell c (Itô: Dₖₘ at the
	// centre of c) or of the high face of c along k (divergence: Dₖₘ on that
	// face). nil when D is diagonal everywhere.
	cross [][][]float64
	// markov caches IsMarkov, normInf NormInf.
	markov  bool
	normInf float64
	// stencil is A in stencil storage, built on first use (Shifts).
	stencilOnce sync.Once
	stencil     *linear.Shifts
}

// entry is one term w·P_cell of a flux stencil.
type entry struct {
	cell int
	w    float64
}

// Assemble discretizes p and returns its generator. It returns an error if
// the dimensions disagree or D has a non-positive diagonal entry somewhere
// on the grid.
func Assemble(p Problem) (*Operator, error) {
	g := p.Grid
	d := g.Dim()
	if p.Loss == nil || p.Diffusion == nil || g == nil {
		return nil, errors.New("operators: problem needs a grid, a loss and a diffusion model")
	}
	if p.Loss.Dim() != d || p.Diffusion.Dim() != d {
		return nil, fmt.Errorf("operators: grid has %d axes but loss has %d and diffusion %d", d, p.Loss.Dim(), p.Diffusion.Dim())
	}
	op := &Operator{Grid: g, Convention: p.Convention, d: d}
	if err := op.sinkCells(p.Sinks); err != nil {
		return nil, err
	}
	if err := op.coefficients(p); err != nil {
		return nil, err
	}
	op.A = op.assemble()
	var offNonNeg bool
	op.normInf, offNonNeg = inspect(op.A)
	op.markov = op.cross == nil && offNonNeg
	return op, nil
}

// pointEval evaluates what the fluxes need at one point.
type pointEval struct {
	loss landscape.Landscape
	diff Diffusion
	d    int
	grad []float64
	dm   []float64
}

func newPointEval(p Problem) *pointEval {
	d := p.Grid.Dim()
	return &pointEval{loss: p.Loss, diff: p.Diffusion, d: d, grad: make([]float64, d), dm: make([]float64, d*d)}
}

// at evaluates L, ∇L and D at x.
func (e *pointEval) at(x []float64) float64 {
	l := e.loss.Derivatives(x, e.grad, nil)
	e.diff.At(e.dm, x)
	return l
}

// coefficients computes the face coefficients of every cell, in parallel.
func (op *Operator) coefficients(p Problem) error {
	g := op.Grid
	n, d := g.Len(), op.d
	op.alpha = make([][]float64, d)
	op.beta = make([][]float64, d)
	op.outHigh = make([][]float64, d)
	op.outLow = make([][]float64, d)
	for k := 0; k < d; k++ {
		op.alpha[k] = make([]float64, n)
		op.beta[k] = make([]float64, n)
		a := g.Axis(k)
		if a.High == grid.Absorbing {
			op.outHigh[k] = make([]float64, n)
		}
		if a.Low == grid.Absorbing {
			op.outLow[k] = make([]float64, n)
		}
	}
	constD := false
	if c, ok := p.Diffusion.(Constant); ok {
		constD = c.IsConstant()
	}

	// Cell-centre values: L, ∂ₖL/Dₖₖ, Dₖₖ and (Itô) the off-diagonal D.
	lc := make([]float64, n)
	gc := make([][]float64, d) // ∂ₖL / Dₖₖ
	dc := make([][]float64, d) // Dₖₖ
	for k := range gc {
		gc[k] = make([]float64, n)
		dc[k] = make([]float64, n)
	}
	var offCell [][]float64 // index k*d+m, k<m
	var mu sync.Mutex
	hasCross := false
	var firstErr error
	parallel(n, func(lo, hi int) {
		e := newPointEval(p)
		x := make([]float64, d)
		localCross := false
		if constD {
			// Constant D: the fluxes need L at the centres only (z = ΔL/D),
			// not its gradient.
			g.Center(0, x)
			e.diff.At(e.dm, x)
		}
		for c := lo; c < hi; c++ {
			g.Center(c, x)
			if constD {
				lc[c] = e.loss.Value(x)
			} else {
				lc[c] = e.at(x)
			}
			for k := 0; k < d; k++ {
				dkk := e.dm[k*d+k]
				if !(dkk > 0) || math.IsInf(dkk, 0) {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("operators: D[%d][%d] = %g at %v: the diffusion must be positive on every axis (raise the temperature, ε or floor)", k, k, dkk, x)
					}
					mu.Unlock()
					return
				}
				dc[k][c] = dkk
				if !constD {
					gc[k][c] = e.grad[k] / dkk
				}
				for m := k + 1; m < d; m++ {
					if e.dm[k*d+m] != 0 {
						localCross = true
					}
				}
			}
		}
		if localCross {
			mu.Lock()
			hasCross = true
			mu.Unlock()
		}
	})
	if firstErr != nil {
		return firstErr
	}
	if hasCross {
		op.cross = make([][][]float64, d)
		if op.Convention == Ito {
			offCell = make([][]float64, d*d)
			for k := 0; k < d; k++ {
				for m := k + 1; m < d; m++ {
					offCell[k*d+m] = make([]float64, n)
				}
			}
			parallel(n, func(lo, hi int) {
				x := make([]float64, d)
				dm := make([]float64, d*d)
				for c := lo; c < hi; c++ {
					g.Center(c, x)
					p.Diffusion.At(dm, x)
					for k := 0; k < d; k++ {
						for m := k + 1; m < d; m++ {
							offCell[k*d+m][c] = dm[k*d+m]
						}
					}
				}
			})
		}
		for k := 0; k < d; k++ {
			op.cross[k] = make([][]float64, d)
			for m := 0; m < d; m++ {
				if m == k {
					continue
				}
				if op.Convention == Ito {
					op.cross[k][m] = offCell[min(k, m)*d+max(k, m)]
				} else {
					op.cross[k][m] = make([]float64, n)
				}
			}
		}
	}

	parallel(n, func(lo, hi int) {
		e := newPointEval(p)
		x := make([]float64, d)
		y := make([]float64, d)
		for c := lo; c < hi; c++ {
			g.Center(c, x)
			for k := 0; k < d; k++ {
				h := g.H(k)
				up, ok := g.Neighbor(c, k, +1)
				if ok {
					copy(y, x)
					y[k] = x[k] + h/2
					wrapped := up < c
					var z, dFace float64
					if !constD || op.Convention == Divergence {
						e.at(y)
						dFace = e.dm[k*d+k]
						if op.cross != nil && op.Convention == Divergence {
							for m := 0; m < d; m++ {
								if m != k {
									op.cross[k][m][c] = e.dm[k*d+m]
								}
							}
						}
					}
					if constD {
						lu := lc[up]
						if wrapped {
							y[k] = x[k] + h
							lu = p.Loss.Value(y)
						}
						z = (lu - lc[c]) / dc[k][c]
					} else {
						gMid := e.grad[k] / dFace
						gUp := gc[k][up]
						if wrapped {
							y[k] = x[k] + h
							e.at(y)
							gUp = e.grad[k] / e.dm[k*d+k]
						}
						z = h / 6 * (gc[k][c] + 4*gMid + gUp)
					}
					bp, bm := BernoulliPair(z)
					if op.Convention == Ito {
						op.alpha[k][c] = bp * dc[k][c] / h
						op.beta[k][c] = bm * dc[k][up] / h
					} else {
						op.alpha[k][c] = bp * dFace / h
						op.beta[k][c] = bm * dFace / h
					}
					if op.Sink != nil && op.Sink[c] != op.Sink[up] {
						op.sinkFace(e, p, x, y, c, up, k, lc, gc, dc, constD)
					}
				} else if op.outHigh[k] != nil {
					op.outHigh[k][c] = op.wallCoefficient(e, x, y, k, +1, h/2, lc[c], gc[k][c], dc[k][c], constD)
				}
				if _, ok := g.Neighbor(c, k, -1); !ok && op.outLow[k] != nil {
					op.outLow[k][c] = op.wallCoefficient(e, x, y, k, -1, g.H(k)/2, lc[c], gc[k][c], dc[k][c], constD)
				}
			}
		}
	})
	return nil
}

// wallCoefficient returns the outward flux per unit P_c from cell c (centre
// x) along axis k in direction dir to an absorbing surface (P = 0) at
// distance delta: an absorbing wall (delta = h/2) or a sink boundary.
func (op *Operator) wallCoefficient(e *pointEval, x, y []float64, k, dir int, delta, lC, gC, dC float64, constD bool) float64 {
	d := op.d
	s := float64(dir)
	copy(y, x)
	y[k] = x[k] + s*delta
	lw := e.at(y)
	dw := e.dm[k*d+k]
	var z float64 // ∫ along the outward direction of ∂L/D
	if constD {
		z = (lw - lC) / dC
	} else {
		gw := s * e.grad[k] / dw
		y[k] = x[k] + s*delta/2
		e.at(y)
		gq := s * e.grad[k] / e.dm[k*d+k]
		z = delta / 6 * (s*gC + 4*gq + gw)
	}
	if op.Convention == Ito {
		return Bernoulli(z) * dC / delta
	}
	return Bernoulli(z) * dw / delta
}

// sinkCells marks the cells inside the sinks.
func (op *Operator) sinkCells(sinks []Sink) error {
	if len(sinks) == 0 {
		return nil
	}
	g := op.Grid
	n := g.Len()
	op.Sink = make([]bool, n)
	x := make([]float64, op.d)
	for i, s := range sinks {
		count := 0
		if cells, ok := s.(Cells); ok {
			if len(cells) != n {
				return fmt.Errorf("operators: sink %d has %d cells, grid has %d", i, len(cells), n)
			}
			for c, in := range cells {
				if in {
					op.Sink[c] = true
					count++
				}
			}
		} else {
			for c := 0; c < n; c++ {
				g.Center(c, x)
				if s.Contains(x) {
					op.Sink[c] = true
					count++
				}
			}
		}
		if count == 0 {
			return fmt.Errorf("operators: target %d (%v) contains no cell centre: enlarge it or refine the grid", i, s)
		}
	}
	all := true
	for _, v := range op.Sink {
		all = all && v
	}
	if all {
		return fmt.Errorf("operators: the targets cover the whole domain")
	}
	return nil
}

// sinkFace refits the face between c and up (along +k) when exactly one of
// them is a sink cell: the flux runs from the live cell to the sink
// boundary at its exact distance.
func (op *Operator) sinkFace(e *pointEval, p Problem, x, y []float64, c, up, k int, lc []float64, gc, dc [][]float64, constD bool) {
	g := op.Grid
	h := g.H(k)
	if op.Sink[up] {
		delta := h
		for _, s := range p.Sinks {
			delta = math.Min(delta, s.Reach(x, k, +1, h))
		}
		op.alpha[k][c] = op.wallCoefficient(e, x, y, k, +1, delta, lc[c], gc[k][c], dc[k][c], constD)
		op.beta[k][c] = 0
		return
	}
	// c is the sink; the live cell is up, its flux goes in the −k direction.
	xu := make([]float64, op.d)
	copy(xu, x)
	xu[k] = x[k] + h // unwrapped position of up's centre
	delta := h
	for _, s := range p.Sinks {
		delta = math.Min(delta, s.Reach(xu, k, -1, h))
	}
	op.alpha[k][c] = 0
	op.beta[k][c] = op.wallCoefficient(e, xu, y, k, -1, delta, lc[up], gc[k][up], dc[k][up], constD)
}

// faceStencil appends to buf the stencil of the flux (per unit area, in the
// +k direction) through the face between cell c and its +k neighbour up.
func (op *Operator) faceStencil(buf []entry, c, up, k int) []entry {
	buf = append(buf, entry{c, op.alpha[k][c]}, entry{up, -op.beta[k][c]})
	if op.cross == nil {
		return buf
	}
	g := op.Grid
	for m := 0; m < op.d; m++ {
		if m == k {
			continue
		}
		wts := op.cross[k][m]
		// The transverse derivative ∂ₘ(DₖₘP) on the face is the mean of a
		// forward difference in one of the face's two cells and a backward
		// difference in the other: a central difference along a diagonal,
		// second order at the face centre. The diagonal is chosen by the
		// sign of Dₖₘ so that the corner couplings it creates are
		// non-negative (the positive mixed-derivative stencil); A stays a
		// Markov generator wherever |Dₖₘ| is small against the axis
		// couplings. At a wall the missing difference is replaced by the
		// other one-sided difference of the same cell.
		var sign float64
		if op.Convention == Ito {
			sign = wts[c] + wts[up]
		} else {
			sign = wts[c]
		}
		fwdCell, bwdCell := up, c
		if sign < 0 {
			fwdCell, bwdCell = c, up
		}
		f := -0.5 / g.H(m) // J = −∂ₘ(…): −½ per one-sided difference
		buf = op.oneSided(buf, fwdCell, m, +1, f, wts, c)
		buf = op.oneSided(buf, bwdCell, m, -1, f, wts, c)
	}
	return buf
}

// oneSided appends f times the one-sided difference of w = DₖₘP (Itô:
// weights of the cells; divergence: the face weight of cell face) at cell x
// along axis m in direction dir, (w(x+eₘ) − w(x))·dir, falling back to the
// other direction at a wall.
func (op *Operator) oneSided(buf []entry, x, m, dir int, f float64, wts []float64, face int) []entry {
	nb, ok := op.Grid.Neighbor(x, m, dir)
	if !ok {
		nb, _ = op.Grid.Neighbor(x, m, -dir)
		dir = -dir
	}
	s := f * float64(dir)
	if op.Convention == Ito {
		return append(buf, entry{nb, s * wts[nb]}, entry{x, -s * wts[x]})
	}
	w := wts[face]
	return append(buf, entry{nb, s * w}, entry{x, -s * w})
}

// assembleParallelCells is the grid size from which assemble splits the
// rows among goroutines (below it one pass writes the matrix directly).
const assembleParallelCells = 1 << 14

// assemble builds the CSR generator row by row (no duplicate columns).
func (op *Operator) assemble() *sparse.CSR {
	g := op.Grid
	n, d := g.Len(), op.d
	type chunk struct {
		indptr []int
		ind    []int
		data   []float64
	}
	workers := runtime.GOMAXPROCS(0)
	if n < assembleParallelCells {
		workers = 1
	}
	size := (n + workers - 1) / workers
	chunks := make([]chunk, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*size, min(n, (w+1)*size)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			ch := chunk{indptr: make([]int, 0, hi-lo+1)}
			per := 1 + 2*d
			if op.cross != nil {
				per += 2 * d * (d - 1)
			}
			ch.ind = make([]int, 0, (hi-lo)*per)
			ch.data = make([]float64, 0, (hi-lo)*per)
			var buf, row []entry
			// 1-D interior rows without cross terms: dn, c, up in order,
			// summed as the general path sums them (same bits).
			fast := d == 1 && op.cross == nil
			inv0 := 1 / g.H(0)
			for c := lo; c < hi; c++ {
				if fast && c > 0 && c < n-1 && (op.Sink == nil || !op.Sink[c]) {
					a, b := op.alpha[0], op.beta[0]
					ch.indptr = append(ch.indptr, len(ch.ind))
					if v := a[c-1] * inv0; v != 0 {
						ch.ind = append(ch.ind, c-1)
						ch.data = append(ch.data, v)
					}
					ch.ind = append(ch.ind, c)
					ch.data = append(ch.data, -a[c]*inv0+-b[c-1]*inv0+0)
					if v := b[c] * inv0; v != 0 {
						ch.ind = append(ch.ind, c+1)
						ch.data = append(ch.data, v)
					}
					continue
				}
				row = row[:0]
				for k := 0; k < d && (op.Sink == nil || !op.Sink[c]); k++ {
					inv := 1 / g.H(k)
					if up, ok := g.Neighbor(c, k, +1); ok {
						buf = op.faceStencil(buf[:0], c, up, k)
						for _, e := range buf {
							row = append(row, entry{e.cell, -e.w * inv})
						}
					} else if op.outHigh[k] != nil {
						row = append(row, entry{c, -op.outHigh[k][c] * inv})
					}
					if dn, ok := g.Neighbor(c, k, -1); ok {
						buf = op.faceStencil(buf[:0], dn, c, k)
						for _, e := range buf {
							row = append(row, entry{e.cell, e.w * inv})
						}
					} else if op.outLow[k] != nil {
						row = append(row, entry{c, -op.outLow[k][c] * inv})
					}
				}
				row = append(row, entry{c, 0}) // keep the diagonal stored
				// Insertion sort: rows hold at most 1 + 2d + 4d(d−1) entries.
				for i := 1; i < len(row); i++ {
					for j := i; j > 0 && row[j].cell < row[j-1].cell; j-- {
						row[j], row[j-1] = row[j-1], row[j]
					}
				}
				ch.indptr = append(ch.indptr, len(ch.ind))
				for i := 0; i < len(row); {
					j, s := i, 0.0
					for ; j < len(row) && row[j].cell == row[i].cell; j++ {
						s += row[j].w
					}
					if s != 0 || row[i].cell == c {
						ch.ind = append(ch.ind, row[i].cell)
						ch.data = append(ch.data, s)
					}
					i = j
				}
			}
			chunks[w] = ch
		}(w, lo, hi)
	}
	wg.Wait()
	if workers == 1 {
		// One chunk is the matrix.
		ch := chunks[0]
		return sparse.NewCSR(n, n, append(ch.indptr, len(ch.ind)), ch.ind, ch.data)
	}
	nnz := 0
	for _, ch := range chunks {
		nnz += len(ch.ind)
	}
	indptr := make([]int, 0, n+1)
	ind := make([]int, 0, nnz)
	data := make([]float64, 0, nnz)
	for _, ch := range chunks {
		off := len(ind)
		for _, p := range ch.indptr {
			indptr = append(indptr, p+off)
		}
		ind = append(ind, ch.ind...)
		data = append(data, ch.data...)
	}
	indptr = append(indptr, len(ind))
	return sparse.NewCSR(n, n, indptr, ind, data)
}

// parallel runs f over [0, n) split into one contiguous range per CPU.
func parallel(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers == 1 {
		f(0, n)
		return
	}
	size := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += size {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(n, lo+size))
	}
	wg.Wait()
}

// Leak returns, for every live cell c, the rate per unit P_c at which
// probability leaves the live cells from c through absorbing walls and into
// sink cells (the negative column sum of A restricted to live cells),
// computed from the face coefficients as a sum of non-negative terms, so it
// is accurate even when it is tiny compared with the entries of A. Cross
// terms that reach into sinks are not included (see IsMarkov).
func (op *Operator) Leak() []float64 {
	g := op.Grid
	n := g.Len()
	leak := make([]float64, n)
	for c := 0; c < n; c++ {
		if op.Sink != nil && op.Sink[c] {
			continue
		}
		for k := 0; k < op.d; k++ {
			inv := 1 / g.H(k)
			if up, ok := g.Neighbor(c, k, +1); ok {
				if op.Sink != nil && op.Sink[up] {
					leak[c] += op.alpha[k][c] * inv
				}
			} else if op.outHigh[k] != nil {
				leak[c] += op.outHigh[k][c] * inv
			}
			if dn, ok := g.Neighbor(c, k, -1); ok {
				if op.Sink != nil && op.Sink[dn] {
					leak[c] += op.beta[k][dn] * inv
				}
			} else if op.outLow[k] != nil {
				leak[c] += op.outLow[k][c] * inv
			}
		}
	}
	return leak
}

// IsMarkov reports whether A has no cross-diffusion terms and every
// off-diagonal entry is non-negative, so that A restricted to the live cells
// is a sub-generator whose column deficits are exactly Leak.
func (op *Operator) IsMarkov() bool { return op.markov }

// Shifts returns A in stencil storage (one coefficient array per
// neighbour), from which linear.Shifts builds solvers of I − c·A for any
// c; nil when A is not a nearest-neighbour matrix on the grid (periodic
// faces). It is converted from A on the first call and kept, like A,
// for the life of the operator; A must not be modified after that. Safe
// for concurrent use.
func (op *Operator) Shifts() *linear.Shifts {
	op.stencilOnce.Do(func() {
		shape := make([]int, op.d)
		for k := range shape {
			shape[k] = op.Grid.N(k)
		}
		op.stencil, _ = linear.NewShifts(op.A, shape)
	})
	return op.stencil
}

// inspect returns ‖a‖∞ (the largest absolute row sum; NaN when a holds a
// NaN) and whether every off-diagonal entry is non-negative, in one pass.
func inspect(a *sparse.CSR) (norm float64, offNonNeg bool) {
	raw := a.RawMatrix()
	ptr, ind, data := raw.Indptr[:raw.I+1], raw.Ind, raw.Data
	offNonNeg = true
	for i := range raw.I {
		s := 0.0
		for k := ptr[i]; k < ptr[i+1]; k++ {
			v := data[k]
			s += math.Abs(v)
			if v < 0 && ind[k] != i {
				offNonNeg = false
			}
		}
		if s > norm || s != s {
			norm = s
		}
	}
	return norm, offNonNeg
}

// NormInf returns ‖A‖∞, the largest absolute row sum of A (NaN when A
// holds a NaN), computed at assembly.
func (op *Operator) NormInf() float64 { return op.normInf }

// LeakInto returns, for every live cell c, the rate per unit P_c at which
// probability flows from c into the sink cells marked in into (a subset of
// the sinks): the part of Leak that ends in that subset.
func (op *Operator) LeakInto(into []bool) []float64 {
	g := op.Grid
	n := g.Len()
	leak := make([]float64, n)
	if op.Sink == nil {
		return leak
	}
	for c := 0; c < n; c++ {
		if op.Sink[c] {
			continue
		}
		for k := 0; k < op.d; k++ {
			inv := 1 / g.H(k)
			if up, ok := g.Neighbor(c, k, +1); ok && op.Sink[up] && into[up] {
				leak[c] += op.alpha[k][c] * inv
			}
			if dn, ok := g.Neighbor(c, k, -1); ok && op.Sink[dn] && into[dn] {
				leak[c] += op.beta[k][dn] * inv
			}
		}
	}
	return leak
}
