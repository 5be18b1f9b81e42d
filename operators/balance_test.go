package operators

import (
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
)

// TestDetailedBalance: white noise in 2-D and SGD noise in 1-D are
// reversible (the density is e^{−L/T} resp. the recursion's, an exact null
// vector of A); anisotropic diagonal D and cross diffusion are not.
func TestDetailedBalance(t *testing.T) {
	R := grid.Reflecting
	white, err := Assemble(Problem{Grid: mustGrid(axis(-2, 2, 40, R, R), axis(-1.5, 1.5, 30, R, R)), Loss: testloss.Wells2(), Diffusion: White{2, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := white.DetailedBalance()
	if !ok {
		t.Fatal("white noise not recognized as reversible")
	}
	r := make([]float64, len(p))
	white.Apply(r, p)
	_, scale := columnSums(white)
	if e := maxAbs(r) / (scale * maxAbs(p)); !(e <= 1e-13) {
		t.Errorf("|A·P|/(|A||P|) = %g", e)
	}
	x := make([]float64, 2)
	for c := range p {
		white.Grid.Center(c, x)
		// P ∝ e^{−L/T} at the centres.
		if want := math.Exp(-testloss.Wells2().F(x)/0.2) * p[0] / math.Exp(-testloss.Wells2().F([]float64{-2 + 0.05, -1.5 + 0.05})/0.2); !(math.Abs(p[c]/want-1) <= 1e-10) {
			t.Fatalf("P[%d] = %g, Boltzmann %g", c, p[c], want)
		}
	}
	l := testloss.DoubleWell(0.1)
	oned, _ := Assemble(Problem{Grid: mustGrid(axis(-2.5, 2.5, 300, R, R)), Loss: l, Diffusion: sgd(l, SoftAbs)})
	if _, ok := oned.DetailedBalance(); !ok {
		t.Error("1-D SGD noise not recognized as reversible")
	}
	aniso, _ := NewMatrix([][]float64{{0.1, 0}, {0, 0.3}})
	a, _ := Assemble(Problem{Grid: mustGrid(axis(-2, 2, 20, R, R), axis(-2, 2, 20, R, R)), Loss: testloss.Wells2(), Diffusion: aniso})
	if _, ok := a.DetailedBalance(); ok {
		t.Error("anisotropic D on a non-separable loss taken as reversible")
	}
	// A periodic seam through a non-periodic loss breaks the balance.
	seam, _ := Assemble(Problem{Grid: mustGrid(axis(-2, 2, 20, R, R), axis(-1.5, 1.5, 20, grid.Periodic, grid.Periodic)), Loss: testloss.Wells2(), Diffusion: White{2, 0.2}})
	if _, ok := seam.DetailedBalance(); ok {
		t.Error("periodic seam taken as reversible")
	}
	// The same on axis 0, in 1-D: the tilted well is not periodic.
	ring, _ := Assemble(Problem{Grid: mustGrid(axis(-2.5, 2.5, 50, grid.Periodic, grid.Periodic)), Loss: l, Diffusion: White{1, 0.2}})
	if _, ok := ring.DetailedBalance(); ok {
		t.Error("1-D periodic seam taken as reversible")
	}
	full, _ := NewMatrix([][]float64{{0.1, 0.03}, {0.03, 0.05}})
	f, _ := Assemble(Problem{Grid: mustGrid(axis(-2, 2, 20, R, R), axis(-2, 2, 20, R, R)), Loss: testloss.Wells2(), Diffusion: full})
	if _, ok := f.DetailedBalance(); ok {
		t.Error("cross diffusion taken as reversible")
	}
}

// TestAssemble1DRows: the 1-D rows (written directly, without the general
// face stencils) hold α_{c−1}/h, −(α_c + β_{c−1})/h and β_c/h, bit for bit,
// and the columns of a closed problem sum to zero.
func TestAssemble1DRows(t *testing.T) {
	R := grid.Reflecting
	l := testloss.DoubleWell(0.1)
	op, err := Assemble(Problem{Grid: mustGrid(axis(-2.5, 2.5, 300, R, R)), Loss: l, Diffusion: sgd(l, SoftAbs)})
	if err != nil {
		t.Fatal(err)
	}
	inv := 1 / op.Grid.H(0)
	a, b := op.alpha[0], op.beta[0]
	for c := 1; c < 299; c++ {
		want := map[int]float64{c - 1: a[c-1] * inv, c: -a[c]*inv + -b[c-1]*inv, c + 1: b[c] * inv}
		for j, v := range want {
			if got := op.A.At(c, j); got != v {
				t.Fatalf("A[%d][%d] = %.17g, want %.17g", c, j, got, v)
			}
		}
	}
	sums, scale := columnSums(op)
	if e := maxAbs(sums) / scale; e > 1e-14 {
		t.Errorf("column sums up to %g of the scale", e)
	}
}

// TestChainBalance: in 1-D the product chain equals the logarithmic tree
// to rounding, and hands over to it when the products would leave the
// floating-point range (a barrier of 0.25 at T = 2e-4: e^{1250}).
func TestChainBalance(t *testing.T) {
	R := grid.Reflecting
	l := testloss.DoubleWell(0.1)
	for _, temp := range []float64{0.2, 0.02} {
		op, err := Assemble(Problem{Grid: mustGrid(axis(-2.5, 2.5, 2000, R, R)), Loss: l, Diffusion: White{1, temp}})
		if err != nil {
			t.Fatal(err)
		}
		chain, ok := op.chain1D()
		if !ok {
			t.Fatalf("T = %g: chain refused", temp)
		}
		tree, ok := op.treeBalance()
		if !ok {
			t.Fatalf("T = %g: tree refused", temp)
		}
		for c := range chain {
			if d := math.Abs(chain[c] - tree[c]); d > 1e-11*tree[c]+1e-300 {
				t.Fatalf("T = %g, cell %d: chain %g, tree %g", temp, c, chain[c], tree[c])
			}
		}
	}
	op, err := Assemble(Problem{Grid: mustGrid(axis(-2.5, 2.5, 2000, R, R)), Loss: l, Diffusion: White{1, 2e-4}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := op.chain1D(); ok {
		t.Error("chain accepted a density spanning e^{±1250}")
	}
	p, ok := op.DetailedBalance()
	if !ok || !(op.Grid.Mass(p) > 0.999999) {
		t.Error("extreme barrier: no stationary density from the logarithmic tree")
	}
}
