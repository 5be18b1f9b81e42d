package solver

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/testloss"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// gaussian fills p with the normal density N(m, S) sampled at cell centres
// and normalizes it.
func gaussian(g *grid.Grid, p []float64, m []float64, s [][]float64) {
	d := g.Dim()
	var inv [2][2]float64
	if d == 1 {
		inv[0][0] = 1 / s[0][0]
	} else {
		det := s[0][0]*s[1][1] - s[0][1]*s[1][0]
		inv = [2][2]float64{{s[1][1] / det, -s[0][1] / det}, {-s[1][0] / det, s[0][0] / det}}
	}
	g.Sample(p, func(x []float64) float64 {
		q := 0.0
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				q += (x[i] - m[i]) * inv[i][j] * (x[j] - m[j])
			}
		}
		return math.Exp(-q / 2)
	})
	g.Normalize(p)
}

func plane(lo, hi float64, nx, ny int) *grid.Grid {
	R := grid.Reflecting
	g, err := grid.New(grid.Axis{Lo: lo, Hi: hi, N: nx, Low: R, High: R}, grid.Axis{Lo: lo, Hi: hi, N: ny, Low: R, High: R})
	if err != nil {
		panic(err)
	}
	return g
}

func flat(m [][]float64) []float64 {
	var f []float64
	for _, r := range m {
		f = append(f, r...)
	}
	return f
}

