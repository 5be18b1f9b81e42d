package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/fpsolve/fpsolve/dataset"
	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/sde"
)

// pdeEscape is the Fokker–Planck side of a minibatch simulation: the mean
// first passage times of the scenario's noise model, with the same target
// kind as the walkers, from escape.Analyze (MFPT from the minimum; the flux,
// survival and spectral estimators are skipped).
type pdeEscape struct {
	res *escape.Result
	err error
}

// newPDEEscape solves the backward equation for every transition.
func newPDEEscape(ctx context.Context, m *scenario.Model, kind sde.TargetKind, radius float64) *pdeEscape {
	p, err := m.EscapeProblem()
	if err != nil {
		return &pdeEscape{err: err}
	}
	res, err := escape.Analyze(ctx, p, escape.Settings{Target: kind, Radius: radius, SkipSurvival: true, SkipSpectral: true})
	return &pdeEscape{res: res, err: err}
}

// transition returns the PDE's MFPT and MFPT/η of a → b over saddle k.
func (pe *pdeEscape) transition(a, b, k int, eta float64) (mfpt, iterations float64, ok bool) {
	if pe.err != nil || pe.res == nil {
		return 0, 0, false
	}
	for _, tr := range pe.res.Transitions {
		if tr.From == a && tr.To == b && tr.Saddle == k && tr.MFPT > 0 {
			return tr.MFPT, tr.MFPT / eta, true
		}
	}
	return 0, 0, false
}

// fisherJSON reports C/(H/B), the minibatch gradient covariance over the
// Hessian model of the sgd noise, at the minima and along escape paths.
type fisherJSON struct {
	Batch  float64         `json:"batch"`
	FPC    float64         `json:"fpc"`
	Minima []fisherMinimum `json:"minima"`
	Paths  []fisherPath    `json:"paths"`
}

// fisherMinimum holds the ratio along each Hessian eigenvector of a minimum.
type fisherMinimum struct {
	Minimum    int           `json:"minimum"`
	X          []float64     `json:"x"`
	Directions []fisherRatio `json:"directions"`
}

type fisherRatio struct {
	V          []float64 `json:"v"`
	Eigenvalue float64   `json:"hessian_eigenvalue"`
	Ratio      *float64  `json:"ratio"`
}

// fisherPath holds the ratio along the straight legs minimum → saddle →
// minimum, in the direction of the leg.
type fisherPath struct {
	Saddle int           `json:"saddle"`
	From   int           `json:"from"`
	To     int           `json:"to"`
	Points []fisherPoint `json:"points"`
}

type fisherPoint struct {
	// S runs from 0 (minimum From) over 1 (the saddle) to 2 (minimum To).
	S    float64   `json:"s"`
	X    []float64 `json:"x"`
	Loss float64   `json:"loss"`
	// Ratio is nil where vᵀHv = 0.
	Ratio *float64 `json:"ratio"`
}

// fisherReport measures vᵀCv/(vᵀHv/B) at the minima (v the Hessian's
// eigenvectors) and at s = 0, ¼, …, 2 along each escape path: the straight
// legs minimum → saddle (s ≤ 1) → minimum, v the leg's direction.
func fisherReport(set *dataset.Set, crit *landscape.Critical, batch float64) *fisherJSON {
	d := set.Dim()
	f := &fisherJSON{Batch: batch, FPC: dataset.FPC(set.Len(), batch)}
	for i, mn := range crit.Minima {
		fm := fisherMinimum{Minimum: i, X: mn.X}
		for j := 0; j < d; j++ {
			v := make([]float64, d)
			for k := range v {
				v[k] = mn.Eigenvectors[k*d+j]
			}
			fm.Directions = append(fm.Directions, fisherRatio{V: v, Eigenvalue: mn.Eigenvalues[j], Ratio: finiteOrNil(set.FisherRatio(mn.X, v, batch))})
		}
		f.Minima = append(f.Minima, fm)
	}
	for k, s := range crit.Saddles {
		a, b := s.Connects[0], s.Connects[1]
		if a < 0 || b < 0 || a == b {
			continue
		}
		fp := fisherPath{Saddle: k, From: a, To: b}
		xa, xb := crit.Minima[a].X, crit.Minima[b].X
		for q := 0; q <= 8; q++ {
			t := float64(q) / 4
			p0, p1, u := xa, s.X, t // leg minimum a → saddle
			if t > 1 {
				p0, p1, u = s.X, xb, t-1 // leg saddle → minimum b
			}
			x, v := make([]float64, d), make([]float64, d)
			for c := range x {
				v[c] = p1[c] - p0[c]
				x[c] = p0[c] + u*v[c]
			}
			fp.Points = append(fp.Points, fisherPoint{S: t, X: x, Loss: set.Value(x), Ratio: finiteOrNil(set.FisherRatio(x, v, batch))})
		}
		f.Paths = append(f.Paths, fp)
	}
	return f
}

