package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MaxCells is the largest total number of grid cells Validate accepts.
const MaxCells = 1e8

// Validate checks s and returns every problem found, as Problems, or nil.
// Each problem names the key path as written in YAML, the offending value and
// what is allowed. Empty enumerated words (convention, psd, scheme, dynamics,
// solver.linear) mean their defaults and are accepted, as are aliases.
func (s *Scenario) Validate() error {
	v := validator{s: s, d: len(s.Domain)}
	v.landscape()
	v.data()
	v.domain()
	v.cells()
	v.boundary()
	v.enum("convention", s.Convention, conventions, "the form of the diffusion term")
	v.noise()
	v.schedule()
	v.initial()
	v.time()
	v.targets()
	v.output()
	v.simulate()
	v.solver()
	return v.ps.err()
}

type validator struct {
	s  *Scenario
	d  int // number of domain axes
	ps Problems
}

func (v *validator) add(path, value, format string, args ...any) {
	v.ps.add(path, value, format, args...)
}

// dimOK reports whether the dimension is usable for checks that depend on it.
func (v *validator) dimOK() bool { return v.d >= 1 && v.d <= 3 }

// axisOK reports whether domain axis i is a valid interval.
func (v *validator) axisOK(i int) bool {
	if i >= len(v.s.Domain) || len(v.s.Domain[i]) != 2 {
		return false
	}
	lo, hi := v.s.Domain[i][0], v.s.Domain[i][1]
	return finite(lo) && finite(hi) && lo < hi
}

func (v *validator) enum(path, w string, e enum, what string) {
	if strings.TrimSpace(w) == "" {
		return
	}
	if _, ok := e.canonical(w); !ok {
		v.add(path, w, "unknown %s; allowed: %s", what, e.allowed())
	}
}

func (v *validator) landscape() {
	l := v.s.Landscape
	if m, _ := noiseModels.canonical(v.s.Noise.Model); v.s.Data != nil || m == Data {
		return // the data set defines the loss; data() checks both blocks
	}
	f, b := strings.TrimSpace(l.Formula) != "", strings.TrimSpace(l.Builtin) != ""
	switch {
	case f && b:
		v.add("landscape", "", "sets both formula (%q) and builtin (%q); give exactly one", l.Formula, l.Builtin)
	case !f && !b:
		v.add("landscape", "", `needs a formula in x, y, z (for example formula: "x^4/4 - x^2/2") or a builtin (see fpsolve landscapes)`)
	}
	for _, k := range sortedKeys(l.Params) {
		v.params("landscape.params."+k, l.Params[k], 0)
	}
}

// params reports non-finite numbers in landscape parameters.
func (v *validator) params(path string, x any, depth int) {
	if depth > 8 {
		return
	}
	switch x := x.(type) {
	case float64:
		if !finite(x) {
			v.add(path, fnum(x), "must be a finite number")
		}
	case []any:
		for i, e := range x {
			v.params(fmt.Sprintf("%s[%d]", path, i), e, depth+1)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			v.params(path+"."+k, x[k], depth+1)
		}
	}
}

func (v *validator) domain() {
	dom := v.s.Domain
	switch {
	case v.d == 0:
		v.add("domain", "", "missing; give one [lo, hi] interval per axis, for example domain: [[-2.5, 2.5]]")
		return
	case v.d > 3:
		v.add("domain", fmat(dom), "has %d axes; fpsolve solves 1-, 2- and 3-D problems", v.d)
	}
	for i, ax := range dom {
		p := fmt.Sprintf("domain[%d]", i)
		switch {
		case len(ax) != 2:
			v.add(p, fvec(ax), "must be an interval [lo, hi] of two numbers")
		case !finite(ax[0]) || !finite(ax[1]):
			v.add(p, fvec(ax), "bounds must be finite numbers")
		case ax[0] >= ax[1]:
			v.add(p, fvec(ax), "needs lo < hi")
		}
	}
}

