// Package operators turns a loss landscape and a diffusion model into the
// finite-volume generator of the Fokker–Planck equation
//
//	∂P/∂t = −∇·J,   Jₖ = −P ∂ₖL − Σₘ ∂ₘ(Dₖₘ P)      (Itô)
//	                Jₖ = −P ∂ₖL − Σₘ Dₖₘ ∂ₘP         (divergence form)
//
// on a grid.Grid. Cell averages Pᶜ evolve by dP/dt = A·P with A a sparse
// matrix stored as a github.com/james-bowman/sparse CSR.
//
// The flux through a face normal to axis k between cells i and j = i + eₖ
// has two parts. The axis-aligned part is exponentially fitted
// (Scharfetter–Gummel / Chang–Cooper): with u = Dₖₖ·P (Itô) and
//
//	z = ∫ᵢʲ ∂ₖL / Dₖₖ ds,  B(z) = z/(eᶻ − 1),
//
// J = (B(z)·uᵢ − B(−z)·uⱼ)/hₖ. For constant D, z = (Lⱼ − Lᵢ)/Dₖₖ exactly;
// otherwise z is Simpson's rule on ∂ₖL/Dₖₖ along the segment joining the two
// cell centres. The zero-flux state of this part is the sampled Itô
// stationary density P ∝ e^{−Φ}/D, Φ = ∫∇L·D⁻¹ — exactly the Boltzmann
// density e^{−L/T} for white noise — and all off-diagonal entries it puts in A
// are non-negative, so backward Euler keeps P ≥ 0 for any time step.
//
// The cross part −Σ_{m≠k} ∂ₘ(DₖₘP) on a face is the mean of a forward
// transverse difference in one of the face's cells and a backward one in the
// other — a central difference along the diagonal picked by the sign of Dₖₘ,
// so that the corner couplings are non-negative (the positive
// mixed-derivative stencil; 7 of the 9 points in 2-D are used). It is
// second-order and conservative. It is monotone only while |Dₖₘ|/hₘ stays
// below the axis couplings of the face neighbours (roughly |Dₖₘ| ≤ Dₖₖ at
// small cell Péclet number): strong anisotropy at coarse resolution, or a
// face where exponential fitting makes the downwind coupling small, gives A
// negative off-diagonal entries and P small negative values; solver reports
// negative mass, and IsMarkov tells whether A is a Markov generator.
//
// Reflecting faces carry no flux, so with reflecting (or periodic) faces
// every column of A sums to zero and mass is conserved to rounding. An
// absorbing face holds P = 0 half a cell beyond the last centre.
package operators
