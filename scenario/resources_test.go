package scenario

import (
	"math"
	"testing"
)

func parseValid(t *testing.T, text string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEstimateSizes checks the estimate against sizes worked out by hand
// from the documented model.
func TestEstimateSizes(t *testing.T) {
	const (
		n1   = 1000.0
		n2   = 1e6
		csr1 = 3*n1*16 + (n1+1)*8 // 1-D: 3-point stencil
		csr2 = 5*n2*16 + (n2+1)*8 // 2-D white: 5-point stencil
	)
	cases := []struct {
		name string
		text string
		task Task
		// want: operator, solver, snapshots, outputs, method
		op, solver, snaps float64
		outputs           int64
		method            string
		files             map[string]float64
	}{
		{
			// The case of the issue: 1000×1000 with 101 outputs keeps
			// 101·10⁶·8 B ≈ 808 MB of snapshots.
			name: "run 1000x1000 white, 101 densities",
			text: `
landscape: {formula: "x^2 + y^2"}
domain: [[-1, 1], [-1, 1]]
cells: [1000, 1000]
noise: {model: white, temperature: 0.1}
time: {end: 1000, dt: 1}
output: {every: 10, formats: [csv, npy]}
`,
			task:    TaskRun,
			op:      csr2 + n2*8*(1+8),
			solver:  4 * (csr2 + n2*6*16 + 10*n2*8), // adaptive: 4 cached ILU(0)-BiCGSTAB step solvers
			snaps:   101 * n2 * 8,
			outputs: 101,
			method:  "bicgstab",
			files:   map[string]float64{"csv": n2 * (2 + 101) * 22, "npy": n2 * 101 * 8},
		},
		{
			name: "run 1-D thomas, fixed step",
			text: `
landscape: {formula: "x^2"}
domain: [[-1, 1]]
cells: [1000]
noise: {model: white, temperature: 0.1}
time: {end: 10, dt: 0.1, adaptive: false, scheme: backward-euler}
output: {every: 3, formats: [csv]}
`,
			task:    TaskRun,
			op:      csr1 + n1*8*5,
			solver:  2 * (csr1 + 4*n1*8),
			snaps:   5 * n1 * 8, // t = 0, 3, 6, 9, 10
			outputs: 5,
			method:  "thomas",
			files:   map[string]float64{"csv": n1 * (1 + 5) * 22},
		},
		{
			// 2-D sgd: cross terms widen the stencil to 9 points and the
			// band to kl = 200 + 1; GTH band (2·201+1)·n·8.
			name: "mfpt 200x200 sgd gth",
			text: `
landscape: {formula: "(x^2 - 1)^2 + y^2"}
domain: [[-2, 2], [-1, 1]]
cells: [200, 200]
noise: {model: sgd, lr: 0.1, batch: 1}
targets: [{basin: 1}]
output: {formats: []}
`,
			task:   TaskMFPT,
			op:     9*4e4*16 + (4e4+1)*8 + 4e4*8*(1+8+2),
			solver: (2*201 + 1) * 4e4 * 8,
			method: "gth",
		},
		{
			name: "stationary white is O(n)",
			text: `
landscape: {formula: "(x^2 - 1)^2 + y^2"}
domain: [[-2, 2], [-1, 1]]
cells: [200, 100]
noise: {model: white, temperature: 0.2}
output: {formats: [npy]}
`,
			task:    TaskStationary,
			op:      5*2e4*16 + (2e4+1)*8 + 2e4*8*(1+8),
			solver:  2 * 2e4 * 8,
			outputs: 1,
			method:  "balance",
			files:   map[string]float64{"npy": 2e4 * 8},
		},
		{
			name: "stationary bicgstab requested",
			text: `
landscape: {formula: "(x^2 - 1)^2 + y^2"}
domain: [[-2, 2], [-1, 1]]
cells: [100, 100]
noise: {model: sgd, lr: 0.1, batch: 1}
solver: {linear: bicgstab}
output: {formats: []}
`,
			task:    TaskStationary,
			op:      9*1e4*16 + (1e4+1)*8 + 1e4*8*(1+8+2),
			solver:  9*1e4*16 + (1e4+1)*8 + 1e4*10*16 + 10*1e4*8,
			outputs: 1,
			method:  "bicgstab",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := parseValid(t, tc.text).Estimate(tc.task)
			// The sums are exact in float64 up to rounding of the
			// conversion to int64 (at most one byte).
			near := func(what string, got int64, want float64) {
				t.Helper()
				if math.Abs(float64(got)-want) > 1 {
					t.Errorf("%s = %d, want %.0f", what, got, want)
				}
			}
			near("operator", r.Operator, tc.op)
			near("solver", r.Solver, tc.solver)
			near("snapshots", r.Snapshots, tc.snaps)
			if r.Outputs != tc.outputs || r.Method != tc.method {
				t.Errorf("outputs %d, method %q; want %d, %q", r.Outputs, r.Method, tc.outputs, tc.method)
			}
			if len(r.Files) != len(tc.files) {
				t.Errorf("files %v, want %v", r.Files, tc.files)
			}
			for _, f := range r.Files {
				near("file "+f.Format, f.Bytes, tc.files[f.Format])
			}
			if m := r.Memory(); m != r.Operator+r.Solver+r.Snapshots+r.Work {
				t.Errorf("Memory %d is not the sum of the parts", m)
			}
		})
	}
}

