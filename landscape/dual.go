package landscape

import (
	"math"

	"gonum.org/v1/gonum/num/hyperdual"
)

// dualFunc evaluates a compiled formula over hyperdual numbers.
type dualFunc = func(v []hyperdual.Number) hyperdual.Number

// compileDual returns a closure computing t over hyperdual numbers: with the
// inputs seeded as vᵢ = xᵢ + δᵢₚϵ₁ + δᵢ_qϵ₂, the result is
// L + ∂ₚL ϵ₁ + ∂_qL ϵ₂ + ∂ₚ∂_qL ϵ₁ϵ₂.
//
// Elementary functions are applied with chain, from their own first and
// second derivatives, rather than with the functions of package hyperdual:
// this keeps the real part bit-identical to compileValue and keeps the inner
// second derivative where hyperdual.Sin, Tan and Atan drop it at exactly 0.
func compileDual(t *term) dualFunc {
	switch t.op {
	case opConst:
		c := hyperdual.Number{Real: t.c}
		return func([]hyperdual.Number) hyperdual.Number { return c }
	case opVar:
		i := t.n
		return func(v []hyperdual.Number) hyperdual.Number { return v[i] }
	case opNeg:
		f := compileDual(t.a)
		return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Scale(-1, f(v)) }
	case opAdd, opSub, opMul, opDiv:
		return compileDualBinary(t)
	case opPowInt:
		return compileDualPowInt(compileDual(t.a), t.n)
	case opPowConst:
		f, c := compileDual(t.a), t.c
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			return powConst(a, c, math.Pow(a.Real, c))
		}
	case opPow:
		return compileDualPow(t)
	}
	f := compileDual(t.a)
	switch t.op {
	case opExp:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			e := math.Exp(a.Real)
			return chain(a, e, e, e)
		}
	case opLog:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			inv := 1 / a.Real
			return chainRel(a, math.Log(a.Real), inv, -inv*inv, 1, -1)
		}
	case opSqrt:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			s := math.Sqrt(a.Real)
			d1 := 0.5 / s
			return chainRel(a, s, d1, -0.5*d1/a.Real, 0.5*s, -0.25*s)
		}
	case opSin:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			s, c := math.Sin(a.Real), math.Cos(a.Real)
			return chain(a, s, c, -s)
		}
	case opCos:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			s, c := math.Sin(a.Real), math.Cos(a.Real)
			return chain(a, c, -s, -c)
		}
	case opTanh:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			th := math.Tanh(a.Real)
			d1 := 1 - th*th
			return chain(a, th, d1, -2*th*d1)
		}
	case opCosh:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			c := math.Cosh(a.Real)
			return chain(a, c, math.Sinh(a.Real), c)
		}
	case opSinh:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			s := math.Sinh(a.Real)
			return chain(a, s, math.Cosh(a.Real), s)
		}
	case opAtan:
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			d1 := 1 / (1 + a.Real*a.Real)
			return chain(a, math.Atan(a.Real), d1, -2*a.Real*d1*d1)
		}
	case opAbs:
		// |a| is not differentiable at a = 0; there the right-hand
		// derivatives (those of a itself) are used, so that smooth
		// compositions such as |x|³ keep their exact derivatives.
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			if a.Real < 0 {
				return hyperdual.Scale(-1, a)
			}
			a.Real = math.Abs(a.Real)
			return a
		}
	}
	panic("landscape: internal error: unknown opcode")
}

