// Package escape measures how fast probability leaves a minimum of a loss
// landscape and holds the measurement against the analytic escape rates.
//
// For every saddle and each of the two minima a, b it connects, the
// transition a → b is measured four ways on the operator with an absorbing
// target at b (by default the part of basin b beyond its minimum, seen from
// the saddle — in 1-D the half-line from the minimum on, which makes τ the
// first arrival at the minimum itself):
//
//   - MFPT: Aᵀτ = −1, τ = 0 on the target; τ from the minimum, and averaged
//     over the quasi-stationary density (which is 1/λ₀ exactly);
//   - flux over population: the probability current of the quasi-stationary
//     density through the faces between basin a and basin b (the operator's
//     own face fluxes) divided by the mass in basin a; with reinjection at
//     the minimum, outflow over mass is 1/τ (the Hill relation);
//   - survival: the density evolved from a Gaussian at a, the exponential
//     tail of the mass not yet absorbed fitted over a stated window;
//   - spectral: the slowest non-zero eigenvalue λ₁ of the operator with
//     reflecting faces (restricted to basins a ∪ b when there are more),
//     split as γ_ab = λ₁·π_b/(π_a + π_b) by the basins' stationary masses.
//
// Beside them: Kramers / Eyring–Kramers for white noise; the SGD escape
// formulas of the diffusion theory (1-D Theorem 3.2 and d-D Theorem 3.3,
// τ(s) = 2π/|H_be|·exp[(2BΔL/η)(s/H_ae + (1−s)/|H_be|)], with and without
// the factor √(|det H_b|/det H_a)), with the path parameter s that makes
// them match the measured τ; and the Laplace estimate along the
// minimum-energy path, exponent ΔΦ = ∫∇L·D⁻¹dθ and the one-dimensional Itô
// prefactor 2π·√(D_b/(D_a h_a |h_b|)).
//
// Prefactors depend on the convention of the diffusion term (Itô or
// divergence form) by O(1) factors; only the exponents are convention-free.
// Results carry the convention they were computed with.
package escape
