// Package linefit is the least-squares straight line shared by the
// survival-curve fits of packages escape and sde.
package linefit

// Line returns the least-squares slope and intercept of y against x
// (centred sums). ok is false for fewer than two points or a single
// distinct abscissa.
func Line(x, y []float64) (slope, intercept float64, ok bool) {
	n := float64(len(x))
	if len(x) < 2 || len(y) != len(x) {
		return 0, 0, false
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range x {
		sxx += (x[i] - mx) * (x[i] - mx)
		sxy += (x[i] - mx) * (y[i] - my)
	}
	if !(sxx > 0) {
		return 0, 0, false
	}
	slope = sxy / sxx
	return slope, my - slope*mx, true
}
