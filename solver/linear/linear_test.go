package linear

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"
)

// Tolerances. The tridiagonal test matrices are strictly diagonally dominant
// with margin ≥ 0.5, so their condition numbers are O(10) and both Thomas
// and the dense LU are accurate to a few ulps times n: 1e-12 relative error
// leaves a wide margin. For the 2-D operators we compare residuals
// (backward errors), which a stable direct method keeps near 1e-15 whatever
// the conditioning; 1e-10 is the iterative tolerance used by default.

func TestThomas(t *testing.T) {
	for _, tc := range []struct {
		n      int
		cyclic bool
	}{
		{1, false}, {2, false}, {3, false}, {10, false}, {1000, false},
		{3, true}, {4, true}, {57, true}, {1000, true},
	} {
		m := tridiag(tc.n, tc.cyclic, uint64(tc.n))
		meth, reason := Choose(m, Settings{})
		if meth != Thomas {
			t.Errorf("n=%d cyclic=%v: Choose = %v (%s), want thomas", tc.n, tc.cyclic, meth, reason)
		}
		s, err := New(m, Settings{})
		if err != nil {
			t.Fatalf("n=%d cyclic=%v: %v", tc.n, tc.cyclic, err)
		}
		if tc.cyclic && tc.n >= 3 && !strings.Contains(s.Name(), "cyclic") {
			t.Errorf("n=%d: name %q lacks cyclic", tc.n, s.Name())
		}
		b := randVec(tc.n, 5)
		x := make([]float64, tc.n)
		if err := s.Solve(x, b); err != nil {
			t.Fatal(err)
		}
		want := denseSolve(t, m, b)
		if d := relDiff(x, want); d > 1e-12 {
			t.Errorf("n=%d cyclic=%v: relative difference to dense LU %.3g > 1e-12", tc.n, tc.cyclic, d)
		} else {
			t.Logf("n=%d cyclic=%v: relative difference to dense LU %.2g", tc.n, tc.cyclic, d)
		}
	}
}

func TestSolveNoAlloc(t *testing.T) {
	for _, tc := range []struct {
		m    *sparse.CSR
		meth Method
	}{
		{tridiag(500, true, 1), Thomas},
		{implicitStep(gridOpts{nx: 20, ny: 10, dt: 1}), BandLU},
		{implicitStep(gridOpts{nx: 20, ny: 10, dt: 1}), BiCGSTAB},
	} {
		s, err := New(tc.m, Settings{Method: tc.meth})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := tc.m.Dims()
		b := randVec(n, 2)
		x := make([]float64, n)
		if a := testing.AllocsPerRun(10, func() {
			clear(x)
			if err := s.Solve(x, b); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("%s: Solve allocates %v times per call", s.Name(), a)
		}
	}
}

// zeroDiagBand returns a band matrix (kl=2, ku=1) with zero diagonal
// entries in every third row; elimination without pivoting fails at row 0.
func zeroDiagBand(n int) *sparse.CSR {
	rows := make([][]entry, n)
	v := randVec(4*n, 9)
	for i := 0; i < n; i++ {
		if i%3 != 0 {
			rows[i] = append(rows[i], entry{i, 4 + v[4*i]})
		}
		for k, d := range []int{-2, -1, 1} {
			if j := i + d; j >= 0 && j < n {
				rows[i] = append(rows[i], entry{j, 1 + v[4*i+k+1]})
			}
		}
	}
	return csrFromRows(n, rows)
}

func TestBandLUPivoting(t *testing.T) {
	m := zeroDiagBand(60)
	b := randVec(60, 4)
	want := denseSolve(t, m, b)
	if meth, reason := Choose(m, Settings{}); meth != BandLU {
		t.Errorf("Choose = %v (%s), want direct", meth, reason)
	}
	s, err := New(m, Settings{Method: BandLU})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 60)
	if err := s.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	res := relResidual(m, x, b)
	d := relDiff(x, want)
	t.Logf("%s: residual %.2g, difference to dense LU %.2g", s.Name(), res, d)
	if res > 1e-13 || d > 1e-10 {
		t.Errorf("residual %.3g (want ≤1e-13), difference %.3g (want ≤1e-10)", res, d)
	}
}

