package landscape

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// params holds the parameters given to a built-in landscape.
type params struct {
	builtin string
	m       map[string]any
}

// check returns an error naming the first parameter, in sorted order, that
// is not one of allowed.
func (p params) check(allowed []Param) error {
	keys := make([]string, 0, len(p.m))
	for k := range p.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = a.Name
	}
	for _, k := range keys {
		found := false
		for _, a := range allowed {
			if k == a.Name {
				found = true
				break
			}
		}
		if !found {
			if len(names) == 0 {
				return fmt.Errorf("landscape: unknown parameter %q for built-in %q, which takes no parameters", k, p.builtin)
			}
			return fmt.Errorf("landscape: unknown parameter %q for built-in %q; allowed: %s", k, p.builtin, quoteList(names))
		}
	}
	return nil
}

// float returns the finite number given for name, or def when it is absent.
func (p params) float(name string, def float64) (float64, error) {
	v, ok := p.m[name]
	if !ok {
		return def, nil
	}
	f, ok := toFloat(v)
	if !ok {
		return 0, fmt.Errorf("landscape: parameter %q of built-in %q must be a number, got %v (%T)", name, p.builtin, v, v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("landscape: parameter %q of built-in %q must be finite, got %v", name, p.builtin, f)
	}
	return f, nil
}

// positive returns the number given for name, or def when it is absent, and
// an error unless it is > 0.
func (p params) positive(name string, def float64) (float64, error) {
	f, err := p.float(name, def)
	if err != nil {
		return 0, err
	}
	if f <= 0 {
		return 0, fmt.Errorf("landscape: parameter %q of built-in %q must be > 0, got %v", name, p.builtin, f)
	}
	return f, nil
}

// symmetric returns the d×d symmetric matrix given for name, row-major, or
// the identity when it is absent. The matrix may be nested lists of numbers
// (as YAML decodes them, []any of []any, or [][]float64), a flat list of d²
// numbers in row-major order, a number a meaning a·I, or "identity".
//
// Entries that differ from their transposes by no more than 1e-12 times the
// largest entry are averaged; larger asymmetry is an error.
func (p params) symmetric(name string, d int) ([]float64, error) {
	v, ok := p.m[name]
	if !ok {
		return scaledIdentity(1, d), nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("landscape: parameter %q of built-in %q must be a symmetric %d×%d matrix such as %s: %s",
			name, p.builtin, d, d, identityExample(d), fmt.Sprintf(format, args...))
	}
	if s, ok := v.(string); ok && strings.EqualFold(strings.TrimSpace(s), "identity") {
		return scaledIdentity(1, d), nil
	}
	if f, ok := toFloat(v); ok {
		return scaledIdentity(f, d), nil
	}
	rv := reflect.ValueOf(v)
	if v == nil || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
		return nil, bad("got %v (%T)", v, v)
	}
	a := make([]float64, 0, d*d)
	rows := rv.Len()
	switch {
	case rows == d && isList(rv.Index(0)):
		for i := range rows {
			row := elem(rv.Index(i))
			if !isList(row) || row.Len() != d {
				return nil, bad("row %d is %v", i, row)
			}
			for j := range d {
				f, ok := toFloat(elem(row.Index(j)).Interface())
				if !ok {
					return nil, bad("entry [%d][%d] is %v", i, j, row.Index(j))
				}
				a = append(a, f)
			}
		}
	case rows == d*d:
		for i := range rows {
			f, ok := toFloat(elem(rv.Index(i)).Interface())
			if !ok {
				return nil, bad("entry %d is %v", i, rv.Index(i))
			}
			a = append(a, f)
		}
	default:
		return nil, bad("got %v", v)
	}
	amax := 0.0
	for _, f := range a {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad("entry %v is not finite", f)
		}
		amax = math.Max(amax, math.Abs(f))
	}
	for i := range d {
		for j := i + 1; j < d; j++ {
			aij, aji := a[i*d+j], a[j*d+i]
			if math.Abs(aij-aji) > 1e-12*amax {
				return nil, bad("entry [%d][%d] = %v but [%d][%d] = %v", i, j, aij, j, i, aji)
			}
			a[i*d+j] = (aij + aji) / 2
			a[j*d+i] = a[i*d+j]
		}
	}
	return a, nil
}

// elem returns the value held by an interface value, or v itself.
func elem(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v
}

// isList reports whether v holds a slice or an array.
func isList(v reflect.Value) bool {
	v = elem(v)
	return v.Kind() == reflect.Slice || v.Kind() == reflect.Array
}

// scaledIdentity returns a·I of order d, row-major.
func scaledIdentity(a float64, d int) []float64 {
	m := make([]float64, d*d)
	for i := range d {
		m[i*d+i] = a
	}
	return m
}

// identityExample returns the identity of order d written as nested lists.
func identityExample(d int) string {
	rows := make([]string, d)
	for i := range d {
		r := make([]string, d)
		for j := range d {
			r[j] = "0"
			if i == j {
				r[j] = "1"
			}
		}
		rows[i] = "[" + strings.Join(r, ", ") + "]"
	}
	return "[" + strings.Join(rows, ", ") + "]"
}

// toFloat converts a parameter value to float64. It accepts Go's integer
// and floating-point types, as YAML and JSON decoders produce them, and
// strings holding a number, as command-line flags produce them.
func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

// formatFloat formats f in the shortest form that reads back exactly.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
