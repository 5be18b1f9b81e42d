package escape

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"

	"github.com/james-bowman/sparse"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Problem is what Analyze measures: the Fokker–Planck problem (its own
// sinks are ignored), the landscape's critical points and basins, and the
// noise parameters the analytic formulas need.
type Problem struct {
	Base     operators.Problem
	Critical *landscape.Critical
	Basins   *landscape.BasinMap
	Noise    Noise
	Linear   linear.Settings
}

// Settings controls Analyze. The zero value measures everything with the
// Beyond target.
type Settings struct {
	Target TargetKind
	// Radius is the radius of the Ball target.
	Radius float64
	// SkipSurvival leaves out the survival estimator (the only one that
	// evolves the density in time, and the slowest).
	SkipSurvival bool
	// SkipSpectral leaves out the spectral estimator.
	SkipSpectral bool
}

// Transition is the escape from minimum From to minimum To over saddle
// Saddle, measured and predicted. Rates are per unit time; for the SGD
// models one SGD iteration is η units of time.
type Transition struct {
	From    int     `json:"from"`
	To      int     `json:"to"`
	Saddle  int     `json:"saddle"`
	Barrier float64 `json:"barrier"`
	// MFPT is τ from minimum From to the target; MFPTQSD is τ averaged over
	// the quasi-stationary density (1/λ₀ up to rounding). With more than
	// two minima every other minimum absorbs too: MFPT is then the exit
	// time ExitMFPT divided by the probability Splitting that the exit ends
	// at To (1/MFPT is the rate of the path), and the other estimators are
	// split the same way.
	MFPT       float64  `json:"mfpt"`
	MFPTQSD    float64  `json:"mfpt_qsd"`
	ExitMFPT   *float64 `json:"exit_mfpt,omitempty"`
	Splitting  *float64 `json:"splitting,omitempty"`
	Iterations *float64 `json:"iterations,omitempty"`
	// RateFlux is the quasi-stationary current through the faces between
	// the two basins over the mass in basin From.
	RateFlux float64 `json:"rate_flux"`
	// RatePrincipal is λ₀, the decay rate of the quasi-stationary density.
	RatePrincipal float64 `json:"rate_principal"`
	// RateHill is outflow over mass with reinjection at the minimum (the
	// Hill relation makes it 1/τ of the reinjection cell).
	RateHill float64 `json:"rate_hill"`
	// RateSurvival is the fitted tail rate of the survival curve.
	RateSurvival *float64     `json:"rate_survival"`
	Survival     *SurvivalFit `json:"survival,omitempty"`
	// RateSpectral is λ₁·π_To/(π_From + π_To).
	RateSpectral *float64 `json:"rate_spectral"`
	Theory       Theory   `json:"theory"`
	// Ratios compare every estimate with 1/MFPT.
	Ratios map[string]float64 `json:"ratios_to_inverse_mfpt"`
	// Notes say why an estimate is missing.
	Notes []string `json:"notes,omitempty"`
	// QSD is the quasi-stationary density and QSDCurrent its current (for
	// pictures).
	QSD        []float64          `json:"-"`
	QSDCurrent *operators.Current `json:"-"`
}

// Result is the outcome of Analyze.
type Result struct {
	Convention  string             `json:"convention"`
	Target      string             `json:"target"`
	Minima      []landscape.Point  `json:"-"`
	Saddles     []landscape.Saddle `json:"-"`
	Spectral    []SpectralPair     `json:"spectral,omitempty"`
	Transitions []Transition       `json:"transitions"`
	// Totals add the rates of all escape paths out of each minimum that has
	// more than one.
	Totals []Total `json:"totals,omitempty"`
}

// Total is the escape rate out of one minimum summed over its escape paths
// (saddles): multiple paths add rates.
type Total struct {
	Minimum int   `json:"minimum"`
	Paths   []int `json:"saddles"`
	// RateMFPT is Σ 1/τ over the paths, RateFlux Σ of the flux estimates.
	RateMFPT float64 `json:"rate_mfpt"`
	RateFlux float64 `json:"rate_flux"`
	// EyringKramers and SGDHalf are the theory's sums (white noise; SGD at
	// s = ½), when available.
	EyringKramers *float64 `json:"eyring_kramers_rate,omitempty"`
	SGDHalf       *float64 `json:"sgd_rate_s_half,omitempty"`
}

// SpectralPair is the slowest relaxation rate of the two-basin system of a
// saddle and the stationary masses of the two basins.
type SpectralPair struct {
	Saddle  int        `json:"saddle"`
	Minima  [2]int     `json:"minima"`
	Lambda1 float64    `json:"lambda1"`
	Masses  [2]float64 `json:"stationary_masses"`
}

// Analyze measures every transition across every saddle of p.Critical that
// connects two minima.
func Analyze(ctx context.Context, p Problem, s Settings) (*Result, error) {
	c := p.Critical
	if c == nil || p.Basins == nil {
		return nil, errors.New("escape: needs the critical points and basins")
	}
	res := &Result{Convention: p.Base.Convention.String(), Target: s.Target.String(), Minima: c.Minima, Saddles: c.Saddles}
	if len(c.Saddles) == 0 {
		return res, nil
	}
	// Transitions and the spectral estimates are independent: compute them
	// in parallel, one per CPU (each holds its own factorizations), keeping
	// the order of saddles.
	type pairJob struct {
		k, i, j int
		pair    *SpectralPair
		err     error
	}
	var jobs []*Transition
	var pairJobs []*pairJob
	for k, sd := range c.Saddles {
		i, j := sd.Connects[0], sd.Connects[1]
		if i < 0 || j < 0 || i == j {
			continue
		}
		if !s.SkipSpectral {
			pairJobs = append(pairJobs, &pairJob{k: k, i: i, j: j})
		}
		for side := 0; side < 2; side++ {
			a, b := sd.Connects[side], sd.Connects[1-side]
			jobs = append(jobs, &Transition{From: a, To: b, Saddle: k, Barrier: sd.Loss - c.Minima[a].Loss, Ratios: map[string]float64{}})
		}
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f()
		}()
	}
	for _, pj := range pairJobs {
		run(func() { pj.pair, pj.err = spectralPair(p, pj.k, pj.i, pj.j) })
	}
	for _, tr := range jobs {
		run(func() { measure(ctx, p, s, tr) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, pj := range pairJobs {
		if pj.pair != nil {
			res.Spectral = append(res.Spectral, *pj.pair)
		}
	}
	for _, tr := range jobs {
		for _, pj := range pairJobs {
			if pj.k != tr.Saddle {
				continue
			}
			if pj.err != nil {
				tr.Notes = append(tr.Notes, "spectral: "+pj.err.Error())
				continue
			}
			spectralRate(tr, pj.pair)
		}
		res.Transitions = append(res.Transitions, *tr)
	}
	res.Totals = totals(res.Transitions)
	return res, nil
}

// totals sums the rates of the escape paths out of each minimum that has
// more than one.
func totals(trs []Transition) []Total {
	var out []Total
	byMin := map[int][]Transition{}
	var order []int
	for _, tr := range trs {
		if _, ok := byMin[tr.From]; !ok {
			order = append(order, tr.From)
		}
		byMin[tr.From] = append(byMin[tr.From], tr)
	}
	for _, m := range order {
		paths := byMin[m]
		if len(paths) < 2 {
			continue
		}
		t := Total{Minimum: m}
		ek, sgd := 0.0, 0.0
		haveEK, haveSGD := true, true
		for _, tr := range paths {
			t.Paths = append(t.Paths, tr.Saddle)
			if tr.MFPT > 0 {
				t.RateMFPT += 1 / tr.MFPT
			}
			t.RateFlux += tr.RateFlux
			if tr.Theory.EyringKramers != nil {
				ek += *tr.Theory.EyringKramers
			} else {
				haveEK = false
			}
			if tr.Theory.SGD != nil {
				sgd += 1 / tr.Theory.SGD.TauHalf
			} else {
				haveSGD = false
			}
		}
		if haveEK {
			t.EyringKramers = &ek
		}
		if haveSGD {
			t.SGDHalf = &sgd
		}
		out = append(out, t)
	}
	return out
}

// spectralRate sets the spectral estimate of tr from the two-basin λ₁:
// γ_ab = λ₁·π_b/(π_a + π_b).
func spectralRate(tr *Transition, pair *SpectralPair) {
	ia, ib := 0, 1
	if pair.Minima[0] != tr.From {
		ia, ib = 1, 0
	}
	r := pair.Lambda1 * pair.Masses[ib] / (pair.Masses[ia] + pair.Masses[ib])
	tr.RateSpectral = &r
	if tr.MFPT > 0 {
		tr.Ratios["rate_spectral"] = r * tr.MFPT
	}
}

// measure fills in the estimates of one transition. An estimator that
// fails leaves its field empty and a note saying why; the others go on.
func measure(ctx context.Context, p Problem, s Settings, tr *Transition) {
	c := p.Critical
	g := p.Base.Grid
	d := g.Dim()
	a, b, k := tr.From, tr.To, tr.Saddle
	note := func(what string, err error) { tr.Notes = append(tr.Notes, what+": "+err.Error()) }
	xa := c.Minima[a].X
	tr.Theory = theory(p, a, k, math.NaN())
	// Absorb at every other minimum: the process leaves a for the first
	// neighbour it reaches, and the path to b gets the fraction of exits
	// that end at b (the splitting probability, or committor). With two
	// minima that fraction is 1.
	prob := p.Base
	targetB, err := target(p, s, b, k)
	if err != nil {
		note("target", err)
		return
	}
	prob.Sinks = []operators.Sink{targetB}
	for m := range c.Minima {
		if m == a || m == b {
			continue
		}
		other := Settings{Target: Basin}
		km := linking(c, a, m)
		if km >= 0 {
			other = s
		}
		sink, err := target(p, other, m, km)
		if err != nil {
			note("target", err)
			return
		}
		prob.Sinks = append(prob.Sinks, sink)
	}
	op, err := operators.Assemble(prob)
	if err != nil {
		note("operator", err)
		return
	}
	ab, err := solver.NewAbsorbing(op, p.Linear)
	if err != nil {
		note("factorization", err)
		return
	}
	tau, err := ab.MFPT()
	if err != nil {
		note("mfpt", err)
		return
	}
	leakB := op.LeakInto(sinkMask(g, targetB))
	split := 1.0
	if len(prob.Sinks) > 1 {
		q, err := ab.Committor(leakB)
		if err != nil {
			note("committor", err)
			return
		}
		split = g.Interpolate(q, xa)
		tr.Splitting = &split
		exit := g.Interpolate(tau, xa)
		tr.ExitMFPT = &exit
	}
	tr.MFPT = g.Interpolate(tau, xa) / split
	if p.Noise.SGD() && p.Noise.LR > 0 {
		it := tr.MFPT / p.Noise.LR
		tr.Iterations = &it
	}
	tr.Theory = theory(p, a, k, tr.MFPT)
	frac := 1.0 // the fraction of the quasi-stationary outflow that ends at b
	if lam, qsd, err := ab.Principal(); err != nil {
		note("principal mode", err)
	} else {
		if len(prob.Sinks) > 1 {
			leak := op.Leak()
			toB, all := 0.0, 0.0
			for cell, v := range qsd {
				toB += leakB[cell] * v
				all += leak[cell] * v
			}
			frac = toB / all
		}
		tr.RatePrincipal = lam * frac
		vol := g.CellVolume()
		for cell := range qsd {
			tr.MFPTQSD += qsd[cell] * tau[cell] * vol
		}
		tr.MFPTQSD /= frac
		tr.RateFlux = basinFlux(op, qsd, p.Basins.Labels, a, b)
		tr.QSD = qsd
		if d == 2 {
			tr.QSDCurrent = op.Current(qsd)
		}
	}
	if start, ok := g.Locate(xa); ok {
		if _, rate, err := ab.Reinjection(start); err != nil {
			note("reinjection", err)
		} else {
			tr.RateHill = rate * split
		}
	}
	if !s.SkipSurvival {
		std := make([]float64, d)
		dm := make([]float64, d*d)
		p.Base.Diffusion.At(dm, xa)
		for q := 0; q < d; q++ {
			h := c.Minima[a].Hessian[q*d+q]
			std[q] = math.Max(math.Sqrt(dm[q*d+q]/h), 2*g.H(q))
		}
		if fit, err := survival(ctx, op, xa, std, tr.MFPT*split, p.Linear, p.Basins.Labels, a, b); err != nil {
			note("survival", err)
		} else {
			tr.Survival = fit
			r := fit.Rate * frac
			tr.RateSurvival = &r
		}
	}
	inv := 1 / tr.MFPT
	ratio := func(name string, v float64) {
		if v != 0 {
			tr.Ratios[name] = v / inv
		}
	}
	ratio("rate_flux", tr.RateFlux)
	ratio("rate_principal", tr.RatePrincipal)
	ratio("rate_hill", tr.RateHill)
	if tr.RateSurvival != nil {
		ratio("rate_survival", *tr.RateSurvival)
	}
	if ek := tr.Theory.EyringKramers; ek != nil {
		ratio("eyring_kramers", *ek)
	}
	if sg := tr.Theory.SGD; sg != nil {
		ratio("sgd_s_half", 1/sg.TauHalf)
	}
	if lp := tr.Theory.Laplace; lp != nil {
		ratio("laplace", 1/lp.Tau)
	}
}

// linking returns the lowest saddle connecting minima a and m, or −1.
func linking(c *landscape.Critical, a, m int) int {
	best := -1
	for k, sd := range c.Saddles {
		if (sd.Connects[0] == a && sd.Connects[1] == m) || (sd.Connects[0] == m && sd.Connects[1] == a) {
			if best < 0 || sd.Loss < c.Saddles[best].Loss {
				best = k
			}
		}
	}
	return best
}

// sinkMask marks the cells inside the sink s.
func sinkMask(g *grid.Grid, s operators.Sink) []bool {
	if cells, ok := s.(operators.Cells); ok {
		return cells
	}
	mask := make([]bool, g.Len())
	x := make([]float64, g.Dim())
	for c := range mask {
		g.Center(c, x)
		mask[c] = s.Contains(x)
	}
	return mask
}

// target builds the absorbing set that stands for arrival at minimum b.
func target(p Problem, s Settings, b, k int) (operators.Sink, error) {
	c := p.Critical
	switch s.Target {
	case Basin:
		cells := make(operators.Cells, len(p.Basins.Labels))
		for i, l := range p.Basins.Labels {
			cells[i] = l == b
		}
		return cells, nil
	case Ball:
		r := s.Radius
		if r <= 0 {
			r = 2 * maxH(p)
		}
		return operators.Ball{Center: c.Minima[b].X, Radius: r}, nil
	}
	return operators.NewBeyond(c.Minima[b].X, c.Saddles[k].X, b, p.Basins)
}

func maxH(p Problem) float64 {
	h := 0.0
	for k := 0; k < p.Base.Grid.Dim(); k++ {
		h = math.Max(h, p.Base.Grid.H(k))
	}
	return h
}

// basinCurrent returns the probability current of density q from basin a
// into basin b through the faces they share (the operator's own fluxes).
func basinCurrent(op *operators.Operator, q []float64, labels []int, a, b int) float64 {
	g := op.Grid
	cur := op.Current(q)
	flux := 0.0
	for c, l := range labels {
		if l != a {
			continue
		}
		for k := 0; k < g.Dim(); k++ {
			area := g.FaceArea(k)
			if up, ok := g.Neighbor(c, k, +1); ok && labels[up] == b {
				flux += cur.High[k][c] * area
			}
			if dn, ok := g.Neighbor(c, k, -1); ok && labels[dn] == b {
				flux -= cur.High[k][dn] * area
			}
		}
	}
	return flux
}

// basinFlux returns the current of density q from basin a into basin b
// over the mass of q in basin a.
func basinFlux(op *operators.Operator, q []float64, labels []int, a, b int) float64 {
	mass := 0.0
	for c, l := range labels {
		if l == a {
			mass += q[c]
		}
	}
	return basinCurrent(op, q, labels, a, b) / (mass * op.Grid.CellVolume())
}

// theory evaluates the analytic estimates for a → over saddle k.
func theory(p Problem, a, k int, tau float64) Theory {
	c := p.Critical
	mn, sd := c.Minima[a], c.Saddles[k]
	var th Theory
	if p.Noise.Model == "white" && p.Noise.T > 0 {
		r := eyringKramers(mn, sd, p.Noise.T)
		th.EyringKramers = &r
	}
	th.Laplace = laplace(p.Base.Loss, p.Base.Diffusion, mn, sd)
	if p.Noise.SGD() && p.Noise.LR > 0 && p.Noise.Batch > 0 {
		dPhi := math.NaN()
		if th.Laplace != nil {
			dPhi = th.Laplace.Exponent
		}
		th.SGD = sgdTheory(mn, sd, p.Noise, tau, dPhi)
		if math.IsNaN(tau) {
			th.SGD.Assessment = "no measured escape time to fit s to"
		}
	}
	return th
}

// spectralPair computes λ₁ of the reflecting operator restricted to the
// basins of minima i and j (the whole operator when they are the only
// basins), and the stationary masses of the two basins.
func spectralPair(p Problem, k, i, j int) (*SpectralPair, error) {
	prob := p.Base
	prob.Sinks = nil
	op, err := operators.Assemble(prob)
	if err != nil {
		return nil, err
	}
	labels := p.Basins.Labels
	keep := make([]bool, len(labels))
	all := true
	for c, l := range labels {
		keep[c] = l == i || l == j
		all = all && keep[c]
	}
	a := op.A
	var idx []int
	if !all {
		a, idx = closedSubsystem(op.A, keep)
	}
	hint := make([]float64, len(labels))
	g := p.Base.Grid
	g.Sample(hint, func(x []float64) float64 { return -p.Base.Loss.Value(x) })
	if idx != nil {
		sub := make([]float64, len(idx))
		for r, c := range idx {
			sub[r] = hint[c]
		}
		hint = sub
	}
	lam, _, pi, err := solver.SpectralGap(a, op.IsMarkov(), hint, p.Linear)
	if err != nil {
		return nil, err
	}
	sp := &SpectralPair{Saddle: k, Minima: [2]int{i, j}, Lambda1: lam}
	for r, v := range pi {
		c := r
		if idx != nil {
			c = idx[r]
		}
		switch labels[c] {
		case i:
			sp.Masses[0] += v
		case j:
			sp.Masses[1] += v
		}
	}
	return sp, nil
}

// closedSubsystem restricts the generator a to the kept cells and moves the
// flow that left them back onto the diagonal, so that columns sum to zero:
// the dynamics within the kept cells with reflecting walls where they meet
// the others.
func closedSubsystem(a *sparse.CSR, keep []bool) (*sparse.CSR, []int) {
	raw := a.RawMatrix()
	n := raw.I
	pos := make([]int, n)
	var idx []int
	for c := 0; c < n; c++ {
		pos[c] = -1
		if keep[c] {
			pos[c] = len(idx)
			idx = append(idx, c)
		}
	}
	// Column sums of the kept block, without the diagonal.
	out := make([]float64, len(idx))
	indptr := []int{0}
	var ind []int
	var data []float64
	for _, c := range idx {
		for q := raw.Indptr[c]; q < raw.Indptr[c+1]; q++ {
			j := pos[raw.Ind[q]]
			if j < 0 {
				continue
			}
			ind = append(ind, j)
			data = append(data, raw.Data[q])
			if raw.Ind[q] != c {
				out[j] += raw.Data[q]
			}
		}
		indptr = append(indptr, len(ind))
	}
	for r := range idx {
		for q := indptr[r]; q < indptr[r+1]; q++ {
			if ind[q] == r {
				data[q] = -out[r]
			}
		}
	}
	return sparse.NewCSR(len(idx), len(idx), indptr, ind, data), idx
}
