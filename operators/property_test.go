package operators

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Property tests: generators assembled for random smooth landscapes, random
// symmetric positive definite diffusion fields (constant and
// position-dependent, diagonal and full), random small 1-, 2- and 3-D grids,
// boundary conditions, conventions and sinks, drawn from a fixed seed.

// unit is the unit roundoff of float64.
const unit = 0x1p-53

// propCase is one random problem and what it is expected to satisfy.
type propCase struct {
	name     string
	p        Problem
	diagonal bool // D is diagonal everywhere: A must be a Markov generator
}

// closed reports whether no probability can leave: no absorbing face and
// no sink.
func (c propCase) closed() bool {
	if len(c.p.Sinks) > 0 {
		return false
	}
	g := c.p.Grid
	for k := 0; k < g.Dim(); k++ {
		if a := g.Axis(k); a.Low == grid.Absorbing || a.High == grid.Absorbing {
			return false
		}
	}
	return true
}

// randomLoss returns L = ½Σ qᵢxᵢ² + ρ·x₀x₁ + Σₖ aₖ·exp(−|x − cₖ|²/(2wₖ²)),
// a quadratic bowl with a cross term and a few Gaussian bumps and wells
// inside [lo, hi], with its exact gradient and Hessian.
func randomLoss(rng *rand.Rand, lo, hi []float64) testloss.Loss {
	d := len(lo)
	q := make([]float64, d)
	for i := range q {
		q[i] = 0.2 + 1.8*rng.Float64()
	}
	rho := 0.0
	if d > 1 {
		rho = 0.2 * (2*rng.Float64() - 1)
	}
	nb := 1 + rng.IntN(3)
	amp, w := make([]float64, nb), make([]float64, nb)
	ctr := make([][]float64, nb)
	for k := range nb {
		amp[k] = 3 * (rng.Float64() - 0.5)
		w[k] = 0.3 + 0.7*rng.Float64()
		ctr[k] = make([]float64, d)
		for i := range d {
			ctr[k][i] = lo[i] + (hi[i]-lo[i])*rng.Float64()
		}
	}
	bump := func(k int, x []float64) float64 {
		r2 := 0.0
		for i := range d {
			r2 += (x[i] - ctr[k][i]) * (x[i] - ctr[k][i])
		}
		return amp[k] * math.Exp(-r2/(2*w[k]*w[k]))
	}
	return testloss.Loss{D: d,
		F: func(x []float64) float64 {
			s := 0.0
			for i := range d {
				s += q[i] * x[i] * x[i] / 2
			}
			if d > 1 {
				s += rho * x[0] * x[1]
			}
			for k := range nb {
				s += bump(k, x)
			}
			return s
		},
		Grad: func(x, g []float64) {
			for i := range d {
				g[i] = q[i] * x[i]
			}
			if d > 1 {
				g[0] += rho * x[1]
				g[1] += rho * x[0]
			}
			for k := range nb {
				b, s := bump(k, x), 1/(w[k]*w[k])
				for i := range d {
					g[i] -= b * s * (x[i] - ctr[k][i])
				}
			}
		},
		Hess: func(x, h []float64) {
			for i := range d {
				for j := range d {
					h[i*d+j] = 0
				}
				h[i*d+i] = q[i]
			}
			if d > 1 {
				h[1] += rho
				h[d] += rho
			}
			for k := range nb {
				b, s := bump(k, x), 1/(w[k]*w[k])
				for i := range d {
					for j := range d {
						v := b * s * s * (x[i] - ctr[k][i]) * (x[j] - ctr[k][j])
						if i == j {
							v -= b * s
						}
						h[i*d+j] += v
					}
				}
			}
		},
	}
}

// randomSPD returns a random symmetric positive definite d×d matrix
// (row-major) BBᵀ + δI with eigenvalues of order scale, or its diagonal.
func randomSPD(rng *rand.Rand, d int, scale float64, diagonal bool) []float64 {
	b := make([]float64, d*d)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	m := make([]float64, d*d)
	for i := range d {
		for j := range d {
			if diagonal && i != j {
				continue
			}
			for k := range d {
				m[i*d+j] += b[i*d+k] * b[j*d+k]
			}
			m[i*d+j] *= 0.5 * scale
		}
		m[i*d+i] += (0.05 + 0.3*rng.Float64()) * scale
	}
	return m
}

