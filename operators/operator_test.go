package operators

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
)

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// columnSums returns the column sums of A and max |A_ij|.
func columnSums(op *Operator) ([]float64, float64) {
	raw := op.A.RawMatrix()
	s := make([]float64, op.Grid.Len())
	for i := 0; i < op.Grid.Len(); i++ {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			s[raw.Ind[j]] += raw.Data[j]
		}
	}
	return s, maxAbs(raw.Data)
}

func sgd(l testloss.Loss, psd PSD) SGD {
	return SGD{Loss: l, Scale: 0.05, PSD: psd, Eps: 0.05, Floor: 1e-3}
}

func TestColumnSumsConserveMass(t *testing.T) {
	R, P := grid.Reflecting, grid.Periodic
	full, _ := NewMatrix([][]float64{{0.05, 0.02}, {0.02, 0.03}})
	cases := []struct {
		name string
		p    Problem
	}{
		{"1d white", Problem{Grid: mustGrid(axis(-2.5, 2.5, 50, R, R)), Loss: testloss.DoubleWell(0.1), Diffusion: White{1, 0.1}}},
		{"1d sgd", Problem{Grid: mustGrid(axis(-2.5, 2.5, 50, R, R)), Loss: testloss.DoubleWell(0.1), Diffusion: sgd(testloss.DoubleWell(0.1), SoftAbs)}},
		{"1d periodic", Problem{Grid: mustGrid(axis(-2, 2, 40, P, P)), Loss: testloss.DoubleWell(0), Diffusion: White{1, 0.3}}},
		{"2d full D", Problem{Grid: mustGrid(axis(-2, 2, 20, R, R), axis(-2, 2, 16, R, R)), Loss: testloss.Quadratic([]float64{2, 0.6, 0.6, 1}), Diffusion: full}},
		{"2d full D divergence", Problem{Grid: mustGrid(axis(-2, 2, 20, R, R), axis(-2, 2, 16, R, R)), Loss: testloss.Quadratic([]float64{2, 0.6, 0.6, 1}), Diffusion: full, Convention: Divergence}},
		{"2d sgd periodic y", Problem{Grid: mustGrid(axis(-2, 2, 18, R, R), axis(-2, 2, 14, P, P)), Loss: testloss.Wells2(), Diffusion: sgd(testloss.Wells2(), Abs)}},
		{"3d sgd", Problem{Grid: mustGrid(axis(-2, 2, 8, R, R), axis(-2, 2, 7, R, R), axis(-2, 2, 6, R, R)), Loss: testloss.Bowl3(), Diffusion: sgd(testloss.Bowl3(), Clip)}},
		{"3d sgd divergence", Problem{Grid: mustGrid(axis(-2, 2, 8, R, R), axis(-2, 2, 7, P, P), axis(-2, 2, 6, R, R)), Loss: testloss.Bowl3(), Diffusion: sgd(testloss.Bowl3(), SoftAbs), Convention: Divergence}},
	}
	for _, tc := range cases {
		op, err := Assemble(tc.p)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		s, scale := columnSums(op)
		// Each column sum adds O(10) terms of size ≤ scale: a few ulps of scale.
		if e := maxAbs(s); e > 1e-13*scale {
			t.Errorf("%s: max |column sum| = %g, scale %g", tc.name, e, scale)
		}
	}
}

// TestBoltzmannNullVector checks that for white noise the sampled Boltzmann
// density e^{−L/T} is an exact null vector of A (to rounding), with and
// without the divergence convention.
func TestBoltzmannNullVector(t *testing.T) {
	R := grid.Reflecting
	cases := []Problem{
		{Grid: mustGrid(axis(-2.5, 2.5, 400, R, R)), Loss: testloss.DoubleWell(0.1), Diffusion: White{1, 0.05}},
		{Grid: mustGrid(axis(-2, 2, 40, R, R), axis(-1.5, 1.5, 30, R, R)), Loss: testloss.Wells2(), Diffusion: White{2, 0.2}, Convention: Divergence},
	}
	for i, p := range cases {
		op, err := Assemble(p)
		if err != nil {
			t.Fatal(err)
		}
		T := p.Diffusion.(White).T
		P := make([]float64, p.Grid.Len())
		p.Grid.Sample(P, func(x []float64) float64 { return math.Exp(-p.Loss.Value(x) / T) })
		r := make([]float64, len(P))
		op.Apply(r, P)
		_, scale := columnSums(op)
		if e := maxAbs(r) / (scale * maxAbs(P)); e > 1e-13 {
			t.Errorf("case %d: |A·P_B|/(|A||P_B|) = %g", i, e)
		}
	}
}

