// Package landscape provides loss landscapes L: Rᵈ → R, d ∈ {1, 2, 3}, with
// exact gradients ∇L and Hessians ∂ᵢ∂ⱼL for the Fokker–Planck solvers of
// fpsolve.
//
// A Landscape comes from one of two places:
//
//   - Formula compiles a user formula in the variables x, y and z, such as
//     "exp(0.5*x)*((x^2-1)^2/4 + y^2/2)". Values are computed by compiled
//     closures over float64; first and second derivatives are computed
//     exactly, to rounding error, by forward-mode automatic differentiation
//     with hyperdual numbers (gonum.org/v1/gonum/num/hyperdual), not by
//     finite differences.
//   - Builtin returns one of the named test landscapes (double-well,
//     styblinski-tang, muller-brown, flat-sharp, quadratic), whose
//     derivatives are hand-derived closed forms. Builtins lists them with
//     their parameters.
//
// FiniteDifference approximates derivatives by central differences and is
// meant only for cross-checking in tests.
//
// All landscapes in this package are immutable after construction and are
// safe for concurrent use by multiple goroutines.
package landscape