// rotatingField is a position-dependent SPD diffusion field
// D(x) = R(x)·diag(λ(x))·R(x)ᵀ with smooth eigenvalues
// λᵢ(x) = λ0ᵢ·(1 + ½·sin(ωᵢ·x + φᵢ)) and a rotation R(x) by the angle
// θ(x) = θ0 + θ1·sin(ω·x) in the (0, 1) plane and, in 3-D, by θ(x)/2 in
// the (1, 2) plane. With θ0 = θ1 = 0 it is diagonal.
type rotatingField struct {
	d              int
	lam0, phi      []float64
	omega          [][]float64 // per eigenvalue, a wave vector
	theta0, theta1 float64
	rotOmega       []float64
}

func newRotatingField(rng *rand.Rand, d int, diagonal bool) rotatingField {
	f := rotatingField{d: d, lam0: make([]float64, d), phi: make([]float64, d), omega: make([][]float64, d), rotOmega: make([]float64, d)}
	for i := range d {
		f.lam0[i] = 0.05 + 0.5*rng.Float64()
		f.phi[i] = 2 * math.Pi * rng.Float64()
		f.omega[i] = make([]float64, d)
		for k := range d {
			f.omega[i][k] = 2 * (rng.Float64() - 0.5)
		}
		f.rotOmega[i] = 2 * (rng.Float64() - 0.5)
	}
	if !diagonal {
		f.theta0 = math.Pi * (rng.Float64() - 0.5)
		f.theta1 = 0.5 * rng.Float64()
	}
	return f
}

func (f rotatingField) Dim() int { return f.d }

func (f rotatingField) At(dst, x []float64) {
	d := f.d
	lam := make([]float64, d)
	for i := range d {
		s := f.phi[i]
		for k := range d {
			s += f.omega[i][k] * x[k]
		}
		lam[i] = f.lam0[i] * (1 + 0.5*math.Sin(s))
	}
	// R = R12(θ/2)·R01(θ), columns are the eigenvectors.
	r := make([]float64, d*d)
	for i := range d {
		r[i*d+i] = 1
	}
	if d > 1 && (f.theta0 != 0 || f.theta1 != 0) {
		s := 0.0
		for k := range d {
			s += f.rotOmega[k] * x[k]
		}
		th := f.theta0 + f.theta1*math.Sin(s)
		c, sn := math.Cos(th), math.Sin(th)
		r[0], r[1], r[d], r[d+1] = c, -sn, sn, c
		if d == 3 {
			c2, s2 := math.Cos(th/2), math.Sin(th/2)
			// Rows 1 and 2 of R12 applied to R01.
			for j := range d {
				a, b := r[1*d+j], r[2*d+j]
				r[1*d+j], r[2*d+j] = c2*a-s2*b, s2*a+c2*b
			}
		}
	}
	for i := range d {
		for j := range d {
			v := 0.0
			for k := range d {
				v += r[i*d+k] * lam[k] * r[j*d+k]
			}
			dst[i*d+j] = v
		}
	}
	if f.theta0 == 0 && f.theta1 == 0 {
		// Exactly diagonal, without rounding residue off the diagonal.
		for i := range d {
			for j := range d {
				if i != j {
					dst[i*d+j] = 0
				}
			}
		}
	}
}

// diffusionKinds are the diffusion fields the property tests draw from.
var diffusionKinds = []string{"white", "matrix", "sgd", "sgd-local", "field", "scaled-field"}