// TestEstimateOutputsMatchOutputTimes checks that the number of densities
// a run keeps is one (the initial density) plus len(Model.OutputTimes()),
// without building the list.
func TestEstimateOutputsMatchOutputTimes(t *testing.T) {
	for _, c := range []struct{ end, every float64 }{
		{1000, 0}, {1000, 10}, {1000, 300}, {1000, 1000}, {1000, 2000}, {1, 0.1}, {0.3, 0.1}, {7, 0.7},
	} {
		s := parseValid(t, `
landscape: {formula: "x^2"}
domain: [[-1, 1]]
cells: [10]
noise: {model: white, temperature: 0.1}
`)
		s.Time.End, s.Time.DT, s.Output.Every = c.end, c.end/10, c.every
		m, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Estimate(TaskRun).Outputs, int64(len(m.OutputTimes())+1); got != want {
			t.Errorf("end %g, every %g: %d densities, OutputTimes gives %d", c.end, c.every, got, want)
		}
	}
}

// TestEstimateStencil compares the estimated stencil and bandwidth with
// the assembled operator. No cell stores more than k entries, and every
// interior cell at least its 2d+1 axis neighbours (cross terms add corner
// entries only where D has off-diagonal weight, some schemes only on the
// corners its sign selects), so n_interior·(2d+1) ≤ nnz ≤ n·k.
func TestEstimateStencil(t *testing.T) {
	cases := []struct {
		name, text string
		// k is the estimated stencil, an upper bound; every interior
		// cell stores at least min entries.
		k, min int
	}{
		{"1-D", `
landscape: {formula: "x^4 - x^2"}
domain: [[-2, 2]]
cells: [50]
noise: {model: sgd, lr: 0.1, batch: 1}`, 3, 3},
		{"2-D white", `
landscape: {formula: "x^2 + y^2"}
domain: [[-2, 2], [-2, 2]]
cells: [20, 15]
noise: {model: white, temperature: 0.5}`, 5, 5},
		{"2-D sgd cross terms", `
landscape: {formula: "(x^2 - 1)^2 + y^2 + 0.5*x*y"}
domain: [[-2, 2], [-2, 2]]
cells: [20, 15]
noise: {model: sgd, lr: 0.1, batch: 1}`, 9, 7},
		{"2-D matrix with off-diagonal", `
landscape: {formula: "x^2 + y^2"}
domain: [[-2, 2], [-2, 2]]
cells: [12, 14]
noise: {model: matrix, matrix: [[0.2, 0.05], [0.05, 0.1]]}`, 9, 7},
		{"3-D white", `
landscape: {formula: "x^2 + y^2 + z^2"}
domain: [[-2, 2], [-2, 2], [-2, 2]]
cells: [8, 7, 6]
noise: {model: white, temperature: 0.5}`, 7, 7},
		{"3-D sgd cross terms", `
landscape: {formula: "x^2 + y^2 + z^2 + 0.3*x*y + 0.2*y*z"}
domain: [[-2, 2], [-2, 2], [-2, 2]]
cells: [8, 7, 6]
noise: {model: sgd, lr: 0.1, batch: 1}`, 19, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := parseValid(t, tc.text)
			if got := s.stencil(); got != float64(tc.k) {
				t.Fatalf("stencil %g, want %d", got, tc.k)
			}
			m, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			op, err := m.Operator()
			if err != nil {
				t.Fatal(err)
			}
			n, interior := 1, 1
			for _, c := range s.Cells {
				n *= c
				interior *= c - 2
			}
			nnz := op.A.NNZ()
			if nnz > n*tc.k || nnz < interior*tc.min {
				t.Errorf("nnz %d outside [%d, %d]", nnz, interior*tc.min, n*tc.k)
			}
			raw := op.A.RawMatrix()
			kl, widest := 0, 0
			for i := 0; i < raw.I; i++ {
				widest = max(widest, raw.Indptr[i+1]-raw.Indptr[i])
				for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
					kl = max(kl, i-raw.Ind[p], raw.Ind[p]-i)
				}
			}
			if widest > tc.k {
				t.Errorf("a row stores %d entries, more than the estimated stencil %d", widest, tc.k)
			}
			if est := s.bandwidth(float64(n)); est != float64(kl) {
				t.Errorf("bandwidth %g, assembled %d", est, kl)
			}
		})
	}
}

