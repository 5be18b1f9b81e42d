package operators

import "math"

// Bernoulli returns B(z) = z/(eᶻ − 1), with B(0) = 1, accurate for all z:
// B(z) → −z for z → −∞ and B(z) → z·e^{−z} → 0 for z → +∞.
func Bernoulli(z float64) float64 {
	switch az := math.Abs(z); {
	case az < 0.25:
		// Taylor series Σ Bₙzⁿ/n! (Bernoulli numbers B₂ = 1/6, B₄ = −1/30,
		// B₆ = 1/42, B₈ = −1/30, B₁₀ = 5/66); the next term, B₁₂z¹²/12!, is
		// below 3.2e-17 here. Small |z| is the common case (a face's
		// drift times its width over the diffusion), and the polynomial
		// costs a fraction of Expm1.
		z2 := z * z
		return 1 - z/2 + z2*(1.0/12+z2*(-1.0/720+z2*(1.0/30240+z2*(-1.0/1209600+z2*(1.0/47900160)))))
	case z > 700:
		return z * math.Exp(-z)
	}
	return z / math.Expm1(z)
}

// BernoulliPair returns B(z) and B(−z) with one exponential, from
// B(−z) = B(z) + z applied on the side where it adds (|z| + a positive
// number), so neither value loses relative accuracy.
func BernoulliPair(z float64) (bp, bm float64) {
	if z >= 0 {
		bp = Bernoulli(z)
		return bp, bp + z
	}
	bm = Bernoulli(-z)
	return bm - z, bm
}
