// Package dataset defines losses made of per-example losses over a small
// data set, L(θ) = (1/n)·Σᵢ ℓᵢ(θ), with exact per-example gradients and
// Hessians, and the diffusion of minibatch SGD computed from the data: the
// covariance of the per-example gradients.
//
// A Set is a landscape.Landscape (its mean loss) and a Noise is an
// operators.Diffusion; the package imports neither, so it sits beside
// landscape at the bottom of the dependency order and both the PDE (through
// the scenario) and the Monte Carlo minibatch SGD of package sde use it.
//
// # Minibatch noise
//
// Minibatch SGD draws a batch ℬ of B distinct examples uniformly from the n
// (sampling without replacement) and steps θ ← θ − η·gℬ(θ) with
// gℬ = (1/B)·Σ_{i∈ℬ} ∇ℓᵢ(θ). Then E[gℬ] = ∇L and
//
//	Cov[gℬ] = C(θ) = Σ(θ)/B · (n − B)/(n − 1),
//	Σ(θ)    = Cov_i[∇ℓᵢ(θ)] = (1/n)·Σᵢ (∇ℓᵢ − ∇L)(∇ℓᵢ − ∇L)ᵀ,
//
// the population covariance with the finite-population correction of
// sampling without replacement (B = n gives C = 0: full-batch gradient
// descent). One iteration is η units of time of the SDE
// dθ = −∇L dt + √(2D) dW whose increment over η has covariance η²·C, so
//
//	D(θ) = (η/2)·C(θ) + T0·I = η/(2B)·(n − B)/(n − 1)·Σ(θ) + T0·I,
//
// T0 ≥ 0 an optional white floor.
//
// # Fisher argument
//
// Near a minimum with residuals rᵢ = fᵢ(θ) − yᵢ, ∇ℓᵢ = rᵢ·∇fᵢ and the
// per-example gradients are dominated by the residual noise, so
// Σ ≈ E[r²]·E[∇f∇fᵀ] ≈ E[r²]·H (Gauss–Newton): C ≈ (residual variance)·H/B.
// FisherRatio measures vᵀCv/(vᵀHv/B) along a direction v.
//
// # Built-in models
//
// regression (d = 1): prediction (θ² + aθ)·x, ℓᵢ = ½((θ² + aθ)xᵢ − yᵢ)² + ½λθ².
// Data are generated as xᵢ ~ N(0, 1), yᵢ = c·xᵢ + σ·εᵢ with
// c = θ*² + aθ* and the noise ε orthogonal to x (see Generate), so both
// roots θ* and −a − θ* of θ² + aθ = c are exact minima of L (λ = 0), with
// the loss ½·mean(σ²ε²) of the noise alone, zero for σ = 0: a double well
// with its barrier top at θ = −a/2.
// Note that L depends on θ only through f = θ² + aθ, and f′² = a² + 4f is
// the same at both roots: without weight decay the two minima have the same
// Hessian, loss and noise (L is symmetric about −a/2). Weight decay λ > 0
// breaks the symmetry (the minimum farther from 0 is higher).
// Every ∇ℓᵢ is a multiple of f′(θ) = 2θ + a, so without weight decay
// or a floor T0 the gradient noise vanishes at the barrier top: minibatch
// SGD then never crosses it (θ + a/2 is multiplied by 1 − 2η·meanℬ(rᵢxᵢ)
// at every step), and the diffusion model's quasi-potential diverges there.
//
// linear-net (d = 2): the two-layer scalar linear network, prediction
// θ₁θ₂·x, ℓᵢ = ½(θ₁θ₂xᵢ − yᵢ)² + ½λ|θ|². Data xᵢ ~ N(0, 1),
// yᵢ = w·xᵢ + σ·εᵢ. Its minima are (s, s) and (−s, −s),
// s² = (mean xy − λ)/mean x², with the saddle at the origin. The data part
// of ∇ℓᵢ is rᵢxᵢ·(θ₂, θ₁), so a minibatch step multiplies θ₁ + θ₂ by
// 1 − η(λ + meanℬ(rᵢxᵢ)): as in the regression, without a floor T0 the
// gradient noise across the line θ₁ + θ₂ = 0 vanishes on it and minibatch
// SGD with a small η never crosses from one minimum to the other.
//
// Data may instead be read from CSV (ReadCSV: two columns x, y).
package dataset
