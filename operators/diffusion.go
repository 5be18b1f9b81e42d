package operators

import (
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/landscape"
)

// Diffusion is a field of symmetric positive semi-definite diffusion
// matrices D(θ). Implementations must be safe for concurrent use.
type Diffusion interface {
	// Dim returns d.
	Dim() int
	// At stores D(x) in dst (len d·d, row-major).
	At(dst, x []float64)
}

// Constant is implemented by diffusion fields that do not depend on θ.
// Assembly then uses exact loss differences instead of quadrature.
type Constant interface {
	Diffusion
	IsConstant() bool
}

// White is isotropic white noise D = T·I: gradient descent with injected
// Gaussian noise (SGLD) at temperature T.
type White struct {
	D int     // dimension
	T float64 // temperature, > 0
}

// Dim returns the dimension.
func (w White) Dim() int { return w.D }

// At stores T·I in dst.
func (w White) At(dst, _ []float64) {
	for i := range dst[:w.D*w.D] {
		dst[i] = 0
	}
	for i := 0; i < w.D; i++ {
		dst[i*w.D+i] = w.T
	}
}

// IsConstant reports true.
func (White) IsConstant() bool { return true }

// Matrix is a constant symmetric positive semi-definite diffusion matrix.
type Matrix struct {
	D int       // dimension
	M []float64 // d×d, row-major
}

// NewMatrix returns the constant diffusion matrix m (d×d rows). It returns an
// error if m is not square, not symmetric to 1e-12 relative, not positive
// semi-definite, or has a non-positive diagonal entry.
func NewMatrix(m [][]float64) (Matrix, error) {
	d := len(m)
	if d < 1 || d > 3 {
		return Matrix{}, fmt.Errorf("diffusion matrix is %d×?, want 1×1 to 3×3", d)
	}
	flat := make([]float64, d*d)
	for i, row := range m {
		if len(row) != d {
			return Matrix{}, fmt.Errorf("diffusion matrix row %d has %d entries, want %d", i, len(row), d)
		}
		copy(flat[i*d:], row)
	}
	scale := 0.0
	for _, v := range flat {
		scale = math.Max(scale, math.Abs(v))
	}
	for i := 0; i < d; i++ {
		if !(flat[i*d+i] > 0) {
			return Matrix{}, fmt.Errorf("diffusion matrix diagonal entry [%d][%d] = %g, want > 0", i, i, flat[i*d+i])
		}
		for j := 0; j < i; j++ {
			if math.Abs(flat[i*d+j]-flat[j*d+i]) > 1e-12*scale {
				return Matrix{}, fmt.Errorf("diffusion matrix is not symmetric: [%d][%d] = %g but [%d][%d] = %g", i, j, flat[i*d+j], j, i, flat[j*d+i])
			}
		}
	}
	lam, v := make([]float64, d), make([]float64, d*d)
	eigSym(d, flat, lam, v)
	for _, l := range lam {
		if l < -1e-12*scale {
			return Matrix{}, fmt.Errorf("diffusion matrix is not positive semi-definite: eigenvalue %g", l)
		}
	}
	return Matrix{D: d, M: flat}, nil
}

// Dim returns the dimension.
func (m Matrix) Dim() int { return m.D }

// At stores the matrix in dst.
func (m Matrix) At(dst, _ []float64) { copy(dst, m.M) }

// IsConstant reports true.
func (Matrix) IsConstant() bool { return true }

// PSD is the map f that makes a Hessian positive: H⁺ = V·f(Λ)·Vᵀ.
type PSD int

const (
	// Abs is f(λ) = max(|λ|, ε).
	Abs PSD = iota
	// SoftAbs is f(λ) = √(λ² + ε²).
	SoftAbs
	// Clip is f(λ) = max(λ, ε).
	Clip
)

// ParsePSD returns the PSD map named abs, softabs or clip.
func ParsePSD(s string) (PSD, error) {
	switch s {
	case "abs":
		return Abs, nil
	case "softabs":
		return SoftAbs, nil
	case "clip":
		return Clip, nil
	}
	return 0, fmt.Errorf("unknown psd map %q: use abs, softabs or clip", s)
}

// String returns the scenario word for p.
func (p PSD) String() string {
	switch p {
	case Abs:
		return "abs"
	case SoftAbs:
		return "softabs"
	case Clip:
		return "clip"
	}
	return fmt.Sprintf("PSD(%d)", int(p))
}

// apply returns f(λ) for the map p with parameter eps.
func (p PSD) apply(lambda, eps float64) float64 {
	switch p {
	case SoftAbs:
		return math.Hypot(lambda, eps)
	case Clip:
		return math.Max(lambda, eps)
	}
	return math.Max(math.Abs(lambda), eps)
}