// compileDualBinary returns the closure for +, −, · and /, with the common
// case of a constant operand specialised.
func compileDualBinary(t *term) dualFunc {
	f, g := compileDual(t.a), compileDual(t.b)
	switch {
	case t.b.isConst():
		c := t.b.c
		switch t.op {
		case opAdd:
			return func(v []hyperdual.Number) hyperdual.Number {
				a := f(v)
				a.Real += c
				return a
			}
		case opSub:
			return func(v []hyperdual.Number) hyperdual.Number {
				a := f(v)
				a.Real -= c
				return a
			}
		case opMul:
			return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Scale(c, f(v)) }
		default:
			return func(v []hyperdual.Number) hyperdual.Number {
				a := f(v)
				return hyperdual.Number{Real: a.Real / c, E1mag: a.E1mag / c, E2mag: a.E2mag / c, E1E2mag: a.E1E2mag / c}
			}
		}
	case t.a.isConst():
		c := t.a.c
		switch t.op {
		case opAdd:
			return func(v []hyperdual.Number) hyperdual.Number {
				b := g(v)
				b.Real = c + b.Real
				return b
			}
		case opSub:
			return func(v []hyperdual.Number) hyperdual.Number {
				b := g(v)
				return hyperdual.Number{Real: c - b.Real, E1mag: -b.E1mag, E2mag: -b.E2mag, E1E2mag: -b.E1E2mag}
			}
		case opMul:
			return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Scale(c, g(v)) }
		default:
			cd := hyperdual.Number{Real: c}
			return func(v []hyperdual.Number) hyperdual.Number { return div(cd, g(v)) }
		}
	}
	switch t.op {
	case opAdd:
		return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Add(f(v), g(v)) }
	case opSub:
		return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Sub(f(v), g(v)) }
	case opMul:
		return func(v []hyperdual.Number) hyperdual.Number { return hyperdual.Mul(f(v), g(v)) }
	default:
		return func(v []hyperdual.Number) hyperdual.Number { return div(f(v), g(v)) }
	}
}

// compileDualPowInt returns the closure for aⁿ with a constant integer n,
// using (aⁿ)′ = n·aⁿ⁻¹ and (aⁿ)″ = n(n−1)·aⁿ⁻² by repeated multiplication.
func compileDualPowInt(f dualFunc, n int) dualFunc {
	if n == 2 {
		return func(v []hyperdual.Number) hyperdual.Number {
			a := f(v)
			return chain(a, a.Real*a.Real, 2*a.Real, 2)
		}
	}
	fn, fn1 := float64(n), float64(n)*float64(n-1)
	return func(v []hyperdual.Number) hyperdual.Number {
		a := f(v)
		p := ipow(a.Real, n)
		return chainRel(a, p, fn*ipow(a.Real, n-1), fn1*ipow(a.Real, n-2), fn*p, fn1*p)
	}
}

// compileDualPow returns the closure for aᵇ with a non-constant exponent,
// computed as exp(b·log a), which needs a > 0. The real part is math.Pow(a, b)
// as in compileValue.
func compileDualPow(t *term) dualFunc {
	g := compileDual(t.b)
	if t.a.isConst() && t.a.c > 0 {
		c := t.a.c
		lc := math.Log(c)
		return func(v []hyperdual.Number) hyperdual.Number {
			b := g(v)
			p := math.Pow(c, b.Real)
			return chain(hyperdual.Scale(lc, b), p, p, p)
		}
	}
	f := compileDual(t.a)
	return func(v []hyperdual.Number) hyperdual.Number {
		return pow(f(v), g(v))
	}
}

// pow returns aᵇ over hyperdual numbers.
//
// For a > 0 it differentiates exp(b·log a). For a ≤ 0, aᵇ is differentiated
// as a constant power with the current value of b (NaN for a negative a and
// a non-integer b, as math.Pow gives), and each derivative part along which
// b varies is NaN, except where a is 0 and b > 0 and a does not vary along
// that part either: 0ᵇ is 0 for every b > 0, so that part is 0 (a formula
// such as 0^x, or x^y along y at x = 0). The ϵ₁ part depends only on the ϵ₁
// parts of a and b, and likewise for ϵ₂, as for every other operation, so a
// gradient component does not depend on which other axis is seeded with it.
func pow(a, b hyperdual.Number) hyperdual.Number {
	p := math.Pow(a.Real, b.Real)
	if a.Real > 0 {
		inv := 1 / a.Real
		la := chainRel(a, math.Log(a.Real), inv, -inv*inv, 1, -1)
		return chain(hyperdual.Mul(b, la), p, p, p)
	}
	r := powConst(a, b.Real, p)
	zero := a.Real == 0 && b.Real > 0 // 0ᵇ = 0 near b
	nan := math.NaN()
	if b.E1mag != 0 && !(zero && a.E1mag == 0) {
		r.E1mag = nan
	}
	if b.E2mag != 0 && !(zero && a.E2mag == 0) {
		r.E2mag = nan
	}
	if (b.E1mag != 0 || b.E2mag != 0 || b.E1E2mag != 0) && !(zero && a.E1mag == 0 && a.E2mag == 0 && a.E1E2mag == 0) {
		r.E1E2mag = nan
	}
	return r
}

