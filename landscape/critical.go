package landscape

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Kind classifies a critical point by the signs of the eigenvalues of its
// Hessian.
type Kind int

const (
	// Minimum is a critical point whose Hessian is positive definite.
	Minimum Kind = iota
	// SaddlePoint is an index-1 critical point: its Hessian has exactly one
	// negative eigenvalue and no zero one. In one dimension the maxima of L
	// are index-1 points and hence saddles: they are the transition states
	// between neighbouring minima.
	SaddlePoint
	// Maximum is a critical point whose Hessian is negative definite, in
	// two or more dimensions.
	Maximum
	// Other is a saddle of index 2 ≤ k < d, or a degenerate critical point:
	// one whose Hessian has an eigenvalue |λ| < 10⁻¹⁰·maxᵢ|λᵢ|, or
	// |λ| < 10⁻¹⁰ times the median Frobenius norm of the Hessian over the
	// scan lattice of FindCritical (which catches points such as the
	// minimum of x⁴ + y⁴, where every eigenvalue vanishes).
	Other
)

// String returns "minimum", "saddle", "maximum" or "other".
func (k Kind) String() string {
	switch k {
	case Minimum:
		return "minimum"
	case SaddlePoint:
		return "saddle"
	case Maximum:
		return "maximum"
	case Other:
		return "other"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Point is a critical point x* of a landscape, where ∇L(x*) = 0.
type Point struct {
	// X is the position x*.
	X []float64
	// Loss is L(x*).
	Loss float64
	// Hessian is the d×d Hessian ∂ᵢ∂ⱼL(x*), row-major.
	Hessian []float64
	// Eigenvalues are the eigenvalues of the Hessian in ascending order.
	Eigenvalues []float64
	// Eigenvectors is the d×d row-major matrix whose column j is the unit
	// eigenvector of Eigenvalues[j]. Each column is signed so that its
	// component of largest magnitude (the first one, on ties) is positive.
	Eigenvectors []float64
	// Kind classifies the point.
	Kind Kind
}

// Saddle is an index-1 saddle together with the minima its unstable
// manifold descends to.
type Saddle struct {
	Point
	// Connects holds the indices into Critical.Minima of the minima reached
	// by steepest descent, dθ/dt = −∇L(θ), from X − δ·v (Connects[0]) and
	// X + δ·v (Connects[1]), where v is the unstable eigenvector (column 0
	// of Eigenvectors) and δ = 10⁻³ times the diagonal of the search box.
	// An entry is −1 when the path leaves the box or does not settle in a
	// listed minimum.
	Connects [2]int
}

// Critical holds the critical points of a landscape found in a box.
//
// Minima, Saddles and Others are each sorted by increasing loss and then by
// position in lexicographic order. Two losses count as equal when they
// differ by at most max(10⁻¹⁰·spread, 10⁻¹²·max(1, |L|)), where spread is
// the difference between the highest and the lowest critical loss, so that
// points related by a symmetry order by position despite rounding.
type Critical struct {
	// Minima are the local minima.
	Minima []Point
	// Saddles are the index-1 saddles.
	Saddles []Saddle
	// Others are the maxima, the saddles of higher index and the
	// degenerate critical points, sorted like Minima.
	Others []Point
}

// CriticalSettings tunes FindCritical. The zero value gives the defaults.
type CriticalSettings struct {
	// Scan is the number of lattice points per axis of the initial scan,
	// either empty or of length d, each at least 3. Empty means 200 points
	// in one dimension, 80 per axis in two and 24 per axis in three.
	Scan []int
	// Tol is the largest accepted gradient norm |∇L(x*)|. Zero means
	// 10⁻¹⁰·max(1, |L(x*)|). After acceptance the point is polished by
	// further Newton steps for as long as they reduce |∇L|, within the
	// budget of 100 iterations.
	Tol float64
}

// Barrier returns the barrier height L(saddle) − L(minimum) of the saddle
// c.Saddles[s] seen from the minimum c.Minima[m].
func (c *Critical) Barrier(s, m int) float64 {
	return c.Saddles[s].Loss - c.Minima[m].Loss
}

// LowestSaddle returns the index in c.Saddles of the lowest saddle connected
// to the minimum c.Minima[m], or −1 if no saddle is connected to it.
func (c *Critical) LowestSaddle(m int) int {
	best := -1
	for i, s := range c.Saddles {
		if s.Connects[0] != m && s.Connects[1] != m {
			continue
		}
		if best < 0 || s.Loss < c.Saddles[best].Loss {
			best = i
		}
	}
	return best
}

// Nearest returns the index in c.Minima of the minimum closest to x in the
// Euclidean norm, or −1 if there are no minima. On ties the lower index
// wins. Nearest panics if len(x) differs from the dimension of the minima.
func (c *Critical) Nearest(x []float64) int {
	best, bestD := -1, math.Inf(1)
	for i, m := range c.Minima {
		if len(m.X) != len(x) {
			panic(fmt.Sprintf("landscape: Nearest: len(x) = %d, want %d", len(x), len(m.X)))
		}
		if d := dist(x, m.X); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// Limits of the search.
const (
	newtonMaxIter   = 100
	defaultTolRel   = 1e-10
	degenerateRel   = 1e-10
	flatCurvRel     = 1e-10
	newtonRegRel    = 1e-14
	dedupRel        = 1e-6
	boxMarginRel    = 1e-8
	stepCapRel      = 0.1
	wanderRel       = 0.05
	descentDeltaRel = 1e-3
	descentMaxStep  = 20000
	maxScan         = 1 << 22
)

// FindCritical returns the critical points of l in the box
// [lo₀, hi₀] × … × [lo_{d−1}, hi_{d−1}].
//
// It evaluates ∇L on a lattice of s.Scan points per axis spanning the box
// and takes as seeds the lattice points where |∇L|² is not larger than at
// any of their up to 3ᵈ − 1 lattice neighbours (diagonal ones included),
// and, in one dimension, every interval of the lattice on which L′ changes
// sign. Each seed is refined by Newton's method on ∇L = 0 with the exact
// Hessian, which converges to saddles and maxima as well as minima: the
// Newton step is regularized in the Levenberg–Marquardt manner where the
// Hessian is singular, capped at a tenth of the box diagonal and halved
// until |∇L| decreases, for at most 100 iterations. In one dimension, a
// seed with a sign change is refined by Newton's method safeguarded by
// bisection inside its interval, which cannot miss the root. Roots outside
// the box (beyond a relative margin of 10⁻⁸) are dropped and roots closer
// than 10⁻⁶ box diagonals are merged.
//
// Each root is classified by the eigenvalues of its Hessian (see Kind).
// For every saddle the two branches of its unstable manifold are followed
// by integrating dθ/dt = −∇L(θ) with the adaptive Bogacki–Shampine
// Runge–Kutta method until the path enters the region around a minimum in
// which the Hessian is positive definite and Newton's method, descending
// in L, converges to that minimum.
//
// Critical points closer to each other than about one lattice spacing may
// share a seed, and one of them may then be missed; a finer Scan resolves
// them.
//
// FindCritical returns an error if l is nil, its dimension is not 1, 2 or
// 3, lo or hi does not have length d, loᵢ ≥ hiᵢ or a bound is not finite,
// or s is invalid (a Scan of the wrong length or with fewer than 3 points
// on an axis or more than 2²² points in all, or a negative or non-finite
// Tol). Finding no critical points is not an error.
func FindCritical(l Landscape, lo, hi []float64, s CriticalSettings) (*Critical, error) {
	if l == nil {
		return nil, errors.New("landscape: FindCritical: nil landscape")
	}
	d := l.Dim()
	if d < 1 || d > 3 {
		return nil, fmt.Errorf("landscape: FindCritical: dimension %d, want 1, 2 or 3", d)
	}
	if len(lo) != d || len(hi) != d {
		return nil, fmt.Errorf("landscape: FindCritical: box bounds have lengths %d and %d, want %d", len(lo), len(hi), d)
	}
	for i := range d {
		if math.IsNaN(lo[i]) || math.IsNaN(hi[i]) || math.IsInf(lo[i], 0) || math.IsInf(hi[i], 0) || !(lo[i] < hi[i]) {
			return nil, fmt.Errorf("landscape: FindCritical: axis %d interval [%g, %g] must be finite with lo < hi", i, lo[i], hi[i])
		}
	}
	scan := s.Scan
	switch {
	case len(scan) == 0:
		n := [...]int{200, 80, 24}[d-1]
		scan = make([]int, d)
		for i := range scan {
			scan[i] = n
		}
	case len(scan) != d:
		return nil, fmt.Errorf("landscape: FindCritical: Scan has length %d, want 0 or %d", len(scan), d)
	}
	total := 1
	for i, n := range scan {
		if n < 3 {
			return nil, fmt.Errorf("landscape: FindCritical: Scan[%d] = %d, want at least 3", i, n)
		}
		if total > maxScan/n {
			return nil, errors.New("landscape: FindCritical: scan lattice has too many points")
		}
		total *= n
	}
	if !(s.Tol >= 0) || math.IsInf(s.Tol, 0) {
		return nil, fmt.Errorf("landscape: FindCritical: Tol = %g, want a finite number ≥ 0", s.Tol)
	}

	f := newFinder(l, lo, hi, s.Tol)
	var roots [][]float64
	for _, sd := range f.seeds(scan) {
		var x []float64
		var ok bool
		if sd.bracket {
			x, ok = f.bracketed(sd.a, sd.b)
		} else {
			x, ok = f.newton(sd.x)
		}
		if !ok || !f.inside(x, boxMarginRel) {
			continue
		}
		roots = append(roots, x)
	}
	roots = f.dedup(roots)

	c := &Critical{}
	var saddles []Point
	for _, x := range roots {
		p := f.point(x)
		switch p.Kind {
		case Minimum:
			c.Minima = append(c.Minima, p)
		case SaddlePoint:
			saddles = append(saddles, p)
		default:
			c.Others = append(c.Others, p)
		}
	}
	tie := tieTolerance(c.Minima, saddles, c.Others)
	sortPoints(c.Minima, tie)
	sortPoints(saddles, tie)
	sortPoints(c.Others, tie)
	for _, p := range saddles {
		sd := Saddle{Point: p}
		v := make([]float64, d)
		for i := range d {
			v[i] = p.Eigenvectors[i*d]
		}
		for j, sign := range [2]float64{-1, 1} {
			start := make([]float64, d)
			for i := range d {
				start[i] = p.X[i] + sign*f.diag*descentDeltaRel*v[i]
			}
			sd.Connects[j] = f.descend(start, p.Eigenvalues, c.Minima)
		}
		c.Saddles = append(c.Saddles, sd)
	}
	return c, nil
}

// finder holds the state shared by the steps of FindCritical.
type finder struct {
	l      Landscape
	d      int
	lo, hi []float64
	diag   float64
	tol    float64 // absolute gradient tolerance, or 0 for the relative default
	curv   float64 // median Frobenius norm of the Hessian over the scan lattice

	g, gt []float64 // scratch gradients
	h, ht []float64 // scratch Hessians
}

// newFinder returns a finder for l in the box [lo, hi].
func newFinder(l Landscape, lo, hi []float64, tol float64) *finder {
	d := l.Dim()
	f := &finder{
		l: l, d: d, lo: slices.Clone(lo), hi: slices.Clone(hi), tol: tol,
		g: make([]float64, d), gt: make([]float64, d),
		h: make([]float64, d*d), ht: make([]float64, d*d),
	}
	for i := range d {
		w := hi[i] - lo[i]
		f.diag += w * w
	}
	f.diag = math.Sqrt(f.diag)
	return f
}

// gradTol returns the gradient norm accepted at a point where L = v.
func (f *finder) gradTol(v float64) float64 {
	if f.tol > 0 {
		return f.tol
	}
	return defaultTolRel * math.Max(1, math.Abs(v))
}

// inside reports whether x lies in the box widened on each axis by rel
// times the width of the axis.
func (f *finder) inside(x []float64, rel float64) bool {
	for i, v := range x {
		m := rel * (f.hi[i] - f.lo[i])
		if !(v >= f.lo[i]-m && v <= f.hi[i]+m) {
			return false
		}
	}
	return true
}

// seed is a starting point for Newton's method, or in one dimension an
// interval [a, b] on which L′ changes sign.
type seed struct {
	x       []float64
	bracket bool
	a, b    float64
}

// seeds scans the lattice with n[i] points on axis i and returns the seeds.
func (f *finder) seeds(n []int) []seed {
	d := f.d
	total := 1
	strides := make([]int, d)
	for i := range d {
		strides[i] = total
		total *= n[i]
	}
	coord := func(i, k int) float64 {
		if k == n[i]-1 {
			return f.hi[i]
		}
		return f.lo[i] + (f.hi[i]-f.lo[i])*float64(k)/float64(n[i]-1)
	}
	g2 := make([]float64, total)
	g1 := make([]float64, total) // L′ in one dimension
	curv := make([]float64, 0, total)
	x := make([]float64, d)
	idx := make([]int, d)
	for c := range total {
		r := c
		for i := range d {
			idx[i] = r % n[i]
			r /= n[i]
			x[i] = coord(i, idx[i])
		}
		f.l.Derivatives(x, f.g, f.h)
		var s float64
		for _, v := range f.g {
			s += v * v
		}
		if hn := norm(f.h); !math.IsNaN(hn) && !math.IsInf(hn, 0) {
			curv = append(curv, hn)
		}
		if math.IsNaN(s) {
			s = math.Inf(1)
		}
		g2[c] = s
		g1[c] = f.g[0]
	}

	if len(curv) > 0 {
		slices.Sort(curv)
		f.curv = curv[len(curv)/2]
	}

	var out []seed
	nb := make([]int, d)
	nOff := pow3(d)
	for c := range total {
		if math.IsInf(g2[c], 1) {
			continue
		}
		r := c
		for i := range d {
			idx[i] = r % n[i]
			r /= n[i]
		}
		isMin := true
		// Walk the 3ᵈ − 1 offsets in {−1, 0, 1}ᵈ \ {0}.
		for o := range nOff {
			if o == (nOff-1)/2 {
				continue // the zero offset
			}
			q, e := o, 0
			valid := true
			for i := range d {
				nb[i] = idx[i] + q%3 - 1
				q /= 3
				if nb[i] < 0 || nb[i] >= n[i] {
					valid = false
					break
				}
				e += nb[i] * strides[i]
			}
			if !valid {
				continue
			}
			if g2[e] < g2[c] || (g2[e] == g2[c] && e < c) {
				isMin = false
				break
			}
		}
		if isMin {
			p := make([]float64, d)
			for i := range d {
				p[i] = coord(i, idx[i])
			}
			out = append(out, seed{x: p})
		}
	}
	if d == 1 {
		for k := 0; k+1 < total; k++ {
			if (g1[k] < 0 && g1[k+1] > 0) || (g1[k] > 0 && g1[k+1] < 0) {
				out = append(out, seed{bracket: true, a: coord(0, k), b: coord(0, k+1)})
			}
		}
	}
	return out
}

// pow3 returns 3ᵈ.
func pow3(d int) int {
	p := 1
	for range d {
		p *= 3
	}
	return p
}

// newton refines x0 by safeguarded Newton's method on ∇L = 0 and returns
// the root and whether it converged.
func (f *finder) newton(x0 []float64) ([]float64, bool) {
	d := f.d
	x := slices.Clone(x0)
	xt := make([]float64, d)
	p := make([]float64, d)
	v := f.l.Derivatives(x, f.g, f.h)
	gn := norm(f.g)
	maxStep := stepCapRel * f.diag
	converged := false
	for range newtonMaxIter {
		if gn == 0 || math.IsNaN(gn) {
			break
		}
		if !converged && gn <= f.gradTol(v) {
			converged = true
		}
		if !newtonStep(f.h, f.g, d, p) {
			break
		}
		if pn := norm(p); pn > maxStep {
			for i := range p {
				p[i] *= maxStep / pn
			}
		}
		accepted := false
		for t := 1.0; t > 1e-12; t /= 2 {
			for i := range x {
				xt[i] = x[i] + t*p[i]
			}
			vt := f.l.Derivatives(xt, f.gt, f.ht)
			gtn := norm(f.gt)
			if gtn < gn {
				copy(x, xt)
				copy(f.g, f.gt)
				copy(f.h, f.ht)
				v, gn, accepted = vt, gtn, true
				break
			}
			if converged {
				break // polishing takes full steps while they reduce |∇L|
			}
		}
		if !accepted {
			break
		}
		if !f.inside(x, wanderRel) {
			return nil, false
		}
	}
	if !converged && !(gn <= f.gradTol(v)) {
		return nil, false
	}
	return x, true
}

// newtonStep stores in p the regularized Newton step −(HᵀH + μI)⁻¹Hᵀg for
// the d×d symmetric H, with μ = (10⁻¹⁴·maxᵢ|λᵢ|)², which equals −H⁻¹g
// unless H is singular to about working precision. It returns false if H vanishes or is not
// finite.
func newtonStep(h, g []float64, d int, p []float64) bool {
	if d == 1 {
		if h[0] == 0 || math.IsNaN(h[0]) || math.IsInf(h[0], 0) {
			return false
		}
		p[0] = -g[0] / h[0]
		return true
	}
	vals := make([]float64, d)
	vecs := make([]float64, d*d)
	if !symEigen(h, d, vals, vecs) {
		return false
	}
	var lmax float64
	for _, l := range vals {
		lmax = math.Max(lmax, math.Abs(l))
	}
	if lmax == 0 {
		return false
	}
	mu := newtonRegRel * lmax
	mu *= mu
	for i := range p {
		p[i] = 0
	}
	for j, l := range vals {
		var c float64
		for i := range d {
			c += vecs[i*d+j] * g[i]
		}
		c *= -l / (l*l + mu)
		for i := range d {
			p[i] += c * vecs[i*d+j]
		}
	}
	return true
}

// bracketed returns the root of L′ in [a, b], where L′ changes sign, by
// Newton's method safeguarded by bisection.
func (f *finder) bracketed(a, b float64) ([]float64, bool) {
	x := []float64{a}
	f.l.Derivatives(x, f.g, nil)
	ga := f.g[0]
	if ga > 0 {
		// Orient so that L′ < 0 at a.
		a, b = b, a
	}
	t := 0.5 * (a + b)
	for range newtonMaxIter {
		x[0] = t
		v := f.l.Derivatives(x, f.g, f.h)
		g, h := f.g[0], f.h[0]
		if g == 0 {
			return x, true
		}
		if g < 0 {
			a = t
		} else {
			b = t
		}
		next := t - g/h
		if h == 0 || math.IsNaN(next) || (next-a)*(next-b) > 0 {
			next = 0.5 * (a + b)
		}
		if math.Abs(g) <= f.gradTol(v) && math.Abs(next-t) <= 4*eps*math.Max(1, math.Abs(t)) {
			return x, true
		}
		if next == t || a == b {
			return x, math.Abs(g) <= f.gradTol(v)
		}
		t = next
	}
	x[0] = t
	v := f.l.Derivatives(x, f.g, nil)
	return x, math.Abs(f.g[0]) <= f.gradTol(v)
}

// eps is the machine epsilon of float64.
const eps = 0x1p-52

// dedup merges roots closer than dedupRel box diagonals, keeping the one
// with the smallest gradient.
func (f *finder) dedup(roots [][]float64) [][]float64 {
	type root struct {
		x  []float64
		gn float64
	}
	var kept []root
	for _, x := range roots {
		f.l.Derivatives(x, f.g, nil)
		r := root{x, norm(f.g)}
		dup := false
		for i, k := range kept {
			if dist(k.x, x) < dedupRel*f.diag {
				if r.gn < k.gn {
					kept[i] = r
				}
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, r)
		}
	}
	out := make([][]float64, len(kept))
	for i, k := range kept {
		out[i] = k.x
	}
	return out
}

// point evaluates and classifies the critical point at x.
func (f *finder) point(x []float64) Point {
	d := f.d
	p := Point{
		X:            x,
		Hessian:      make([]float64, d*d),
		Eigenvalues:  make([]float64, d),
		Eigenvectors: make([]float64, d*d),
		Kind:         Other,
	}
	p.Loss = f.l.Derivatives(x, f.g, p.Hessian)
	if !symEigen(p.Hessian, d, p.Eigenvalues, p.Eigenvectors) {
		for i := range p.Eigenvalues {
			p.Eigenvalues[i] = math.NaN()
		}
		return p
	}
	p.Kind = classify(p.Eigenvalues, f.flatCurv())
	return p
}

// flatCurv returns the absolute curvature below which an eigenvalue of the
// Hessian counts as zero.
func (f *finder) flatCurv() float64 { return flatCurvRel * f.curv }

// classify returns the kind of a critical point with the Hessian
// eigenvalues vals; eigenvalues with |λ| < flat or |λ| < 10⁻¹⁰·maxᵢ|λᵢ|
// count as zero, making the point degenerate.
func classify(vals []float64, flat float64) Kind {
	var lmax float64
	for _, l := range vals {
		lmax = math.Max(lmax, math.Abs(l))
	}
	neg := 0
	for _, l := range vals {
		if !(math.Abs(l) >= degenerateRel*lmax) || !(math.Abs(l) >= flat) || lmax == 0 {
			return Other
		}
		if l < 0 {
			neg++
		}
	}
	switch {
	case neg == 0:
		return Minimum
	case neg == 1:
		return SaddlePoint
	case neg == len(vals):
		return Maximum
	}
	return Other
}

// symEigen stores the eigenvalues of the symmetric part of the d×d
// row-major h in vals (ascending) and the unit eigenvectors in the columns
// of the row-major vecs, each signed so that its largest component is
// positive. It returns false if the decomposition fails or h is not finite.
func symEigen(h []float64, d int, vals, vecs []float64) bool {
	for _, v := range h {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	if d == 1 {
		vals[0], vecs[0] = h[0], 1
		return true
	}
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*(h[i*d+j]+h[j*d+i]))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return false
	}
	es.Values(vals)
	var ev mat.Dense
	es.VectorsTo(&ev)
	for j := range d {
		big := 0
		for i := 1; i < d; i++ {
			if math.Abs(ev.At(i, j)) > math.Abs(ev.At(big, j)) {
				big = i
			}
		}
		s := 1.0
		if ev.At(big, j) < 0 {
			s = -1
		}
		for i := range d {
			vecs[i*d+j] = s * ev.At(i, j)
		}
	}
	return true
}

// tieTolerance returns the loss difference below which two critical
// points count as equally low when sorting.
func tieTolerance(groups ...[]Point) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range groups {
		for _, p := range g {
			lo = math.Min(lo, p.Loss)
			hi = math.Max(hi, p.Loss)
		}
	}
	if !(hi > lo) {
		return 0
	}
	return degenerateRel * (hi - lo)
}

// sortPoints sorts ps by loss, treating losses within tie (or within
// 10⁻¹²·max(1, |L|)) as equal, and then lexicographically by position.
func sortPoints(ps []Point, tie float64) {
	slices.SortStableFunc(ps, func(a, b Point) int {
		t := math.Max(tie, 1e-12*math.Max(1, math.Max(math.Abs(a.Loss), math.Abs(b.Loss))))
		if math.Abs(a.Loss-b.Loss) > t {
			return cmp.Compare(a.Loss, b.Loss)
		}
		for i := range a.X {
			if c := cmp.Compare(a.X[i], b.X[i]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// descend follows dθ/dt = −∇L(θ) from x0 and returns the index of the
// minimum in minima it settles in, or −1. vals are the Hessian eigenvalues
// at the saddle the path starts from; they set the initial time step.
func (f *finder) descend(x0 []float64, vals []float64, minima []Point) int {
	d := f.d
	if !f.inside(x0, 0) {
		return -1
	}
	var lmax float64
	for _, l := range vals {
		lmax = math.Max(lmax, math.Abs(l))
	}
	if lmax == 0 || math.IsNaN(lmax) {
		return -1
	}
	atol := 1e-7 * f.diag
	maxArc := 0.02 * f.diag
	match := 1e-4 * f.diag

	y := slices.Clone(x0)
	k1, k2, k3, k4 := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	tmp, y1 := make([]float64, d), make([]float64, d)
	rhs := func(x, k []float64) {
		f.l.Derivatives(x, k, nil)
		for i := range k {
			k[i] = -k[i]
		}
	}
	rhs(y, k1)
	dt := 0.1 / lmax
	for range descentMaxStep {
		if kn := norm(k1); dt*kn > maxArc {
			dt = maxArc / kn
		}
		for i := range y {
			tmp[i] = y[i] + 0.5*dt*k1[i]
		}
		rhs(tmp, k2)
		for i := range y {
			tmp[i] = y[i] + 0.75*dt*k2[i]
		}
		rhs(tmp, k3)
		for i := range y {
			y1[i] = y[i] + dt*(2.0/9*k1[i]+1.0/3*k2[i]+4.0/9*k3[i])
		}
		rhs(y1, k4)
		var errn float64
		for i := range y {
			e := dt * (-5.0/72*k1[i] + 1.0/12*k2[i] + 1.0/9*k3[i] - 1.0/8*k4[i])
			errn += e * e
		}
		errn = math.Sqrt(errn)
		if math.IsNaN(errn) {
			return -1
		}
		fac := 5.0
		if errn > 0 {
			fac = math.Min(5, math.Max(0.2, 0.9*math.Cbrt(atol/errn)))
		}
		if errn > atol {
			dt *= fac
			continue
		}
		copy(y, y1)
		copy(k1, k4) // first same as last
		dt *= fac
		if !f.inside(y, boxMarginRel) {
			return -1
		}
		if m := f.settled(y, minima, match); m >= 0 {
			return m
		}
	}
	return -1
}

// settled returns the index of the minimum in minima whose neighbourhood y
// has entered, or −1: the Hessian must be positive definite at y and along
// Newton's iteration from y, which must decrease L and converge within
// match of the minimum.
func (f *finder) settled(y []float64, minima []Point, match float64) int {
	d := f.d
	x := slices.Clone(y)
	p := make([]float64, d)
	vals := make([]float64, d)
	vecs := make([]float64, d*d)
	v := f.l.Derivatives(x, f.g, f.h)
	for range 20 {
		if !symEigen(f.h, d, vals, vecs) || classify(vals, f.flatCurv()) != Minimum {
			return -1
		}
		if !newtonStep(f.h, f.g, d, p) {
			return -1
		}
		for i := range x {
			x[i] += p[i]
		}
		vn := f.l.Derivatives(x, f.g, f.h)
		if vn > v {
			break
		}
		v = vn
		if norm(f.g) <= f.gradTol(v) || norm(p) <= 1e-3*match {
			break
		}
	}
	best, bestD := -1, match
	for i, m := range minima {
		if dd := dist(x, m.X); dd < bestD {
			best, bestD = i, dd
		}
	}
	return best
}

// norm returns the Euclidean norm of v.
func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// dist returns the Euclidean distance between a and b.
func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return math.Sqrt(s)
}
