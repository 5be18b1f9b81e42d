package scenario

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a scenario.
type Problem struct {
	// Path is the key path as written in YAML, for example "noise.lr",
	// "domain[0]" or "targets[2].box[0]". It is empty for problems of the
	// whole document.
	Path string

	// Value is the offending value as text; it may be empty.
	Value string

	// Line is the line in the scenario file, or 0 when unknown.
	Line int

	// Msg says what is wrong and what is allowed or how to fix it.
	Msg string
}

// Error formats p as "path = value: msg", or "path: msg" without a value.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Value != "" {
		if p.Path != "" {
			b.WriteString(" = ")
		}
		b.WriteString(p.Value)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is a list of problems of one scenario; it is the error returned
// for bad input by Parse, Load, Set and Validate.
type Problems []Problem

// Error returns one line per problem.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// add appends a problem with a formatted message.
func (ps *Problems) add(path, value, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Value: value, Msg: fmt.Sprintf(format, args...)})
}

// err returns ps as an error, or nil when it is empty.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
