package scenario

// Scenario is one fpsolve problem, the content of a scenario file.
//
// The zero value is not a usable scenario: Landscape, Domain, Noise.Model and
// the parameters of the chosen noise model, and Time.End are required.
// Defaults fills every optional field; Validate reports what is missing or
// inconsistent.
type Scenario struct {
	// Name labels the scenario in reports and output files. When empty,
	// Load sets it to the file name without its extension; Defaults leaves
	// it alone.
	Name string `yaml:"name,omitempty"`

	// Landscape is the loss L(θ). Exactly one of Landscape and Data
	// defines the loss.
	Landscape Landscape `yaml:"landscape"`

	// Domain holds one [lo, hi] interval per axis; its length sets the
	// dimension d ∈ {1, 2, 3}. Required.
	Domain [][]float64 `yaml:"domain,flow"`

	// Cells holds the number of grid cells per axis, at least 3 each and at
	// most 1e8 in total. Default when empty: 1000 in 1-D, 200 per axis in
	// 2-D, 60 per axis in 3-D.
	Cells []int `yaml:"cells,flow"`

	// Boundary sets the condition on every face of the domain. Default:
	// reflecting on all faces.
	Boundary Boundary `yaml:"boundary"`

	// Noise is the diffusion model D(θ).
	Noise Noise `yaml:"noise"`

	// Convention selects the form of the diffusion term: "ito" for
	// Σ_ij ∂_i∂_j(D_ij P) (the Itô form of the SDE) or "divergence" for
	// ∇·(D∇P). Default: "ito".
	Convention string `yaml:"convention"`

	// Initial is the initial density P(θ, 0). Default when no variant is
	// given: uniform.
	Initial Initial `yaml:"initial"`

	// Time controls the time integration of the density.
	Time Time `yaml:"time"`

	// Targets are absorbing sets (besides absorbing faces) for escape and
	// mean first passage times. Optional.
	Targets []Target `yaml:"targets,omitempty"`

	// Output controls where and what is written.
	Output Output `yaml:"output"`

	// Simulate controls Monte Carlo runs of `fpsolve simulate`.
	Simulate Simulate `yaml:"simulate"`

	// Solver chooses the linear solver (an added key, not in §6).
	Solver Solver `yaml:"solver"`

	// Data defines the loss as the mean of per-example losses over a small
	// data set (an added key; see Dataset); required by noise.model: data,
	// and then the landscape block must be absent.
	Data *Dataset `yaml:"data,omitempty"`
}

// Dim returns the dimension d of the scenario, the number of domain axes.
// It is not checked; Validate reports a d outside 1..3.
func (s *Scenario) Dim() int { return len(s.Domain) }

// Landscape chooses the loss L(θ): exactly one of Formula and Builtin.
type Landscape struct {
	// Formula is an expression in the variables x, y, z (for example
	// "x^4/4 - x^2/2 + 0.1*x"); ^ and ** are powers.
	Formula string `yaml:"formula,omitempty"`

	// Builtin names a built-in landscape (see `fpsolve landscapes`), for
	// example "double-well".
	Builtin string `yaml:"builtin,omitempty"`

	// Params are named parameters of a built-in landscape (for example
	// {tilt: 0.1}). Every number in Params is stored as a float64, integers
	// included; lists of numbers become []any of float64.
	Params map[string]any `yaml:"params,omitempty"`
}

// Noise describes the diffusion matrix D(θ). Fields that matter only for some
// models are pointers, so that "not given" differs from an explicit 0.
//
// Models (aliases in parentheses):
//
//	white (sgld)  D = T·I
//	matrix        D = Matrix, a constant symmetric positive semi-definite matrix
//	sgd           D = (η/2B)·H⁺(θ) + T0·I
//	sgd-local     D = (η/2B)·[H_m⁺ + (H_b⁺ − H_m⁺)·clip((L − L_m)/(L_b − L_m), 0, 1)] + T0·I
//	data          D = (η/2B)·Cov_i[∇ℓ_i(θ)] + T0·I
//
// with H⁺ = V·f(Λ)·Vᵀ, f = max(|λ|, ε) (abs), sqrt(λ² + ε²) (softabs) or
// max(λ, ε) (clip).
type Noise struct {
	// Model is one of white, matrix, sgd, sgd-local, data (alias: sgld for
	// white). Required. Defaults rewrites the alias to its canonical name.
	Model string `yaml:"model"`

	// Temperature is T for the white model (required, > 0).
	Temperature *float64 `yaml:"temperature,omitempty"`

	// Matrix is the constant d×d diffusion matrix of the matrix model
	// (required): symmetric, positive semi-definite, positive diagonal.
	Matrix [][]float64 `yaml:"matrix,omitempty,flow"`

	// LR is the SGD learning rate η (> 0) of the sgd, sgd-local and data
	// models, required by them. One SGD iteration is η units of time.
	LR *float64 `yaml:"lr,omitempty"`

	// Batch is the batch size B (> 0) of the sgd, sgd-local and data models,
	// required by them. It need not be an integer.
	Batch *float64 `yaml:"batch,omitempty"`

	// PSD is how Hessian eigenvalues λ become non-negative for the sgd and
	// sgd-local models: abs, softabs or clip. Default for those models:
	// softabs.
	PSD string `yaml:"psd,omitempty"`

	// Epsilon is ε ≥ 0 of the PSD map. Default for the sgd and sgd-local
	// models: 0.05.
	Epsilon *float64 `yaml:"epsilon,omitempty"`

	// Floor is the white floor T0 ≥ 0 added as T0·I. Default for the sgd,
	// sgd-local and data models: 0.
	Floor *float64 `yaml:"floor,omitempty"`

	// Schedule makes η or B a function of time for `fpsolve run` (an
	// added key; sgd, sgd-local and data models). Optional.
	Schedule *Schedule `yaml:"schedule,omitempty"`
}