// Positive stores H⁺ = V·f(Λ)·Vᵀ of the symmetric d×d matrix h in dst
// (dst and h may be the same slice).
func (p PSD) Positive(dst []float64, d int, h []float64, eps float64) {
	if d == 1 {
		dst[0] = p.apply(h[0], eps)
		return
	}
	var lam [3]float64
	var v [9]float64
	eigSym(d, h, lam[:], v[:])
	for i := 0; i < d; i++ {
		lam[i] = p.apply(lam[i], eps)
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s := 0.0
			for k := 0; k < d; k++ {
				s += v[i*d+k] * lam[k] * v[j*d+k]
			}
			dst[i*d+j] = s
		}
	}
}

// SGD is the Hessian-following diffusion of stochastic gradient descent,
//
//	D(θ) = Scale·H⁺(θ) + Floor·I,   Scale = η/(2B),
//
// with H⁺ the Hessian of Loss made positive by PSD with parameter Eps.
type SGD struct {
	Loss  landscape.Landscape
	Scale float64 // η/(2B)
	PSD   PSD
	Eps   float64 // ε ≥ 0
	Floor float64 // T0 ≥ 0
}

// Dim returns the dimension of the loss.
func (s SGD) Dim() int { return s.Loss.Dim() }

// At stores D(x) in dst.
func (s SGD) At(dst, x []float64) {
	d := s.Loss.Dim()
	// dst holds the Hessian first (a local array would escape through the
	// interface call and cost an allocation per point); Positive works in
	// place.
	s.Loss.Derivatives(x, nil, dst[:d*d])
	s.PSD.Positive(dst, d, dst[:d*d], s.Eps)
	for i := range dst[:d*d] {
		dst[i] *= s.Scale
	}
	for i := 0; i < d; i++ {
		dst[i*d+i] += s.Floor
	}
}

// LocalBasin is what SGDLocal needs to know about the basin of one
// minimum m: its loss and Hessian, and the loss and Hessian of the lowest
// saddle b on its boundary.
type LocalBasin struct {
	LossMin, LossSaddle float64
	HMin, HSaddle       []float64 // d×d row-major
}

// SGDLocal is the paper's local SGD model made global: in the basin of
// minimum m,
//
//	D = Scale·[H_m⁺ + (H_b⁺ − H_m⁺)·clip((L − L_m)/(L_b − L_m), 0, 1)] + Floor·I,
//
// b the lowest saddle of that basin and ⁺ the PSD map.
type SGDLocal struct {
	Loss   landscape.Landscape
	Scale  float64
	Floor  float64
	Basin  func(x []float64) int // index into Basins of the basin containing x
	basins []localBasin
}

type localBasin struct {
	lm, lb     float64
	hm, dh     []float64
	degenerate bool
}

// NewSGDLocal returns the sgd-local model. The Hessians in basins are made
// positive with psd and eps.
func NewSGDLocal(loss landscape.Landscape, scale float64, psd PSD, eps, floor float64, basins []LocalBasin, basin func(x []float64) int) (*SGDLocal, error) {
	d := loss.Dim()
	s := &SGDLocal{Loss: loss, Scale: scale, Floor: floor, Basin: basin}
	for i, b := range basins {
		if len(b.HMin) != d*d || len(b.HSaddle) != d*d {
			return nil, fmt.Errorf("sgd-local basin %d: Hessians must be %d×%d", i, d, d)
		}
		lb := localBasin{lm: b.LossMin, lb: b.LossSaddle, hm: make([]float64, d*d), dh: make([]float64, d*d)}
		psd.Positive(lb.hm, d, b.HMin, eps)
		psd.Positive(lb.dh, d, b.HSaddle, eps)
		for j := range lb.dh {
			lb.dh[j] -= lb.hm[j]
		}
		lb.degenerate = !(b.LossSaddle > b.LossMin)
		s.basins = append(s.basins, lb)
	}
	if len(s.basins) == 0 {
		return nil, fmt.Errorf("sgd-local needs at least one minimum")
	}
	return s, nil
}

// Dim returns the dimension of the loss.
func (s *SGDLocal) Dim() int { return s.Loss.Dim() }

// At stores D(x) in dst.
func (s *SGDLocal) At(dst, x []float64) {
	d := s.Loss.Dim()
	m := s.Basin(x)
	if m < 0 || m >= len(s.basins) {
		m = 0
	}
	b := s.basins[m]
	w := 1.0
	if !b.degenerate {
		w = (s.Loss.Value(x) - b.lm) / (b.lb - b.lm)
		w = math.Min(1, math.Max(0, w))
	}
	for i := range dst[:d*d] {
		dst[i] = s.Scale * (b.hm[i] + w*b.dh[i])
	}
	for i := 0; i < d; i++ {
		dst[i*d+i] += s.Floor
	}
}
