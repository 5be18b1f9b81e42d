package operators

import "math"

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
	n, d := g.Len(), op.d
	if op.cross != nil || op.Sink != nil {
		return nil, false
	}
	for k := 0; k < d; k++ {
		if op.outLow[k] != nil || op.outHigh[k] != nil {
			return nil, false
		}
	}
	// log P along the tree: cell c is reached from c − eₖ for the lowest
	// axis k on which its index is not 0 (natural order visits it first).
	logp := make([]float64, n)
	idx := make([]int, d)
	for c := 1; c < n; c++ {
		g.Coords(c, idx)
		k := 0
		for idx[k] == 0 {
			k++
		}
		dn := c - g.Stride(k)
		a, b := op.alpha[k][dn], op.beta[k][dn]
		if !(a > 0) || !(b > 0) {
			return nil, false
		}
		logp[c] = logp[dn] + math.Log(a) - math.Log(b)
	}
	// Check every face (periodic ones included) against the ratio.
	for c := 0; c < n; c++ {
		for k := 0; k < d; k++ {
			up, ok := g.Neighbor(c, k, +1)
			if !ok {
				continue
			}
			a, b := op.alpha[k][c], op.beta[k][c]
			if !(a > 0) || !(b > 0) {
				return nil, false
			}
			if math.Abs(logp[up]-logp[c]-(math.Log(a)-math.Log(b))) > 1e-12*(1+math.Abs(logp[up]-logp[c])) {
				return nil, false
			}
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
