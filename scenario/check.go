package scenario

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the number of YAML nodes the schema check visits, so that
// documents built from aliases cannot make it run for long.
const maxNodes = 200000

var (
	boundaryType = reflect.TypeFor[Boundary]()
	timeType     = reflect.TypeFor[Time]()
)

// explicitZero lists the keys whose zero value stands for "not given, use
// the default" in the Go structs: a 0 written out in the document is
// therefore a value of its own, and an invalid one. Each entry says what is
// allowed.
var explicitZero = map[string]string{
	"simulate.walkers":  "must be at least 1 (the number of walkers); leave it out for the default 1000",
	"simulate.dt":       "must be a finite number > 0 (the Euler–Maruyama step); leave it out for the default 0.001",
	"simulate.max_time": "must be > 0 (the time after which a walker counts as capped); leave it out for the default 1e6",
	"time.tol":          "must be in (0, 1): the relative error tolerance per adaptive step; leave it out for the default 1e-4",
	"solver.max_iter":   "must be a positive integer (the iteration cap of bicgstab per linear solve); leave it out for the default max(1000, 10·√cells)",
}

// checker compares a YAML node tree with the Go types of Scenario and
// collects unknown keys and values of the wrong type, with their key paths.
type checker struct {
	ps      Problems
	budget  int
	noLines bool // omit line numbers (for values given to Set)
}

// checkScenario checks the document root n against Scenario.
func checkScenario(n *yaml.Node) Problems {
	c := &checker{budget: maxNodes}
	c.check(n, reflect.TypeFor[Scenario](), "")
	return c.ps
}

// at returns " (line N)", or nothing when lines are off or unknown.
func (c *checker) at(line int) string {
	if c.noLines || line <= 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d)", line)
}

func (c *checker) addAt(n *yaml.Node, path, format string, args ...any) {
	line := n.Line
	if c.noLines {
		line = 0
	}
	c.ps = append(c.ps, Problem{Path: path, Value: render(n), Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) check(n *yaml.Node, t reflect.Type, path string) {
	n = resolve(n)
	if c.budget <= 0 {
		return
	}
	c.budget--
	if c.budget == 0 {
		c.ps = append(c.ps, Problem{Line: n.Line, Msg: "the document is too large or uses too many aliases"})
		return
	}
	if n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null") {
		return // null: the zero value
	}
	if t == boundaryType {
		if _, p := decodeBoundary(n); p != nil {
			p.Path = path + p.Path
			p.Msg = fmt.Sprintf("%s%s", p.Msg, c.at(p.Line))
			c.ps = append(c.ps, *p)
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		c.check(n, t.Elem(), path)
	case reflect.Interface:
		// Anything goes.
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.addAt(n, path, "expected %s, got %s%s", describe(t), kindName(n), c.at(n.Line))
			return
		}
		if t == timeType {
			c.checkTimeStep(n, path)
		}
		c.checkMapping(n, path, func(k *yaml.Node, v *yaml.Node) {
			f, ok := fieldByKey(t, k.Value)
			p := join(path, k.Value)
			if !ok {
				line := k.Line
				if c.noLines {
					line = 0
				}
				c.ps = append(c.ps, Problem{Path: p, Line: line, Msg: unknownKeyMsg(t, path, k.Value, line)})
				return
			}
			c.check(v, f.Type, p)
		}, func(v *yaml.Node) { c.check(v, t, path) })
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.addAt(n, path, "expected a mapping of names to values, got %s%s", kindName(n), c.at(n.Line))
			return
		}
		c.checkMapping(n, path, func(k *yaml.Node, v *yaml.Node) {
			c.check(v, t.Elem(), join(path, k.Value))
		}, func(v *yaml.Node) { c.check(v, t, path) })
	case reflect.Slice:
		if n.Kind == yaml.ScalarNode {
			c.addAt(n, path, "expected %s, got %s%s; write a list in brackets, for example [%s]", describe(t), kindName(n), c.at(n.Line), n.Value)
			return
		}
		if n.Kind != yaml.SequenceNode {
			c.addAt(n, path, "expected %s, got %s%s", describe(t), kindName(n), c.at(n.Line))
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		c.checkScalar(n, t, path)
	}
}

// checkMapping visits the key/value pairs of a mapping, reporting duplicate
// and non-scalar keys and following merge keys (<<).
func (c *checker) checkMapping(n *yaml.Node, path string, pair func(k, v *yaml.Node), merge func(v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.addAt(k, path, "a key must be a word, not %s%s", kindName(k), c.at(k.Line))
			continue
		}
		if k.ShortTag() == "!!merge" {
			mv := resolve(v)
			if mv.Kind == yaml.SequenceNode {
				for _, e := range mv.Content {
					merge(e)
				}
			} else {
				merge(mv)
			}
			continue
		}
		if l, dup := seen[k.Value]; dup {
			c.ps = append(c.ps, Problem{Path: join(path, k.Value), Line: k.Line,
				Msg: fmt.Sprintf("duplicate key %q at line %d (first at line %d); give each key once", k.Value, k.Line, l)})
			continue
		}
		seen[k.Value] = k.Line
		pair(k, v)
	}
}