func TestThomasZeroPivot(t *testing.T) {
	// Tridiagonal with M(0,0) = 0: Thomas must refuse, Auto must pivot.
	m := csrFromRows(4, [][]entry{
		{{0, 0}, {1, 2}},
		{{0, 1}, {1, 1}, {2, 1}},
		{{1, 1}, {2, 3}, {3, 1}},
		{{2, 1}, {3, 2}},
	})
	if _, err := New(m, Settings{Method: Thomas}); !errors.Is(err, ErrSingular) {
		t.Errorf("Thomas on zero pivot: err = %v, want ErrSingular", err)
	}
	s, err := New(m, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	b := []float64{1, 2, 3, 4}
	x := make([]float64, 4)
	if err := s.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	if res := relResidual(m, x, b); res > 1e-14 {
		t.Errorf("%s: residual %.3g", s.Name(), res)
	}
}

func gridCases() []struct {
	name string
	o    gridOpts
} {
	return []struct {
		name string
		o    gridOpts
	}{
		{"5-point", gridOpts{nx: 30, ny: 20, dt: 2, seed: 1}},
		{"9-point", gridOpts{nx: 30, ny: 20, nine: true, dt: 2, seed: 2}},
		{"5-point periodic-x", gridOpts{nx: 30, ny: 20, periodicX: true, dt: 5, seed: 3}},
		{"9-point periodic-x", gridOpts{nx: 30, ny: 20, nine: true, periodicX: true, dt: 5, seed: 4}},
		{"9-point periodic-xy", gridOpts{nx: 30, ny: 20, nine: true, periodicX: true, periodicY: true, dt: 1, seed: 5}},
	}
}

func TestGrid2D(t *testing.T) {
	for _, tc := range gridCases() {
		m := implicitStep(tc.o)
		n, _ := m.Dims()
		b := randVec(n, 8)
		want := denseSolve(t, m, b)
		for _, meth := range []Method{BandLU, BiCGSTAB, Auto} {
			s, err := New(m, Settings{Method: meth})
			if err != nil {
				t.Fatalf("%s %v: %v", tc.name, meth, err)
			}
			x := make([]float64, n)
			if err := s.Solve(x, b); err != nil {
				t.Fatalf("%s %s: %v", tc.name, s.Name(), err)
			}
			res := relResidual(m, x, b)
			d := relDiff(x, want)
			t.Logf("%-20s %-28s residual %.2g, difference to dense LU %.2g", tc.name, s.Name(), res, d)
			if res > 1e-10 {
				t.Errorf("%s %s: residual %.3g > 1e-10", tc.name, s.Name(), res)
			}
			// The systems are well conditioned (cond ≲ 1e3), so the
			// solution is within cond·residual of the dense one.
			if d > 1e-7 {
				t.Errorf("%s %s: difference to dense LU %.3g > 1e-7", tc.name, s.Name(), d)
			}
		}
	}
}

func TestBandwidthDetection(t *testing.T) {
	for _, tc := range []struct {
		o    gridOpts
		want string
	}{
		{gridOpts{nx: 30, ny: 20, dt: 1}, "band-lu (kl=30, ku=30)"},
		{gridOpts{nx: 30, ny: 20, periodicX: true, dt: 1}, "band-lu (kl=30, ku=30)"},
		{gridOpts{nx: 30, ny: 20, nine: true, dt: 1}, "band-lu (kl=31, ku=31)"},
		// Corner neighbours across the x wrap are 2·nx−1 apart.
		{gridOpts{nx: 30, ny: 20, nine: true, periodicX: true, dt: 1}, "band-lu (kl=59, ku=59)"},
	} {
		s, err := New(implicitStep(tc.o), Settings{Method: BandLU})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Name(); got != tc.want {
			t.Errorf("%+v: name %q, want %q", tc.o, got, tc.want)
		}
	}
}

func TestBandLUTooLarge(t *testing.T) {
	m := implicitStep(gridOpts{nx: 30, ny: 20, dt: 1})
	_, err := New(m, Settings{Method: BandLU, MaxBandBytes: 10000})
	if !errors.Is(err, ErrBandTooLarge) {
		t.Fatalf("err = %v, want ErrBandTooLarge", err)
	}
	// (2·30+30+1+1)·600·8 bytes.
	if !strings.Contains(err.Error(), "441600 bytes") {
		t.Errorf("error %q lacks the byte estimate", err)
	}
}

func TestBandLUSingular(t *testing.T) {
	// Column 2 is zero: exactly singular.
	m := csrFromRows(4, [][]entry{
		{{0, 2}, {1, 1}},
		{{0, 1}, {1, 3}, {3, 1}},
		{{1, 1}, {3, 1}},
		{{3, 2}},
	})
	if _, err := New(m, Settings{Method: BandLU}); !errors.Is(err, ErrSingular) {
		t.Errorf("err = %v, want ErrSingular", err)
	}
}

func TestBiCGSTABNotConverged(t *testing.T) {
	// A long implicit step on a 60×60 grid (dt·D/h² = 1e4) is close to the
	// singular generator: five iterations cannot reach 1e-12.
	m := implicitStep(gridOpts{nx: 60, ny: 60, nine: true, dt: 1e4, seed: 6})
	n, _ := m.Dims()
	s, err := New(m, Settings{Method: BiCGSTAB, MaxIter: 5, Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, n)
	err = s.Solve(x, randVec(n, 1))
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("err = %v, want *NotConvergedError", err)
	}
	t.Logf("%v", err)
	if nc.Iter != 5 || !(nc.Residual > 1e-12) {
		t.Errorf("NotConvergedError %+v", nc)
	}
}

// halfPre is a preconditioner that never touches the odd unknowns: with
// it BiCGSTAB cannot reduce their residual, and stalls.
type halfPre struct{}

func (halfPre) apply(z, r []float64) {
	for i := range z {
		z[i] = 0
		if i%2 == 0 {
			z[i] = r[i] / 4
		}
	}
}
func (halfPre) name() string { return "half" }

// TestStall: Settings.Stall ends a solve whose residual has stopped
// halving after that many iterations, reporting Stalled and the true
// residual; without it the solve runs to MaxIter. A solve that converges
// gives the same iterations and bits with and without Stall.
func TestStall(t *testing.T) {
	const nx, ny = 40, 30
	r, err := raw(implicitStep(gridOpts{nx: nx, ny: ny, dt: 1, seed: 5}))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := newStencil(r, []int{nx, ny})
	if !ok {
		t.Fatal("not a stencil")
	}
	b := randVec(m.n, 3)
	for _, stall := range []int{0, 6} {
		s := bicgstabFor(m, Settings{MaxIter: 40, Stall: stall}, nil)
		s.pre = halfPre{}
		x := make([]float64, m.n)
		err := s.Solve(x, b)
		var nc *NotConvergedError
		if !errors.As(err, &nc) {
			t.Fatalf("stall %d: error %v, want NotConvergedError", stall, err)
		}
		res := make([]float64, m.n)
		if want := m.residual(res, b, x) / math.Sqrt(dot(b, b)); nc.Residual != want {
			t.Errorf("stall %d: reported residual %g, true %g", stall, nc.Residual, want)
		}
		switch {
		case stall == 0 && (nc.Stalled || nc.Iter != 40):
			t.Errorf("no stall limit: stopped after %d iterations (stalled %v), want 40", nc.Iter, nc.Stalled)
		case stall > 0 && (!nc.Stalled || nc.Iter != stall || !strings.Contains(err.Error(), "stalled after 6 iterations")):
			t.Errorf("stall %d: stopped after %d iterations (stalled %v): %v", stall, nc.Iter, nc.Stalled, err)
		}
	}
	// Converging: multigrid on the same matrix.
	var xs [2][]float64
	var iters [2]int
	for k, stall := range []int{0, 2} {
		s, err := stencilBiCGSTAB(m, Settings{Method: Multigrid, Stall: stall}, nil)
		if err != nil {
			t.Fatal(err)
		}
		xs[k] = make([]float64, m.n)
		if err := s.Solve(xs[k], b); err != nil {
			t.Fatalf("stall %d: %v", stall, err)
		}
		iters[k] = s.Iterations()
	}
	if iters[0] != iters[1] || !slices.Equal(xs[0], xs[1]) {
		t.Errorf("converging solve changed by Stall: %d vs %d iterations", iters[0], iters[1])
	}
}

func TestBiCGSTABEdgeCases(t *testing.T) {
	m := implicitStep(gridOpts{nx: 12, ny: 9, dt: 3})
	n, _ := m.Dims()
	s, err := New(m, Settings{Method: BiCGSTAB})
	if err != nil {
		t.Fatal(err)
	}
	// Zero right-hand side gives exactly zero whatever the guess.
	x := randVec(n, 3)
	if err := s.Solve(x, make([]float64, n)); err != nil {
		t.Fatal(err)
	}
	for _, v := range x {
		if v != 0 {
			t.Fatalf("zero rhs: x has %v", v)
		}
	}
	// A non-finite initial guess is discarded.
	b := randVec(n, 4)
	for i := range x {
		x[i] = math.NaN()
	}
	if err := s.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	if res := relResidual(m, x, b); res > 1e-10 {
		t.Errorf("residual %.3g", res)
	}
	// Starting from the solution converges at once.
	bc := s.(*bicgstab)
	if err := s.Solve(x, b); err != nil || bc.iters != 0 {
		t.Errorf("warm start: err %v, %d iterations", err, bc.iters)
	}
}

func TestILU0MissingDiagonal(t *testing.T) {
	// Row 1 has no stored diagonal; ILU(0) inserts and perturbs it.
	m := csrFromRows(3, [][]entry{
		{{0, 4}, {1, 1}},
		{{0, 1}, {2, 1}},
		{{1, 1}, {2, 4}},
	})
	s, err := New(m, Settings{Method: BiCGSTAB})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Name(), "1 diagonals missing") {
		t.Errorf("name %q", s.Name())
	}
	b := []float64{1, 2, 3}
	x := make([]float64, 3)
	if err := s.Solve(x, b); err != nil {
		t.Fatal(err)
	}
	if res := relResidual(m, x, b); res > 1e-10 {
		t.Errorf("residual %.3g", res)
	}
}

