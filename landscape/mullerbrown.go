package landscape

import "math"

// Standard parameters of the Müller–Brown potential.
var (
	mbA  = [4]float64{-200, -100, -170, 15}
	mbA2 = [4]float64{-1, -1, -6.5, 0.7} // aₖ
	mbB  = [4]float64{0, 0, 11, 0.6}     // bₖ
	mbC  = [4]float64{-10, -10, -6.5, 0.7}
	mbX0 = [4]float64{1, 0, -0.5, -1}
	mbY0 = [4]float64{0, 0.5, 1.5, 1}
)

// mullerBrown is the Müller–Brown potential multiplied by scale.
//
// With qₖ = aₖδx² + bₖδxδy + cₖδy², δx = x − x₀ₖ, δy = y − y₀ₖ and
// Eₖ = Aₖ exp(qₖ): ∂ᵢL = scale·Σₖ Eₖ ∂ᵢqₖ and
// ∂ᵢ∂ⱼL = scale·Σₖ Eₖ (∂ᵢqₖ ∂ⱼqₖ + ∂ᵢ∂ⱼqₖ), where ∂ₓq = 2aδx + bδy,
// ∂ᵧq = bδx + 2cδy, ∂ₓ∂ₓq = 2a, ∂ₓ∂ᵧq = b and ∂ᵧ∂ᵧq = 2c.
type mullerBrown struct {
	scale float64
}

// newMullerBrown returns the muller-brown built-in.
func newMullerBrown(_ int, p params) (Landscape, error) {
	s, err := p.positive("scale", 1)
	if err != nil {
		return nil, err
	}
	return mullerBrown{scale: s}, nil
}

// Dim returns 2.
func (mullerBrown) Dim() int { return 2 }

// Value returns L(x).
func (m mullerBrown) Value(x []float64) float64 { return m.Derivatives(x, nil, nil) }

// Derivatives returns L(x) and stores ∇L(x) in grad and the Hessian in hess
// when they are non-nil.
func (m mullerBrown) Derivatives(x, grad, hess []float64) float64 {
	checkLengths(2, x, grad, hess)
	var v, gx, gy, hxx, hxy, hyy float64
	for k := range mbA {
		a, b, c := mbA2[k], mbB[k], mbC[k]
		dx, dy := x[0]-mbX0[k], x[1]-mbY0[k]
		e := mbA[k] * math.Exp(a*dx*dx+b*dx*dy+c*dy*dy)
		v += e
		qx, qy := 2*a*dx+b*dy, b*dx+2*c*dy
		gx += e * qx
		gy += e * qy
		hxx += e * (qx*qx + 2*a)
		hxy += e * (qx*qy + b)
		hyy += e * (qy*qy + 2*c)
	}
	s := m.scale
	if grad != nil {
		grad[0], grad[1] = s*gx, s*gy
	}
	if hess != nil {
		hess[0], hess[1], hess[2], hess[3] = s*hxx, s*hxy, s*hxy, s*hyy
	}
	return s * v
}

// String returns the name and parameters, such as "muller-brown(scale=0.05)".
func (m mullerBrown) String() string {
	return "muller-brown(scale=" + formatFloat(m.scale) + ")"
}
