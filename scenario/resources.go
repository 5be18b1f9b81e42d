package scenario

import (
	"math"
	"strings"
)

// Task is the work whose resources Estimate predicts: what one fpsolve
// command does with a scenario.
type Task int

const (
	// TaskRun evolves the density in time and keeps every output density
	// in memory (for the pictures and data files written at the end).
	TaskRun Task = iota
	// TaskStationary solves A·P = 0 once.
	TaskStationary
	// TaskMFPT solves Aᵀτ = −1 on the live cells.
	TaskMFPT
	// TaskEscape runs the escape analysis: restricted operators, steady
	// solves, inverse iteration and a survival run per transition.
	TaskEscape
	// TaskCritical finds critical points and basins; it assembles no
	// operator.
	TaskCritical
	// TaskSimulate runs Monte Carlo walkers; it assembles no operator.
	TaskSimulate
)

// String returns the command name of the task.
func (t Task) String() string {
	switch t {
	case TaskRun:
		return "run"
	case TaskStationary:
		return "stationary"
	case TaskMFPT:
		return "mfpt"
	case TaskEscape:
		return "escape"
	case TaskCritical:
		return "critical"
	case TaskSimulate:
		return "simulate"
	}
	return "task"
}

// FileEstimate is the estimated size of the files of one output format.
type FileEstimate struct {
	Format string
	Bytes  int64
}

// Resources is an estimate, in bytes, of the peak memory a task needs on a
// scenario and of the files it writes. The parts are upper estimates of the
// dominant arrays, not a measurement; they are meant to be compared with
// the memory and disk space available before anything is allocated.
type Resources struct {
	Task  Task
	Cells int64 // grid cells in total

	// Operator is the generator A in CSR form (16 bytes per stored entry:
	// a float64 and an int index, plus the row pointers) with its per-cell
	// face coefficients.
	Operator int64
	// Solver is what the linear solves add: matrix copies (I − c·A, Aᵀ,
	// restrictions) and the factorization or preconditioner of Method.
	Solver int64
	// Method names the linear method the estimate assumes: thomas,
	// direct (band LU, (2·kl+ku+2)·n·8 bytes), gth (the sign-preserving
	// band elimination of Markov generators, (kl+ku+1)·n·8 bytes) or
	// bicgstab (an ILU(0) copy of the matrix and eight work vectors).
	Method string
	// Bandwidth is the lower bandwidth kl of A in the natural cell order.
	Bandwidth int64
	// Snapshots is the densities a run keeps in memory: Outputs of them,
	// n·8 bytes each.
	Snapshots int64
	// Outputs is the number of densities run keeps and writes: the initial
	// one and one per output time.
	Outputs int64
	// Work is everything else that grows with the grid or the walkers:
	// state vectors, basin labels, the survival curve of a fixed-step run,
	// walker records.
	Work int64
	// Files are the estimated sizes of the data files and pictures, per
	// output format, in the order of output.formats.
	Files []FileEstimate
}

// Memory returns the estimated peak memory in bytes.
func (r Resources) Memory() int64 {
	return satAdd(r.Operator, r.Solver, r.Snapshots, r.Work)
}

// Output returns the estimated total size of the files written, in bytes.
func (r Resources) Output() int64 {
	var s int64
	for _, f := range r.Files {
		s = satAdd(s, f.Bytes)
	}
	return s
}

// Largest names the largest part of Memory: "operator", "solver",
// "snapshots" or "work".
func (r Resources) Largest() string {
	name, v := "operator", r.Operator
	for _, p := range []struct {
		name string
		v    int64
	}{{"solver", r.Solver}, {"snapshots", r.Snapshots}, {"work", r.Work}} {
		if p.v > v {
			name, v = p.name, p.v
		}
	}
	return name
}

