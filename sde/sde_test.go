package sde_test

import (
	"context"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/sde"
)

// TestWhiteNoise1D checks the Euler–Maruyama ensemble against the exact
// mean first passage time a → c of the tilted double well (tilt 0.1,
// T = 0.2; testdata/reference.json).
//
// The Δt study runs Δt = 0.16, 0.08, 0.04, where the bias is large enough
// to measure, and fits bias = c·Δt by weighted least squares: every level
// must lie within 3 standard errors of the line (first order) and c must
// differ from 0 by more than 5 of its standard errors. Measured with 80000
// walkers per level: biases −2.24, −1.05, −0.56, −0.32 at Δt = 0.16, 0.08,
// 0.04, 0.02 (ratios 2.1, 1.9, 1.7), so c ≈ −14 and the bias at the chosen
// Δt = 0.005 is ≈ −0.07, a third of the standard error of 20000 walkers.
// The ensemble at Δt = 0.005 must then lie within 3 standard errors of the
// exact value.
func TestWhiteNoise1D(t *testing.T) {
	ref := loadReference(t)
	p, _ := doubleWell(t, ref)
	exact := ref.MFPTAtoC
	nStudy, nMain := 40000, 20000
	if testing.Short() {
		nStudy, nMain = 10000, 5000
	}
	dts := []float64{0.16, 0.08, 0.04}
	bias := make([]float64, len(dts))
	se := make([]float64, len(dts))
	for i, dt := range dts {
		r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: nStudy, Step: dt, MaxTime: 1e5, Seed: 11})
		if err != nil {
			t.Fatal(err)
		}
		bias[i], se[i] = r.MeanEscapeTime-exact, r.StdErr
		t.Logf("Δt = %-5g τ = %.4f ± %.4f   bias %+.4f (%+.1f SE)", dt, r.MeanEscapeTime, r.StdErr, bias[i], bias[i]/se[i])
	}
	// Weighted least squares through the origin: c = Σ wbΔt / Σ wΔt².
	var num, den float64
	for i, dt := range dts {
		w := 1 / (se[i] * se[i])
		num += w * bias[i] * dt
		den += w * dt * dt
	}
	c, seC := num/den, 1/math.Sqrt(den)
	t.Logf("fit: bias ≈ c·Δt, c = %.3f ± %.3f", c, seC)
	for i, dt := range dts {
		if r := bias[i] - c*dt; math.Abs(r) > 3*se[i] {
			t.Errorf("Δt = %g: bias %.4f departs from the first-order line %.4f by %.1f SE", dt, bias[i], c*dt, r/se[i])
		}
	}
	if math.Abs(c) < 5*seC {
		t.Errorf("bias slope c = %.3f ± %.3f is not resolved: the study shows no first-order bias", c, seC)
	}

	const dt = 0.005
	r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: nMain, Step: dt, MaxTime: 1e5, Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Δt = %g: τ = %.4f ± %.4f, CI %.4f–%.4f, exact %.6f (%+.2f SE); predicted bias %.4f; rate %.5f, 1/rate %.3f, lag %.3f; %.3g steps/s",
		dt, r.MeanEscapeTime, r.StdErr, r.CI95[0], r.CI95[1], exact, (r.MeanEscapeTime-exact)/r.StdErr, c*dt, r.Rate, 1/r.Rate, r.Lag, float64(r.Steps)/r.Seconds)
	if math.Abs(c*dt) > r.StdErr {
		t.Errorf("predicted time-step bias %.4f at Δt = %g exceeds the standard error %.4f", c*dt, dt, r.StdErr)
	}
	if d := math.Abs(r.MeanEscapeTime - exact); d > 3*r.StdErr {
		t.Errorf("τ = %.4f ± %.4f, exact %.6f: off by %.1f SE", r.MeanEscapeTime, r.StdErr, exact, d/r.StdErr)
	}
	if r.Capped != 0 || r.Arrived != nMain || !r.Bridge {
		t.Errorf("capped %d, arrived %d of %d, bridge %v", r.Capped, r.Arrived, nMain, r.Bridge)
	}
	// Escape is nearly exponential: 1/rate + lag ≈ τ within a few per cent.
	if d := math.Abs(1/r.Rate+r.Lag-exact) / exact; d > 0.05 {
		t.Errorf("exponential fit: 1/rate + lag = %.3f, τ = %.3f", 1/r.Rate+r.Lag, exact)
	}
}

