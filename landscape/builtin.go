package landscape

import (
	"fmt"
	"slices"
	"strings"
)

// Info describes a built-in landscape, as listed by Builtins.
type Info struct {
	// Name is the name to pass to Builtin.
	Name string
	// Formula is the loss in mathematical notation.
	Formula string
	// Doc describes the landscape and its critical points.
	Doc string
	// Dims lists the dimensions of the domains the landscape supports.
	Dims []int
	// Params lists the parameters the landscape accepts.
	Params []Param
}

// Param describes a parameter of a built-in landscape.
type Param struct {
	// Name is the key of the parameter in the map given to Builtin.
	Name string
	// Default is the value used when the parameter is absent.
	Default any
	// Doc describes the parameter and its allowed values.
	Doc string
}

// builtinSpec is an entry of the registry of built-in landscapes.
type builtinSpec struct {
	info Info
	make func(dim int, p params) (Landscape, error)
}

// aliases maps alternative spellings to the names of built-in landscapes.
var aliases = map[string]string{
	"mueller-brown": "muller-brown",
}

// registry lists the built-in landscapes in the order Builtins returns them.
var registry = []builtinSpec{
	{
		info: Info{
			Name:    "double-well",
			Formula: "L = x⁴/4 − x²/2 + tilt·x",
			Doc: "Quartic double well. With tilt = 0 the minima are x = ±1 with L = −1/4 and the " +
				"barrier top is x = 0 with L = 0; tilt > 0 lowers the left well. L″ = 3x² − 1.",
			Dims:   []int{1},
			Params: []Param{{Name: "tilt", Default: 0.0, Doc: "coefficient of the linear term"}},
		},
		make: newDoubleWell,
	},
	{
		info: Info{
			Name:    "curvature-well",
			Formula: "L = −x²/2 + (¼ + c)x⁴ − 2c·x⁶ + c·x⁸, c = (k − 2)/8",
			Doc: "Symmetric double well whose minima x = ±1 have curvature L″ = k while the barrier " +
				"ΔL = ¼ and the barrier top's curvature L″(0) = −1 stay fixed: it varies the sharpness " +
				"of the minima alone.",
			Dims:   []int{1},
			Params: []Param{{Name: "k", Default: 2.0, Doc: "curvature of the minima, 2 ≤ k ≤ 16"}},
		},
		make: newCurvatureWell,
	},
	{
		info: Info{
			Name:    "styblinski-tang",
			Formula: "L = ½ Σᵢ (uᵢ⁴ − 16uᵢ² + 5uᵢ), uᵢ = √k·xᵢ",
			Doc: "Styblinski–Tang function, separable with 3ᵈ critical points; in each axis the minima are " +
				"u ≈ −2.9035 (global) and u ≈ 2.7468, the maximum u ≈ 0.1567. The sharpness k multiplies " +
				"every Hessian at a critical point by k and leaves the loss values, hence the barriers, " +
				"unchanged; k = 1 is the standard function.",
			Dims:   []int{1, 2, 3},
			Params: []Param{{Name: "k", Default: 1.0, Doc: "sharpness scale, k > 0"}},
		},
		make: newStyblinskiTang,
	},
	{
		info: Info{
			Name:    "muller-brown",
			Formula: "L = scale·Σₖ Aₖ exp[aₖ(x−x₀ₖ)² + bₖ(x−x₀ₖ)(y−y₀ₖ) + cₖ(y−y₀ₖ)²]",
			Doc: "Müller–Brown potential (also spelled mueller-brown) with A = (−200, −100, −170, 15), " +
				"a = (−1, −1, −6.5, 0.7), b = (0, 0, 11, 0.6), c = (−10, −10, −6.5, 0.7), " +
				"x₀ = (1, 0, −0.5, −1), y₀ = (0, 0.5, 1.5, 1). For scale = 1 the minima are " +
				"(−0.558, 1.442) L = −146.70, (0.623, 0.028) L = −108.17, (−0.050, 0.467) L = −80.77 and the " +
				"saddles (−0.822, 0.624) L = −40.66, (0.212, 0.293) L = −72.25.",
			Dims:   []int{2},
			Params: []Param{{Name: "scale", Default: 1.0, Doc: "factor multiplying the potential, > 0; 0.01–0.1 makes the barriers O(1)"}},
		},
		make: newMullerBrown,
	},
	{
		info: Info{
			Name:    "flat-sharp",
			Formula: "L = e^{βx}[(x²−1)²/4 + y²/2]",
			Doc: "Two minima (−1, 0) and (1, 0), both with L = 0, whose Hessians differ by the factor e^{2β}: " +
				"the left one is flat, the right one sharp. The saddle is x = (−2 + √(4+β²))/β, y = 0.",
			Dims:   []int{2},
			Params: []Param{{Name: "beta", Default: 0.5, Doc: "β, the rate of the exponential tilt"}},
		},
		make: newFlatSharp,
	},
	{
		info: Info{
			Name:    "quadratic",
			Formula: "L = ½ xᵀAx",
			Doc:     "Quadratic form with the constant Hessian A, a symmetric matrix.",
			Dims:    []int{1, 2, 3},
			Params: []Param{{Name: "A", Default: "identity",
				Doc: "symmetric d×d matrix as nested lists, such as [[2, 0.5], [0.5, 1]]; a number a means a·I"}},
		},
		make: newQuadratic,
	},
}