// finiteOrNil returns &x, or nil when x is not finite (JSON has no NaN).
func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// printFisher writes the C/(H/B) table.
func printFisher(w io.Writer, f *fisherJSON) {
	fmt.Fprintf(w, "\ngradient noise vs the Hessian model: C/(H/B) = vᵀCv/(vᵀHv/B), C = Cov_i[∇ℓᵢ]/B·(n−B)/(n−1), B = %g, (n−B)/(n−1) = %.4g\n", f.Batch, f.FPC)
	for _, m := range f.Minima {
		for _, r := range m.Directions {
			fmt.Fprintf(w, "  minimum %d %-22s along eigenvector %-20s (λ = %.4g): C/(H/B) = %s\n", m.Minimum, fmtVec(m.X), fmtVec(r.V), r.Eigenvalue, ratioText(r.Ratio))
		}
	}
	for _, p := range f.Paths {
		fmt.Fprintf(w, "  path %d → saddle %d → %d (s = 0 minimum, 1 saddle, 2 minimum; v along the path):\n", p.From, p.Saddle, p.To)
		for _, q := range p.Points {
			fmt.Fprintf(w, "    s = %-5.3g x = %-22s L = %-12.6g C/(H/B) = %s\n", q.S, fmtVec(q.X), q.Loss, ratioText(q.Ratio))
		}
	}
}

func ratioText(r *float64) string {
	if r == nil {
		return "undefined (vᵀHv = 0)"
	}
	return fmt.Sprintf("%.4g", *r)
}

// examplesOf returns the scenario's data set as sde.Examples, or nil.
func examplesOf(m *scenario.Model) sde.Examples {
	if m.Data == nil {
		return nil
	}
	return m.Data
}

// minibatchSettings maps the keys of minibatch SGD: η = noise.lr, B =
// noise.batch (an integer 1 ≤ B ≤ n), T0 = noise.floor.
func minibatchSettings(m *scenario.Model, set sde.Settings) (sde.Settings, error) {
	n := m.Scenario.Noise
	set.Dynamics = sde.Minibatch
	switch {
	case m.Data == nil:
		return set, scenario.Problems{{Path: "simulate.dynamics", Value: "minibatch",
			Msg: "minibatch SGD samples per-example losses: add a data block (for example data: {model: regression, n: 64}; see testdata/scenarios/data-regression.yaml), or use sde, sgd or sgld"}}
	case n.LR == nil:
		return set, scenario.Problems{{Path: "noise.lr", Msg: "minibatch SGD steps by the learning rate η: set noise.lr"}}
	case n.Batch == nil:
		return set, scenario.Problems{{Path: "noise.batch", Msg: "minibatch SGD needs the batch size B: set noise.batch"}}
	}
	b := *n.Batch
	if b != math.Trunc(b) || b < 1 || b > float64(m.Data.Len()) {
		return set, scenario.Problems{{Path: "noise.batch", Value: strconv.FormatFloat(b, 'g', -1, 64),
			Msg: fmt.Sprintf("minibatch SGD draws B distinct examples: B must be an integer between 1 and the %d examples", m.Data.Len())}}
	}
	set.Step, set.Batch = *n.LR, int(b)
	if n.Floor != nil {
		set.Floor = *n.Floor
	}
	return set, nil
}

// comparePDE fills in the PDE's MFPT of tr, or logs why it is missing.
func comparePDE(o *options, tr *simTransition, pe *pdeEscape, fromStart bool, eta float64) {
	switch {
	case fromStart:
		o.logf("note: --start is set: the PDE comparison (MFPT from the minimum) is left out\n")
		return
	case pe.err != nil:
		o.logf("note: the PDE comparison failed: %v\n", pe.err)
		return
	case !(eta > 0):
		return
	}
	tau, it, ok := pe.transition(tr.From, tr.To, tr.Saddle, eta)
	if !ok {
		o.logf("note: the PDE gave no MFPT for %d → %d\n", tr.From, tr.To)
		return
	}
	tr.PDEMFPT, tr.PDEIterations = &tau, &it
	if tr.Result != nil && it > 0 {
		r := tr.MeanIterations / it
		tr.MCOverPDE = &r
	}
}