func TestSolveArgs(t *testing.T) {
	m := tridiag(5, false, 1)
	for _, meth := range []Method{Thomas, BandLU, BiCGSTAB} {
		s, err := New(m, Settings{Method: meth})
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, 10)
		if err := s.Solve(v[:5], v[2:7]); err == nil {
			t.Errorf("%v: overlapping x and b accepted", meth)
		}
		if err := s.Solve(make([]float64, 4), make([]float64, 5)); err == nil {
			t.Errorf("%v: short x accepted", meth)
		}
	}
	if _, err := New(sparse.NewCSR(2, 3, []int{0, 0, 0}, nil, nil), Settings{}); err == nil {
		t.Error("non-square matrix accepted")
	}
}

func TestMulVecTranspose(t *testing.T) {
	// Unsorted columns and a duplicate in row 1.
	m := sparse.NewCSR(3, 4,
		[]int{0, 2, 5, 6},
		[]int{3, 0, 2, 1, 2, 0},
		[]float64{1, 2, 3, 4, 5, 6})
	d := dense(m)
	x := []float64{1, -2, 0.5, 3}
	y := make([]float64, 3)
	for i := range y {
		y[i] = math.NaN() // must be overwritten
	}
	MulVec(y, m, x)
	for i := range y {
		var want float64
		for j := range x {
			want += d.At(i, j) * x[j]
		}
		if y[i] != want {
			t.Errorf("MulVec row %d = %v, want %v", i, y[i], want)
		}
	}
	mt := Transpose(m)
	if r, c := mt.Dims(); r != 4 || c != 3 {
		t.Fatalf("Transpose dims %d×%d", r, c)
	}
	dt := dense(mt)
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			if d.At(i, j) != dt.At(j, i) {
				t.Errorf("Transpose (%d,%d): %v vs %v", j, i, dt.At(j, i), d.At(i, j))
			}
		}
	}
	raw := mt.RawMatrix()
	for i := 0; i < 4; i++ {
		if !slices.IsSorted(raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]]) {
			t.Errorf("Transpose row %d not sorted", i)
		}
	}
	// Larger case against the dense product.
	g := implicitStep(gridOpts{nx: 17, ny: 13, nine: true, periodicX: true, dt: 1})
	n, _ := g.Dims()
	xv := randVec(n, 1)
	got := make([]float64, n)
	MulVec(got, Transpose(g), xv)
	gd := dense(g)
	for j := 0; j < n; j++ {
		var want float64
		for i := 0; i < n; i++ {
			want += gd.At(i, j) * xv[i]
		}
		if !(math.Abs(got[j]-want) <= 1e-14*(1+math.Abs(want))) {
			t.Fatalf("Mᵀx[%d] = %v, want %v", j, got[j], want)
		}
	}
}