// Builtins returns descriptions of the built-in landscapes. The result is a
// fresh copy that the caller may modify.
func Builtins() []Info {
	infos := make([]Info, len(registry))
	for i, s := range registry {
		info := s.info
		info.Dims = slices.Clone(info.Dims)
		info.Params = slices.Clone(info.Params)
		infos[i] = info
	}
	return infos
}

// Builtin returns the built-in landscape called name (see Builtins) for a
// domain of dim axes, with the given parameters; absent parameters take
// their defaults and params may be nil. Names are matched ignoring case, with
// '_' and ' ' read as '-'.
//
// Parameter values may be any Go integer or floating-point type or a string
// holding a number, as YAML, JSON and command-line parsers produce them;
// matrices may be nested lists ([]any of []any, or [][]float64).
//
// Builtin returns an error naming the offending item if name is unknown, if
// the landscape does not support dim, or if a parameter is unknown or
// invalid.
func Builtin(name string, dim int, params map[string]any) (Landscape, error) {
	key := strings.NewReplacer("_", "-", " ", "-").Replace(strings.ToLower(strings.TrimSpace(name)))
	if a, ok := aliases[key]; ok {
		key = a
	}
	for _, s := range registry {
		if s.info.Name != key {
			continue
		}
		if !slices.Contains(s.info.Dims, dim) {
			return nil, fmt.Errorf("landscape: built-in %q supports dimension %s, not %d",
				s.info.Name, joinInts(s.info.Dims), dim)
		}
		p := paramsFor(s.info.Name, params)
		if err := p.check(s.info.Params); err != nil {
			return nil, err
		}
		return s.make(dim, p)
	}
	names := make([]string, len(registry))
	for i, s := range registry {
		names[i] = s.info.Name
	}
	return nil, fmt.Errorf("landscape: unknown built-in landscape %q; available: %s", name, quoteList(names))
}

// paramsFor returns the params of the built-in name.
func paramsFor(name string, m map[string]any) params {
	return params{builtin: name, m: m}
}

// joinInts returns the integers as "1, 2 or 3".
func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// checkLengths panics if x, grad or hess has the wrong length for a
// landscape of dimension d; grad and hess may be nil.
func checkLengths(d int, x, grad, hess []float64) {
	switch {
	case len(x) != d:
		panic(badLength("x", len(x), d))
	case grad != nil && len(grad) != d:
		panic(badLength("grad", len(grad), d))
	case hess != nil && len(hess) != d*d:
		panic(badLength("hess", len(hess), d*d))
	}
}
