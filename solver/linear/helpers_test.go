package linear

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// entry is one (column, value) pair of a matrix row under construction.
type entry struct {
	j int
	v float64
}

// csrFromRows assembles a CSR matrix from rows of entries, sorting columns
// and summing duplicates.
func csrFromRows(n int, rows [][]entry) *sparse.CSR {
	ptr := make([]int, n+1)
	var ind []int
	var data []float64
	for i, row := range rows {
		slices.SortStableFunc(row, func(a, b entry) int { return a.j - b.j })
		for k, e := range row {
			if k > 0 && e.j == row[k-1].j {
				data[len(data)-1] += e.v
				continue
			}
			ind = append(ind, e.j)
			data = append(data, e.v)
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(n, n, ptr, ind, data)
}

// gridOpts describes a 2-D convection–diffusion test operator.
type gridOpts struct {
	nx, ny    int
	nine      bool    // add mixed-derivative (cross) terms: 9-point stencil
	periodicX bool    // wrap around in x
	periodicY bool    // wrap around in y
	dt        float64 // M = I − dt·L
	seed      uint64
}

// implicitStep returns M = I − dt·L where L is the forward (Fokker–Planck)
// generator of a 2-D drift–diffusion process on a grid with h = 1 and
// diffusion D = 1: probability moves from cell p to a neighbour q in
// direction e at rate D + max(0, v(p)·e), with v a random smooth-ish field,
// so that L has non-negative off-diagonals and zero column sums. The
// 9-point variant adds a mixed-derivative term Dxy·∂²/∂x∂y with random
// |Dxy| < 0.4, whose corner coefficients ±Dxy/4 break the sign pattern.
// Cells are numbered i + nx·j. Non-periodic sides are reflecting.
func implicitStep(o gridOpts) *sparse.CSR {
	rng := rand.New(rand.NewPCG(o.seed, 7))
	nx, ny := o.nx, o.ny
	n := nx * ny
	vx := make([]float64, n)
	vy := make([]float64, n)
	dxy := make([]float64, n)
	for p := range vx {
		i, j := p%nx, p/nx
		vx[p] = 2*math.Sin(2*math.Pi*float64(j)/float64(ny)) + 0.5*rng.Float64()
		vy[p] = 1.5*math.Cos(2*math.Pi*float64(i)/float64(nx)) - 0.5*rng.Float64()
		dxy[p] = 0.8 * (rng.Float64() - 0.5)
	}
	cell := func(i, j int) (int, bool) {
		if i < 0 || i >= nx {
			if !o.periodicX {
				return 0, false
			}
			i = (i + nx) % nx
		}
		if j < 0 || j >= ny {
			if !o.periodicY {
				return 0, false
			}
			j = (j + ny) % ny
		}
		return i + nx*j, true
	}
	rows := make([][]entry, n)
	add := func(q, p int, v float64) { rows[q] = append(rows[q], entry{p, v}) }
	for p := 0; p < n; p++ {
		i, j := p%nx, p/nx
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			q, ok := cell(i+d[0], j+d[1])
			if !ok || q == p {
				continue
			}
			rate := 1 + math.Max(0, vx[p]*float64(d[0])+vy[p]*float64(d[1]))
			add(q, p, -o.dt*rate)
			add(p, p, o.dt*rate)
		}
		if o.nine {
			for _, d := range [][2]int{{1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
				q, ok := cell(i+d[0], j+d[1])
				if !ok || q == p {
					continue
				}
				// Mixed derivative: transfer ±Dxy/4 with zero column sum.
				w := float64(d[0]*d[1]) * dxy[p] / 4
				add(q, p, -o.dt*w)
				add(p, p, o.dt*w)
			}
		}
		add(p, p, 1)
	}
	return csrFromRows(n, rows)
}

// dense converts a CSR matrix to a dense one, summing duplicates.
func dense(m *sparse.CSR) *mat.Dense {
	r, c := m.Dims()
	d := mat.NewDense(r, c, nil)
	raw := m.RawMatrix()
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			d.Set(i, raw.Ind[k], d.At(i, raw.Ind[k])+raw.Data[k])
		}
	}
	return d
}

// denseSolve solves m·x = b with gonum's dense LU.
func denseSolve(t *testing.T, m *sparse.CSR, b []float64) []float64 {
	t.Helper()
	var lu mat.LU
	lu.Factorize(dense(m))
	var x mat.VecDense
	if err := lu.SolveVecTo(&x, false, mat.NewVecDense(len(b), slices.Clone(b))); err != nil {
		t.Fatalf("dense LU: %v", err)
	}
	return slices.Clone(x.RawVector().Data)
}

// relResidual returns ‖b − m·x‖₂/‖b‖₂.
func relResidual(m *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	MulVec(r, m, x)
	var num, den float64
	for i := range r {
		num += (b[i] - r[i]) * (b[i] - r[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// relDiff returns ‖x − y‖₂/‖y‖₂.
func relDiff(x, y []float64) float64 {
	var num, den float64
	for i := range x {
		num += (x[i] - y[i]) * (x[i] - y[i])
		den += y[i] * y[i]
	}
	return math.Sqrt(num / den)
}

func randVec(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// tridiag builds a random tridiagonal (cyclic when corners is true) matrix
// whose diagonal exceeds the sum of the off-diagonal magnitudes in its row
// by at least 0.5.
func tridiag(n int, corners bool, seed uint64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 11))
	rows := make([][]entry, n)
	for i := 0; i < n; i++ {
		var off float64
		put := func(j int) {
			v := 2*rng.Float64() - 1
			off += math.Abs(v)
			rows[i] = append(rows[i], entry{j, v})
		}
		if i > 0 {
			put(i - 1)
		}
		if i < n-1 {
			put(i + 1)
		}
		if corners && n >= 3 && i == 0 {
			put(n - 1)
		}
		if corners && n >= 3 && i == n-1 {
			put(0)
		}
		sign := 1.0
		if rng.IntN(2) == 0 {
			sign = -1
		}
		rows[i] = append(rows[i], entry{i, sign * (off + 0.5 + rng.Float64())})
	}
	return csrFromRows(n, rows)
}

// mustStencil returns the raw CSR view of m and its stencil storage on
// shape, failing the test or benchmark if m is not a stencil matrix there.
func mustStencil(tb testing.TB, m *sparse.CSR, shape []int) (rawCSR, *stencil) {
	tb.Helper()
	a, err := raw(m)
	if err != nil {
		tb.Fatal(err)
	}
	st, ok := newStencil(a, shape)
	if !ok {
		tb.Fatalf("not a nearest-neighbour matrix on the %v grid", shape)
	}
	return a, st
}
