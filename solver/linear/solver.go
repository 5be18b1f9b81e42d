package linear

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/james-bowman/sparse"
)

// Solver solves M·x = b for one fixed square matrix M. The matrix is
// factorized or preconditioned once, when the Solver is built, and the work
// is reused for every right-hand side.
//
// A Solver holds work buffers and is not safe for concurrent use.
type Solver interface {
	// Solve stores in x the solution of M·x = b. Iterative methods use the
	// incoming contents of x as the initial guess. x and b must have length
	// n and must not share memory. A non-nil error means x must not be
	// trusted.
	Solve(x, b []float64) error
	// Name describes the method and its parameters, for example
	// "thomas", "band-lu (kl=400, ku=400)" or "ilu0-bicgstab".
	Name() string
}

// Approximator is an iterative Solver that can also apply its
// preconditioner K ≈ M alone: Approx sets x = K⁻¹·b, a fixed linear
// approximation of M⁻¹·b for the price of about one iteration's half (for
// example to filter an error estimate).
type Approximator interface {
	Solver
	Approx(x, b []float64)
}

// Method selects the algorithm used by New.
type Method int

const (
	// Auto chooses a method from the structure and size of the matrix;
	// see Choose.
	Auto Method = iota
	// Thomas is the O(n) tridiagonal LU without pivoting, with a
	// Sherman–Morrison correction for cyclic tridiagonal matrices.
	Thomas
	// BandLU is banded Gaussian elimination with partial pivoting.
	BandLU
	// BiCGSTAB is the ILU(0) right-preconditioned stabilized bi-conjugate
	// gradient method.
	BiCGSTAB
	// Multigrid is BiCGSTAB preconditioned by one geometric multigrid
	// V-cycle; it needs Settings.Shape.
	Multigrid
)

// String returns the name of the method as accepted by ParseMethod:
// "auto", "thomas", "direct" or "bicgstab".
func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Thomas:
		return "thomas"
	case BandLU:
		return "direct"
	case BiCGSTAB:
		return "bicgstab"
	case Multigrid:
		return "multigrid"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod converts a method name to a Method. It accepts, ignoring case
// and surrounding space, "auto", "thomas", "direct" (also "band-lu",
// "bandlu" and "lu") and "bicgstab".
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return Auto, nil
	case "thomas", "tridiagonal":
		return Thomas, nil
	case "direct", "band-lu", "bandlu", "lu":
		return BandLU, nil
	case "bicgstab", "ilu0-bicgstab":
		return BiCGSTAB, nil
	case "multigrid", "mg", "multigrid-bicgstab":
		return Multigrid, nil
	}
	return Auto, fmt.Errorf("linear: unknown solver method %q (want auto, thomas, direct, bicgstab or multigrid)", s)
}

// Settings controls New and Choose. The zero value is a sensible default.
type Settings struct {
	// Method selects the algorithm; the zero value is Auto.
	Method Method
	// Tol is the relative residual ‖b − M·x‖₂/‖b‖₂ required of iterative
	// methods. Zero means 1e-10.
	Tol float64
	// MaxIter bounds the number of BiCGSTAB iterations (restarts count as
	// iterations). Zero means max(1000, 10·√n).
	MaxIter int
	// Stall, when positive, ends a BiCGSTAB solve early, with a
	// *NotConvergedError, once Stall iterations have passed without the
	// residual falling to half the smallest value recorded (the first
	// one, then each new half): for callers with a fallback solver, to
	// which waiting for MaxIter only adds time. Zero never stops early.
	Stall int
	// Aggregate makes Multigrid interpolate by constants (each fine cell
	// takes its aggregate's value) on every level instead of linearly:
	// the coarse matrices then keep the sign structure of the fine one,
	// which rescues strongly convective steps on which the linear
	// interpolation's V-cycle diverges, at the price of more iterations
	// on diffusive ones (the 400² benchmark steps: 6–8 instead of 4).
	Aggregate bool
	// MaxBandBytes caps the memory used by BandLU for its factors. Zero
	// means 4 GiB. Auto additionally limits band storage to 512 MiB.
	MaxBandBytes int64
	// Shape, when set, is the Cartesian grid the matrix lives on (cells
	// per axis, the first varying fastest, with nearest-neighbour
	// couplings): iterative methods then store it as coefficient arrays
	// per neighbour, and Multigrid builds its grid hierarchy from it.
	Shape []int
	// NoRefine disables the residual check and the iterative refinement
	// that BandLU performs after each solve (normally one step, at most
	// four, and none when the first residual is already ≤ 1e-12·‖b‖).
	NoRefine bool
}