// checkTimeStep reports an explicit dt: 0 beside a positive end in the time
// mapping n (a zero dt otherwise means end/100). With any other end a dt of
// 0 is what Defaults leaves and Marshal writes, and is accepted (Validate
// judges end).
func (c *checker) checkTimeStep(n *yaml.Node, path string) {
	var dt, end *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch resolve(n.Content[i]).Value {
		case "dt":
			dt = resolve(n.Content[i+1])
		case "end":
			end = resolve(n.Content[i+1])
		}
	}
	var e float64
	if !isZero(dt) || end == nil || end.Kind != yaml.ScalarNode || end.Decode(&e) != nil || !(e > 0) {
		return // Defaults writes dt = end/100 for end > 0 only
	}
	// No line in the message: within Set the document is a re-encoding of
	// the scenario, whose line numbers mean nothing to the user.
	c.addAt(dt, join(path, "dt"), "must be a finite number > 0 (the time step, or the first step when adaptive); leave it out for the default time.end/100")
}

// isZero reports whether n is a numeric scalar equal to 0.
func isZero(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		return false
	}
	var f float64
	return n.Decode(&f) == nil && f == 0
}

func (c *checker) checkScalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		c.addAt(n, path, "expected %s, got %s%s", describe(t), kindName(n), c.at(n.Line))
		return
	}
	if msg, ok := explicitZero[path]; ok && isZero(n) {
		c.addAt(n, path, "%s%s", msg, c.at(n.Line))
		return
	}
	if t.Kind() == reflect.String {
		return // any scalar is text
	}
	switch t.Kind() {
	case reflect.Int, reflect.Uint64:
		// An integral float such as 1e4 is accepted; 1.5 is not.
		var f float64
		if n.ShortTag() == "!!float" && n.Decode(&f) == nil {
			if f != math.Trunc(f) || math.IsInf(f, 0) {
				c.addAt(n, path, "expected %s, got a fraction%s", describe(t), c.at(n.Line))
				return
			}
			if t.Kind() == reflect.Int && math.Abs(f) > 1<<53 || t.Kind() == reflect.Uint64 && (f < 0 || f > 1<<53) {
				c.addAt(n, path, "expected %s, got an out-of-range number%s", describe(t), c.at(n.Line))
			}
			return
		}
	case reflect.Float64:
		if n.ShortTag() != "!!int" && n.ShortTag() != "!!float" {
			c.addAt(n, path, "expected %s, got %s%s", describe(t), kindName(n), c.at(n.Line))
			return
		}
	}
	v := reflect.New(t)
	if err := n.Decode(v.Interface()); err != nil {
		got := kindName(n)
		if n.ShortTag() == "!!int" {
			got = "an out-of-range integer"
		}
		c.addAt(n, path, "expected %s, got %s%s", describe(t), got, c.at(n.Line))
	}
}

