package landscape

import "math"

// opcode identifies the operation at a node of a compiled formula.
type opcode uint8

const (
	opConst    opcode = iota // the constant c
	opVar                    // the variable with index n
	opNeg                    // −a
	opAdd                    // a + b
	opSub                    // a − b
	opMul                    // a·b
	opDiv                    // a/b
	opPowInt                 // aⁿ for an integer constant n
	opPowConst               // aᶜ for a non-integer constant c
	opPow                    // aᵇ
	opExp                    // exp(a)
	opLog                    // log(a), the natural logarithm
	opSqrt                   // √a
	opSin                    // sin(a)
	opCos                    // cos(a)
	opTanh                   // tanh(a)
	opCosh                   // cosh(a)
	opSinh                   // sinh(a)
	opAtan                   // atan(a)
	opAbs                    // |a|
)

// maxIntPow is the largest |n| for which a constant exponent n is treated as
// an integer power.
const maxIntPow = 1 << 30

// term is a node of the intermediate form of a formula, between the parser's
// syntax tree and the compiled closures. Constant subexpressions are folded
// while terms are built, with the same arithmetic the closures use, so
// folding never changes a value.
type term struct {
	op   opcode
	c    float64 // constant value (opConst) or exponent (opPowConst)
	n    int     // variable index (opVar) or exponent (opPowInt)
	a, b *term   // operands
}

// isConst reports whether t is a constant.
func (t *term) isConst() bool { return t.op == opConst }

// constant returns the constant term c.
func constant(c float64) *term { return &term{op: opConst, c: c} }

// variable returns the term for the variable with index i.
func variable(i int) *term { return &term{op: opVar, n: i} }

// unary returns the term op(a), folded when a is constant.
func unary(op opcode, a *term) *term {
	if a.isConst() {
		return constant(evalUnary(op, a.c))
	}
	return &term{op: op, a: a}
}

// binary returns the term a op b for op ∈ {+, −, ·, /}, folded when both
// operands are constant.
func binary(op opcode, a, b *term) *term {
	if a.isConst() && b.isConst() {
		return constant(evalBinary(op, a.c, b.c))
	}
	return &term{op: op, a: a, b: b}
}

// power returns the term aᵇ. A constant integer exponent becomes repeated
// multiplication, x⁰ becomes 1 and x¹ becomes x; the base e becomes exp.
func power(a, b *term) *term {
	if b.isConst() {
		c := b.c
		if c == math.Trunc(c) && math.Abs(c) <= maxIntPow {
			n := int(c)
			switch {
			case n == 0:
				return constant(1)
			case n == 1:
				return a
			case a.isConst():
				return constant(ipow(a.c, n))
			}
			return &term{op: opPowInt, n: n, a: a}
		}
		if a.isConst() {
			return constant(math.Pow(a.c, c))
		}
		return &term{op: opPowConst, c: c, a: a}
	}
	if a.isConst() && a.c == math.E {
		return unary(opExp, b)
	}
	return &term{op: opPow, a: a, b: b}
}

// evalUnary returns op(a) for the unary opcodes.
func evalUnary(op opcode, a float64) float64 {
	switch op {
	case opNeg:
		return -a
	case opExp:
		return math.Exp(a)
	case opLog:
		return math.Log(a)
	case opSqrt:
		return math.Sqrt(a)
	case opSin:
		return math.Sin(a)
	case opCos:
		return math.Cos(a)
	case opTanh:
		return math.Tanh(a)
	case opCosh:
		return math.Cosh(a)
	case opSinh:
		return math.Sinh(a)
	case opAtan:
		return math.Atan(a)
	case opAbs:
		return math.Abs(a)
	}
	panic("landscape: internal error: not a unary opcode")
}

// evalBinary returns a op b for op ∈ {+, −, ·, /}.
func evalBinary(op opcode, a, b float64) float64 {
	switch op {
	case opAdd:
		return a + b
	case opSub:
		return a - b
	case opMul:
		return a * b
	case opDiv:
		return a / b
	}
	panic("landscape: internal error: not a binary opcode")
}

// ipow returns aⁿ. Exponents up to 64 in magnitude use binary exponentiation
// (x² is x·x, x⁴ is (x·x)·(x·x)); a negative n gives 1/a⁻ⁿ. Larger
// exponents use math.Pow, which is exact in sign for negative bases.
func ipow(a float64, n int) float64 {
	if n > 64 || n < -64 {
		return math.Pow(a, float64(n))
	}
	if n < 0 {
		return 1 / ipow(a, -n)
	}
	switch n {
	case 0:
		return 1
	case 1:
		return a
	case 2:
		return a * a
	}
	r := 1.0
	for n > 0 {
		if n&1 == 1 {
			r *= a
		}
		a *= a
		n >>= 1
	}
	return r
}
