package solver

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
)

type reference struct {
	White []struct {
		Tilt, T, XA, XB, XC                  float64
		MassLeft, AToC, CToA, Lambda0, Lamb1 float64
	}
	SGDLocal []struct {
		Tilt, Eta, B                 float64
		XA, XB, XC, LA, LB, LC       float64
		HA, HB, HC                   float64
		MassLeft, AToC, CToA, Lambda float64
		Lambda1                      float64
	}
	OU1 []struct {
		K, T, M0, V0, Time, Mean, Variance, StatVar float64
	}
	OU2 []struct {
		H, D, Sigma0, Cov, StatCov [][]float64
		Name                       string
		M0, Mean                   []float64
		Time                       float64
	}
	FlatSharp struct {
		Beta, T, MFPT float64
		Start         []float64
		Domain        [][]float64
	}
}

// loadReference reads testdata/reference.json (copied from shared/reference).
func loadReference(t testing.TB) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		White []map[string]float64 `json:"white"`
		SGD   []map[string]float64 `json:"sgd_local"`
		OU1   []map[string]float64 `json:"ou_1d"`
		OU2   []struct {
			H, D, Sigma0, Cov [][]float64
			StatCov           [][]float64 `json:"stationary_cov"`
			Name              string
			M0, Mean          []float64
			T                 float64 `json:"t"`
		} `json:"ou_2d"`
		FS struct {
			Beta, T, MFPT float64
			Start         []float64
			Domain        [][]float64
		} `json:"flat_sharp_mfpt"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	r := &reference{}
	for _, m := range raw.White {
		r.White = append(r.White, struct {
			Tilt, T, XA, XB, XC                  float64
			MassLeft, AToC, CToA, Lambda0, Lamb1 float64
		}{m["tilt"], m["T"], m["x_a"], m["x_b"], m["x_c"], m["mass_left"], m["a_to_c"], m["c_to_a"], m["lambda0_at_c"], m["lambda1"]})
	}
	for _, m := range raw.SGD {
		r.SGDLocal = append(r.SGDLocal, struct {
			Tilt, Eta, B                 float64
			XA, XB, XC, LA, LB, LC       float64
			HA, HB, HC                   float64
			MassLeft, AToC, CToA, Lambda float64
			Lambda1                      float64
		}{m["tilt"], m["eta"], m["B"], m["x_a"], m["x_b"], m["x_c"], m["L_a"], m["L_b"], m["L_c"], m["h_a"], m["h_b"], m["h_c"], m["mass_left"], m["a_to_c"], m["c_to_a"], m["lambda0_at_c"], m["lambda1"]})
	}
	for _, m := range raw.OU1 {
		r.OU1 = append(r.OU1, struct{ K, T, M0, V0, Time, Mean, Variance, StatVar float64 }{m["k"], m["T"], m["m0"], m["v0"], m["t"], m["mean"], m["variance"], m["stationary_variance"]})
	}
	for _, c := range raw.OU2 {
		r.OU2 = append(r.OU2, struct {
			H, D, Sigma0, Cov, StatCov [][]float64
			Name                       string
			M0, Mean                   []float64
			Time                       float64
		}{c.H, c.D, c.Sigma0, c.Cov, c.StatCov, c.Name, c.M0, c.Mean, c.T})
	}
	r.FlatSharp.Beta, r.FlatSharp.T, r.FlatSharp.MFPT = raw.FS.Beta, raw.FS.T, raw.FS.MFPT
	r.FlatSharp.Start, r.FlatSharp.Domain = raw.FS.Start, raw.FS.Domain
	return r
}

func mustAssemble(t testing.TB, p operators.Problem) *operators.Operator {
	t.Helper()
	op, err := operators.Assemble(p)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func line(lo, hi float64, n int, low, high grid.Boundary) *grid.Grid {
	g, err := grid.New(grid.Axis{Lo: lo, Hi: hi, N: n, Low: low, High: high})
	if err != nil {
		panic(err)
	}
	return g
}

// massBelow returns ∫_{x<xb} P for a 1-D density, splitting the cell that
// contains xb proportionally.
func massBelow(g *grid.Grid, p []float64, xb float64) float64 {
	h := g.H(0)
	s := 0.0
	for c, v := range p {
		lo := g.Axis(0).Lo + float64(c)*h
		switch {
		case lo+h <= xb:
			s += v * h
		case lo < xb:
			s += v * (xb - lo)
		}
	}
	return s
}

// sgdLadder returns the generators of the tilted double well under SGD
// noise with η/(2B) = 0.05, 0.025, 0.0125 on g (the pieces of a step
// schedule).
func sgdLadder(t *testing.T, g *grid.Grid) []*operators.Operator {
	t.Helper()
	loss := testloss.DoubleWell(0.1)
	ops := make([]*operators.Operator, 3)
	for k, scale := range []float64{0.05, 0.025, 0.0125} {
		ops[k] = mustAssemble(t, operators.Problem{Grid: g, Loss: loss,
			Diffusion: operators.SGD{Loss: loss, Scale: scale, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3}})
	}
	return ops
}
