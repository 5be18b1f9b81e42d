package landscape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// FormulaError reports why a formula was rejected and where.
//
// Offset is the 0-based offset, in runes, of the offending token in Formula,
// or −1 when the problem concerns the formula as a whole. Line and Column are
// the same place counted from 1; they are 0 when Offset is −1.
type FormulaError struct {
	Formula string
	Offset  int
	Line    int
	Column  int
	Msg     string
}

// Error returns the message, quoting the formula and naming the position of
// the offending token.
func (e *FormulaError) Error() string {
	switch {
	case e.Offset < 0:
		return fmt.Sprintf("landscape: formula %q: %s", e.Formula, e.Msg)
	case e.Line > 1:
		return fmt.Sprintf("landscape: formula %q, line %d column %d: %s", e.Formula, e.Line, e.Column, e.Msg)
	default:
		return fmt.Sprintf("landscape: formula %q, column %d: %s", e.Formula, e.Column, e.Msg)
	}
}

// newFormulaError returns a FormulaError for src at the rune offset off
// (−1 for none) with the message built from format and args.
func newFormulaError(src string, off int, format string, args ...any) *FormulaError {
	e := &FormulaError{Formula: src, Offset: -1, Msg: fmt.Sprintf(format, args...)}
	if off < 0 {
		return e
	}
	n := utf8.RuneCountInString(src)
	if off > n {
		off = n
	}
	e.Offset = off
	e.Line, e.Column = 1, 1
	for i, r := range []rune(src) {
		if i == off {
			break
		}
		if r == '\n' {
			e.Line++
			e.Column = 1
		} else {
			e.Column++
		}
	}
	return e
}

// plural returns "n word" or "n words".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// quoteList returns the names joined by ", ".
func quoteList(names []string) string {
	return strings.Join(names, ", ")
}
