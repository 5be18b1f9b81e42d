package landscape

import "math"

// compileValue returns a closure computing the value of t at x.
//
// Every operation here is matched, operation by operation, by the real part
// of compileDual, so that Expr.Value and Expr.Derivatives return identical
// values.
func compileValue(t *term) func(x []float64) float64 {
	switch t.op {
	case opConst:
		c := t.c
		return func([]float64) float64 { return c }
	case opVar:
		i := t.n
		return func(x []float64) float64 { return x[i] }
	case opNeg:
		f := compileValue(t.a)
		return func(x []float64) float64 { return -f(x) }
	case opAdd, opSub, opMul, opDiv:
		return compileValueBinary(t)
	case opPowInt:
		f, n := compileValue(t.a), t.n
		if n == 2 {
			return func(x []float64) float64 {
				a := f(x)
				return a * a
			}
		}
		return func(x []float64) float64 { return ipow(f(x), n) }
	case opPowConst:
		f, c := compileValue(t.a), t.c
		return func(x []float64) float64 { return math.Pow(f(x), c) }
	case opPow:
		f, g := compileValue(t.a), compileValue(t.b)
		if t.a.isConst() {
			c := t.a.c
			return func(x []float64) float64 { return math.Pow(c, g(x)) }
		}
		return func(x []float64) float64 { return math.Pow(f(x), g(x)) }
	}
	f, op := compileValue(t.a), t.op
	var fn func(float64) float64
	switch op {
	case opExp:
		fn = math.Exp
	case opLog:
		fn = math.Log
	case opSqrt:
		fn = math.Sqrt
	case opSin:
		fn = math.Sin
	case opCos:
		fn = math.Cos
	case opTanh:
		fn = math.Tanh
	case opCosh:
		fn = math.Cosh
	case opSinh:
		fn = math.Sinh
	case opAtan:
		fn = math.Atan
	case opAbs:
		fn = math.Abs
	default:
		panic("landscape: internal error: unknown opcode")
	}
	return func(x []float64) float64 { return fn(f(x)) }
}

// compileValueBinary returns the closure for +, −, · and /, with the common
// case of a constant operand specialised.
func compileValueBinary(t *term) func(x []float64) float64 {
	f, g := compileValue(t.a), compileValue(t.b)
	switch {
	case t.b.isConst():
		c := t.b.c
		switch t.op {
		case opAdd:
			return func(x []float64) float64 { return f(x) + c }
		case opSub:
			return func(x []float64) float64 { return f(x) - c }
		case opMul:
			return func(x []float64) float64 { return f(x) * c }
		default:
			return func(x []float64) float64 { return f(x) / c }
		}
	case t.a.isConst():
		c := t.a.c
		switch t.op {
		case opAdd:
			return func(x []float64) float64 { return c + g(x) }
		case opSub:
			return func(x []float64) float64 { return c - g(x) }
		case opMul:
			return func(x []float64) float64 { return c * g(x) }
		default:
			return func(x []float64) float64 { return c / g(x) }
		}
	}
	switch t.op {
	case opAdd:
		return func(x []float64) float64 { return f(x) + g(x) }
	case opSub:
		return func(x []float64) float64 { return f(x) - g(x) }
	case opMul:
		return func(x []float64) float64 { return f(x) * g(x) }
	default:
		return func(x []float64) float64 { return f(x) / g(x) }
	}
}
