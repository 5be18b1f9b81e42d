package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Axis is one swept scenario field: the key path, as given to --set (for
// example "noise.batch" or "landscape.params.k"), and the values it takes
// in order.
type Axis struct {
	Key    string    `json:"key"`
	Values []float64 `json:"values"`
	// Log records that the values were spaced geometrically; fits along a
	// Log axis use ln x by default.
	Log bool `json:"log,omitempty"`
}

// maxAxisPoints bounds the number of values of one axis, so that a typing
// slip such as 0:1:1e9 is an error, not an exhausted machine.
const maxAxisPoints = 100000

// ParseAxis parses the value of a --vary flag:
//
//	key=a:b:n      n values from a to b, both included: linear spacing, or
//	               geometric spacing a·(b/a)^(i/(n−1)) when log is true
//	key=v1,v2,...  the listed values, in order
//	key=v          a single value
//
// Errors name the flag and say how to fix it.
func ParseAxis(spec string, log bool) (Axis, error) {
	key, raw, ok := strings.Cut(spec, "=")
	key, raw = strings.TrimSpace(key), strings.TrimSpace(raw)
	if !ok || key == "" || raw == "" {
		return Axis{}, fmt.Errorf("--vary %q: want key=a:b:n or key=v1,v2,... (for example --vary noise.batch=1:6:6 or --vary noise.lr=0.05,0.1,0.2)", spec)
	}
	if strings.ContainsAny(key, " \t=:,") {
		return Axis{}, fmt.Errorf("--vary %q: the key %q is not a key path; use the names of the scenario file joined by dots, such as noise.lr", spec, key)
	}
	ax := Axis{Key: key, Log: log}
	num := func(s, what string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("--vary %q: %s %q is not a finite number", spec, what, strings.TrimSpace(s))
		}
		return v, nil
	}
	if strings.Contains(raw, ":") {
		parts := strings.Split(raw, ":")
		if len(parts) != 3 {
			return Axis{}, fmt.Errorf("--vary %q: a range has three parts, start:stop:count (for example %s=0.05:0.2:8)", spec, key)
		}
		a, err := num(parts[0], "the start")
		if err != nil {
			return Axis{}, err
		}
		b, err := num(parts[1], "the stop")
		if err != nil {
			return Axis{}, err
		}
		n, err := strconv.Atoi(strings.TrimSpace(parts[2]))
		if err != nil || n < 1 || n > maxAxisPoints {
			return Axis{}, fmt.Errorf("--vary %q: the count %q must be an integer from 1 to %d (the number of values, ends included)", spec, strings.TrimSpace(parts[2]), maxAxisPoints)
		}
		if n == 1 && a != b {
			return Axis{}, fmt.Errorf("--vary %q: one value cannot span %g to %g; use a count of at least 2, or key=v for a single value", spec, a, b)
		}
		if log && (a <= 0 || b <= 0) {
			return Axis{}, fmt.Errorf("--vary %q with --log: geometric spacing needs a positive start and stop; drop --log or choose positive bounds", spec)
		}
		ax.Values = make([]float64, n)
		for i := range ax.Values {
			if n == 1 {
				ax.Values[i] = a
				continue
			}
			f := float64(i) / float64(n-1)
			switch {
			case i == n-1:
				ax.Values[i] = b
			case log:
				ax.Values[i] = a * math.Pow(b/a, f)
			default:
				ax.Values[i] = a + (b-a)*f
			}
		}
		return ax, nil
	}
	for _, s := range strings.Split(raw, ",") {
		v, err := num(s, "the value")
		if err != nil {
			return Axis{}, err
		}
		ax.Values = append(ax.Values, v)
	}
	if log {
		for _, v := range ax.Values {
			if v <= 0 {
				return Axis{}, fmt.Errorf("--vary %q with --log: a logarithmic axis needs positive values; drop --log or remove %g", spec, v)
			}
		}
	}
	return ax, nil
}

// formatValue writes a swept value for --set: the shortest text that
// parses back to the same float64.
func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