// TestOU1D evolves the 1-D Ornstein–Uhlenbeck density (k = 2, T = 0.1) from
// N(1, 0.01) on 400 cells of [−2, 2] with adaptive TR-BDF2 and compares mean
// and variance with shared/reference/ou_transients.json at t = 0.25, 0.5, 1:
// mean within 1e-3 and variance within 2e-4. The spatial error is O(h²) =
// O(1e-4)·|P”| and the per-step tolerance 1e-7.
func TestOU1D(t *testing.T) {
	ref := loadReference(t)
	c0 := ref.OU1[0]
	g := line(-2, 2, 400, grid.Reflecting, grid.Reflecting)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.Quadratic([]float64{c0.K}), Diffusion: operators.White{D: 1, T: c0.T}})
	p := make([]float64, g.Len())
	gaussian(g, p, []float64{c0.M0}, [][]float64{{c0.V0}})
	var times []float64
	for _, c := range ref.OU1 {
		times = append(times, c.Time)
	}
	i := 0
	mean, cov := make([]float64, 1), make([]float64, 1)
	_, err := Evolve(context.Background(), op, p, 0, times, Settings{DT: 1e-3, Adaptive: true, Tol: 1e-7}, func(tt float64, p []float64) error {
		c := ref.OU1[i]
		i++
		g.Covariance(cov, mean, p)
		if !(math.Abs(mean[0]-c.Mean) <= 1e-3) || !(math.Abs(cov[0]-c.Variance) <= 2e-4) {
			t.Errorf("t=%g: mean %.6f var %.6f, want %.6f %.6f", tt, mean[0], cov[0], c.Mean, c.Variance)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Stationary(op, p, linear.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	g.Covariance(cov, mean, st)
	if !(math.Abs(cov[0]-c0.StatVar) <= 2e-4) || !(math.Abs(mean[0]) <= 1e-12) {
		t.Errorf("stationary mean %g variance %g, want 0 and %g", mean[0], cov[0], c0.StatVar)
	}
}

// TestOU2D checks both 2-D OU cases of ou_transients.json (a full constant
// D, and D = 0.05·H) at t = 0.5 and 1 and the stationary covariance, on a
// 240×224 grid of [−1.2, 1.8]×[−1.6, 1.2] (h = 0.0125; the densities are
// below e⁻¹⁸ of their peak at the walls at all times) with fixed-step
// TR-BDF2 (Δt = 0.01): mean within 1e-3, covariance within 2e-4. The
// exponential fitting adds the numerical diffusion h²(∂L)²/(12D), 6% of D
// where the cell Péclet number is 0.85 at h = 0.025, which is why the grid
// must be this fine for 2e-4.
func TestOU2D(t *testing.T) {
	ref := loadReference(t)
	byName := map[string][]int{}
	for i, c := range ref.OU2 {
		byName[c.Name] = append(byName[c.Name], i)
	}
	for name, idx := range byName {
		c0 := ref.OU2[idx[0]]
		g, err := grid.New(grid.Axis{Lo: -1.2, Hi: 1.8, N: 240}, grid.Axis{Lo: -1.6, Hi: 1.2, N: 224})
		if err != nil {
			t.Fatal(err)
		}
		dm, err := operators.NewMatrix(c0.D)
		if err != nil {
			t.Fatal(err)
		}
		op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.Quadratic(flat(c0.H)), Diffusion: dm})
		p := make([]float64, g.Len())
		gaussian(g, p, c0.M0, c0.Sigma0)
		var times []float64
		for _, i := range idx {
			times = append(times, ref.OU2[i].Time)
		}
		k := 0
		mean, cov := make([]float64, 2), make([]float64, 4)
		st, err := Evolve(context.Background(), op, p, 0, times, Settings{DT: 0.01}, func(tt float64, p []float64) error {
			c := ref.OU2[idx[k]]
			k++
			g.Covariance(cov, mean, p)
			for i := 0; i < 2; i++ {
				if !(math.Abs(mean[i]-c.Mean[i]) <= 1e-3) {
					t.Errorf("%s t=%g: mean[%d] = %.6f, want %.6f", name, tt, i, mean[i], c.Mean[i])
				}
				for j := 0; j < 2; j++ {
					if !(math.Abs(cov[2*i+j]-c.Cov[i][j]) <= 2e-4) {
						t.Errorf("%s t=%g: cov[%d][%d] = %.6f, want %.6f", name, tt, i, j, cov[2*i+j], c.Cov[i][j])
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if st.NegativeMass < -1e-6 {
			t.Errorf("%s: negative mass %g", name, st.NegativeMass)
		}
		ss, err := Stationary(op, p, linear.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		g.Covariance(cov, mean, ss)
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				if !(math.Abs(cov[2*i+j]-c0.StatCov[i][j]) <= 2e-4) {
					t.Errorf("%s stationary cov[%d][%d] = %.6f, want %.6f", name, i, j, cov[2*i+j], c0.StatCov[i][j])
				}
			}
		}
	}
}

// TestStationaryConvergenceOrder measures the order of the stationary
// density error (L¹ against the exact Gaussian N(0, S_ss)) for 2-D OU with a
// full non-diagonal D on 20², 40², 80² cells of [−1.2, 1.2]²: it must be
// ≥ 1.8 (the scheme is second order).
func TestStationaryConvergenceOrder(t *testing.T) {
	ref := loadReference(t)
	c := ref.OU2[0]
	dm, _ := operators.NewMatrix(c.D)
	var errs []float64
	for _, n := range []int{20, 40, 80} {
		g := plane(-1.2, 1.2, n, n)
		op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.Quadratic(flat(c.H)), Diffusion: dm})
		exact := make([]float64, g.Len())
		gaussian(g, exact, []float64{0, 0}, c.StatCov)
		p, err := Stationary(op, exact, linear.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		e := 0.0
		for i := range p {
			e += math.Abs(p[i] - exact[i])
		}
		errs = append(errs, e*g.CellVolume())
	}
	for i := 1; i < len(errs); i++ {
		if order := math.Log2(errs[i-1] / errs[i]); order < 1.8 {
			t.Errorf("order %.2f between grids %d and %d (errors %v)", order, i-1, i, errs)
		}
	}
}

// TestMFPTConvergenceOrder measures the order of τ(a→c) for the tilted
// sgd-local double well (τ ≈ 3.7·10¹⁰) on 1000, 2000, 4000 cells: ≥ 1.8.
func TestMFPTConvergenceOrder(t *testing.T) {
	ref := loadReference(t)
	c := ref.SGDLocal[3]
	var errs []float64
	for _, n := range []int{1000, 2000, 4000} {
		g := line(-2.5, 2.5, n, grid.Reflecting, grid.Reflecting)
		l := testloss.DoubleWell(c.Tilt)
		diff := sgdLocal(t, c.Tilt, c.Eta, c.B, c.LA, c.LB, c.LC, c.HA, c.HB, c.HC, c.XB)
		op := mustAssemble(t, operators.Problem{Grid: g, Loss: l, Diffusion: diff, Sinks: []operators.Sink{operators.Box{Lo: []float64{c.XC}, Hi: []float64{2.5}}}})
		tau, err := MFPT(op, linear.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, math.Abs(g.Interpolate(tau, []float64{c.XA})/c.AToC-1))
	}
	for i := 1; i < len(errs); i++ {
		if order := math.Log2(errs[i-1] / errs[i]); order < 1.8 {
			t.Errorf("order %.2f (errors %v)", order, errs)
		}
	}
}

// TestFlatSharpMFPT checks the white-noise MFPT from the flat minimum of
// e^{x/2}[(x²−1)²/4 + y²/2] to the absorbing line x = 1 (T = 0.05) against
// the Richardson-extrapolated value of 2d_flat_sharp_well.json: within 1e-3
// relative at h = 0.025.
func TestFlatSharpMFPT(t *testing.T) {
	ref := loadReference(t)
	fs := ref.FlatSharp
	R, A := grid.Reflecting, grid.Absorbing
	h := 0.025
	dx, dy := fs.Domain[0], fs.Domain[1]
	g, err := grid.New(grid.Axis{Lo: dx[0], Hi: dx[1], N: int(math.Round((dx[1] - dx[0]) / h)), Low: R, High: A},
		grid.Axis{Lo: dy[0], Hi: dy[1], N: int(math.Round((dy[1] - dy[0]) / h)), Low: R, High: R})
	if err != nil {
		t.Fatal(err)
	}
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.FlatSharp(fs.Beta), Diffusion: operators.White{D: 2, T: fs.T}})
	tau, err := MFPT(op, linear.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	got := g.Interpolate(tau, fs.Start)
	if rel := math.Abs(got/fs.MFPT - 1); !(rel <= 1e-3) {
		t.Errorf("MFPT %.6f, want %.6f (rel %.2g)", got, fs.MFPT, rel)
	}
}

// TestMassConservation runs 10⁴ steps with reflecting and periodic faces.
// With backward Euler (one solve per step) the mass stays 1 within 1e-12.
// TR-BDF2 combines two solves and three vectors per step; its rounding has
// a bias of up to ½ ulp of the mass per step (measured: −1e-16 per step
// while the density moves), so its bound is 10⁴·2ε ≈ 2.2e-12.
func TestMassConservation(t *testing.T) {
	full, _ := operators.NewMatrix([][]float64{{0.1, 0.03}, {0.03, 0.05}})
	P := grid.Periodic
	gp, _ := grid.New(grid.Axis{Lo: -2, Hi: 2, N: 24, Low: P, High: P}, grid.Axis{Lo: -2, Hi: 2, N: 20})
	ou := operators.Problem{Grid: gp, Loss: testloss.Quadratic([]float64{2, 0.6, 0.6, 1}), Diffusion: full}
	cases := []struct {
		name string
		p    operators.Problem
		s    Scheme
		tol  float64
	}{
		{"1d sgd be", operators.Problem{Grid: line(-2.5, 2.5, 200, grid.Reflecting, grid.Reflecting), Loss: testloss.DoubleWell(0.1),
			Diffusion: operators.SGD{Loss: testloss.DoubleWell(0.1), Scale: 0.025, PSD: operators.SoftAbs, Eps: 0.05, Floor: 1e-3}}, BackwardEuler, 1e-12},
		{"2d full D be periodic x", ou, BackwardEuler, 1e-12},
		{"2d full D tr-bdf2 periodic x", ou, TRBDF2, 1e4 * 2 * 0x1p-52},
	}
	for _, tc := range cases {
		g := tc.p.Grid
		op := mustAssemble(t, tc.p)
		p := make([]float64, g.Len())
		m := make([]float64, g.Dim())
		m[0] = 0.5
		s := [][]float64{{0.05, 0}, {0, 0.05}}
		if g.Dim() == 1 {
			s = [][]float64{{0.05}}
		}
		gaussian(g, p, m, s)
		times := make([]float64, 10)
		for i := range times {
			times[i] = float64(i+1) * 1000 * 0.01
		}
		st, err := Evolve(context.Background(), op, p, 0, times, Settings{Scheme: tc.s, DT: 0.01}, func(tt float64, p []float64) error {
			if e := math.Abs(g.Mass(p) - 1); e > tc.tol {
				return fmt.Errorf("t=%g: |mass − 1| = %g", tt, e)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if st.Steps != 10000 {
			t.Errorf("%s: %d steps, want 10000", tc.name, st.Steps)
		}
	}
}

// TestBackwardEulerPositivity: with diagonal D the generator is a Markov
// matrix, so (I − ΔtA)⁻¹ ≥ 0 and backward Euler keeps P ≥ 0 for any Δt,
// from a one-cell spike (the hardest case).
func TestBackwardEulerPositivity(t *testing.T) {
	g := plane(-2, 2, 40, 36)
	l := testloss.FlatSharp(0.5)
	// D = 0.05·|diag H| + 10⁻⁴·I: Hessian-dependent but diagonal.
	diag := l.Diagonal()
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: l, Diffusion: operators.SGD{Loss: diag, Scale: 0.05, PSD: operators.Abs, Eps: 0.02, Floor: 1e-4}})
	for _, dt := range []float64{1e-4, 1e-2, 1, 1e2, 1e6} {
		p := make([]float64, g.Len())
		p[g.Index([]int{5, 30})] = 1 / g.CellVolume()
		st, err := Evolve(context.Background(), op, p, 0, []float64{3 * dt}, Settings{Scheme: BackwardEuler, DT: dt}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Rounding in the elimination can leave values of order ε·max P.
		lo := 0.0
		for _, v := range p {
			lo = math.Min(lo, v)
		}
		if lo < -1e-14*maxAbs(p) || st.NegativeMass < -1e-14 {
			t.Errorf("Δt=%g: min P = %g (max %g)", dt, lo, maxAbs(p))
		}
	}
}

// TestSchemesOrder measures the temporal order of each fixed-step scheme on
// the 1-D OU transient (t = 0.5, against a fine TR-BDF2 solution on the same
// grid so that only time error is measured).
func TestSchemesOrder(t *testing.T) {
	g := line(-2, 2, 200, grid.Reflecting, grid.Reflecting)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.Quadratic([]float64{2}), Diffusion: operators.White{D: 1, T: 0.1}})
	run := func(s Scheme, dt float64) []float64 {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{1}, [][]float64{{0.01}})
		if _, err := Evolve(context.Background(), op, p, 0, []float64{0.5}, Settings{Scheme: s, DT: dt}, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ref := run(TRBDF2, 0.5/4096)
	for _, tc := range []struct {
		s     Scheme
		order float64
	}{{BackwardEuler, 1}, {CrankNicolson, 2}, {BDF2, 2}, {TRBDF2, 2}} {
		var errs []float64
		for _, dt := range []float64{0.5 / 64, 0.5 / 128} {
			p := run(tc.s, dt)
			e := 0.0
			for i := range p {
				e += math.Abs(p[i] - ref[i])
			}
			errs = append(errs, e*g.CellVolume())
		}
		if got := math.Log2(errs[0] / errs[1]); got < tc.order-0.2 {
			t.Errorf("%v: measured order %.2f, want ≥ %.1f (errors %v)", tc.s, got, tc.order-0.2, errs)
		}
	}
}

// TestStiffTrapezoidalStages: fixed steps of a quarter of the escape time
// (Δt·max|Aᵢᵢ| ≈ 10¹⁴) on a low-noise double well with an absorbing
// right end. Once the slowest mode dominates, each step multiplies the
// mass by the scheme's amplification factor R(−λ₀Δt) (λ₀ from the
// eigenproblem): within 1e-9 per step for TR-BDF2 (L-stable); within 1e-7
// for Crank–Nicolson, whose factor for stiff modes is ≈ −1, so that what
// the start put into them never decays (measured 1.1e-9). Forming
// (I + cA)·P with the product A·P in floating point instead put errors of
// 1e-4 to 6e-4 on every step.
func TestStiffTrapezoidalStages(t *testing.T) {
	g := line(-2.5, 1, 1000, grid.Reflecting, grid.Absorbing)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.DoubleWell(0.1), Diffusion: operators.White{D: 1, T: 0.015}})
	lambda, _, err := Principal(op, linear.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	dt := 0.25 / lambda
	t.Logf("λ₀ = %.6g, Δt = %.3g, Δt·max|Aᵢᵢ| = %.2g", lambda, dt, dt*maxDiagAbs(op))
	g2 := (2 - math.Sqrt2)
	for _, tc := range []struct {
		s   Scheme
		tol float64
		r   func(z float64) float64
	}{
		{TRBDF2, 1e-9, func(z float64) float64 {
			c1, c2 := 1/(g2*(2-g2)), (1-g2)*(1-g2)/(g2*(2-g2))
			star := (1 + g2*z/2) / (1 - g2*z/2)
			return (c1*star - c2) / (1 - g2*z/2)
		}},
		{CrankNicolson, 1e-7, func(z float64) float64 { return (1 + z/2) / (1 - z/2) }},
	} {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{-1}, [][]float64{{0.01}})
		var mass []float64
		st := Settings{Scheme: tc.s, DT: dt, OnStep: func(_ float64, p []float64) error {
			mass = append(mass, g.Mass(p))
			return nil
		}}
		if _, err := Evolve(context.Background(), op, p, 0, []float64{12 * dt}, st, nil); err != nil {
			t.Fatal(err)
		}
		want := tc.r(-lambda * dt)
		for k := 6; k < len(mass); k++ {
			if f := mass[k] / mass[k-1]; math.Abs(f/want-1) > tc.tol {
				t.Errorf("%v step %d: mass factor %.12g, want R(−λ₀Δt) = %.12g", tc.s, k, f, want)
			}
		}
	}
}

// maxDiagAbs returns max|Aᵢᵢ| of op's generator.
func maxDiagAbs(op *operators.Operator) float64 {
	raw := op.A.RawMatrix()
	m := 0.0
	for i := range raw.I {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] == i {
				m = max(m, math.Abs(raw.Data[k]))
			}
		}
	}
	return m
}