func TestMethodStrings(t *testing.T) {
	for _, m := range []Method{Auto, Thomas, BandLU, BiCGSTAB} {
		got, err := ParseMethod(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m.String(), got, err)
		}
	}
	for s, want := range map[string]Method{" Direct ": BandLU, "band-lu": BandLU, "BiCGSTAB": BiCGSTAB, "thomas": Thomas} {
		if got, err := ParseMethod(s); err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseMethod("gmres"); err == nil {
		t.Error("ParseMethod accepted gmres")
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      *sparse.CSR
		s      Settings
		want   Method
		reason string
	}{
		{"tridiagonal", tridiag(100, false, 1), Settings{}, Thomas, "thomas: n=100, tridiagonal"},
		{"cyclic", tridiag(100, true, 1), Settings{}, Thomas, "cyclic tridiagonal"},
		{"non-dominant tridiagonal", zeroDiagBand(3), Settings{}, BandLU, "band LU: n=3"},
		{"2-D", implicitStep(gridOpts{nx: 200, ny: 200, dt: 1}), Settings{}, BandLU, "band LU: n=40000, kl=ku=200, 193 MB"},
		{"2-D capped", implicitStep(gridOpts{nx: 200, ny: 200, dt: 1}), Settings{MaxBandBytes: 1 << 20}, BiCGSTAB, "storage"},
		{"periodic-y", implicitStep(gridOpts{nx: 100, ny: 100, periodicY: true, dt: 1}), Settings{}, BiCGSTAB, "ilu0-bicgstab"},
		{"forced", tridiag(10, false, 1), Settings{Method: BiCGSTAB}, BiCGSTAB, "requested"},
	} {
		got, reason := Choose(tc.m, tc.s)
		t.Logf("%s: %v: %s", tc.name, got, reason)
		if got != tc.want || !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: Choose = %v, %q; want %v containing %q", tc.name, got, reason, tc.want, tc.reason)
		}
	}
}