// randomCase draws one problem of dimension d with a diffusion field of the
// given kind (diagonal or full at random) and convention. Each axis has a
// random boundary pair (reflecting, periodic, absorbing or mixed); a third
// of the cases add a box or ball sink around a random cell centre.
func randomCase(rng *rand.Rand, d int, kind string, conv Convention, i int) (propCase, error) {
	maxN := [4]int{0, 40, 12, 6}[d]
	R, A, P := grid.Reflecting, grid.Absorbing, grid.Periodic
	pairs := [][2]grid.Boundary{{R, R}, {P, P}, {A, A}, {R, A}, {A, R}}
	axes := make([]grid.Axis, d)
	lo, hi := make([]float64, d), make([]float64, d)
	for k := range d {
		lo[k] = -1 - 2*rng.Float64()
		hi[k] = 1 + 2*rng.Float64()
		bc := pairs[rng.IntN(len(pairs))]
		axes[k] = grid.Axis{Lo: lo[k], Hi: hi[k], N: 2 + rng.IntN(maxN-1), Low: bc[0], High: bc[1]}
	}
	g, err := grid.New(axes...)
	if err != nil {
		return propCase{}, err
	}
	loss := randomLoss(rng, lo, hi)
	diagonal := d == 1 || rng.IntN(2) == 0
	var diff Diffusion
	switch kind {
	case "white":
		diagonal = true
		diff = White{D: d, T: 0.05 + rng.Float64()}
	case "matrix":
		m := randomSPD(rng, d, 0.05+0.5*rng.Float64(), diagonal)
		rows := make([][]float64, d)
		for r := range d {
			rows[r] = m[r*d : (r+1)*d]
		}
		if diff, err = NewMatrix(rows); err != nil {
			return propCase{}, err
		}
	case "sgd":
		l := loss
		if diagonal {
			l = l.Diagonal()
		}
		diff = SGD{Loss: l, Scale: 0.02 + 0.2*rng.Float64(), PSD: PSD(rng.IntN(3)), Eps: 0.05 + 0.3*rng.Float64(), Floor: 0.05 * rng.Float64()}
	case "sgd-local":
		lm := loss.Value(lo)
		basin := LocalBasin{LossMin: lm, LossSaddle: lm + 0.1 + rng.Float64(),
			HMin: randomSPD(rng, d, 1, diagonal), HSaddle: randomSPD(rng, d, 1, diagonal)}
		if rng.IntN(2) == 0 {
			for j := range basin.HSaddle {
				basin.HSaddle[j] = -basin.HSaddle[j] // an unstable direction, made positive by the PSD map
			}
		}
		sl, err := NewSGDLocal(loss, 0.05+0.2*rng.Float64(), PSD(rng.IntN(3)), 0.05+0.2*rng.Float64(), 0.02*rng.Float64(),
			[]LocalBasin{basin}, func([]float64) int { return 0 })
		if err != nil {
			return propCase{}, err
		}
		diff = sl
	case "field":
		diff = newRotatingField(rng, d, diagonal)
	case "scaled-field":
		diff = Scaled{Base: newRotatingField(rng, d, diagonal), Factor: 0.2 + 2*rng.Float64(), Floor: 0}
	default:
		return propCase{}, fmt.Errorf("unknown diffusion kind %q", kind)
	}
	c := propCase{p: Problem{Grid: g, Loss: loss, Diffusion: diff, Convention: conv}, diagonal: diagonal}
	if rng.IntN(3) == 0 && g.Len() > 2 {
		x := make([]float64, d)
		g.Center(rng.IntN(g.Len()), x)
		r := 0.0
		for k := range d {
			r = math.Max(r, 0.6*g.H(k))
		}
		if rng.IntN(2) == 0 {
			c.p.Sinks = []Sink{Ball{Center: x, Radius: r}}
		} else {
			b := Box{Lo: make([]float64, d), Hi: make([]float64, d)}
			for k := range d {
				b.Lo[k], b.Hi[k] = x[k]-r*rng.Float64(), x[k]+r*rng.Float64()
			}
			c.p.Sinks = []Sink{b}
		}
	}
	c.name = fmt.Sprintf("case %d: %dD %v, %s D (diagonal %v), %v, %d sink(s)", i, d, axesString(g), kind, c.diagonal, c.p.Convention, len(c.p.Sinks))
	return c, nil
}

func axesString(g *grid.Grid) string {
	s := ""
	for k := 0; k < g.Dim(); k++ {
		a := g.Axis(k)
		s += fmt.Sprintf("[%d %v/%v]", a.N, a.Low, a.High)
	}
	return s
}