// Sizes used by the estimate.
const (
	bytesPerFloat = 8
	bytesPerNNZ   = 16 // float64 value + int index
	// csvNumber is the length of a number written with the shortest
	// round-trip 'g' format (typically 17–24 characters) and a separator.
	csvNumber = 22
	// pictureBytes is the size of one picture (PNG/SVG/PDF); gifFrame that
	// of one animation frame.
	pictureBytes = 400 << 10
	gifFrame     = 200 << 10
	// maxBandGTH and autoBand mirror the limits of the solvers: the GTH
	// elimination refuses bands above 2 GiB, and Auto uses band LU only up
	// to 512 MiB and 3e10 flops.
	maxBandGTH    = 2 << 30
	autoBandBytes = 512 << 20
	autoBandFlops = 3e10
	// iterativeStepCells mirrors the solver: time steps of Markov
	// generators in 2-D and 3-D with at least this many cells use
	// ILU(0)-BiCGSTAB under Auto.
	iterativeStepCells = 20000
)

// Estimate predicts the memory and output volume of task on s, from the
// grid size, the stencil of the noise model, the linear solver and the
// output settings alone — cheaply, before anything is built. s should have
// passed Validate; for other input the estimate is finite but meaningless.
//
// The model, for n cells in d dimensions with a stencil of k points (3 in
// 1-D; 5 or 9 in 2-D and 7 or 19 in 3-D, the larger with off-diagonal
// diffusion) and lower bandwidth kl (the stride of the last axis, plus the
// cross-term offset; about n on a periodic last axis):
//
//	operator   n·k·16 + n·8·(1 + 4d + absorbing faces + d(d−1) with cross terms)
//	thomas     4·n·8
//	direct     (2·kl+ku+2)·n·8        (band LU, ku = kl)
//	gth        (kl+ku+1)·n·8          (steady solves of Markov generators)
//	bicgstab   n·(k+1)·16 + 10·n·8    (ILU(0) copy and work vectors)
//	snapshots  outputs·n·8            (run: the initial density and one per output time)
//
// Time steps and the general steady path add one CSR copy of A; a run
// caches the step solvers of up to four step sizes (two without adaptive
// stepping); mfpt without GTH factorizes both the restricted A and its
// transpose; escape counts two operators and two factorizations; a
// stationary solve of a reversible chain (white noise, or any 1-D model)
// needs O(n). Files: csv (d + fields)·22 bytes per cell, vtk 22 and npy 8
// bytes per value, about 400 kB per picture and 200 kB per GIF frame. The
// figures are live bytes: the Go runtime may hold up to about twice as
// much between collections.
func (s *Scenario) Estimate(task Task) Resources {
	r := Resources{Task: task}
	d := len(s.Cells)
	if d == 0 || d != len(s.Domain) {
		return r
	}
	n := 1.0
	for _, c := range s.Cells {
		n *= float64(max(c, 0))
	}
	r.Cells = sat(n)
	switch task {
	case TaskCritical:
		// Basin labels (an int per cell) and the sampled loss.
		r.Work = sat(2 * n * bytesPerFloat)
		return r
	case TaskSimulate:
		// A result record per walker and transition; the minibatch
		// dynamics also solves a PDE mean first passage time.
		w := float64(max(s.Simulate.Walkers, 0))
		r.Work = sat(w * 64 * 2)
		if s.Simulate.Dynamics == "minibatch" {
			m := s.Estimate(TaskMFPT)
			m.Task, m.Work = TaskSimulate, satAdd(m.Work, r.Work)
			return m
		}
		return r
	}

	k := s.stencil()
	nnz := n * k
	csr := nnz*bytesPerNNZ + (n+1)*bytesPerFloat
	r.Operator = sat(csr + n*bytesPerFloat*s.cellArrays())
	kl := s.bandwidth(n)
	r.Bandwidth = sat(kl)
	band := (2*kl + kl + 2) * n * bytesPerFloat
	gth := (2*kl + 1) * n * bytesPerFloat
	ilu := n*(k+1)*bytesPerNNZ + 10*n*bytesPerFloat
	thomas := 4 * n * bytesPerFloat
	method := s.Solver.Linear
	if method == "" {
		method = LinearAuto
	}

	// steady returns the method and bytes of one steady solve.
	steady := func() (string, float64) {
		switch {
		case method == LinearBiCGStab || method == LinearMultigrid:
			return method, csr + ilu
		case d == 1:
			return "gth", gth // the elimination of a tridiagonal Markov generator
		case method == LinearDirect || gth <= maxBandGTH:
			return "gth", gth
		}
		// Auto, a band too wide for the elimination: it fails unless
		// the generator is not Markov, when Choose decides.
		if band <= autoBandBytes && n*kl*2*kl <= autoBandFlops {
			return "direct", csr + band
		}
		return "bicgstab", csr + ilu
	}
	// step returns the method and bytes of the implicit time step.
	step := func() (string, float64) {
		switch {
		case method == LinearBiCGStab || method == LinearMultigrid:
			return method, csr + ilu
		case method == LinearDirect:
			return "direct", csr + band
		case d == 1:
			return "thomas", csr + thomas
		case n >= iterativeStepCells:
			return "bicgstab", csr + ilu
		}
		return "gth", gth
	}

	switch task {
	case TaskRun:
		var b float64
		r.Method, b = step()
		// The stepper caches the solvers of up to four step sizes; a
		// fixed step needs those of TR-BDF2's or BDF2's start-up and
		// steady stages.
		cached := 2.0
		if s.Time.IsAdaptive() {
			cached = 4
		}
		r.Solver = sat(cached * b)
		outs := s.outputCount()
		r.Outputs = sat(outs)
		r.Snapshots = sat(outs * n * bytesPerFloat)
		work := 14 * n * bytesPerFloat
		if s.absorbing() && !s.Time.IsAdaptive() && s.Time.DT > 0 {
			work += 16 * s.Time.End / s.Time.DT // the survival curve, a point per step
		}
		r.Work = sat(work)
		r.Files = s.files(n, outs)
	case TaskStationary:
		var b float64
		r.Method, b = steady()
		if d == 1 || s.Noise.Model == White {
			// A reversible chain: the zero-flux density, in O(n).
			r.Method, b = "balance", 2*n*bytesPerFloat
		}
		r.Solver = sat(b)
		r.Outputs = 1
		r.Work = sat(6 * n * bytesPerFloat)
		r.Files = s.files(n, 1)
	case TaskMFPT:
		var b float64
		r.Method, b = steady()
		if r.Method != "gth" {
			b = 2*b + csr // A and Aᵀ restricted, both factorized
		}
		r.Solver = sat(b)
		r.Work = sat(6 * n * bytesPerFloat)
	case TaskEscape:
		m, b := steady()
		_, st := step()
		if m != "gth" {
			b = 2*b + csr
		}
		r.Method = m
		r.Solver = sat(b + st)
		r.Operator = sat(2 * float64(r.Operator))
		r.Work = sat(24 * n * bytesPerFloat)
		r.Files = s.files(0, 0)
	}
	return r
}