// TestItoStationaryNullVector checks that for position-dependent D in 1-D the
// null vector is e^{−Φ}/D with Φ the scheme's own quasi-potential sum.
func TestItoStationaryNullVector(t *testing.T) {
	g := mustGrid(axis(-2.5, 2.5, 300, grid.Reflecting, grid.Reflecting))
	l := testloss.DoubleWell(0.1)
	op, err := Assemble(Problem{Grid: g, Loss: l, Diffusion: sgd(l, SoftAbs)})
	if err != nil {
		t.Fatal(err)
	}
	// Zero flux on every face means P_up/P_c = alpha/beta.
	P := make([]float64, g.Len())
	P[0] = 1
	for c := 0; c+1 < g.Len(); c++ {
		P[c+1] = P[c] * op.alpha[0][c] / op.beta[0][c]
	}
	r := make([]float64, len(P))
	op.Apply(r, P)
	_, scale := columnSums(op)
	if e := maxAbs(r) / (scale * maxAbs(P)); e > 1e-13 {
		t.Errorf("|A·P|/(|A||P|) = %g", e)
	}
	for c := range P {
		if !(P[c] > 0) {
			t.Fatalf("P[%d] = %g", c, P[c])
		}
	}
}

// TestCurrentMatchesGenerator checks that the face fluxes reproduce A·p:
// (A·p)_c = −Σₖ (J_high − J_low)/hₖ for every cell, including absorbing walls.
func TestCurrentMatchesGenerator(t *testing.T) {
	R, A, P := grid.Reflecting, grid.Absorbing, grid.Periodic
	full, _ := NewMatrix([][]float64{{0.1, 0.03}, {0.03, 0.05}})
	cases := []Problem{
		{Grid: mustGrid(axis(-2.5, 2.5, 60, R, A)), Loss: testloss.DoubleWell(0.1), Diffusion: sgd(testloss.DoubleWell(0.1), SoftAbs)},
		{Grid: mustGrid(axis(-2, 2, 15, A, R), axis(-2, 2, 12, P, P)), Loss: testloss.Quadratic([]float64{2, 0.6, 0.6, 1}), Diffusion: full},
		{Grid: mustGrid(axis(-2, 2, 9, A, A), axis(-2, 2, 8, R, R), axis(-2, 2, 7, R, A)), Loss: testloss.Bowl3(), Diffusion: sgd(testloss.Bowl3(), Abs), Convention: Divergence},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, p := range cases {
		op, err := Assemble(p)
		if err != nil {
			t.Fatal(err)
		}
		g := p.Grid
		pv := make([]float64, g.Len())
		for c := range pv {
			pv[c] = rng.Float64()
		}
		ap := make([]float64, g.Len())
		op.Apply(ap, pv)
		cur := op.Current(pv)
		worst := 0.0
		for c := range pv {
			s := 0.0
			for k := 0; k < g.Dim(); k++ {
				low := cur.Low[k][c]
				if dn, ok := g.Neighbor(c, k, -1); ok {
					low = cur.High[k][dn]
				}
				s -= (cur.High[k][c] - low) / g.H(k)
			}
			worst = math.Max(worst, math.Abs(s-ap[c]))
		}
		_, scale := columnSums(op)
		if worst > 1e-13*scale {
			t.Errorf("case %d: max |div J − A·p| = %g (scale %g)", i, worst, scale)
		}
		// The outflow through absorbing walls equals the loss of mass.
		if out, loss := op.Outflow(pv), -g.Mass(ap); !(math.Abs(out-loss) <= 1e-12*scale*g.Mass(pv)) {
			t.Errorf("case %d: outflow %g, mass loss %g", i, out, loss)
		}
	}
}

// TestMarkovGenerator checks that diagonal D gives non-negative
// off-diagonal entries (an M-matrix), the property behind positivity.
func TestMarkovGenerator(t *testing.T) {
	R := grid.Reflecting
	l := testloss.Wells2()
	diag := l.Diagonal()
	op, err := Assemble(Problem{Grid: mustGrid(axis(-2, 2, 30, R, R), axis(-2, 2, 30, R, R)), Loss: l, Diffusion: sgd(diag, Abs)})
	if err != nil {
		t.Fatal(err)
	}
	raw := op.A.RawMatrix()
	for i := 0; i < op.Grid.Len(); i++ {
		for j := raw.Indptr[i]; j < raw.Indptr[i+1]; j++ {
			if raw.Ind[j] != i && raw.Data[j] < 0 {
				t.Fatalf("A[%d][%d] = %g < 0", i, raw.Ind[j], raw.Data[j])
			}
		}
	}
}

// bernoulliRef returns z/(eᶻ − 1) in 256-bit arithmetic (eᶻ − 1 by its
// Taylor series), for |z| ≤ 1.
func bernoulliRef(z float64) float64 {
	if z == 0 {
		return 1
	}
	const prec = 256
	x := new(big.Float).SetPrec(prec).SetFloat64(z)
	term := new(big.Float).SetPrec(prec).Set(x)
	sum := new(big.Float).SetPrec(prec)
	for k := 2; k < 80; k++ {
		sum.Add(sum, term)
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
	}
	r, _ := new(big.Float).SetPrec(prec).Quo(x, sum).Float64()
	return r
}

// TestBernoulliSeries: the Taylor branch (|z| < 0.25) and the Expm1 branch
// next to it are within 2 ulps of B(z) computed in 256-bit arithmetic.
func TestBernoulliSeries(t *testing.T) {
	for _, z := range []float64{1e-12, 1e-4, 0.01, 0.1, 0.2, 0.2499, 0.25, 0.3, 0.6, 1} {
		for _, s := range []float64{z, -z} {
			want := bernoulliRef(s)
			if got := Bernoulli(s); !(math.Abs(got-want) <= 2*0x1p-52*want) {
				t.Errorf("B(%g) = %.17g, want %.17g (%.2g ulps)", s, got, want, math.Abs(got-want)/(0x1p-52*want))
			}
		}
	}
}

func TestBernoulli(t *testing.T) {
	for _, z := range []float64{-800, -50, -1, -1e-3, -1e-4, 0, 1e-8, 1e-3, 0.5, 1, 30, 699, 701, 2000} {
		got := Bernoulli(z)
		var want float64
		switch {
		case z == 0:
			want = 1
		case z > 700:
			want = z * math.Exp(-z)
		default:
			want = z / math.Expm1(z)
		}
		if !(math.Abs(got-want) <= 1e-15*math.Max(1, math.Abs(want))) && !(want == 0 && got == 0) {
			t.Errorf("B(%g) = %.17g, want %.17g", z, got, want)
		}
		// B(−z) − B(z) = z exactly.
		if d := Bernoulli(-z) - Bernoulli(z); !(math.Abs(d-z) <= 1e-14*math.Max(1, math.Abs(z))) {
			t.Errorf("B(−z) − B(z) = %g at z = %g", d, z)
		}
		// The pair agrees with two separate evaluations to a few ulps,
		// including the tiny side (B(50) ≈ 1e-20).
		bp, bm := BernoulliPair(z)
		for _, c := range [][2]float64{{bp, Bernoulli(z)}, {bm, Bernoulli(-z)}} {
			if !(math.Abs(c[0]-c[1]) <= 4e-16*math.Abs(c[1])) {
				t.Errorf("BernoulliPair(%g) gives %.17g, want %.17g", z, c[0], c[1])
			}
		}
	}
}

func TestPSDPositive(t *testing.T) {
	h := []float64{1, 2, 0.5, 2, -3, 0.1, 0.5, 0.1, 0.002}
	for _, psd := range []PSD{Abs, SoftAbs, Clip} {
		dst := make([]float64, 9)
		psd.Positive(dst, 3, h, 0.05)
		// f(H) commutes with H.
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				var a, b float64
				for k := 0; k < 3; k++ {
					a += dst[i*3+k] * h[k*3+j]
					b += h[i*3+k] * dst[k*3+j]
				}
				if !(math.Abs(a-b) <= 1e-12) {
					t.Errorf("%v: f(H)·H ≠ H·f(H) at %d,%d: %g vs %g", psd, i, j, a, b)
				}
			}
		}
		lam, v := make([]float64, 3), make([]float64, 9)
		eigSym(3, dst, lam, v)
		for _, l := range lam {
			if l < 0.05-1e-12 {
				t.Errorf("%v: eigenvalue %g below ε", psd, l)
			}
		}
	}
	// In 2-D, |H| of [[a,b],[b,c]] with eigenvalues of both signs.
	dst := make([]float64, 4)
	Abs.Positive(dst, 2, []float64{0, 1, 1, 0}, 0)
	if !(math.Abs(dst[0]-1) <= 1e-15) || !(math.Abs(dst[1]) <= 1e-15) {
		t.Errorf("|[[0,1],[1,0]]| = %v, want identity", dst)
	}
}
