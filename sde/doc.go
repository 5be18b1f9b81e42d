// Package sde runs Monte Carlo ensembles of the stochastic dynamics whose
// density the Fokker–Planck solvers evolve, and measures escape times: the
// independent check of the mean first passage times of the PDE.
//
// Three dynamics share one update, θ ← θ − h·∇L(θ) + √(2h·D(θ))·ζ with
// ζ ~ N(0, I):
//
//   - SDE: Euler–Maruyama for the Itô SDE dθ = −∇L dt + √(2D(θ)) dW with
//     step h = Δt. D is evaluated at the start of the step, which is what
//     makes the scheme Itô-consistent. Arrival in the target between two
//     steps is detected with the Brownian-bridge crossing probability
//     exp(−2·s₀·s₁/(σ²h)) wherever the target's boundary is a plane (in 1-D
//     always), which removes the O(√Δt) bias of checking only at the steps
//     and leaves the O(Δt) weak error of the scheme.
//   - SGD: the discrete iteration θ ← θ − η(∇L(θ) + ξ), ξ ~ N(0, C(θ)) with
//     C = 2D/η, so that ηξ ~ N(0, 2ηD): the same update with h = η. The
//     process is the iteration itself, so escape is the first iterate inside
//     the target; one iteration is η units of time.
//   - SGLD: θ ← θ − η∇L + √(2ηT)·ζ: the same update with D = T·I.
//
// A fourth dynamics samples the gradient noise instead of drawing it from
// D: Minibatch is real minibatch SGD on per-example losses (Examples),
// θ ← θ − η·(1/B)·Σ_{i∈ℬ} ∇ℓᵢ(θ), ℬ a batch of B distinct examples drawn
// uniformly at every step from the walker's own stream (plus √(2ηT0)·ζ for
// a white floor T0). Its diffusion approximation is the data noise model
// of package dataset, D = η/(2B)·(n − B)/(n − 1)·Cov_i[∇ℓᵢ] + T0·I.
//
// The square root of D is its Cholesky factor (with zero pivots allowed, so
// positive semi-definite fields work); in 1-D it is √D.
//
// Walkers are independent. Walker i draws from its own math/rand/v2 PCG
// stream seeded from (seed, i), and workers take walkers from a shared
// counter, so every result is bit-for-bit the same for any number of
// workers. Each walker starts at a given point (usually a minimum), runs
// until it enters the target, is absorbed by an absorbing wall, or reaches
// the time cap; reflecting walls mirror it back into the domain, periodic
// ones wrap it.
//
// Result holds the mean escape time, its standard error and 95% interval,
// the escape-time histogram with an exponential fit, and the walkers that
// hit the cap. Capped walkers are never dropped: the mean is then the
// restricted mean E[min(τ, T_cap)] (a strict lower bound) plus an
// exponential tail P(τ > T_cap)/γ̂, and both are reported.
package sde
