// Package sweep runs an fpsolve measurement over a grid of scenario
// parameters and fits straight lines through the results.
//
// A Plan is a base scenario and a list of Axes, each a scenario key path
// (as given to --set) with the values it takes. The plan's points are the
// cartesian product of the axes, in a fixed order: the first axis varies
// slowest, the last fastest, so point i of a plan is always the same
// parameter combination. Run measures every point — the escape analysis of
// package escape, or the stationary basin masses — with one worker per CPU,
// and returns the results in point order; a point that fails records its
// error and the others go on.
//
// Fits are least-squares lines y = a·x + b through the points of one
// transition, with x a swept value or its transform (1/x, ln x) and y the
// natural logarithm of the mean first passage time τ (or of a mass ratio),
// reported with the standard errors of a and b and Pearson's r. The
// diffusion theory predicts such lines: ln τ ≈ (2BΔL/η)·(s/h_a + (1−s)/|h_b|)
// + const for SGD noise, linear in B and in 1/η; ln τ ≈ ΔL/T + const for
// white noise. Beside each fit the package reports the slope the theory's
// exponent has over the same points, with the path parameter s the escape
// analysis fitted at every point.
//
// A big sweep can be spread over machines: Shard selects every n-th point,
// each shard writes its Document, and Merge joins the shards after checking
// that they come from the same plans (the axes and a hash of each base
// scenario are stored in the document). Merging all shards reproduces the
// unsharded document exactly.
//
// Presets are the built-in experiments of the diffusion theory (batch size,
// learning rate, temperature, sharpness, selection of flat minima); each
// comes with a verdict computed from its fits.
package sweep
