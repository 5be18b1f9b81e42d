package escape

import (
	"math"

	"github.com/fpsolve/fpsolve/landscape"
)

// Noise describes the noise model for the analytic formulas.
type Noise struct {
	// Model is white, matrix, sgd or sgd-local.
	Model string
	// T is the temperature of white noise.
	T float64
	// LR and Batch are η and B of the SGD models.
	LR, Batch float64
}

// SGD reports whether the model is one of the SGD noise models.
func (n Noise) SGD() bool { return n.Model == "sgd" || n.Model == "sgd-local" || n.Model == "data" }

// Theory holds the analytic escape estimates for one transition.
type Theory struct {
	// EyringKramers is the white-noise rate
	// γ = |λ_b⁻|/(2π)·√(det H_a/|det H_b|)·e^{−ΔL/T} (Kramers in 1-D);
	// nil for other noise models.
	EyringKramers *float64 `json:"eyring_kramers_rate,omitempty"`
	// SGD holds the diffusion theory's formulas (SGD models only).
	SGD *SGDTheory `json:"sgd,omitempty"`
	// Laplace is the estimate along the minimum-energy path.
	Laplace *Laplace `json:"laplace,omitempty"`
}

// SGDTheory is Theorem 3.2 (1-D) / 3.3 (d-D) of the diffusion theory,
//
//	τ(s) = 2π/H_be · exp[(2BΔL/η)(s/H_ae + (1−s)/H_be)],
//
// H_ae the Hessian eigenvalue at the minimum along the escape direction and
// H_be the magnitude of the saddle's negative eigenvalue; the variant
// multiplies τ by √(|det H_b|/det H_a).
type SGDTheory struct {
	HAE float64 `json:"h_ae"`
	HBE float64 `json:"h_be"`
	// Tau maps s = 0, 0.5, 1 to τ(s).
	Tau0    float64 `json:"tau_s0"`
	TauHalf float64 `json:"tau_s_half"`
	Tau1    float64 `json:"tau_s1"`
	// DetFactor is √(|det H_b|/det H_a), the factor of the variant.
	DetFactor      float64 `json:"det_factor"`
	TauHalfWithDet float64 `json:"tau_s_half_with_det"`
	// S is the s for which τ(s) equals the measured MFPT; SWithDet the same
	// for the variant; SExponent the s for which the exponent alone
	// equals the path's quasi-potential barrier ΔΦ.
	S          float64 `json:"s"`
	SWithDet   float64 `json:"s_with_det"`
	SExponent  float64 `json:"s_exponent"`
	SInRange   bool    `json:"s_in_unit_interval"`
	Assessment string  `json:"assessment"`
}

// eyringKramers returns the white-noise rate over saddle b from minimum a.
func eyringKramers(a landscape.Point, b landscape.Saddle, T float64) float64 {
	detA, detB := 1.0, 1.0
	for _, l := range a.Eigenvalues {
		detA *= l
	}
	for _, l := range b.Eigenvalues {
		detB *= l
	}
	neg := math.Abs(b.Eigenvalues[0])
	return neg / (2 * math.Pi) * math.Sqrt(detA/math.Abs(detB)) * math.Exp(-(b.Loss-a.Loss)/T)
}

// escapeCurvatures returns H_ae (the eigenvalue of H_a whose eigenvector is
// most aligned with the saddle's unstable direction) and H_be, and the
// determinant factor √(|det H_b|/det H_a).
func escapeCurvatures(a landscape.Point, b landscape.Saddle) (hae, hbe, detFactor float64) {
	d := len(a.X)
	best := -1.0
	for j := 0; j < d; j++ {
		dot := 0.0
		for i := 0; i < d; i++ {
			dot += a.Eigenvectors[i*d+j] * b.Eigenvectors[i*d]
		}
		if math.Abs(dot) > best {
			best, hae = math.Abs(dot), a.Eigenvalues[j]
		}
	}
	hbe = math.Abs(b.Eigenvalues[0])
	detA, detB := 1.0, 1.0
	for _, l := range a.Eigenvalues {
		detA *= l
	}
	for _, l := range b.Eigenvalues {
		detB *= l
	}
	return hae, hbe, math.Sqrt(math.Abs(detB) / detA)
}

// sgdTheory evaluates the SGD formulas and fits s to the measured τ and to
// the path barrier dPhi (NaN when unknown).
func sgdTheory(a landscape.Point, b landscape.Saddle, n Noise, tau, dPhi float64) *SGDTheory {
	hae, hbe, det := escapeCurvatures(a, b)
	dl := b.Loss - a.Loss
	k := 2 * n.Batch * dl / n.LR // 2BΔL/η
	tauOf := func(s float64) float64 {
		return 2 * math.Pi / hbe * math.Exp(k*(s/hae+(1-s)/hbe))
	}
	// ln(τ·H_be/2π) = k·(1/H_be + s·(1/H_ae − 1/H_be)).
	fit := func(tau float64) float64 {
		return (math.Log(tau*hbe/(2*math.Pi))/k - 1/hbe) / (1/hae - 1/hbe)
	}
	th := &SGDTheory{
		HAE: hae, HBE: hbe,
		Tau0: tauOf(0), TauHalf: tauOf(0.5), Tau1: tauOf(1),
		DetFactor: det, TauHalfWithDet: tauOf(0.5) * det,
		S: fit(tau), SWithDet: fit(tau / det),
		SExponent: (dPhi*n.LR/(2*n.Batch*dl) - 1/hbe) / (1/hae - 1/hbe),
	}
	th.SInRange = th.S > 0 && th.S < 1
	switch {
	case hae == hbe:
		th.Assessment = "H_ae = |H_be|: the formula does not depend on s, so s is undetermined"
	case th.SInRange:
		th.Assessment = "the measured escape time lies between the theorem's bounds s = 0 and s = 1, as the diffusion theory assumes"
	case th.S <= 0 && hae < hbe, th.S >= 1 && hae > hbe:
		th.Assessment = "the measured escape time is shorter than the theorem allows for any s in (0, 1): the noise along the path is larger than the local model η/(2B)·H (a white floor or a large ε dominates)"
	default:
		th.Assessment = "the measured escape time is longer than the theorem allows for any s in (0, 1): the noise along the escape path is much weaker than the local model η/(2B)·H assumes — with D ∝ |H| it nearly vanishes where L'' = 0 between the minimum and the saddle, a noise bottleneck that adds to the barrier (use sgd-local for the paper's model)"
	}
	return th
}
