package dataset

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustGenerate(t *testing.T, spec Spec) *Set {
	t.Helper()
	s, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDerivativesFD checks the per-example and mean gradients and Hessians
// against central differences. With step h the difference quotients of
// these polynomials err by O(h²·|∂³ℓ|) ≈ 1e-8 plus rounding
// O(ε·|ℓ|/h) ≈ 1e-11, so 1e-6 relative (to the scale of the entries) is
// a safe bound.
func TestDerivativesFD(t *testing.T) {
	sets := []*Set{
		mustGenerate(t, Spec{Model: Regression, N: 9, Seed: 3, Noise: 0.3, Params: map[string]float64{"a": 1.3, "theta_star": 0.4, "weight_decay": 0.07}}),
		mustGenerate(t, Spec{Model: LinearNet, N: 7, Seed: 4, Noise: 0.2, Params: map[string]float64{"w": 0.8, "weight_decay": 0.05}}),
	}
	const h = 1e-4
	for _, s := range sets {
		d := s.Dim()
		for _, theta := range [][]float64{{0.3, -0.7}, {-1.1, 0.4}, {0.9, 1.2}} {
			theta = theta[:d]
			for i := -1; i < s.Len(); i++ { // −1: the mean loss
				f := func(x, g, hh []float64) float64 {
					if i < 0 {
						return s.Derivatives(x, g, hh)
					}
					return s.Example(i, x, g, hh)
				}
				g, hs := make([]float64, d), make([]float64, d*d)
				f(theta, g, hs)
				scale := 1.0
				for _, v := range append(append([]float64{}, g...), hs...) {
					scale = math.Max(scale, math.Abs(v))
				}
				gp, gm := make([]float64, d), make([]float64, d)
				for k := 0; k < d; k++ {
					xp := append([]float64(nil), theta...)
					xm := append([]float64(nil), theta...)
					xp[k] += h
					xm[k] -= h
					fd := (f(xp, gp, nil) - f(xm, gm, nil)) / (2 * h)
					if math.Abs(fd-g[k]) > 1e-6*scale {
						t.Errorf("%s example %d θ=%v: ∂%dℓ = %.10g, finite difference %.10g", s.Model(), i, theta, k, g[k], fd)
					}
					for j := 0; j < d; j++ {
						fd := (gp[j] - gm[j]) / (2 * h)
						if math.Abs(fd-hs[j*d+k]) > 1e-6*scale {
							t.Errorf("%s example %d θ=%v: H[%d][%d] = %.10g, finite difference %.10g", s.Model(), i, theta, j, k, hs[j*d+k], fd)
						}
					}
				}
			}
		}
	}
}

// TestCovarianceDirect compares Covariance, GradientNoise and Noise.At
// with a direct computation on a tiny data set: the mean over all
// C(n, B) batches of (gℬ − ∇L)(gℬ − ∇L)ᵀ, which is exactly Cov[gℬ] for
// sampling without replacement (n = 5, B = 2: ten batches). Agreement to
// rounding (1e-12 relative) is expected.
func TestCovarianceDirect(t *testing.T) {
	x := []float64{0.5, -1.2, 2.0, 0.3, -0.7}
	y := []float64{0.1, -0.9, 1.7, 0.8, -0.2}
	for _, model := range Models() {
		s, err := New(model, x, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := s.Dim()
		theta := []float64{0.6, -0.4}[:d]
		n, b := s.Len(), 2
		gl := make([]float64, d)
		s.Derivatives(theta, gl, nil)

		// Population covariance, by definition.
		want := make([]float64, d*d)
		gi := make([]float64, d)
		for i := 0; i < n; i++ {
			s.Example(i, theta, gi, nil)
			for j := 0; j < d; j++ {
				for k := 0; k < d; k++ {
					want[j*d+k] += (gi[j] - gl[j]) * (gi[k] - gl[k]) / float64(n)
				}
			}
		}
		got := make([]float64, d*d)
		s.Covariance(got, theta)
		assertClose(t, model+" Σ", got, want, 1e-12)

		// Exact minibatch covariance over all batches.
		exact := make([]float64, d*d)
		gb := make([]float64, d)
		count := 0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				s.BatchGradient(gb, theta, []int{i, j})
				for p := 0; p < d; p++ {
					for q := 0; q < d; q++ {
						exact[p*d+q] += (gb[p] - gl[p]) * (gb[q] - gl[q])
					}
				}
				count++
			}
		}
		for k := range exact {
			exact[k] /= float64(count)
		}
		s.GradientNoise(got, theta, float64(b))
		assertClose(t, model+" C", got, exact, 1e-12)

		// D = (η/2)·C + T0·I.
		dn, err := NewNoise(s, 0.1, float64(b), 0.01)
		if err != nil {
			t.Fatal(err)
		}
		dm := make([]float64, d*d)
		dn.At(dm, theta)
		for k := range exact {
			exact[k] *= 0.05
		}
		for k := 0; k < d; k++ {
			exact[k*d+k] += 0.01
		}
		assertClose(t, model+" D", dm, exact, 1e-12)
	}
}

func assertClose(t *testing.T, what string, got, want []float64, rel float64) {
	t.Helper()
	scale := 0.0
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > rel*scale {
			t.Errorf("%s[%d] = %.15g, want %.15g", what, k, got[k], want[k])
		}
	}
}