// cellArrays returns the number of per-cell float64 arrays the assembly
// holds besides A: the two-point coefficients α, β and the centre values
// ∂ₖL/Dₖₖ, Dₖₖ per axis (4d), the loss (1), an outflow array per absorbing
// face, and d(d−1) off-diagonal arrays with cross-diffusion.
func (s *Scenario) cellArrays() float64 {
	d := len(s.Domain)
	k := float64(1 + 4*d)
	if faces, err := s.Boundary.Faces(d); err == nil {
		for _, f := range faces {
			for _, w := range f {
				if w == Absorbing {
					k++
				}
			}
		}
	}
	if s.crossDiffusion() {
		k += float64(d * (d - 1))
	}
	return k
}

// crossDiffusion reports whether D can have off-diagonal entries, which
// widen the stencil in 2-D and 3-D.
func (s *Scenario) crossDiffusion() bool {
	if len(s.Domain) < 2 {
		return false
	}
	switch s.Noise.Model {
	case White:
		return false
	case Matrix:
		for i, row := range s.Noise.Matrix {
			for j, v := range row {
				if i != j && v != 0 {
					return true
				}
			}
		}
		return false
	}
	return true
}

// stencil returns the number of entries per row of A.
func (s *Scenario) stencil() float64 {
	cross := s.crossDiffusion()
	switch len(s.Domain) {
	case 1:
		return 3
	case 2:
		if cross {
			return 9
		}
		return 5
	}
	if cross {
		return 19
	}
	return 7
}