// TestFlatSharp2D checks the 2-D flat/sharp well under white noise,
// T = 0.1, in both directions against the mean first passage time of the
// Fokker–Planck operator (package escape, target beyond the minimum). The
// PDE value on the 200×160 grid differs from the 400×320 one by 0.03%
// (111.10 vs 111.13 flat → sharp, 46.419 vs 46.430 sharp → flat), far below
// the 1.5% standard error of 4000 walkers; the Euler–Maruyama bias at
// Δt = 0.01 is of the size found in 1-D, about 0.5%.
func TestFlatSharp2D(t *testing.T) {
	s, err := scenario.Parse([]byte(`
landscape: {builtin: flat-sharp, params: {beta: 0.5}}
domain: [[-2.5, 2.5], [-2, 2]]
cells: [200, 160]
noise: {model: white, temperature: 0.1}
time: {end: 1}
initial: {uniform: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := scenario.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := m.EscapeProblem()
	if err != nil {
		t.Fatal(err)
	}
	res, err := escape.Analyze(context.Background(), ep, escape.Settings{SkipSurvival: true, SkipSpectral: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Transitions) != 2 {
		t.Fatalf("%d transitions, want 2", len(res.Transitions))
	}
	c, _ := m.Critical()
	walkers := 4000
	if testing.Short() {
		walkers = 1500
	}
	for _, tr := range res.Transitions {
		tg, err := sde.NewTarget(sde.TargetBeyond, c, m.Basins(), tr.To, tr.Saddle, 0)
		if err != nil {
			t.Fatal(err)
		}
		p := sde.Problem{Loss: m.Loss, Diffusion: m.Diffusion, Walls: sde.WallsOf(m.Grid), Target: tg, Start: c.Minima[tr.From].X}
		r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: walkers, Step: 0.01, MaxTime: 1e5, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		z := (r.MeanEscapeTime - tr.MFPT) / r.StdErr
		t.Logf("%d → %d: SDE τ = %.3f ± %.3f, PDE %.4f (%+.2f SE); %.3g steps/s", tr.From, tr.To, r.MeanEscapeTime, r.StdErr, tr.MFPT, z, float64(r.Steps)/r.Seconds)
		if math.Abs(z) > 3 {
			t.Errorf("%d → %d: SDE τ = %.3f ± %.3f differs from the PDE MFPT %.4f by %.1f SE", tr.From, tr.To, r.MeanEscapeTime, r.StdErr, tr.MFPT, z)
		}
	}
}

// TestDeterministicAcrossWorkers checks that results are bit-for-bit the
// same for 1, 2, 3 and 8 workers, in 1-D and 2-D.
func TestDeterministicAcrossWorkers(t *testing.T) {
	ref := loadReference(t)
	p1, _ := doubleWell(t, ref)
	p2 := sde.Problem{
		Loss:      quadratic2{},
		Diffusion: mustMatrix(t, [][]float64{{0.3, 0.1}, {0.1, 0.2}}),
		Walls:     []sde.Wall{{Lo: -2, Hi: 2}, {Lo: -2, Hi: 2, Low: grid.Absorbing, High: grid.Reflecting}},
		Target:    operators.Ball{Center: []float64{1, 1}, Radius: 0.3},
		Start:     []float64{0, 0},
	}
	for _, p := range []sde.Problem{p1, p2} {
		var first *sde.Result
		for _, workers := range []int{1, 2, 3, 8} {
			r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 301, Step: 0.01, MaxTime: 30, Seed: 42, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = r
				continue
			}
			for i := range r.Times {
				if r.Times[i] != first.Times[i] || r.Status[i] != first.Status[i] {
					t.Fatalf("%d-D, %d workers: walker %d ended at %v (%d), with 1 worker at %v (%d)", p.Loss.Dim(), workers, i, r.Times[i], r.Status[i], first.Times[i], first.Status[i])
				}
			}
			if r.MeanEscapeTime != first.MeanEscapeTime || r.StdErr != first.StdErr {
				t.Errorf("%d workers: τ = %v ± %v, with 1 worker %v ± %v", workers, r.MeanEscapeTime, r.StdErr, first.MeanEscapeTime, first.StdErr)
			}
		}
		if first.Arrived == 0 {
			t.Errorf("%d-D: no walker arrived", p.Loss.Dim())
		}
	}
	// A different seed gives different walkers.
	a, _ := sde.Run(context.Background(), p1, sde.Settings{Walkers: 50, Step: 0.01, MaxTime: 1e4, Seed: 1})
	b, _ := sde.Run(context.Background(), p1, sde.Settings{Walkers: 50, Step: 0.01, MaxTime: 1e4, Seed: 2})
	if a.MeanEscapeTime == b.MeanEscapeTime {
		t.Error("seeds 1 and 2 gave the same ensemble")
	}
}

// TestWalls checks reflecting and absorbing walls against an exact mean
// exit time. On [0, 1] with L = 2x (the drift pushes walkers onto the
// reflecting wall at 0) and D = ½, absorbing at 1, a walker from x₀ = ½
// leaves after, on average,
//
//	τ = ∫_{½}^{1} dy e^{L(y)/D}/D ∫_0^y e^{−L(z)/D} dz = [(e⁴ − e²)/4 − ½]/2 ≈ 5.6511.
//
// Walkers cross the reflecting wall all the time; were they lost, clamped
// or absorbed there, τ would be far off. The mirror scheme and the bridge
// test at the absorbing wall are both first order: 40000 walkers gave
// biases −0.444, −0.205, −0.091 at Δt = 0.016, 0.008, 0.004 (≈ −25·Δt), so
// at Δt = 5·10⁻⁴ the bias, ≈ −0.013, is a sixth of the standard error.
func TestWalls(t *testing.T) {
	exact := ((math.Exp(4)-math.Exp(2))/4 - 0.5) / 2
	p := sde.Problem{
		Loss:      linear1{slope: 2},
		Diffusion: operators.White{D: 1, T: 0.5},
		Walls:     []sde.Wall{{Lo: 0, Hi: 1, Low: grid.Reflecting, High: grid.Absorbing}},
		Target:    sde.Interval{Lo: math.Inf(1), Hi: math.Inf(1)},
		Start:     []float64{0.5},
	}
	n := 6000
	if testing.Short() {
		n = 2000
	}
	r, err := sde.Run(context.Background(), p, sde.Settings{Walkers: n, Step: 5e-4, MaxTime: 1e4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exit time %.4f ± %.4f, exact %.4f (%+.2f SE)", r.MeanEscapeTime, r.StdErr, exact, (r.MeanEscapeTime-exact)/r.StdErr)
	if r.Absorbed != n {
		t.Errorf("%d of %d walkers absorbed at the wall", r.Absorbed, n)
	}
	if d := math.Abs(r.MeanEscapeTime - exact); d > 3*r.StdErr {
		t.Errorf("exit time %.4f ± %.4f, exact %.4f: off by %.1f SE", r.MeanEscapeTime, r.StdErr, exact, d/r.StdErr)
	}

	// Both walls reflecting and no reachable target: nobody leaves, every
	// walker is capped, and the result says so.
	p.Walls[0].High = grid.Reflecting
	r, err = sde.Run(context.Background(), p, sde.Settings{Walkers: 100, Step: 0.01, MaxTime: 10, Seed: 5})
	if err != sde.ErrNoArrival || r == nil || r.Capped != 100 || !math.IsInf(r.MeanEscapeTime, 1) || r.RestrictedMean != r.MaxTime {
		t.Errorf("closed box: err %v, result %+v", err, r)
	}
}

// TestCapped checks that walkers hitting the time cap are counted, not
// dropped: with the same seed the walkers of a capped run follow the same
// paths as those of an uncapped one, so exactly those with τ > cap are
// capped, the restricted mean is the mean of min(τ, cap), and the
// estimate with the exponential tail lands near the uncapped mean.
func TestCapped(t *testing.T) {
	ref := loadReference(t)
	p, _ := doubleWell(t, ref)
	s := sde.Settings{Walkers: 2000, Step: 0.01, MaxTime: 1e5, Seed: 8}
	full, err := sde.Run(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	s.MaxTime = 25
	capped, err := sde.Run(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	want, sum := 0, 0.0
	for _, tau := range full.Times {
		if tau > capped.MaxTime {
			want++
		}
		sum += math.Min(tau, capped.MaxTime)
	}
	if capped.Capped != want || capped.Capped+capped.Arrived+capped.Absorbed != s.Walkers {
		t.Errorf("capped %d (arrived %d, absorbed %d), want %d of %d", capped.Capped, capped.Arrived, capped.Absorbed, want, s.Walkers)
	}
	if rm := sum / float64(s.Walkers); math.Abs(capped.RestrictedMean-rm) > 1e-9*rm {
		t.Errorf("restricted mean %v, want %v", capped.RestrictedMean, rm)
	}
	if !(capped.MeanEscaped < capped.RestrictedMean && capped.RestrictedMean < full.MeanEscapeTime) {
		t.Errorf("want mean over escaped %v < restricted mean %v < full mean %v", capped.MeanEscaped, capped.RestrictedMean, full.MeanEscapeTime)
	}
	t.Logf("cap %g: %d capped (%.1f%%); restricted mean %.3f, with tail %.3f ± %.3f; uncapped %.3f ± %.3f",
		capped.MaxTime, capped.Capped, 100*capped.CappedFraction, capped.RestrictedMean, capped.MeanEscapeTime, capped.StdErr, full.MeanEscapeTime, full.StdErr)
	// The tail estimate assumes exponential escape beyond the cap; the
	// MLE rate ignores the short lag before it, so allow 3 SE plus 5%.
	if d := math.Abs(capped.MeanEscapeTime - full.MeanEscapeTime); d > 3*capped.StdErr+0.05*full.MeanEscapeTime {
		t.Errorf("tail-corrected mean %.3f ± %.3f, uncapped %.3f", capped.MeanEscapeTime, capped.StdErr, full.MeanEscapeTime)
	}
}

// TestDiscreteDynamics checks the discrete iterations: SGLD at
// temperature T is the SGD iteration with white noise D = T (the same
// update), and the 1-D fast path for operators.SGD noise gives the same
// walkers as the general path.
func TestDiscreteDynamics(t *testing.T) {
	ref := loadReference(t)
	p, _ := doubleWell(t, ref)
	sgld, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 200, Dynamics: sde.SGLD, Temperature: ref.T, Step: 0.05, MaxTime: 1e5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	sgd, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 200, Dynamics: sde.SGD, Step: 0.05, MaxTime: 1e5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if sgld.MeanEscapeTime != sgd.MeanEscapeTime || sgd.Bridge || sgld.Bridge {
		t.Errorf("SGLD τ = %v, SGD with white noise τ = %v (bridge %v %v)", sgld.MeanEscapeTime, sgd.MeanEscapeTime, sgld.Bridge, sgd.Bridge)
	}
	if math.Abs(sgd.MeanIterations*0.05-sgd.MeanEscapeTime) > 1e-9*sgd.MeanEscapeTime {
		t.Errorf("iterations %v × η ≠ τ %v", sgd.MeanIterations, sgd.MeanEscapeTime)
	}

	p.Diffusion = operators.SGD{Loss: p.Loss, Scale: 0.1 / 2, PSD: operators.SoftAbs, Eps: 0.3, Floor: 0.01}
	fast, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 100, Dynamics: sde.SGD, Step: 0.1, MaxTime: 1e5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	p.Diffusion = hidden{p.Diffusion}
	slow, err := sde.Run(context.Background(), p, sde.Settings{Walkers: 100, Dynamics: sde.SGD, Step: 0.1, MaxTime: 1e5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fast.Times {
		if fast.Times[i] != slow.Times[i] {
			t.Fatalf("walker %d: fast path %v, general path %v", i, fast.Times[i], slow.Times[i])
		}
	}
}

// TestRunRejects checks that bad input returns errors, not panics.
func TestRunRejects(t *testing.T) {
	ref := loadReference(t)
	good, _ := doubleWell(t, ref)
	cases := []struct {
		name string
		edit func(*sde.Problem, *sde.Settings)
	}{
		{"zero step", func(_ *sde.Problem, s *sde.Settings) { s.Step = 0 }},
		{"no max time", func(_ *sde.Problem, s *sde.Settings) { s.MaxTime = 0 }},
		{"sgld without T", func(_ *sde.Problem, s *sde.Settings) { s.Dynamics = sde.SGLD }},
		{"start outside", func(p *sde.Problem, _ *sde.Settings) { p.Start = []float64{7} }},
		{"no target", func(p *sde.Problem, _ *sde.Settings) { p.Target = nil }},
		{"indefinite D", func(p *sde.Problem, _ *sde.Settings) { p.Diffusion = operators.White{D: 1, T: -1} }},
	}
	for _, tc := range cases {
		p := good
		s := sde.Settings{Walkers: 10, Step: 0.01, MaxTime: 100, Seed: 1}
		tc.edit(&p, &s)
		if _, err := sde.Run(context.Background(), p, s); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sde.Run(ctx, good, sde.Settings{Walkers: 10, Step: 0.01, MaxTime: 100}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// linear1 is L = slope·x in 1-D.
type linear1 struct{ slope float64 }

func (linear1) Dim() int                    { return 1 }
func (l linear1) Value(x []float64) float64 { return l.slope * x[0] }
func (l linear1) Derivatives(x, g, h []float64) float64 {
	if g != nil {
		g[0] = l.slope
	}
	if h != nil {
		h[0] = 0
	}
	return l.slope * x[0]
}

// quadratic2 is L = |x|²/2 in 2-D.
type quadratic2 struct{}

func (quadratic2) Dim() int                  { return 2 }
func (quadratic2) Value(x []float64) float64 { return (x[0]*x[0] + x[1]*x[1]) / 2 }
func (q quadratic2) Derivatives(x, g, h []float64) float64 {
	if g != nil {
		g[0], g[1] = x[0], x[1]
	}
	if h != nil {
		h[0], h[1], h[2], h[3] = 1, 0, 0, 1
	}
	return q.Value(x)
}

// hidden hides the concrete type of a diffusion field.
type hidden struct{ operators.Diffusion }

func mustMatrix(t *testing.T, m [][]float64) operators.Matrix {
	t.Helper()
	d, err := operators.NewMatrix(m)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