// dense returns A as a dense matrix.
func dense(a *Operator) *mat.Dense {
	n := a.Grid.Len()
	m := mat.NewDense(n, n, nil)
	raw := a.A.RawMatrix()
	for i := range n {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			m.Set(i, raw.Ind[j], m.At(i, raw.Ind[j])+raw.Data[j])
		}
	}
	return m
}

// csrMulVec returns M·x for a CSR matrix given by its raw arrays, and
// Σⱼ |Mᵢⱼ·xⱼ| per row (the scale of each entry's rounding).
func csrMulVec(indptr, ind []int, data, x []float64) (y, abs []float64) {
	n := len(indptr) - 1
	y, abs = make([]float64, n), make([]float64, n)
	for i := range n {
		for j := indptr[i]; j < indptr[i+1]; j++ {
			y[i] += data[j] * x[ind[j]]
			abs[i] += math.Abs(data[j] * x[ind[j]])
		}
	}
	return y, abs
}

// worst records the largest error ratio seen by a property, with the case.
type worst struct {
	name        string
	err, bound  float64 // the error and its tolerance at the worst case
	ratio       float64
	where       string
	checks, bad int
}

func (w *worst) add(t *testing.T, where string, err, bound float64) {
	t.Helper()
	w.checks++
	r := err / bound
	if !(err <= bound) {
		w.bad++
		if w.bad <= 5 {
			t.Errorf("%s: %s: error %.3g exceeds %.3g", w.name, where, err, bound)
		}
	}
	if r > w.ratio || math.IsNaN(r) || w.where == "" {
		w.ratio, w.err, w.bound, w.where = r, err, bound, where
	}
}

func (w *worst) log(t *testing.T) {
	t.Helper()
	t.Logf("%-34s %5d checks, worst error %.3g (%.2g of its tolerance %.3g) at %s", w.name, w.checks, w.err, w.ratio, w.bound, w.where)
}

// trackers are the properties checked, each with its worst case.
type trackers struct {
	colSum, leak, massBE, posInv, posP, adj, adjLive, div, out *worst
}

func newTrackers() *trackers {
	return &trackers{
		colSum:  &worst{name: "1ᵀA = 0 (closed)"},
		leak:    &worst{name: "column deficit = Leak (open)"},
		massBE:  &worst{name: "backward Euler mass balance"},
		posInv:  &worst{name: "(I − ΔtA)⁻¹ ≥ 0 (Markov)"},
		posP:    &worst{name: "backward Euler P ≥ 0 (Markov)"},
		adj:     &worst{name: "⟨Aᵀu, v⟩ = ⟨u, Av⟩"},
		adjLive: &worst{name: "⟨Aᵀu, v⟩ = ⟨u, Av⟩ on live cells"},
		div:     &worst{name: "−div J = A·P per cell"},
		out:     &worst{name: "boundary flux of J = Outflow"},
	}
}

func (w *trackers) all() []*worst {
	return []*worst{w.colSum, w.leak, w.massBE, w.posInv, w.posP, w.adj, w.adjLive, w.div, w.out}
}

