package landscape

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/parser/lexer"
	"gonum.org/v1/gonum/num/hyperdual"
)

// maxFormulaLen is the longest formula, in bytes, that Formula accepts. It
// bounds the recursion depth of parsing and compiling.
const maxFormulaLen = 1 << 16

// axisNames are the variables of the axes, in order.
var axisNames = [...]string{"x", "y", "z"}

// constants are the named constants a formula may use.
var constants = map[string]float64{
	"pi": math.Pi,
	"e":  math.E,
}

// functions maps the one-argument functions a formula may call to their
// opcodes; pow(a, b) is handled separately.
var functions = map[string]opcode{
	"exp":  opExp,
	"log":  opLog,
	"sqrt": opSqrt,
	"sin":  opSin,
	"cos":  opCos,
	"tanh": opTanh,
	"cosh": opCosh,
	"sinh": opSinh,
	"atan": opAtan,
	"abs":  opAbs,
}

// functionNames returns the sorted names of the functions a formula may call.
func functionNames() []string {
	names := []string{"pow"}
	for name := range functions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Expr is a loss landscape compiled from a formula by Formula. It implements
// Landscape; its derivatives are exact to rounding error.
//
// An Expr is immutable and safe for concurrent use.
type Expr struct {
	src   string
	dim   int
	value func(x []float64) float64
	dual  dualFunc
}

// Formula compiles src, a formula for L in the variables x, y and z, for a
// domain of dim axes, 1 ≤ dim ≤ 3. Only the first dim variables may appear.
//
// A formula is built from numbers (2, 0.5, 1e-3), the constants pi and e,
// the variables, parentheses, the operators + − * / and ^ or ** (power,
// binding tighter than unary minus and associating to the right, so
// −x^2 = −(x²) and 2^3^2 = 2⁹), and the functions exp, log (natural), sqrt,
// sin, cos, tanh, cosh, sinh, atan, abs and pow(a, b) = aᵇ.
//
// Powers with a constant integer exponent, such as x^4 or x^-2, are computed
// by repeated multiplication; other constant exponents use math.Pow and, like
// it, give NaN for a negative base. A variable exponent needs a positive
// base; e^b is compiled as exp(b). At 0, where |a| has no derivative, abs
// takes the right-hand one, so that |x|² and |x|³ keep their exact
// derivatives. Constant subexpressions are evaluated once, at compile time.
//
// The formula is parsed once with the parser of github.com/expr-lang/expr and
// compiled to closures. An invalid formula gives a *FormulaError that quotes
// the formula and names the offending token and its position.
func Formula(src string, dim int) (*Expr, error) {
	if dim < 1 || dim > len(axisNames) {
		return nil, newFormulaError(src, -1, "the domain has %d axes; formulas support 1, 2 or 3", dim)
	}
	if strings.TrimSpace(src) == "" {
		return nil, newFormulaError(src, -1, "the formula is empty")
	}
	if len(src) > maxFormulaLen {
		return nil, newFormulaError(src, -1, "the formula is %d bytes long; at most %d are allowed", len(src), maxFormulaLen)
	}
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	b := builder{src: src, dim: dim}
	t, err := b.build(tree.Node)
	if err != nil {
		return nil, err
	}
	if err := noSemicolon(src); err != nil {
		return nil, err
	}
	return &Expr{
		src:   src,
		dim:   dim,
		value: compileValue(t),
		dual:  compileDual(t),
	}, nil
}

// parse parses src with the expr-lang parser, turning its errors, and any
// panic inside it, into a *FormulaError.
func parse(src string) (tree *parser.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, newFormulaError(src, -1, "the parser failed: %v", r)
		}
	}()
	tree, err = parser.Parse(src)
	if err != nil {
		if fe, ok := err.(*file.Error); ok {
			if strings.Contains(fe.Message, "EOF") {
				// The parser places the end of input at the last token.
				return nil, newFormulaError(src, utf8.RuneCountInString(src), "syntax error: unexpected end of formula")
			}
			return nil, newFormulaError(src, fe.From, "syntax error: %s", fe.Message)
		}
		return nil, newFormulaError(src, -1, "syntax error: %v", err)
	}
	if tree == nil || tree.Node == nil {
		return nil, newFormulaError(src, -1, "syntax error")
	}
	return tree, nil
}

