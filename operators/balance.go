package operators

import (
	"math"

	"github.com/fpsolve/fpsolve/grid"
)

// DetailedBalance returns the stationary density of op and true when the
// discrete chain is reversible: when a density exists for which the
// two-point flux αP_c − βP_up vanishes on every face. It is then the exact
// null vector of A (each row of A·P is a sum of zero face fluxes), found in
// O(n) by carrying the ratios P_up/P_c = α/β across a spanning tree of the
// faces and checking every other face to 1e-12. For white noise (and any
// Itô model in 1-D) the chain is reversible and this is the sampled e^{−Φ}/D;
// for anisotropic or cross-diffusion fields it usually is not, and false
// is returned. The result is normalized to ∫P = 1; sinks and absorbing
// faces rule it out.
func (op *Operator) DetailedBalance() ([]float64, bool) {
	g := op.Grid
	d := op.d
	if op.cross != nil || op.Sink != nil {
		return nil, false
	}
	for k := 0; k < d; k++ {
		if op.outLow[k] != nil || op.outHigh[k] != nil {
			return nil, false
		}
	}
	if d == 1 && g.Axis(0).Low != grid.Periodic {
		if p, ok := op.chain1D(); ok {
			return p, true
		}
	}
	return op.treeBalance()
}

// treeBalance is DetailedBalance in logarithms along a spanning tree of the
// faces, with every other face checked against its ratio.
func (op *Operator) treeBalance() ([]float64, bool) {
	g := op.Grid
	n, d := g.Len(), op.d
	// log P along the tree: cell c is reached from c − eₖ for the lowest
	// axis k on which its index is not 0 (natural order visits it first).
	// The tree holds every face along axis 0 except periodic wraps; the
	// other faces are checked against the ratio below.
	logp := make([]float64, n)
	idx := make([]int, d)
	for c := 1; c < n; c++ {
		// idx: coordinates of c (incremented from those of c − 1).
		for k := 0; k < d; k++ {
			idx[k]++
			if idx[k] < g.N(k) {
				break
			}
			idx[k] = 0
		}
		k := 0
		for idx[k] == 0 {
			k++
		}
		dn := c - g.Stride(k)
		r, ok := logRatio(op.alpha[k][dn], op.beta[k][dn])
		if !ok {
			return nil, false
		}
		logp[c] = logp[dn] + r
	}
	// Check every face off the tree (periodic ones included); in 1-D
	// without a periodic axis there is none.
	first := 1
	if g.Axis(0).Low == grid.Periodic {
		first = 0
	}
	clear(idx)
	for c := 0; c < n && (d > 1 || first == 0); c++ {
		for k := first; k < d; k++ {
			up, ok := g.Neighbor(c, k, +1)
			if !ok {
				continue
			}
			onTree := up > c
			for j := 0; j < k && onTree; j++ {
				onTree = idx[j] == 0
			}
			if onTree {
				continue
			}
			r, ok := logRatio(op.alpha[k][c], op.beta[k][c])
			if !ok || math.Abs(logp[up]-logp[c]-r) > 1e-12*(1+math.Abs(logp[up]-logp[c])) {
				return nil, false
			}
		}
		for k := 0; k < d; k++ {
			idx[k]++
			if idx[k] < g.N(k) {
				break
			}
			idx[k] = 0
		}
	}
	mx := math.Inf(-1)
	for _, v := range logp {
		mx = math.Max(mx, v)
	}
	p := make([]float64, n)
	for c, v := range logp {
		p[c] = math.Exp(v - mx)
	}
	g.Normalize(p)
	return p, true
}

// logRatio returns log(a/b) for positive a and b (one logarithm unless the
// quotient over- or underflows), and false otherwise.
func logRatio(a, b float64) (float64, bool) {
	if !(a > 0) || !(b > 0) {
		return 0, false
	}
	if q := a / b; q > 0x1p-1000 && q < 0x1p1000 {
		return math.Log(q), true
	}
	return math.Log(a) - math.Log(b), true
}

// chain1D is DetailedBalance on a 1-D grid without a periodic axis, where
// the faces form a chain and every ratio P_{c+1}/P_c = α_c/β_c is used once:
// products instead of logarithms, as long as they stay far from overflow
// and underflow (false otherwise, or for a non-positive coupling).
func (op *Operator) chain1D() ([]float64, bool) {
	a, b := op.alpha[0], op.beta[0]
	n := op.Grid.Len()
	p := make([]float64, n)
	p[0] = 1
	mx := 1.0
	for c := 1; c < n; c++ {
		if !(a[c-1] > 0) || !(b[c-1] > 0) {
			return nil, false
		}
		v := p[c-1] * (a[c-1] / b[c-1])
		if !(v > 0x1p-900 && v < 0x1p900) {
			return nil, false
		}
		p[c] = v
		mx = max(mx, v)
	}
	for c := range p {
		p[c] /= mx
	}
	op.Grid.Normalize(p)
	return p, true
}