// powConst returns aᶜ for a constant c, given p = math.Pow(a.Real, c).
func powConst(a hyperdual.Number, c, p float64) hyperdual.Number {
	// c·(c−1) alone overflows for |c| near 1e308 (x^2^1000 at x = 0 would
	// give ∞·0): multiply by c last.
	return chainRel(a, p, c*math.Pow(a.Real, c-1), c*((c-1)*math.Pow(a.Real, c-2)), c*p, c*((c-1)*p))
}

// div returns a/b over hyperdual numbers. With q = a/b, differentiating
// a = q·b gives q′ = (a′ − q·b′)/b and
// ∂ₚ∂_q q = (∂ₚ∂_q a − ∂ₚq·∂_q b − ∂_q q·∂ₚb − q·∂ₚ∂_q b)/b.
func div(a, b hyperdual.Number) hyperdual.Number {
	q := a.Real / b.Real
	q1 := (a.E1mag - q*b.E1mag) / b.Real
	q2 := (a.E2mag - q*b.E2mag) / b.Real
	q12 := (a.E1E2mag - q1*b.E2mag - q2*b.E1mag - q*b.E1E2mag) / b.Real
	return hyperdual.Number{Real: q, E1mag: q1, E2mag: q2, E1E2mag: q12}
}

// chain returns f(a) over hyperdual numbers, given f = f(a.Real),
// d1 = f′(a.Real) and d2 = f″(a.Real):
//
//	f(a) = f + d1·a₁ϵ₁ + d1·a₂ϵ₂ + (d1·a₁₂ + d2·a₁·a₂)ϵ₁ϵ₂.
//
// A zero part of a contributes exactly zero, even where d1 or d2 is infinite
// (as for √a at a = 0), so that a singular subexpression which does not
// depend on a seeded direction does not turn that derivative into NaN.
func chain(a hyperdual.Number, f, d1, d2 float64) hyperdual.Number {
	r := hyperdual.Number{Real: f}
	if a.E1mag != 0 {
		r.E1mag = d1 * a.E1mag
	}
	if a.E2mag != 0 {
		r.E2mag = d1 * a.E2mag
	}
	if a.E1E2mag != 0 {
		r.E1E2mag = d1 * a.E1E2mag
	}
	if a.E1mag != 0 && a.E2mag != 0 {
		r.E1E2mag += d2 * a.E1mag * a.E2mag
	}
	return r
}

// chainRel is chain for functions whose derivatives are best formed relative
// to a (log, sqrt and powers), given also k1 = a·f′(a) and k2 = a²·f″(a).
// When d1 = f′(a) and d2 = f″(a) are normal numbers (or a zero that k1 or
// k2 confirms), it returns chain(a, f, d1, d2). Otherwise, where a is huge
// or tiny, f′ or f″ alone may have overflowed or underflowed although the
// parts of the result are representable: for (x⁹⁰)^0.1 at x = 96.5,
// f″ = −0.09·a^−1.9 underflows to 0 and chain would drop a term of the
// Hessian. Then it forms f′·a₁ as k1·(a₁/a) and f″·a₁a₂ as
// k2·(a₁/a)·(a₂/a), with the same rule as chain for zero parts.
func chainRel(a hyperdual.Number, f, d1, d2, k1, k2 float64) hyperdual.Number {
	if a.Real == 0 || math.IsInf(a.Real, 0) || math.IsNaN(a.Real) || (normalOrZero(d1, k1) && normalOrZero(d2, k2)) {
		return chain(a, f, d1, d2)
	}
	q1, q2 := a.E1mag/a.Real, a.E2mag/a.Real
	r := hyperdual.Number{Real: f}
	if a.E1mag != 0 {
		r.E1mag = k1 * q1
	}
	if a.E2mag != 0 {
		r.E2mag = k1 * q2
	}
	if a.E1E2mag != 0 {
		r.E1E2mag = k1 * (a.E1E2mag / a.Real)
	}
	if a.E1mag != 0 && a.E2mag != 0 {
		r.E1E2mag += k2 * q1 * q2
	}
	return r
}

// normalOrZero reports whether the derivative d is a normal floating-point
// number, or zero with k = 0 (a derivative that is exactly zero rather than
// one that underflowed).
func normalOrZero(d, k float64) bool {
	if d == 0 {
		return k == 0
	}
	ad := math.Abs(d)
	return ad >= 0x1p-1022 && ad <= math.MaxFloat64
}