// resolve follows alias nodes to their anchors.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// fieldByKey returns the field of struct type t whose YAML key is key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if yamlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKey returns the YAML key of a struct field.
func yamlKey(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if tag == "" {
		return strings.ToLower(f.Name)
	}
	return tag
}

// keysOf lists the YAML keys of struct type t in declaration order.
func keysOf(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		keys = append(keys, yamlKey(t.Field(i)))
	}
	return keys
}

// unknownKeyMsg explains an unknown key in the mapping at path of type t.
func unknownKeyMsg(t reflect.Type, path, key string, line int) string {
	where := "at the top level"
	if path != "" {
		where = "in " + path
	}
	var b strings.Builder
	fmt.Fprintf(&b, "unknown key %q", key)
	if line > 0 {
		fmt.Fprintf(&b, " at line %d", line)
	}
	b.WriteString(" " + where)
	keys := keysOf(t)
	if s := suggest(key, keys); s != "" {
		fmt.Fprintf(&b, "; did you mean %q?", s)
	}
	fmt.Fprintf(&b, "; allowed: %s", strings.Join(keys, ", "))
	return b.String()
}

// suggest returns the key closest to key in edit distance, if close enough.
func suggest(key string, keys []string) string {
	best, bestD := "", 1<<30
	for _, k := range keys {
		if d := editDistance(strings.ToLower(key), k); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= 2 || (bestD <= 3 && len(key) > 6) {
		return best
	}
	return ""
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance between a and b.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// describe names what a value of type t looks like in YAML.
func describe(t reflect.Type) string {
	if t == boundaryType {
		return "one word (reflecting | absorbing | periodic) or a per-axis list of [low, high] pairs"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.Float64:
		return "a number"
	case reflect.Int:
		return "an integer"
	case reflect.Uint64:
		return "a non-negative integer"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a word"
	case reflect.Map:
		return "a mapping of names to values"
	case reflect.Interface:
		return "any value"
	case reflect.Slice:
		e := t.Elem()
		switch e.Kind() {
		case reflect.Float64:
			return "a list of numbers"
		case reflect.Int:
			return "a list of integers"
		case reflect.String:
			return "a list of words"
		case reflect.Slice:
			if e.Elem().Kind() == reflect.Float64 {
				return "a list of [lo, hi] pairs or rows of numbers"
			}
		case reflect.Struct:
			return "a list of mappings with keys " + strings.Join(keysOf(e), ", ")
		}
		return "a list"
	case reflect.Struct:
		return "a mapping with keys " + strings.Join(keysOf(t), ", ")
	}
	return t.String()
}

// kindName names what a YAML node is, for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "nothing"
		case "!!str":
			return "a string"
		}
		return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
	}
	return "an unknown node"
}

// render formats a node as short flow-style text for messages.
func render(n *yaml.Node) string {
	var b strings.Builder
	renderTo(&b, n, 0)
	s := b.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func renderTo(b *strings.Builder, n *yaml.Node, depth int) {
	n = resolve(n)
	if depth > 4 || b.Len() > 100 {
		b.WriteString("...")
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 || n.Value == "" && n.ShortTag() == "!!str" {
			b.WriteString(strconv.Quote(n.Value))
		} else {
			b.WriteString(n.Value)
		}
	case yaml.SequenceNode:
		b.WriteString("[")
		for i, e := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			renderTo(b, e, depth+1)
		}
		b.WriteString("]")
	case yaml.MappingNode:
		b.WriteString("{")
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			renderTo(b, n.Content[i], depth+1)
			b.WriteString(": ")
			renderTo(b, n.Content[i+1], depth+1)
		}
		b.WriteString("}")
	}
}

// join appends a key to a dotted key path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