// noSemicolon rejects a semicolon in src. The parser accepts a trailing one
// ("x^2;") as the end of a sequence of one expression; a formula has no
// sequences at all. Sequences of two or more expressions fail earlier, in
// the builder.
func noSemicolon(src string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newFormulaError(src, -1, "the lexer failed: %v", r)
		}
	}()
	toks, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		return newFormulaError(src, -1, "syntax error: %v", err)
	}
	for _, tk := range toks {
		if tk.Kind == lexer.Operator && tk.Value == ";" {
			return newFormulaError(src, tk.From, "sequences of expressions (;) are not allowed")
		}
	}
	return nil
}

// builder turns the parser's syntax tree into terms, rejecting everything a
// real-valued loss formula cannot contain.
type builder struct {
	src string
	dim int
}

// errorAt returns a *FormulaError located at n.
func (b *builder) errorAt(n ast.Node, format string, args ...any) error {
	return newFormulaError(b.src, n.Location().From, format, args...)
}

// build returns the term for n.
func (b *builder) build(n ast.Node) (*term, error) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return constant(float64(n.Value)), nil
	case *ast.FloatNode:
		return constant(n.Value), nil
	case *ast.IdentifierNode:
		return b.identifier(n)
	case *ast.UnaryNode:
		switch n.Operator {
		case "-", "+":
			a, err := b.build(n.Node)
			if err != nil {
				return nil, err
			}
			if n.Operator == "+" {
				return a, nil
			}
			return unary(opNeg, a), nil
		}
		return nil, b.errorAt(n, "operator %q is not allowed: a formula is a real-valued expression", n.Operator)
	case *ast.BinaryNode:
		return b.binary(n)
	case *ast.CallNode:
		callee, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, b.errorAt(n, "method calls are not allowed: %s", n.Callee)
		}
		if len(n.Arguments) > 0 && n.Arguments[0] != nil && n.Arguments[0].Location().From < callee.Location().From {
			return nil, b.errorAt(n, "the pipe operator | is not allowed; write %s(…)", callee.Value)
		}
		return b.call(n, callee.Value, n.Arguments)
	case *ast.BuiltinNode:
		return b.call(n, n.Name, n.Arguments)
	case *ast.StringNode, *ast.BytesNode:
		return nil, b.errorAt(n, "strings are not allowed: %s", n)
	case *ast.BoolNode:
		return nil, b.errorAt(n, "booleans are not allowed: %s", n)
	case *ast.NilNode:
		return nil, b.errorAt(n, "nil is not allowed")
	case *ast.MemberNode, *ast.ChainNode, *ast.SliceNode:
		return nil, b.errorAt(n, "member access and indexing are not allowed: %s", n)
	case *ast.ConditionalNode:
		return nil, b.errorAt(n, "conditionals are not allowed")
	case *ast.ArrayNode, *ast.MapNode, *ast.PairNode:
		return nil, b.errorAt(n, "arrays and maps are not allowed: %s", n)
	case *ast.VariableDeclaratorNode:
		return nil, b.errorAt(n, "let declarations are not allowed")
	case *ast.SequenceNode:
		return nil, b.errorAt(n, "sequences of expressions (;) are not allowed")
	case nil:
		return nil, newFormulaError(b.src, -1, "syntax error: missing expression")
	}
	return nil, b.errorAt(n, "%s is not allowed in a formula", n)
}

// identifier returns the term for a variable or a named constant.
func (b *builder) identifier(n *ast.IdentifierNode) (*term, error) {
	for i, name := range axisNames[:b.dim] {
		if n.Value == name {
			return variable(i), nil
		}
	}
	if c, ok := constants[n.Value]; ok {
		return constant(c), nil
	}
	if _, ok := functions[n.Value]; ok || n.Value == "pow" {
		return nil, b.errorAt(n, "%q is a function: call it as %s(…)", n.Value, n.Value)
	}
	axes := "1 axis"
	if b.dim > 1 {
		axes = fmt.Sprintf("%d axes", b.dim)
	}
	return nil, b.errorAt(n, "unknown variable %q: the domain has %s, use %s (and the constants pi, e)",
		n.Value, axes, quoteList(axisNames[:b.dim]))
}