// TestFisherRatioNearMinimum checks the Fisher argument on a large
// regression data set: at a minimum, Σ ≈ (residual variance)·H, so
// C/(H/B) ≈ σ²·(n − B)/(n − 1) up to sampling fluctuations of the data
// (a few percent at n = 4000) and the 2r·x·… term of H, which averages to
// about 0 at the fitted minimum.
func TestFisherRatioNearMinimum(t *testing.T) {
	const sigma, n, b = 0.5, 4000, 8
	s := mustGenerate(t, Spec{Model: Regression, N: n, Seed: 7, Noise: sigma})
	// The minimum θ = 0.5 of the noiseless data moves by O(σ/√n); refine it.
	theta := []float64{0.5}
	for range 50 {
		g, h := []float64{0}, []float64{0}
		s.Derivatives(theta, g, h)
		theta[0] -= g[0] / h[0]
	}
	got := s.FisherRatio(theta, []float64{1}, b)
	want := sigma * sigma * FPC(n, b)
	if math.Abs(got-want) > 0.08*want {
		t.Errorf("C/(H/B) = %.4f at the minimum θ = %.4f, want ≈ σ²·fpc = %.4f", got, theta[0], want)
	}
}

// TestBatchGradientSampling checks that the minibatch gradient of B
// examples drawn without replacement has mean ∇L and covariance C: the
// Monte Carlo estimates over M = 200000 draws are within 5 standard errors
// (the standard error of a variance estimate is about √(2/M)·C for nearly
// Gaussian gradients; we allow 5·√(κ/M)·C with kurtosis κ ≤ 20).
func TestBatchGradientSampling(t *testing.T) {
	s := mustGenerate(t, Spec{Model: Regression, N: 40, Seed: 2, Noise: 0.7})
	const b, m = 6, 200000
	theta := []float64{-0.8}
	g := []float64{0}
	s.Derivatives(theta, g, nil)
	c := []float64{0}
	s.GradientNoise(c, theta, b)
	rng := rand.New(rand.NewPCG(1, 2))
	perm := make([]int, s.Len())
	for i := range perm {
		perm[i] = i
	}
	gb := []float64{0}
	var sum, sum2 float64
	for range m {
		for j := 0; j < b; j++ {
			r := j + rng.IntN(len(perm)-j)
			perm[j], perm[r] = perm[r], perm[j]
		}
		s.BatchGradient(gb, theta, perm[:b])
		dv := gb[0] - g[0]
		sum += dv
		sum2 += dv * dv
	}
	mean, v := sum/m, sum2/m
	if math.Abs(mean) > 5*math.Sqrt(c[0]/m) {
		t.Errorf("minibatch gradient mean − ∇L = %.3g, standard error %.3g", mean, math.Sqrt(c[0]/m))
	}
	if math.Abs(v-c[0]) > 5*math.Sqrt(20.0/m)*c[0] {
		t.Errorf("minibatch gradient variance %.6g, C = %.6g", v, c[0])
	}
}

// TestGenerateDeterministic checks that a spec always gives the same data
// and that different seeds differ.
func TestGenerateDeterministic(t *testing.T) {
	a := mustGenerate(t, Spec{Model: LinearNet, N: 5, Seed: 9, Noise: 0.1})
	b := mustGenerate(t, Spec{Model: LinearNet, N: 5, Seed: 9, Noise: 0.1})
	c := mustGenerate(t, Spec{Model: LinearNet, N: 5, Seed: 10, Noise: 0.1})
	for i := range a.Len() {
		ax, ay := a.XY(i)
		bx, by := b.XY(i)
		if ax != bx || ay != by {
			t.Fatalf("example %d differs between equal specs", i)
		}
	}
	if ax, _ := a.XY(0); func() bool { cx, _ := c.XY(0); return cx == ax }() {
		t.Error("seeds 9 and 10 gave the same first input")
	}
}

func TestReadCSV(t *testing.T) {
	x, y, err := ReadCSV(strings.NewReader("x,y\n# comment\n1, 2\n\n-0.5,3e-1\n"))
	if err != nil || len(x) != 2 || x[1] != -0.5 || y[1] != 0.3 {
		t.Fatalf("ReadCSV = %v, %v, %v", x, y, err)
	}
	for _, bad := range []string{"1,2\nfoo,bar\n", "1,2,3\n", "x,y\n"} {
		if _, _, err := ReadCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadCSV(%q): no error", bad)
		}
	}
}

func TestParamsErrors(t *testing.T) {
	cases := []struct {
		model  string
		params map[string]float64
		name   string
	}{
		{"nope", nil, ""},
		{Regression, map[string]float64{"b": 1}, "b"},
		{LinearNet, map[string]float64{"weight_decay": -1}, "weight_decay"},
		{Regression, map[string]float64{"a": math.Inf(1)}, "a"},
	}
	for _, c := range cases {
		_, err := Params(c.model, c.params)
		pe, ok := err.(*ParamError)
		if !ok || pe.Name != c.name {
			t.Errorf("Params(%q, %v) = %v; want a ParamError naming %q", c.model, c.params, err, c.name)
		}
	}
}