// bandwidth returns the lower bandwidth of A in the natural order (axis 0
// fastest) for n cells: the stride of the last axis, plus the offset of
// the cross-term neighbours (the stride of the second-to-last axis); a
// periodic last axis couples its first and last layers, about n apart.
func (s *Scenario) bandwidth(n float64) float64 {
	d := len(s.Cells)
	if d == 1 {
		return 1
	}
	stride := 1.0
	for _, c := range s.Cells[:d-1] {
		stride *= float64(c)
	}
	kl := stride
	if s.crossDiffusion() {
		kl += stride / float64(s.Cells[d-2])
	}
	if s.periodicLast() {
		kl = n - stride + kl - stride
	}
	return kl
}

// periodicLast reports whether the last axis is periodic.
func (s *Scenario) periodicLast() bool {
	d := len(s.Domain)
	faces, err := s.Boundary.Faces(d)
	if err != nil || len(faces) != d {
		return false
	}
	return faces[d-1][0] == Periodic || faces[d-1][1] == Periodic
}

// absorbing reports whether the problem has targets or an absorbing face.
func (s *Scenario) absorbing() bool {
	if len(s.Targets) > 0 {
		return true
	}
	faces, err := s.Boundary.Faces(len(s.Domain))
	if err != nil {
		return false
	}
	for _, f := range faces {
		if f[0] == Absorbing || f[1] == Absorbing {
			return true
		}
	}
	return false
}

// outputCount returns the number of densities a run keeps: the initial one,
// one per output.every before time.end, and the one at time.end (as
// Model.OutputTimes, without building the list).
func (s *Scenario) outputCount() float64 {
	end, every := s.Time.End, s.Output.Every
	outs := 2.0
	if every > 0 && end > 0 {
		outs += math.Max(0, math.Ceil(end*(1-1e-12)/every)-1)
	}
	return outs
}

// files estimates the size of the files of the output formats for fields
// densities of n cells.
func (s *Scenario) files(n, fields float64) []FileEstimate {
	d := float64(len(s.Domain))
	var out []FileEstimate
	for _, f := range s.Output.Formats {
		var b float64
		switch strings.ToLower(f) {
		case "csv":
			b = n * (d + fields) * csvNumber
		case "vtk":
			b = n * fields * csvNumber
		case "npy":
			b = n * fields * bytesPerFloat
		case "png", "svg", "pdf":
			b = 3 * pictureBytes
		case "gif":
			b = fields * gifFrame
		case "json":
			b = fields * 1024
		}
		out = append(out, FileEstimate{Format: f, Bytes: sat(b)})
	}
	return out
}

// sat converts a non-negative size to int64, saturating at the largest
// int64 (and mapping NaN to it).
func sat(x float64) int64 {
	if !(x < math.MaxInt64) {
		return math.MaxInt64
	}
	if x < 0 {
		return 0
	}
	return int64(x)
}

// satAdd adds sizes, saturating at the largest int64.
func satAdd(xs ...int64) int64 {
	var s int64
	for _, x := range xs {
		if x > math.MaxInt64-s {
			return math.MaxInt64
		}
		s += x
	}
	return s
}