// Initial is the initial density: exactly one variant is set.
type Initial struct {
	// Gaussian is a normal density with per-axis mean and standard deviation.
	Gaussian *Gaussian `yaml:"gaussian,omitempty"`

	// Minimum places a narrow Gaussian at minimum #Minimum, minima sorted by
	// loss, then by coordinates.
	Minimum *int `yaml:"minimum,omitempty"`

	// Uniform is the uniform density on the domain.
	Uniform bool `yaml:"uniform,omitempty"`

	// Point puts all mass in the cell containing this point.
	Point []float64 `yaml:"point,omitempty,flow"`
}

// Gaussian is a normal density with independent axes.
type Gaussian struct {
	// Mean holds one coordinate per axis, inside the domain.
	Mean []float64 `yaml:"mean,flow"`

	// Std holds one standard deviation (> 0) per axis.
	Std []float64 `yaml:"std,flow"`
}

// Time controls the time integration of the density from t = 0 to End.
// Defaults replaces a zero DT, Scheme or Tol by its default.
type Time struct {
	// End is the final time (> 0). Required.
	End float64 `yaml:"end"`

	// DT is the time step, or the first step when Adaptive. It must satisfy
	// 0 < DT ≤ End. Default: End/100.
	DT float64 `yaml:"dt"`

	// Scheme is the time stepper: backward-euler (aliases be,
	// implicit-euler), crank-nicolson (cn), bdf2 or tr-bdf2. Default:
	// tr-bdf2. Defaults rewrites aliases to canonical names.
	Scheme string `yaml:"scheme"`

	// Adaptive turns on step-size control with an error estimate. Default:
	// true.
	Adaptive *bool `yaml:"adaptive,omitempty"`

	// Tol is the relative error tolerance per step of adaptive stepping, in
	// (0, 1) (an added key). Default: 1e-4.
	Tol float64 `yaml:"tol,omitempty"`
}

// IsAdaptive reports whether adaptive stepping is on; an unset Adaptive
// means true.
func (t Time) IsAdaptive() bool { return t.Adaptive == nil || *t.Adaptive }

// Target is one absorbing set: exactly one of Box, Basin and Ball is set.
type Target struct {
	// Box holds one [lo, hi] interval per axis.
	Box [][]float64 `yaml:"box,omitempty,flow"`

	// Basin is the basin of attraction of minimum #Basin (≥ 0).
	Basin *int `yaml:"basin,omitempty"`

	// Ball is a Euclidean ball (an added key).
	Ball *Ball `yaml:"ball,omitempty"`
}

// Ball is the set {θ : |θ − Center| ≤ Radius}.
type Ball struct {
	// Center holds one coordinate per axis, inside the domain.
	Center []float64 `yaml:"center,flow"`

	// Radius is positive.
	Radius float64 `yaml:"radius"`
}

// Output controls the files written by a run.
type Output struct {
	// Dir is the output directory. Default: "out".
	Dir string `yaml:"dir"`

	// Every is the time between snapshots (≥ 0); 0 means a single snapshot
	// at Time.End. A snapshot is always written at Time.End.
	Every float64 `yaml:"every"`

	// Formats are the file formats to write, among png, svg, pdf, csv,
	// json, npy, vtk and gif. Default when absent: [png, csv, json]; an
	// explicit empty list writes no files.
	Formats []string `yaml:"formats,flow"`
}

// Simulate controls Monte Carlo escape-time runs. Defaults replaces a zero
// Walkers, Dynamics, DT or MaxTime by its default.
type Simulate struct {
	// Walkers is the number of independent walkers (≥ 1). Default: 1000.
	Walkers int `yaml:"walkers"`

	// Dynamics is sde (Euler–Maruyama of the SDE), sgd (the discrete SGD
	// iteration), sgld (discrete gradient descent with injected Gaussian
	// noise) or minibatch (SGD with sampled minibatches). Default: sde.
	Dynamics string `yaml:"dynamics"`

	// DT is the Euler–Maruyama time step (> 0) of the sde dynamics; the
	// discrete dynamics step by η. Default: 0.001.
	DT float64 `yaml:"dt"`

	// MaxTime caps the simulated time of each walker (> 0); walkers still
	// inside at MaxTime are reported as capped. Default: 1e6.
	MaxTime float64 `yaml:"max_time"`

	// Seed seeds the random number generator; nil means a seed chosen by
	// the caller (for example from --seed or the clock).
	Seed *uint64 `yaml:"seed,omitempty"`
}

// Solver chooses numerical methods (an added key, not in §6).
type Solver struct {
	// Linear is the linear solver: auto, thomas (1-D tridiagonal), direct
	// (banded/sparse factorization) or bicgstab (preconditioned Krylov).
	// Default: auto.
	Linear string `yaml:"linear"`

	// MaxIter caps the iterations of the iterative (bicgstab) solver per
	// linear solve (an added key); a solve that has not reached its
	// tolerance by then is an error that reports the true residual, never
	// a result. It must be > 0 when given; absent (0) means
	// max(1000, 10·√cells).
	MaxIter int `yaml:"max_iter,omitempty"`
}