// TestGeneratorProperties checks, on random problems:
//
//   - conservation: with no absorbing face and no sink every column of A
//     sums to zero, 1ᵀA = 0, to rounding (relative to the column's absolute
//     sum); with absorbing faces or sinks, the column deficit on the live
//     cells is Leak, the rate the GTH solvers put on the diagonal of Aᵀ
//     (for Markov generators, and for any generator without sinks: cross
//     terms never cross a wall, but Leak leaves out those reaching into a
//     sink);
//   - a backward Euler step P₁ = (I − Δt·A)⁻¹P₀ conserves mass on closed
//     domains and otherwise loses Δt·Outflow(P₁);
//   - positivity: diagonal D gives a Markov generator (IsMarkov), and then
//     every entry of (I − Δt·A)⁻¹ is ≥ 0 (all one-cell spikes at once) and
//     a random positive P₀ stays positive;
//   - adjoint consistency: ⟨Aᵀu, v⟩ = ⟨u, Av⟩ with Aᵀ formed as the MFPT
//     and committor solvers form it (linear.Transpose of A, or of A
//     restricted to the live cells);
//   - the face current reproduces A·P cell by cell (−div J = A·P), and its
//     flux through absorbing faces and into sinks is Outflow(P).
//
// Tolerances are a small multiple of the unit roundoff times the size of
// what is summed (the absolute sums of the terms), or for the dense LU
// solves its backward error n·u·‖I − Δt·A‖·‖P₁‖.
func TestGeneratorProperties(t *testing.T) {
	draws := 25 // per dimension, diffusion kind and convention
	if testing.Short() {
		draws = 5
	}
	rng := rand.New(rand.NewPCG(20240806, 8))
	w := newTrackers()
	cases, markovCases, closedCases, crossCases := 0, 0, 0, 0
	for d := 1; d <= 3; d++ {
		for _, kind := range diffusionKinds {
			for _, conv := range []Convention{Ito, Divergence} {
				t.Run(fmt.Sprintf("%dD/%s/%v", d, kind, conv), func(t *testing.T) {
					for range draws {
						c, err := randomCase(rng, d, kind, conv, cases)
						if err != nil {
							t.Fatalf("case %d: %v", cases, err)
						}
						cases++
						m, cl, cr := checkProperties(t, c, rng, w)
						markovCases += m
						closedCases += cl
						crossCases += cr
					}
				})
			}
		}
	}
	t.Logf("%d random problems: %d closed, %d Markov, %d with cross-diffusion", cases, closedCases, markovCases, crossCases)
	for _, x := range w.all() {
		x.log(t)
		if x.checks == 0 {
			t.Errorf("%s: no case checked it", x.name)
		}
	}
}

// checkProperties assembles c and runs every check on it; it returns 1 or 0
// for whether the generator is Markov, the domain closed and cross-diffusion
// present.
func checkProperties(t *testing.T, c propCase, rng *rand.Rand, w *trackers) (markov, closed, cross int) {
	t.Helper()
	op, err := Assemble(c.p)
	if err != nil {
		// A sink that covers the whole domain or contains no centre.
		if len(c.p.Sinks) > 0 {
			return 0, 0, 0
		}
		t.Fatalf("%s: %v", c.name, err)
	}
	if c.diagonal && !op.IsMarkov() {
		t.Errorf("%s: diagonal D but IsMarkov() = false", c.name)
	}
	// NormInf is the largest absolute row sum, summed in storage order.
	raw := op.A.RawMatrix()
	norm := 0.0
	for i := range raw.I {
		s := 0.0
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			s += math.Abs(raw.Data[k])
		}
		norm = max(norm, s)
	}
	if op.NormInf() != norm {
		t.Errorf("%s: NormInf %v, want %v", c.name, op.NormInf(), norm)
	}
	if op.IsMarkov() {
		markov = 1
	}
	if op.cross != nil {
		cross = 1
	}
	if c.closed() {
		closed = 1
	}
	checkConservation(t, c, op, rng, w)
	checkAdjoint(t, c, op, rng, w)
	checkCurrent(t, c, op, rng, w)
	return markov, closed, cross
}

// live returns whether each cell is outside the sinks.
func live(op *Operator) []bool {
	keep := make([]bool, op.Grid.Len())
	for c := range keep {
		keep[c] = op.Sink == nil || !op.Sink[c]
	}
	return keep
}

// randomDensity returns a positive density spread over the live cells, zero
// in sinks.
func randomDensity(rng *rand.Rand, keep []bool) []float64 {
	p := make([]float64, len(keep))
	for c := range p {
		if keep[c] {
			p[c] = 0.05 + rng.Float64()
		}
	}
	return p
}

