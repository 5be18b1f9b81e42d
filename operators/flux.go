package operators

import "math"

// Current is the probability current on the faces of a grid, in the scheme's
// own face fluxes (the fluxes A is built from), per unit face area.
type Current struct {
	// High[k][c] is the flux in the +k direction through the high face of
	// cell c. For the last cell of a periodic axis it is the face shared with
	// the first cell; at a reflecting wall it is zero; at an absorbing wall it
	// is the outflow.
	High [][]float64
	// Low[k][c] is the flux in the +k direction through the low wall face of
	// a cell in the first layer of a non-periodic axis (≤ 0 at an absorbing
	// wall, zero elsewhere).
	Low [][]float64
}

// Current returns the probability current of the density p (len Len()).
// The rate of change of the mass in cell c is
// −Σₖ (High[k][c] − High[k][c−eₖ])·FaceArea(k), with Low at the walls.
func (op *Operator) Current(p []float64) *Current {
	g := op.Grid
	n := g.Len()
	cur := &Current{High: make([][]float64, op.d), Low: make([][]float64, op.d)}
	for k := 0; k < op.d; k++ {
		cur.High[k] = make([]float64, n)
		cur.Low[k] = make([]float64, n)
	}
	parallel(n, func(lo, hi int) {
		var buf []entry
		for c := lo; c < hi; c++ {
			for k := 0; k < op.d; k++ {
				if up, ok := g.Neighbor(c, k, +1); ok {
					buf = op.faceStencil(buf[:0], c, up, k)
					s := 0.0
					for _, e := range buf {
						s += e.w * p[e.cell]
					}
					cur.High[k][c] = s
				} else if op.outHigh[k] != nil {
					cur.High[k][c] = op.outHigh[k][c] * p[c]
				}
				if _, ok := g.Neighbor(c, k, -1); !ok && op.outLow[k] != nil {
					cur.Low[k][c] = -op.outLow[k][c] * p[c]
				}
			}
		}
	})
	return cur
}

// CurrentScale returns the largest one-sided flux α·P over all faces of
// the density p: the size the net current is a cancellation of. A net
// current below ~1e-9 of it is rounding (detailed balance holds there).
func (op *Operator) CurrentScale(p []float64) float64 {
	m := 0.0
	for k := 0; k < op.d; k++ {
		for c, v := range p {
			m = math.Max(m, math.Abs(op.alpha[k][c]*v))
		}
	}
	return m
}

// Outflow returns the rate at which probability leaves the live cells of
// the density p through absorbing walls and into sinks: −d/dt ∫P.
func (op *Operator) Outflow(p []float64) float64 {
	ap := make([]float64, len(p))
	op.Apply(ap, p)
	s := 0.0
	for c, v := range ap {
		if op.Sink == nil || !op.Sink[c] {
			s -= v
		}
	}
	return s * op.Grid.CellVolume()
}

// Apply stores A·p in dst (overwriting it).
func (op *Operator) Apply(dst, p []float64) {
	raw := op.A.RawMatrix()
	indptr, ind, data := raw.Indptr, raw.Ind, raw.Data
	for i := range dst {
		s := 0.0
		for j := indptr[i]; j < indptr[i+1]; j++ {
			s += data[j] * p[ind[j]]
		}
		dst[i] = s
	}
}
