package landscape

// doubleWell is L = x⁴/4 − x²/2 + tilt·x.
type doubleWell struct {
	tilt float64
}

// newDoubleWell returns the double-well built-in.
func newDoubleWell(_ int, p params) (Landscape, error) {
	tilt, err := p.float("tilt", 0)
	if err != nil {
		return nil, err
	}
	return doubleWell{tilt: tilt}, nil
}

// Dim returns 1.
func (doubleWell) Dim() int { return 1 }

// Value returns L(x).
func (w doubleWell) Value(x []float64) float64 { return w.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores L′(x) = x³ − x + tilt in grad and
// L″(x) = 3x² − 1 in hess when they are non-nil.
func (w doubleWell) Derivatives(x, grad, hess []float64) float64 {
	checkLengths(1, x, grad, hess)
	u := x[0]
	u2 := u * u
	if grad != nil {
		grad[0] = u*(u2-1) + w.tilt
	}
	if hess != nil {
		hess[0] = 3*u2 - 1
	}
	return u2*u2/4 - u2/2 + w.tilt*u
}

// String returns the name and parameters, such as "double-well(tilt=0.1)".
func (w doubleWell) String() string {
	return "double-well(tilt=" + formatFloat(w.tilt) + ")"
}