func checkConservation(t *testing.T, c propCase, op *Operator, rng *rand.Rand, w *trackers) {
	t.Helper()
	colSum, leak, massBE, posInv, posP := w.colSum, w.leak, w.massBE, w.posInv, w.posP
	n := op.Grid.Len()
	keep := live(op)
	raw := op.A.RawMatrix()
	sum, abs := make([]float64, n), make([]float64, n)
	for i := range n {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			if keep[i] {
				sum[raw.Ind[j]] += raw.Data[j]
				abs[raw.Ind[j]] += math.Abs(raw.Data[j])
			}
		}
	}
	// Each entry is a sum of a few face terms, each column adds up to
	// 1 + 2d + 4d(d−1) entries: 64u of the absolute sum covers both.
	if c.closed() {
		for j := range n {
			colSum.add(t, fmt.Sprintf("%s, column %d", c.name, j), math.Abs(sum[j]), 64*unit*abs[j])
		}
	} else if op.IsMarkov() || op.Sink == nil {
		lk := op.Leak()
		for j := range n {
			if keep[j] {
				leak.add(t, fmt.Sprintf("%s, column %d", c.name, j), math.Abs(sum[j]+lk[j]), 64*unit*(abs[j]+lk[j]))
			}
		}
	}

	// One backward Euler step with Δt·max|Aᵢᵢ| log-uniform in [0.1, 100].
	a := dense(op)
	amax := 0.0
	for i := range n {
		amax = math.Max(amax, math.Abs(a.At(i, i)))
	}
	dt := math.Pow(10, -1+3*rng.Float64()) / amax
	m := mat.NewDense(n, n, nil)
	m.Scale(-dt, a)
	for i := range n {
		m.Set(i, i, m.At(i, i)+1)
	}
	var lu mat.LU
	lu.Factorize(m)
	p0 := randomDensity(rng, keep)
	var x mat.VecDense
	if err := lu.SolveVecTo(&x, false, mat.NewVecDense(n, p0)); err != nil {
		t.Fatalf("%s: backward Euler solve: %v", c.name, err)
	}
	p1 := x.RawVector().Data
	// LU with partial pivoting is backward stable: the residual of P₁ is
	// about n·u·‖M‖·‖P₁‖; the mass balance is 1ᵀ of it.
	mnorm := mat.Norm(m, 1)
	pnorm := 0.0
	for _, v := range p1 {
		pnorm += math.Abs(v)
	}
	resid := 8 * float64(n) * unit * mnorm * pnorm
	m0, m1 := 0.0, 0.0
	for i := range p0 {
		m0 += p0[i]
		m1 += p1[i]
	}
	ap := make([]float64, n)
	op.Apply(ap, p1)
	gain := 0.0 // Δt·Σ_live (A·P₁): −Δt·Outflow(P₁)/volume
	gainAbs := 0.0
	for i := range ap {
		if keep[i] {
			gain += dt * ap[i]
			gainAbs += dt * math.Abs(ap[i])
		}
	}
	if c.closed() {
		gain = 0
	}
	massBE.add(t, c.name, math.Abs(m1-m0-gain), resid+64*unit*(m0+gainAbs))

	if !op.IsMarkov() {
		return
	}
	for i := range p1 {
		posP.add(t, fmt.Sprintf("%s, cell %d", c.name, i), math.Max(0, -p1[i]), resid)
	}
	var inv mat.Dense
	if err := inv.Inverse(m); err != nil {
		t.Fatalf("%s: inverse: %v", c.name, err)
	}
	// Column j of the inverse is the step from a unit spike in cell j; its
	// error is about n·u·‖M‖·‖column‖.
	for j := range n {
		col := mat.Col(nil, j, &inv)
		cn := 0.0
		for _, v := range col {
			cn += math.Abs(v)
		}
		bound := 8 * float64(n) * unit * mnorm * cn
		for i, v := range col {
			posInv.add(t, fmt.Sprintf("%s, entry (%d, %d)", c.name, i, j), math.Max(0, -v), bound)
		}
	}
}

