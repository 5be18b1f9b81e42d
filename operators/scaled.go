package operators

// Scaled multiplies the part of a diffusion field above a white floor by a
// constant:
//
//	D(θ) = Factor·(Base(θ) − Floor·I) + Floor·I.
//
// With Base an SGD model, (η/2B)·H⁺ + T0·I, and Floor = T0 this is the same
// model at η·Factor (or at B/Factor): the floor T0 does not scale with η or
// B. It is how learning-rate and batch schedules change the noise. Factor
// must be positive. Scaled is constant when Base is.
type Scaled struct {
	Base   Diffusion
	Factor float64
	Floor  float64
}

// Dim returns the dimension of Base.
func (s Scaled) Dim() int { return s.Base.Dim() }

// At stores D(x) in dst.
func (s Scaled) At(dst, x []float64) {
	d := s.Base.Dim()
	s.Base.At(dst, x)
	for i := range dst[:d*d] {
		dst[i] *= s.Factor
	}
	if off := s.Floor * (1 - s.Factor); off != 0 {
		for i := 0; i < d; i++ {
			dst[i*d+i] += off
		}
	}
}

// IsConstant reports whether Base is constant.
func (s Scaled) IsConstant() bool {
	c, ok := s.Base.(Constant)
	return ok && c.IsConstant()
}