// mfptSystem returns the mean-first-passage-time system Lᵀτ = −1 on the
// non-target cells of an nx×ny grid (target: the column i = 0), where the
// process drifts away from the target with rate ratio (1+v)/1 per cell.
// The exact τ grows like ((1+v))^nx, so the matrix is extremely
// ill-conditioned (cond₂ ≈ 4e13 for the test parameters).
func mfptSystem(nx, ny int, v float64) (*sparse.CSR, []float64) {
	idx := func(i, j int) int { return (i - 1) + (nx-1)*j }
	n := (nx - 1) * ny
	rows := make([][]entry, n)
	for j := 0; j < ny; j++ {
		for i := 1; i < nx; i++ {
			p := idx(i, j)
			for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				qi, qj := i+d[0], j+d[1]
				if qi >= nx || qj < 0 || qj >= ny {
					continue
				}
				rate := 1.0
				if d[0] == 1 {
					rate += v
				}
				rows[p] = append(rows[p], entry{p, -rate})
				if qi > 0 {
					rows[p] = append(rows[p], entry{idx(qi, qj), rate})
				}
			}
		}
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = -1
	}
	return csrFromRows(n, rows), b
}

// mfptExact returns the exact mean first passage time of the system of
// mfptSystem, which does not depend on the row j: for the birth–death chain
// with up-rate a = 1+v, down-rate 1 and cells 1…N, τᵢ − τᵢ₋₁ = Σ_{m=i}^{N}
// a^{m−i}. All terms are positive, so float64 evaluation is accurate to a
// few ulps.
func mfptExact(nx int, v float64) []float64 {
	a := 1 + v
	N := nx - 1
	tau := make([]float64, nx)
	for i := 1; i <= N; i++ {
		var inc, pw float64 = 0, 1
		for m := i; m <= N; m++ {
			inc += pw
			pw *= a
		}
		tau[i] = tau[i-1] + inc
	}
	return tau
}