const (
	defaultTol          = 1e-10
	defaultMaxBandBytes = 4 << 30
	autoMaxBandBytes    = 512 << 20
	autoMaxBandFlops    = 3e10
)

func (s Settings) tol() float64 {
	if s.Tol > 0 {
		return s.Tol
	}
	return defaultTol
}

func (s Settings) maxIter(n int) int {
	if s.MaxIter > 0 {
		return s.MaxIter
	}
	return max(1000, int(10*math.Sqrt(float64(n))))
}

func (s Settings) maxBandBytes() int64 {
	if s.MaxBandBytes > 0 {
		return s.MaxBandBytes
	}
	return defaultMaxBandBytes
}

// Errors reported by the solvers. They are wrapped with details; test for
// them with errors.Is.
var (
	// ErrSingular reports a pivot that is zero to working precision.
	ErrSingular = errors.New("linear: matrix is singular to working precision")
	// ErrStructure reports a matrix whose sparsity structure does not suit
	// the requested method.
	ErrStructure = errors.New("linear: matrix structure not supported by method")
	// ErrBandTooLarge reports that band LU storage would exceed the
	// memory limit.
	ErrBandTooLarge = errors.New("linear: band LU storage exceeds limit")
	// ErrBreakdown reports that an iterative method produced a non-finite
	// iterate or residual.
	ErrBreakdown = errors.New("linear: iterative method broke down")
)

// NotConvergedError is returned by iterative methods when the true relative
// residual ‖b − M·x‖₂/‖b‖₂ after Iter iterations exceeds the tolerance.
type NotConvergedError struct {
	Method   string  // name of the method
	Iter     int     // iterations performed
	Residual float64 // true relative residual of the returned x
	Tol      float64 // requested relative residual
	// Stalled is set when the solve stopped before its iteration limit
	// because the residual stopped falling (Settings.Stall).
	Stalled bool
}

// Error implements the error interface.
func (e *NotConvergedError) Error() string {
	how := "did not converge in"
	if e.Stalled {
		how = "stalled after"
	}
	return fmt.Sprintf("linear: %s %s %d iterations: relative residual %.3g > tolerance %.3g",
		e.Method, how, e.Iter, e.Residual, e.Tol)
}

// bandBytes estimates the memory of a band LU factorization of an n×n
// matrix with bandwidths kl, ku: (2·kl+ku+1)·n float64 values plus n pivot
// indices.
func bandBytes(n, kl, ku int) int64 {
	return (int64(2*kl+ku+1) + 1) * int64(n) * 8
}

// bandFlops estimates the work of a band LU factorization, n·kl·(kl+ku).
func bandFlops(n, kl, ku int) float64 {
	return float64(n) * float64(kl) * float64(kl+ku)
}

// Choose reports the method New would use for m with settings s, together
// with a one-line reason. When s.Method is not Auto it is returned as is.
//
// Auto picks, in order:
//   - Thomas for a tridiagonal or cyclic tridiagonal matrix that is weakly
//     diagonally dominant by rows or by columns (so elimination without
//     pivoting is stable);
//   - BandLU when the band storage (2·kl+ku+1)·n·8 bytes is at most
//     min(MaxBandBytes, 512 MiB) and the flop estimate n·kl·(kl+ku) is at
//     most 3e10;
//   - Thomas for a cyclic tridiagonal matrix too wide for BandLU;
//   - BiCGSTAB otherwise.
func Choose(m *sparse.CSR, s Settings) (Method, string) {
	a, err := raw(m)
	if err != nil {
		return s.Method, err.Error()
	}
	meth, reason, _ := choose(a, s)
	return meth, reason
}