func (v *validator) cells() {
	c := v.s.Cells
	if v.d > 0 && len(c) != v.d {
		v.add("cells", ivec(c), "has %d entries but the domain has %d axes; give one cell count per axis", len(c), v.d)
	}
	total := 1.0
	for i, n := range c {
		if n < 3 {
			v.add(fmt.Sprintf("cells[%d]", i), strconv.Itoa(n), "must be at least 3 cells per axis")
		}
		total *= float64(n)
	}
	if len(c) > 0 && total > MaxCells {
		v.add("cells", ivec(c), "%.3g cells in total; at most %.0e are allowed (memory and time grow with the count); use fewer cells per axis", total, MaxCells)
	}
}

func (v *validator) boundary() {
	d := v.d
	if !v.dimOK() {
		d = len(v.s.Boundary.Axes) // check only the words
	}
	v.ps = append(v.ps, v.s.Boundary.problems(d)...)
}

func (v *validator) noise() {
	n := v.s.Noise
	model, ok := noiseModels.canonical(n.Model)
	switch {
	case strings.TrimSpace(n.Model) == "":
		v.add("noise.model", "", "missing; choose one of %s (alias sgld = white)", noiseModels.allowed())
	case !ok:
		v.add("noise.model", n.Model, "unknown noise model; allowed: %s (alias sgld = white)", noiseModels.allowed())
	}
	switch model {
	case White:
		switch t := n.Temperature; {
		case t == nil:
			v.add("noise.temperature", "", "required by model white (D = T·I); for example temperature: 0.1")
		case !(*t > 0) || math.IsInf(*t, 0):
			v.add("noise.temperature", fnum(*t), "must be a finite number > 0 (the temperature T of D = T·I)")
		}
	case Matrix:
		v.matrix()
	case SGD, SGDLocal, Data:
		v.positive("noise.lr", n.LR, "the SGD learning rate η", "lr: 0.1", model)
		v.positive("noise.batch", n.Batch, "the batch size B", "batch: 2", model)
	}
	v.enum("noise.psd", n.PSD, psdMaps, "map of Hessian eigenvalues")
	if e := n.Epsilon; e != nil && !(*e >= 0 && finite(*e)) {
		v.add("noise.epsilon", fnum(*e), "must be a finite number ≥ 0 (the ε of the psd map)")
	}
	if f := n.Floor; f != nil && !(*f >= 0 && finite(*f)) {
		v.add("noise.floor", fnum(*f), "must be a finite number ≥ 0 (the white floor T0 added as T0·I)")
	}
	if model == SGD {
		eps, floor := deref(n.Epsilon), deref(n.Floor)
		if eps == 0 && floor == 0 {
			v.add("noise.epsilon", "0", "with noise.floor = 0 the sgd diffusion (η/2B)·H⁺ vanishes where a Hessian eigenvalue crosses 0 (inflection points); "+
				"the quasi-potential ∫L'/D diverges there and escape becomes impossible; set epsilon > 0 (for example 0.05) or floor > 0")
		}
	}
}

// positive checks a required, finite, positive parameter of a noise model.
func (v *validator) positive(path string, x *float64, what, example, model string) {
	switch {
	case x == nil:
		v.add(path, "", "required by model %s (%s); for example %s", model, what, example)
	case !(*x > 0) || math.IsInf(*x, 0):
		v.add(path, fnum(*x), "must be a finite number > 0 (%s)", what)
	}
}

func (v *validator) matrix() {
	m := v.s.Noise.Matrix
	if m == nil {
		v.add("noise.matrix", "", "required by model matrix: a constant symmetric positive semi-definite d×d diffusion matrix, for example matrix: [[0.05, 0.02], [0.02, 0.03]]")
		return
	}
	if !v.dimOK() {
		return
	}
	d := v.d
	if len(m) != d {
		v.add("noise.matrix", fmat(m), "has %d rows but the domain has %d axes; give a %d×%d matrix", len(m), d, d, d)
		return
	}
	scale := 0.0
	for i, r := range m {
		if len(r) != d {
			v.add(fmt.Sprintf("noise.matrix[%d]", i), fvec(r), "has %d entries; each row needs %d", len(r), d)
			return
		}
		for _, x := range r {
			if !finite(x) {
				v.add(fmt.Sprintf("noise.matrix[%d]", i), fvec(r), "entries must be finite numbers")
				return
			}
			scale = max(scale, math.Abs(x))
		}
	}
	ok := true
	for i := range d {
		if !(m[i][i] > 0) {
			v.add(fmt.Sprintf("noise.matrix[%d][%d]", i, i), fnum(m[i][i]), "diagonal entries must be > 0 (the diffusion along each axis)")
			ok = false
		}
		for j := i + 1; j < d; j++ {
			if math.Abs(m[i][j]-m[j][i]) > 1e-12*scale {
				v.add("noise.matrix", fmat(m), "must be symmetric: [%d][%d] = %s but [%d][%d] = %s", i, j, fnum(m[i][j]), j, i, fnum(m[j][i]))
				ok = false
			}
		}
	}
	if !ok {
		return
	}
	if lmin := minEigenvalue(m); lmin < -1e-12*scale {
		v.add("noise.matrix", fmat(m), "must be positive semi-definite (a covariance); its smallest eigenvalue is %s", fnum(lmin))
	}
}