// TestStiffOutputs: adaptive runs on a closed low-noise double well whose
// steps grow to ~10¹¹ (h·max|Aᵢᵢ| ≈ 10¹⁵) interpolate their outputs
// between steps with the rates A·P taken from the solves: the outputs'
// mass stays 1 within 1e-12 (1e-4 when the rates were products with A).
func TestStiffOutputs(t *testing.T) {
	g := line(-2.5, 2.5, 1000, grid.Reflecting, grid.Reflecting)
	op := mustAssemble(t, operators.Problem{Grid: g, Loss: testloss.DoubleWell(0.1), Diffusion: operators.White{D: 1, T: 0.015}})
	var times []float64
	for k := 1; k <= 40; k++ {
		times = append(times, 3e9*float64(k))
	}
	for _, scheme := range []Scheme{TRBDF2, BackwardEuler} {
		p := make([]float64, g.Len())
		gaussian(g, p, []float64{-1}, [][]float64{{0.01}})
		worst := 0.0
		st, err := Evolve(context.Background(), op, p, 0, times, Settings{Scheme: scheme, DT: 0.01, Adaptive: true}, func(_ float64, q []float64) error {
			worst = max(worst, math.Abs(g.Mass(q)-1))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: %d steps, %d rejected, largest %.3g; output mass error %.2g", scheme, st.Steps, st.Rejected, st.MaxDT, worst)
		if worst > 1e-12 {
			t.Errorf("%v: an output's mass is off by %g", scheme, worst)
		}
	}
}
