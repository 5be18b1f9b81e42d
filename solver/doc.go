// Package solver evolves and analyses the semi-discrete Fokker–Planck system
// dP/dt = A·P built by package operators.
//
// Time steppers (Evolve): backward Euler, Crank–Nicolson, BDF2 and TR-BDF2
// (γ = 2 − √2, L-stable and second order, both stages sharing one matrix
// I − (γΔt/2)·A), with adaptive steps for backward Euler and TR-BDF2 from
// embedded error estimates. Linear systems go to package solver/linear;
// factorizations are cached per step size and reused.
//
// Steady and first-passage problems:
//
//	Stationary:  A·P = 0, ∫P = 1 (reflecting or periodic faces)
//	MFPT:        Aᵀτ = −1 off the target set, τ = 0 on it
//	Principal:   the slowest decay rate λ₀ of A with absorption, A·v = −λ₀·v
//
// Absorbing target sets inside the domain are given as cell masks: a target
// cell holds P = 0, so probability that enters it is removed; this is the
// first passage of the Markov chain A into the set.
package solver