// TestEstimateAbsurd checks that absurd sizes saturate instead of
// overflowing, and that the periodic last axis widens the band to about n.
func TestEstimateAbsurd(t *testing.T) {
	s := parseValid(t, `
landscape: {formula: "x^2 + y^2 + z^2"}
domain: [[-1, 1], [-1, 1], [-1, 1]]
cells: [400, 400, 400]
noise: {model: sgd, lr: 0.1, batch: 1}
time: {end: 1e6, dt: 1e-9, adaptive: false}
targets: [{box: [[0.5, 1], [0.5, 1], [0.5, 1]]}]
output: {every: 1e-6, formats: [csv, vtk]}
`)
	r := s.Estimate(TaskRun)
	if r.Memory() != math.MaxInt64 || r.Output() != math.MaxInt64 {
		t.Errorf("memory %d, output %d: want saturation at MaxInt64", r.Memory(), r.Output())
	}
	// Output times every 1e-6 strictly before end·(1 − 1e-12), then end
	// (as OutputTimes), and the initial density: 1e12 to rounding.
	if math.Abs(float64(r.Outputs)-1e12) > 2 {
		t.Errorf("outputs %d, want 1e12", r.Outputs)
	}
	// A direct solve of 6.4e7 cells with a 160400-wide band: ≈ 2.5e14 B.
	s.Solver.Linear = LinearDirect
	s.Time.Adaptive = ptr(true)
	s.Output.Every = 0
	r = s.Estimate(TaskRun)
	band := (3*160400.0 + 2) * 6.4e7 * 8
	if rel := math.Abs(float64(r.Solver)/4-band) / band; rel > 0.01 {
		t.Errorf("direct solver %d B, want ≈ 4·%.3g", r.Solver, band)
	}
	p := parseValid(t, `
landscape: {formula: "x^2 + y^2"}
domain: [[-1, 1], [-1, 1]]
cells: [30, 40]
boundary: [reflecting, periodic]
noise: {model: white, temperature: 0.1}
`)
	if kl := p.bandwidth(1200); kl != 1200-30 {
		t.Errorf("periodic last axis: bandwidth %g, want %d", kl, 1200-30)
	}
}
