// Package linear solves the sparse linear systems that arise when the
// Fokker–Planck equation is discretized on Cartesian grids.
//
// A Solver is built once for a fixed square matrix M stored in compressed
// sparse row (CSR) form and then solves M·x = b for as many right-hand sides
// as needed. Three methods are provided:
//
//   - Thomas: the O(n) tridiagonal algorithm (LU without pivoting of a
//     tridiagonal matrix). Cyclic tridiagonal matrices, as produced by 1-D
//     periodic grids, are handled with the Sherman–Morrison formula
//     (A + u·vᵀ)⁻¹ = A⁻¹ − A⁻¹u·vᵀA⁻¹ / (1 + vᵀA⁻¹u).
//   - BandLU: Gaussian elimination with partial pivoting, P·M = L·U, in the
//     LAPACK general-band layout (the factor U has upper bandwidth kl+ku).
//     Each solve is followed by a residual check and, when needed, steps of
//     iterative refinement x ← x + (LU)⁻¹(b − M·x) with the residual
//     accumulated in double-double arithmetic, which restores full accuracy
//     for ill-conditioned systems such as mean first passage times as long
//     as cond(M)·ε < 1.
//   - BiCGSTAB: the stabilized bi-conjugate gradient method of van der Vorst,
//     right-preconditioned with an incomplete LU factorization restricted to
//     the sparsity pattern of M (ILU(0)). The true residual ‖b − M·x‖/‖b‖ is
//     verified before success is reported.
//
// Auto (the zero Method) inspects the matrix and picks the cheapest method
// expected to work; Choose reports the decision together with a short reason.
//
// Matrices are taken as *sparse.CSR from github.com/james-bowman/sparse and
// are read through their raw arrays only. A Solver keeps work buffers and is
// therefore not safe for concurrent use; build one Solver per goroutine.
package linear
