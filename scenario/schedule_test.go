package scenario

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/fpsolve/fpsolve/solver"
)

// flatSharpSGD is a 1-D well with a flat and a sharp minimum under the
// local SGD model, small enough for exact comparisons.
const flatSharpSGD = `
landscape: {formula: "exp(0.5*x)*(x^2-1)^2/4"}
domain: [[-2.2, 2.2]]
cells: [300]
noise: {model: sgd-local, lr: 0.1, batch: 2, psd: abs, epsilon: 0, floor: 0.002}
initial: {uniform: true}
time: {end: 30, dt: 0.25, adaptive: false}
output: {formats: []}
`

func mustParse(t *testing.T, yaml string, sets ...string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sets {
		if err := s.Set(a); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestScheduleValidation: each bad schedule is rejected with a message that
// names the key, the value and what is allowed.
func TestScheduleValidation(t *testing.T) {
	cases := []struct {
		name, set, path, also string
	}{
		{"no form", "noise.schedule={gamma: 0.5, every: 10}", "noise.schedule.form", "missing; choose one of step | cosine | linear-warmup"},
		{"unknown form", "noise.schedule={form: exponential}", "noise.schedule.form = exponential", "allowed: step | cosine | linear-warmup"},
		{"unknown target", "noise.schedule={form: step, gamma: 0.5, every: 10, target: temperature}", "noise.schedule.target = temperature", "allowed: lr | batch"},
		{"step without gamma", "noise.schedule={form: step, every: 10}", "noise.schedule.gamma", "required by form step"},
		{"step without every", "noise.schedule={form: step, gamma: 0.5}", "noise.schedule.every", "required by form step"},
		{"negative gamma", "noise.schedule={form: step, gamma: -0.5, every: 10}", "noise.schedule.gamma = -0.5", "finite number > 0"},
		{"zero every", "noise.schedule={form: step, gamma: 0.5, every: 0}", "noise.schedule.every = 0", "finite number > 0"},
		{"foreign key", "noise.schedule={form: step, gamma: 0.5, every: 10, period: 5}", "noise.schedule.period = 5", "not a parameter of form step, which takes gamma, every, until"},
		{"cosine without min", "noise.schedule={form: cosine, period: 10}", "noise.schedule.min", "required by form cosine"},
		{"cosine zero min", "noise.schedule={form: cosine, period: 10, min: 0}", "noise.schedule.min = 0", "> 0"},
		{"warmup without start", "noise.schedule={form: linear-warmup, warmup: 5}", "noise.schedule.start", "in (0, 1]"},
		{"warmup start 0", "noise.schedule={form: warmup, warmup: 5, start: 0}", "noise.schedule.start = 0", "must be in (0, 1]"},
		{"warmup start > 1", "noise.schedule={form: warmup, warmup: 5, start: 2}", "noise.schedule.start = 2", "must be in (0, 1]"},
		{"resolution", "noise.schedule={form: cosine, period: 10, min: 0.01, resolution: 0.9}", "noise.schedule.resolution = 0.9", "(0, 0.5]"},
		{"white noise", "noise={model: white, temperature: 0.1, schedule: {form: step, gamma: 0.5, every: 10}}", "noise.schedule", "applies only to noise models with a learning rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := mustParse(t, flatSharpSGD)
			err := s.Set(c.set)
			if err == nil {
				err = s.Validate()
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want Problems, got %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.path) || !strings.Contains(msg, c.also) {
				t.Errorf("error %q: want %q and %q", msg, c.path, c.also)
			}
		})
	}
	// Valid forms, with the alias and the default target resolved.
	for _, ok := range []string{
		"noise.schedule={form: step, gamma: 0.5, every: 10, until: 25}",
		"noise.schedule={form: cosine, period: 30, min: 0.01, target: lr}",
		"noise.schedule={form: warmup, warmup: 5, start: 0.1, target: batch}",
	} {
		s := mustParse(t, flatSharpSGD, ok)
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
		if sc := s.Noise.Schedule; sc.Target == "" || sc.Form == "warmup" {
			t.Errorf("%s: defaults not applied: %+v", ok, sc)
		}
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Parse(b); err != nil || !reflect.DeepEqual(back.Noise.Schedule, s.Noise.Schedule) {
			t.Errorf("%s: Marshal/Parse round trip: %v, %+v", ok, err, back)
		}
		c := s.Clone()
		c.Noise.Schedule.Form = "x"
		for _, p := range []*float64{c.Noise.Schedule.Gamma, c.Noise.Schedule.Min, c.Noise.Schedule.Start} {
			if p != nil {
				*p = 7
			}
		}
		if sc := s.Noise.Schedule; sc.Form == "x" || (sc.Gamma != nil && *sc.Gamma == 7) || (sc.Min != nil && *sc.Min == 7) || (sc.Start != nil && *sc.Start == 7) {
			t.Errorf("Clone shares the schedule")
		}
	}
}

// TestStepScheduleEqualsPieces: a run under a step schedule equals, piece
// by piece, runs with constant η (or B) restarted from the density reached
// at each change, to 1e-12 (fixed steps, so both take the same steps; the
// generators differ only in the rounding of η/(2B)·H).
func TestStepScheduleEqualsPieces(t *testing.T) {
	for _, target := range []string{"lr", "batch"} {
		gamma := 0.5
		if target == "batch" {
			gamma = 2
		}
		sch := mustParse(t, flatSharpSGD, "noise.schedule={form: step, every: 10, gamma: "+fnum(gamma)+", target: "+target+"}")
		m, err := Build(sch)
		if err != nil {
			t.Fatal(err)
		}
		times := []float64{5, 10, 12.5, 20, 30}
		p, _ := m.Initial()
		var got [][]float64
		if _, err := m.Evolve(context.Background(), p, 0, times, m.Steps, func(_ float64, q []float64) error {
			got = append(got, append([]float64(nil), q...))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(times) {
			t.Fatalf("%s: %d outputs, want %d", target, len(got), len(times))
		}
		// By hand: constant η₀, η₀/2, η₀/4 (or B₀, 2B₀, 4B₀) on [0,10], [10,20], [20,30].
		q, _ := m.Initial()
		var want [][]float64
		pieces := [][]float64{{5, 10}, {12.5, 20}, {30}}
		t0 := 0.0
		for k, ts := range pieces {
			val := 0.1 * math.Pow(0.5, float64(k))
			set := "noise.lr=" + fnum(val)
			if target == "batch" {
				set = "noise.batch=" + fnum(2*math.Pow(2, float64(k)))
			}
			mk, err := Build(mustParse(t, flatSharpSGD, set))
			if err != nil {
				t.Fatal(err)
			}
			op, err := mk.Operator()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := solver.Evolve(context.Background(), op, q, t0, ts, mk.Steps, func(_ float64, r []float64) error {
				want = append(want, append([]float64(nil), r...))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			t0 = ts[len(ts)-1]
		}
		for i := range want {
			worst, peak := 0.0, 0.0
			for c := range want[i] {
				worst = math.Max(worst, math.Abs(got[i][c]-want[i][c]))
				peak = math.Max(peak, math.Abs(want[i][c]))
			}
			if worst > 1e-12*peak {
				t.Errorf("%s t=%g: max |scheduled − by pieces| = %.3g (peak %.3g), want ≤ 1e-12 relative", target, times[i], worst, peak)
			}
		}
		if lr, b, _ := m.NoiseAt(20); (target == "lr" && lr != 0.025) || (target == "batch" && b != 8) {
			t.Errorf("%s: NoiseAt(20) = %g, %g", target, lr, b)
		}
	}
}

// TestScheduleCache: a cosine schedule over two periods (η down and up
// again) assembles one generator per distinct quantized value, and a second
// run assembles none.
func TestScheduleCache(t *testing.T) {
	s := mustParse(t, flatSharpSGD, "noise.schedule={form: cosine, period: 10, min: 0.05, resolution: 0.05}", "time.adaptive=true", "time.dt=0.1")
	m, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	pcs, err := m.SchedulePieces(30)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[float64]bool{}
	for _, pc := range pcs {
		distinct[pc.Factor] = true
	}
	if len(distinct) >= len(pcs) {
		t.Fatalf("%d pieces, %d distinct values: the test needs recurring values", len(pcs), len(distinct))
	}
	p, _ := m.Initial()
	if _, err := m.Evolve(context.Background(), p, 0, []float64{30}, m.Steps, nil); err != nil {
		t.Fatal(err)
	}
	if m.ops.assembled != len(distinct) {
		t.Errorf("assembled %d generators for %d pieces with %d distinct values", m.ops.assembled, len(pcs), len(distinct))
	}
	p, _ = m.Initial()
	if _, err := m.Evolve(context.Background(), p, 0, []float64{30}, m.Steps, nil); err != nil {
		t.Fatal(err)
	}
	if m.ops.assembled != len(distinct) {
		t.Errorf("a second run assembled %d more", m.ops.assembled-len(distinct))
	}
	t.Logf("%d pieces, %d distinct values, %d assemblies", len(pcs), len(distinct), m.ops.assembled)
}

// TestScheduleQuantization: the continuous forms hold g within a factor
// (1 + resolution)^½ of the exact g(t), and their pieces follow the
// formulas (cosine reaches min at t = period; warmup reaches 1 at warmup).
func TestScheduleQuantization(t *testing.T) {
	cases := []struct {
		set string
		g   func(t float64) float64
	}{
		{"noise.schedule={form: cosine, period: 25, min: 0.01}", func(t float64) float64 { return 0.1 + 0.5*0.9*(1+math.Cos(math.Pi*t/25)) }},
		{"noise.schedule={form: linear-warmup, warmup: 10, start: 0.2, target: batch}", func(t float64) float64 { return 0.2 + 0.8*math.Min(t/10, 1) }},
	}
	for _, c := range cases {
		m, err := Build(mustParse(t, flatSharpSGD, c.set))
		if err != nil {
			t.Fatal(err)
		}
		pcs, err := m.SchedulePieces(30)
		if err != nil {
			t.Fatal(err)
		}
		bound := math.Sqrt(1.01) * (1 + 1e-9)
		for i, pc := range pcs {
			end := math.Min(pc.End, 30)
			for _, tt := range []float64{pc.Start, 0.5 * (pc.Start + end), end} {
				if r := pc.Multiplier / c.g(tt); r > bound || r < 1/bound {
					t.Errorf("%s: piece %d [%g, %g): g %g vs exact %g at t = %g", c.set, i, pc.Start, pc.End, pc.Multiplier, c.g(tt), tt)
				}
			}
		}
		last := pcs[len(pcs)-1]
		if strings.Contains(c.set, "warmup") && (last.Multiplier != 1 || last.Factor != 1 || last.Start > 10) {
			t.Errorf("%s: last piece %+v, want g = 1 from t ≤ 10", c.set, last)
		}
		t.Logf("%s: %d pieces", c.set, len(pcs))
	}
}
