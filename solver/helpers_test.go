package solver

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
)

// testLoss is a loss given by closed forms, independent of package landscape.
type testLoss struct {
	d    int
	f    func(x []float64) float64
	grad func(x, g []float64)
	hess func(x, h []float64)
}

func (l testLoss) Dim() int                  { return l.d }
func (l testLoss) Value(x []float64) float64 { return l.f(x) }
func (l testLoss) Derivatives(x, g, h []float64) float64 {
	if g != nil {
		l.grad(x, g)
	}
	if h != nil {
		l.hess(x, h)
	}
	return l.f(x)
}

func doubleWell(tilt float64) testLoss {
	return testLoss{d: 1,
		f:    func(x []float64) float64 { return x[0]*x[0]*x[0]*x[0]/4 - x[0]*x[0]/2 + tilt*x[0] },
		grad: func(x, g []float64) { g[0] = x[0]*x[0]*x[0] - x[0] + tilt },
		hess: func(x, h []float64) { h[0] = 3*x[0]*x[0] - 1 },
	}
}

func quadratic(h []float64) testLoss {
	d := 1
	if len(h) == 4 {
		d = 2
	}
	return testLoss{d: d,
		f: func(x []float64) float64 {
			s := 0.0
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					s += x[i] * h[i*d+j] * x[j]
				}
			}
			return s / 2
		},
		grad: func(x, g []float64) {
			for i := 0; i < d; i++ {
				g[i] = 0
				for j := 0; j < d; j++ {
					g[i] += h[i*d+j] * x[j]
				}
			}
		},
		hess: func(x, hh []float64) { copy(hh, h) },
	}
}

// flatSharp is e^{βx}[(x²−1)²/4 + y²/2].
func flatSharp(beta float64) testLoss {
	return testLoss{d: 2,
		f: func(x []float64) float64 {
			q := (x[0]*x[0]-1)*(x[0]*x[0]-1)/4 + x[1]*x[1]/2
			return math.Exp(beta*x[0]) * q
		},
		grad: func(x, g []float64) {
			e := math.Exp(beta * x[0])
			q := (x[0]*x[0]-1)*(x[0]*x[0]-1)/4 + x[1]*x[1]/2
			g[0] = e * (beta*q + x[0]*(x[0]*x[0]-1))
			g[1] = e * x[1]
		},
		hess: func(x, h []float64) {
			e := math.Exp(beta * x[0])
			q := (x[0]*x[0]-1)*(x[0]*x[0]-1)/4 + x[1]*x[1]/2
			qx := x[0] * (x[0]*x[0] - 1)
			h[0] = e * (beta*beta*q + 2*beta*qx + 3*x[0]*x[0] - 1)
			h[1] = e * beta * x[1]
			h[2] = h[1]
			h[3] = e
		},
	}
}

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