func checkAdjoint(t *testing.T, c propCase, op *Operator, rng *rand.Rand, w *trackers) {
	t.Helper()
	adj, adjLive := w.adj, w.adjLive
	n := op.Grid.Len()
	u, v := make([]float64, n), make([]float64, n)
	for i := range n {
		u[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	av := make([]float64, n)
	op.Apply(av, v)
	at := linear.Transpose(op.A).RawMatrix()
	atu, atuAbs := csrMulVec(at.Indptr, at.Ind, at.Data, u)
	lhs, rhs, scale := 0.0, 0.0, 0.0
	for i := range n {
		lhs += atu[i] * v[i]
		rhs += u[i] * av[i]
		scale += atuAbs[i] * math.Abs(v[i])
	}
	// Both are the same Σᵢⱼ uᵢAᵢⱼvⱼ summed in different orders: rows of at
	// most 31 entries, then n rows.
	adj.add(t, c.name, math.Abs(lhs-rhs), 2*float64(n+32)*unit*scale)

	// A restricted to the live cells, then transposed, as NewAbsorbing
	// forms the matrix of the MFPT equation Aᵀτ = −1.
	keep := live(op)
	if op.Sink == nil {
		return
	}
	pos, idx := make([]int, n), []int{}
	for i := range n {
		pos[i] = -1
		if keep[i] {
			pos[i] = len(idx)
			idx = append(idx, i)
		}
	}
	raw := op.A.RawMatrix()
	indptr, ind, data := []int{0}, []int{}, []float64{}
	for _, i := range idx {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			if p := pos[raw.Ind[j]]; p >= 0 {
				ind = append(ind, p)
				data = append(data, raw.Data[j])
			}
		}
		indptr = append(indptr, len(ind))
	}
	k := len(idx)
	if k == 0 {
		return
	}
	sub := linear.Transpose(csrOf(k, indptr, ind, data)).RawMatrix()
	ul, vl := u[:k], v[:k]
	avl, _ := csrMulVec(indptr, ind, data, vl)
	atul, atulAbs := csrMulVec(sub.Indptr, sub.Ind, sub.Data, ul)
	lhs, rhs, scale = 0, 0, 0
	for i := range k {
		lhs += atul[i] * vl[i]
		rhs += ul[i] * avl[i]
		scale += atulAbs[i] * math.Abs(vl[i])
	}
	adjLive.add(t, c.name, math.Abs(lhs-rhs), 2*float64(k+32)*unit*scale)
}

func checkCurrent(t *testing.T, c propCase, op *Operator, rng *rand.Rand, w *trackers) {
	t.Helper()
	div, out := w.div, w.out
	g := op.Grid
	n, d := g.Len(), g.Dim()
	keep := live(op)
	p := randomDensity(rng, keep)
	ap := make([]float64, n)
	op.Apply(ap, p)
	cur := op.Current(p)
	_, scale := columnSums(op)
	pmax := maxAbs(p)
	flux, fluxAbs := 0.0, 0.0
	for cell := range n {
		s := 0.0
		for k := range d {
			low := cur.Low[k][cell]
			if dn, ok := g.Neighbor(cell, k, -1); ok {
				low = cur.High[k][dn]
			}
			s -= (cur.High[k][cell] - low) / g.H(k)
		}
		if keep[cell] {
			// Each face flux is a stencil of at most 2 + 4(d−1) terms of
			// size ≤ scale·h·pmax; a cell adds 2d of them.
			div.add(t, fmt.Sprintf("%s, cell %d", c.name, cell), math.Abs(s-ap[cell]), 256*unit*scale*pmax)
		}
		// Flux leaving the live cells: through wall faces and into sinks.
		for k := range d {
			area := g.FaceArea(k)
			if up, ok := g.Neighbor(cell, k, +1); ok {
				switch {
				case keep[cell] && !keep[up]:
					flux += cur.High[k][cell] * area
				case !keep[cell] && keep[up]:
					flux -= cur.High[k][cell] * area
				}
			} else if keep[cell] {
				flux += cur.High[k][cell] * area
			}
			if _, ok := g.Neighbor(cell, k, -1); !ok && keep[cell] {
				flux -= cur.Low[k][cell] * area
			}
			fluxAbs += (math.Abs(cur.High[k][cell]) + math.Abs(cur.Low[k][cell])) * area
		}
	}
	outflow := op.Outflow(p)
	out.add(t, c.name, math.Abs(outflow-flux), 256*unit*(scale*pmax*g.CellVolume()*float64(n)+fluxAbs))
}

// csrOf returns the k×k CSR matrix with the given arrays.
func csrOf(k int, indptr, ind []int, data []float64) *sparse.CSR {
	return sparse.NewCSR(k, k, indptr, ind, data)
}