func TestMFPTIllConditioned(t *testing.T) {
	// v = 1.5 makes every rate sum exact in binary, so the stored matrix
	// is exactly the chain of mfptExact. (With v = 1.4 the rounding of the
	// diagonal −(2.4+1+1+1), a relative 1e-16 perturbation, already moves
	// τ by 6e-5 relative: the problem is that sensitive.)
	const nx, ny, v = 31, 6, 1.5
	m, b := mfptSystem(nx, ny, v)
	n, _ := m.Dims()
	tau := mfptExact(nx, v)
	exact := make([]float64, n)
	for j := 0; j < ny; j++ {
		for i := 1; i < nx; i++ {
			exact[(i-1)+(nx-1)*j] = tau[i]
		}
	}
	t.Logf("max τ %.3g", slices.Max(exact))
	t.Logf("dense LU (no refinement): error %.2g", relDiff(denseSolve(t, m, b), exact))
	for _, tc := range []struct {
		s   Settings
		tol float64
	}{
		// Without refinement the forward error is about cond·ε ≈ 1e-4.
		{Settings{Method: BandLU, NoRefine: true}, 1e-2},
		// Refinement with a double-double residual recovers nearly
		// full accuracy because cond·ε ≈ 4e-3 < 1.
		{Settings{}, 1e-12},
	} {
		s, err := New(m, tc.s)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, n)
		if err := s.Solve(x, b); err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		d := relDiff(x, exact)
		t.Logf("%s (NoRefine=%v): residual %.2g, error vs exact %.2g", s.Name(), tc.s.NoRefine, relResidual(m, x, b), d)
		if d > tc.tol {
			t.Errorf("%s (NoRefine=%v): error %.3g > %.3g", s.Name(), tc.s.NoRefine, d, tc.tol)
		}
	}
	// BiCGSTAB either converges to the tolerance or says it did not.
	bs, err := New(m, Settings{Method: BiCGSTAB})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, n)
	err = bs.Solve(x, b)
	var nc *NotConvergedError
	switch {
	case err == nil:
		if res := relResidual(m, x, b); res > 1e-10 {
			t.Errorf("bicgstab claimed convergence with residual %.3g", res)
		}
		t.Logf("bicgstab converged: error vs exact %.2g", relDiff(x, exact))
	case errors.As(err, &nc):
		t.Logf("bicgstab: %v", err)
	default:
		t.Errorf("bicgstab: unexpected error %v", err)
	}
}