// minEigenvalue returns the smallest eigenvalue of the symmetric matrix m.
func minEigenvalue(m [][]float64) float64 {
	d := len(m)
	sym := mat.NewSymDense(d, nil)
	for i := range d {
		for j := i; j < d; j++ {
			sym.SetSym(i, j, 0.5*(m[i][j]+m[j][i]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return math.NaN()
	}
	vals := eig.Values(nil)
	lmin := math.Inf(1)
	for _, l := range vals {
		lmin = min(lmin, l)
	}
	return lmin
}

func (v *validator) initial() {
	in := v.s.Initial
	var set []string
	if in.Gaussian != nil {
		set = append(set, "gaussian")
	}
	if in.Minimum != nil {
		set = append(set, "minimum")
	}
	if in.Uniform {
		set = append(set, "uniform")
	}
	if in.Point != nil {
		set = append(set, "point")
	}
	switch {
	case len(set) == 0:
		v.add("initial", "", "missing; give one of gaussian: {mean: [...], std: [...]}, minimum: 0, uniform: true, point: [...]")
	case len(set) > 1:
		v.add("initial", "", "sets %s; give exactly one", strings.Join(set, " and "))
	}
	if g := in.Gaussian; g != nil {
		v.point("initial.gaussian.mean", g.Mean)
		if v.dimOK() && len(g.Std) != v.d {
			v.add("initial.gaussian.std", fvec(g.Std), "has %d entries; give one standard deviation per axis (%d)", len(g.Std), v.d)
		}
		for i, x := range g.Std {
			if !(x > 0) || math.IsInf(x, 0) {
				v.add(fmt.Sprintf("initial.gaussian.std[%d]", i), fnum(x), "must be a finite number > 0")
			}
		}
	}
	if m := in.Minimum; m != nil && *m < 0 {
		v.add("initial.minimum", strconv.Itoa(*m), "must be ≥ 0 (minima are numbered from 0, sorted by loss)")
	}
	if in.Point != nil {
		v.point("initial.point", in.Point)
	}
}

// point checks that x has one coordinate per axis, inside the domain.
func (v *validator) point(path string, x []float64) {
	if !v.dimOK() {
		return
	}
	if len(x) != v.d {
		v.add(path, fvec(x), "has %d coordinates but the domain has %d axes", len(x), v.d)
		return
	}
	for i, c := range x {
		if !v.axisOK(i) {
			continue
		}
		lo, hi := v.s.Domain[i][0], v.s.Domain[i][1]
		if !(c >= lo && c <= hi) {
			v.add(fmt.Sprintf("%s[%d]", path, i), fnum(c), "must lie inside the domain [%s, %s] of axis %d", fnum(lo), fnum(hi), i)
		}
	}
}

func (v *validator) time() {
	t := v.s.Time
	v.enum("time.scheme", t.Scheme, schemes, "time-stepping scheme (aliases be, implicit-euler, cn)")
	if t.Tol < 0 || t.Tol >= 1 || math.IsNaN(t.Tol) {
		v.add("time.tol", fnum(t.Tol), "must be in (0, 1): the relative error tolerance per adaptive step (default 1e-4)")
	}
	if t.End == 0 && t.DT == 0 {
		return // no time span: fine for every command but run, which checks it
	}
	if !(t.End > 0) || math.IsInf(t.End, 0) {
		v.add("time.end", fnum(t.End), "must be a finite number > 0 (the final time)")
	}
	switch {
	case !(t.DT > 0) || math.IsInf(t.DT, 0):
		v.add("time.dt", fnum(t.DT), "must be a finite number > 0 (the time step, or the first step when adaptive)")
	case t.End > 0 && t.DT > t.End:
		v.add("time.dt", fnum(t.DT), "must not exceed time.end = %s", fnum(t.End))
	}
}

func (v *validator) targets() {
	for i, t := range v.s.Targets {
		p := fmt.Sprintf("targets[%d]", i)
		n := 0
		if t.Box != nil {
			n++
		}
		if t.Basin != nil {
			n++
		}
		if t.Ball != nil {
			n++
		}
		if n != 1 {
			v.add(p, "", "give exactly one of box: [[lo, hi], ...], basin: i or ball: {center: [...], radius: r}; found %d", n)
		}
		if t.Box != nil {
			v.box(p+".box", t.Box)
			v.boxCells(p, t.Box)
		}
		if b := t.Basin; b != nil && *b < 0 {
			v.add(p+".basin", strconv.Itoa(*b), "must be ≥ 0 (minima are numbered from 0, sorted by loss)")
		}
		if b := t.Ball; b != nil {
			v.point(p+".ball.center", b.Center)
			if !(b.Radius > 0) || math.IsInf(b.Radius, 0) {
				v.add(p+".ball.radius", fnum(b.Radius), "must be a finite number > 0")
			} else {
				v.ballCells(p, b)
			}
		}
	}
}

func (v *validator) box(path string, box [][]float64) {
	if v.dimOK() && len(box) != v.d {
		v.add(path, fmat(box), "has %d intervals but the domain has %d axes; give one [lo, hi] per axis", len(box), v.d)
	}
	for j, iv := range box {
		p := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case len(iv) != 2:
			v.add(p, fvec(iv), "must be an interval [lo, hi] of two numbers")
		case math.IsNaN(iv[0]) || math.IsNaN(iv[1]) || iv[0] >= iv[1]:
			v.add(p, fvec(iv), "needs lo < hi")
		case v.axisOK(j) && (iv[1] <= v.s.Domain[j][0] || iv[0] >= v.s.Domain[j][1]):
			v.add(p, fvec(iv), "lies outside the domain [%s, %s] of axis %d", fnum(v.s.Domain[j][0]), fnum(v.s.Domain[j][1]), j)
		}
	}
}

// gridOK reports whether the domain and cells describe a usable grid, so
// that checks against cell centres apply.
func (v *validator) gridOK() bool {
	if !v.dimOK() || len(v.s.Cells) != v.d {
		return false
	}
	for i := range v.d {
		if !v.axisOK(i) || v.s.Cells[i] < 3 {
			return false
		}
	}
	return true
}

// centre returns the coordinate of the centre of cell i on axis k, computed
// as the grid computes it.
func (v *validator) centre(k, i int) float64 {
	lo, hi, n := v.s.Domain[k][0], v.s.Domain[k][1], v.s.Cells[k]
	return lo + (float64(i)+0.5)*((hi-lo)/float64(n))
}

// centresIn returns the first and last cell index on axis k whose centre
// lies in [lo, hi]; first > last when there is none.
func (v *validator) centresIn(k int, lo, hi float64) (first, last int) {
	n := v.s.Cells[k]
	a, b := v.s.Domain[k][0], v.s.Domain[k][1]
	h := (b - a) / float64(n)
	first = max(0, min(n-1, int(math.Ceil((lo-a)/h-0.5))-1))
	for first < n && v.centre(k, first) < lo {
		first++
	}
	last = min(n-1, max(0, int(math.Floor((hi-a)/h-0.5))+1))
	for last >= 0 && v.centre(k, last) > hi {
		last--
	}
	return first, last
}

// boxCells reports a target box that holds no cell centre (absorption
// would have nowhere to happen) or every cell centre (nothing would be left
// to absorb). Malformed boxes are left to box.
func (v *validator) boxCells(path string, box [][]float64) {
	if !v.gridOK() || len(box) != v.d {
		return
	}
	all := true
	for k, iv := range box {
		if len(iv) != 2 || !(iv[0] < iv[1]) || iv[1] <= v.s.Domain[k][0] || iv[0] >= v.s.Domain[k][1] {
			return // box reports it
		}
		first, last := v.centresIn(k, iv[0], iv[1])
		if first > last {
			v.add(path+".box", fmat(box), "contains no cell centre on axis %d (cells there are %.4g wide): enlarge the box or use more cells", k, (v.s.Domain[k][1]-v.s.Domain[k][0])/float64(v.s.Cells[k]))
			return
		}
		all = all && first == 0 && last == v.s.Cells[k]-1
	}
	if all {
		v.add(path+".box", fmat(box), "covers every cell of the domain, so nothing is left to absorb: shrink it")
	}
}

// ballCells reports a target ball that holds no cell centre. The cell
// centres form a product lattice, so the centre nearest to the ball's
// centre is the nearest one per axis.
func (v *validator) ballCells(path string, b *Ball) {
	if !v.gridOK() || len(b.Center) != v.d {
		return
	}
	d2 := 0.0
	for k, c := range b.Center {
		n := v.s.Cells[k]
		a, hi := v.s.Domain[k][0], v.s.Domain[k][1]
		if !finite(c) {
			return
		}
		i := max(0, min(n-1, int(math.Floor((c-a)/((hi-a)/float64(n))))))
		best := math.Inf(1)
		for j := max(0, i-1); j <= min(n-1, i+1); j++ {
			best = min(best, math.Abs(v.centre(k, j)-c))
		}
		d2 += best * best
	}
	if d2 > b.Radius*b.Radius {
		v.add(path+".ball.radius", fnum(b.Radius), "the ball holds no cell centre (the nearest is %.4g away): enlarge the radius or use more cells", math.Sqrt(d2))
	}
}

func (v *validator) output() {
	o := v.s.Output
	if !(o.Every >= 0) || math.IsInf(o.Every, 0) {
		v.add("output.every", fnum(o.Every), "must be a finite number ≥ 0 (time between snapshots; 0 = only at time.end)")
	}
	for i, f := range o.Formats {
		if _, ok := formats.canonical(f); !ok {
			v.add(fmt.Sprintf("output.formats[%d]", i), f, "unknown format; allowed: %s", formats.allowed())
		}
	}
}

func (v *validator) simulate() {
	m := v.s.Simulate
	if m.Walkers < 1 {
		v.add("simulate.walkers", strconv.Itoa(m.Walkers), "must be at least 1")
	}
	v.enum("simulate.dynamics", m.Dynamics, dynamics, "dynamics")
	if !(m.DT > 0) || math.IsInf(m.DT, 0) {
		v.add("simulate.dt", fnum(m.DT), "must be a finite number > 0 (the Euler–Maruyama step)")
	}
	if !(m.MaxTime > 0) || math.IsNaN(m.MaxTime) {
		v.add("simulate.max_time", fnum(m.MaxTime), "must be > 0 (the time after which a walker counts as capped)")
	}
}

func (v *validator) solver() {
	l := v.s.Solver.Linear
	v.enum("solver.linear", l, linears, "linear solver")
	if c, _ := linears.canonical(l); c == LinearThomas && v.d > 1 {
		v.add("solver.linear", l, "the Thomas algorithm solves 1-D (tridiagonal) problems only; this domain has %d axes; use auto, direct or bicgstab", v.d)
	}
	if n := v.s.Solver.MaxIter; n < 0 {
		v.add("solver.max_iter", strconv.Itoa(n), "must be a positive integer (the iteration cap of bicgstab per linear solve); leave it out for the default max(1000, 10·√cells)")
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func fvec(x []float64) string {
	parts := make([]string, len(x))
	for i, e := range x {
		parts[i] = fnum(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func ivec(x []int) string {
	parts := make([]string, len(x))
	for i, e := range x {
		parts[i] = strconv.Itoa(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func fmat(m [][]float64) string {
	parts := make([]string, len(m))
	for i, r := range m {
		parts[i] = fvec(r)
	}
	s := "[" + strings.Join(parts, ", ") + "]"
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