func choose(a rawCSR, s Settings) (Method, string, structure) {
	st := analyze(a)
	if s.Method != Auto {
		return s.Method, fmt.Sprintf("%s requested (n=%d, kl=%d, ku=%d)", s.Method, st.n, st.kl, st.ku), st
	}
	n := st.n
	if (st.tridiag || st.cyclic) && st.dominant {
		kind := "tridiagonal"
		if st.cyclic {
			kind = "cyclic tridiagonal"
		}
		return Thomas, fmt.Sprintf("thomas: n=%d, %s and diagonally dominant", n, kind), st
	}
	limit := min(s.maxBandBytes(), autoMaxBandBytes)
	bytes := bandBytes(n, st.kl, st.ku)
	flops := bandFlops(n, st.kl, st.ku)
	bw := fmt.Sprintf("kl=%d, ku=%d", st.kl, st.ku)
	if st.kl == st.ku {
		bw = fmt.Sprintf("kl=ku=%d", st.kl)
	}
	if bytes <= limit && flops <= autoMaxBandFlops {
		return BandLU, fmt.Sprintf("band LU: n=%d, %s, %s, ≈%s flops", n, bw, formatBytes(bytes), formatSci(flops)), st
	}
	if st.cyclic {
		return Thomas, fmt.Sprintf("thomas: n=%d, cyclic tridiagonal, not diagonally dominant but too wide for band LU", n), st
	}
	why := "storage"
	if bytes <= limit {
		why = "work"
	}
	return BiCGSTAB, fmt.Sprintf("ilu0-bicgstab: n=%d, nnz=%d, band LU %s too large (%s, %s, ≈%s flops)",
		n, st.nnz, why, bw, formatBytes(bytes), formatSci(flops)), st
}

// formatSci renders v with two significant digits, as in 3.2e9.
func formatSci(v float64) string {
	if v < 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	e := int(math.Floor(math.Log10(v)))
	m := v / math.Pow(10, float64(e))
	if math.Round(m*10) >= 100 {
		m /= 10
		e++
	}
	return fmt.Sprintf("%.1fe%d", m, e)
}

// formatBytes renders a byte count in decimal units.
func formatBytes(b int64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(b)/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(b)/1e3)
	}
	return fmt.Sprintf("%d B", b)
}

// New builds a Solver for the square CSR matrix m according to s. The
// matrix values are copied or factorized as needed, but BandLU and BiCGSTAB
// keep reading m for residuals, so m must not be modified while the Solver
// is in use.
//
// With Auto, a Thomas factorization that meets a zero pivot falls back to
// BandLU (which pivots) when the band fits, and then to BiCGSTAB.
func New(m *sparse.CSR, s Settings) (Solver, error) {
	a, err := raw(m)
	if err != nil {
		return nil, err
	}
	if s.Method == BiCGSTAB || s.Method == Multigrid {
		return newBiCGSTAB(a, s) // no band analysis needed
	}
	meth, _, st := choose(a, s)
	switch meth {
	case Thomas:
		t, err := newThomas(a, st)
		if err == nil || s.Method != Auto {
			if err != nil {
				return nil, err
			}
			return t, nil
		}
		// Elimination without pivoting failed: try pivoting methods.
		if bandBytes(a.n, st.kl, st.ku) <= min(s.maxBandBytes(), autoMaxBandBytes) &&
			bandFlops(a.n, st.kl, st.ku) <= autoMaxBandFlops {
			return newBandLU(a, st, s)
		}
		return newBiCGSTAB(a, s)
	case BandLU:
		return newBandLU(a, st, s)
	case BiCGSTAB, Multigrid:
		return newBiCGSTAB(a, s)
	}
	return nil, fmt.Errorf("linear: unknown method %v", meth)
}

// checkArgs validates the vectors passed to Solve.
func checkArgs(n int, x, b []float64) error {
	if len(x) != n || len(b) != n {
		return fmt.Errorf("linear: Solve length mismatch: n=%d, len(x)=%d, len(b)=%d", n, len(x), len(b))
	}
	if overlaps(x, b) {
		return fmt.Errorf("linear: Solve x and b share memory")
	}
	return nil
}

// norm2 returns the Euclidean norm of v (with scaling to avoid overflow
// only when needed).
func norm2(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	if s == 0 || (s > 1e-290 && s < 1e290) {
		return math.Sqrt(s)
	}
	// Rescale for extreme magnitudes.
	var scale float64
	for _, x := range v {
		scale = math.Max(scale, math.Abs(x))
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(s) {
		return math.Sqrt(s)
	}
	s = 0
	for _, x := range v {
		y := x / scale
		s += y * y
	}
	return scale * math.Sqrt(s)
}
