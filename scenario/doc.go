// Package scenario defines the fpsolve scenario file: its data model, the
// embedded default scenario, loading and strict decoding of YAML, default
// values, command-line overrides and validation.
//
// A scenario describes one Fokker–Planck problem
//
//	∂P/∂t = −∇·J,   J_i = −P ∂_i L − Σ_j ∂_j (D_ij P),
//
// on a box domain Ω ⊂ Rᵈ (d = 1, 2, 3): the loss L (a formula or a built-in
// landscape), the grid, the boundary conditions on each face, the diffusion
// model D(θ), the initial density, the time integration, absorbing targets,
// output settings and the Monte Carlo settings used by `fpsolve simulate`.
// The YAML key names are a contract with users (DESIGN.md §6): keys may be
// added but never renamed.
//
// The life cycle of a scenario in a command is
//
//	s, err := scenario.Load(path)  // or scenario.Default()
//	err = s.Set("noise.lr=0.05")     // once per --set flag
//	err = s.Validate()               // every problem at once, as Problems
//
// Parse and Load reject unknown keys and values of the wrong type, naming the
// key path and the line, and then fill unset optional fields with Defaults.
// They do not call Validate, so that a caller can apply overrides first.
// Every bad-input error returned by Parse, Load (for the file's content), Set
// and Validate is a Problems value; errors.As can recover it to tell bad input
// (exit status 2) from runtime failures.
//
// The package only describes problems; building landscapes, grids, operators
// and solvers from a Scenario is done by other packages, and this package
// imports none of them.
package scenario