// binary returns the term for an arithmetic operator.
func (b *builder) binary(n *ast.BinaryNode) (*term, error) {
	var op opcode
	switch n.Operator {
	case "+":
		op = opAdd
	case "-":
		op = opSub
	case "*":
		op = opMul
	case "/":
		op = opDiv
	case "^", "**":
	case "<", ">", "<=", ">=", "==", "!=":
		return nil, b.errorAt(n, "comparison %q is not allowed: a formula is a real-valued expression", n.Operator)
	default:
		return nil, b.errorAt(n, "operator %q is not allowed; use + - * / ^", n.Operator)
	}
	l, err := b.build(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := b.build(n.Right)
	if err != nil {
		return nil, err
	}
	if n.Operator == "^" || n.Operator == "**" {
		return power(l, r), nil
	}
	return binary(op, l, r), nil
}

// call returns the term for a call of the function name.
func (b *builder) call(n ast.Node, name string, args []ast.Node) (*term, error) {
	want := 1
	op, ok := functions[name]
	if name == "pow" {
		want, ok = 2, true
	}
	if !ok {
		return nil, b.errorAt(n, "unknown function %q: available are %s", name, quoteList(functionNames()))
	}
	if len(args) != want {
		return nil, b.errorAt(n, "%s takes %s, got %d", name, plural(want, "argument"), len(args))
	}
	terms := make([]*term, len(args))
	for i, arg := range args {
		t, err := b.build(arg)
		if err != nil {
			return nil, err
		}
		terms[i] = t
	}
	if name == "pow" {
		return power(terms[0], terms[1]), nil
	}
	return unary(op, terms[0]), nil
}

// Dim returns the number of variables of the domain.
func (e *Expr) Dim() int { return e.dim }

// String returns the source of the formula.
func (e *Expr) String() string { return e.src }

// Value returns L(x). It panics if len(x) != Dim().
func (e *Expr) Value(x []float64) float64 {
	if len(x) != e.dim {
		panic(badLength("x", len(x), e.dim))
	}
	return e.value(x)
}

// seedPool holds hyperdual seed vectors for Derivatives.
var seedPool = sync.Pool{New: func() any { return new([3]hyperdual.Number) }}

// Derivatives returns L(x), stores ∇L(x) in grad when grad is non-nil and
// the Hessian in hess (row-major) when hess is non-nil. The returned value
// is identical to Value(x).
//
// Derivatives are computed with hyperdual numbers: seeding ϵ₁ along axis i
// and ϵ₂ along axis j gives ∂ᵢL, ∂ⱼL and ∂ᵢ∂ⱼL in one evaluation, so the
// full Hessian takes d(d+1)/2 evaluations and the gradient alone ⌈d/2⌉.
//
// Derivatives panics if a slice has the wrong length.
func (e *Expr) Derivatives(x, grad, hess []float64) float64 {
	d := e.dim
	switch {
	case len(x) != d:
		panic(badLength("x", len(x), d))
	case grad != nil && len(grad) != d:
		panic(badLength("grad", len(grad), d))
	case hess != nil && len(hess) != d*d:
		panic(badLength("hess", len(hess), d*d))
	}
	if grad == nil && hess == nil {
		return e.value(x)
	}
	// The seed vector escapes through the compiled closure, so a local one
	// would be a heap allocation per call: reuse one from a pool.
	vp := seedPool.Get().(*[3]hyperdual.Number)
	defer seedPool.Put(vp)
	v := vp[:d]
	for i, xi := range x {
		v[i] = hyperdual.Number{Real: xi}
	}
	var val float64
	if hess == nil {
		// Seed ϵ₁ and ϵ₂ along two different axes to get two gradient
		// components per evaluation.
		for i := 0; i < d; i += 2 {
			j := min(i+1, d-1)
			v[i].E1mag, v[j].E2mag = 1, 1
			r := e.dual(v)
			v[i].E1mag, v[j].E2mag = 0, 0
			grad[i], grad[j], val = r.E1mag, r.E2mag, r.Real
		}
		return val
	}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			v[i].E1mag, v[j].E2mag = 1, 1
			r := e.dual(v)
			v[i].E1mag, v[j].E2mag = 0, 0
			hess[i*d+j], hess[j*d+i] = r.E1E2mag, r.E1E2mag
			if i == j && grad != nil {
				grad[i] = r.E1mag
			}
			val = r.Real
		}
	}
	return val
}

// badLength returns the panic message for a slice of the wrong length.
func badLength(name string, got, want int) string {
	return fmt.Sprintf("landscape: len(%s) = %d, want %d", name, got, want)
}
