package operators

import "math"

// Bernoulli returns B(z) = z/(eᶻ − 1), with B(0) = 1, accurate for all z:
// B(z) → −z for z → −∞ and B(z) → z·e^{−z} → 0 for z → +∞.
func Bernoulli(z float64) float64 {
	switch az := math.Abs(z); {
	case az < 1e-3:
		// Taylor series; the next term is z⁴/720 < 2e-15.
		return 1 - z/2 + z*z/12
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
