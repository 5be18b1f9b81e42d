package scenario

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the text of the embedded default scenario.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Default returns the embedded default scenario, a 1-D tilted double well
// L = x⁴/4 − x²/2 + 0.1·x under sgd noise. Each call returns a fresh copy.
func Default() *Scenario {
	s, err := Parse(defaultYAML)
	if err != nil {
		// The embedded file is tested; this is a programmer error.
		panic("scenario: bad embedded default: " + err.Error())
	}
	return s
}

// Load reads and parses the scenario file at path, as Parse does. When the
// scenario has no name, Load names it after the file, without extension.
// Problems in the file's content are returned as Problems; a file that cannot
// be read gives an error that names the path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("scenario: cannot read %s: %w", path, err)
	}
	s, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if s.Name == "" {
		base := filepath.Base(path)
		s.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return s, nil
}

// Parse decodes a scenario from YAML. Unknown keys and values of the wrong
// type are errors that name the key path and line (as Problems). Parse then
// calls Defaults; it does not call Validate.
func Parse(data []byte) (*Scenario, error) {
	if len(data) > maxBytes {
		return nil, Problems{{Msg: fmt.Sprintf("the scenario is %d bytes long; at most %d are allowed (scenario files are a few hundred bytes; data sets go in data.csv)", len(data), maxBytes)}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems{syntaxProblem(err)}
	}
	if ps := checkSizes(&root); len(ps) > 0 {
		return nil, ps
	}
	if root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, Problems{{Msg: "the scenario is empty; it needs at least landscape, domain, noise and time (see `fpsolve run --print-scenario` for an example)"}}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode {
		doc = doc.Content[0]
	}
	if r := resolve(doc); r.Kind != yaml.MappingNode {
		return nil, Problems{{Value: render(r), Line: r.Line, Msg: fmt.Sprintf("a scenario must be a mapping of keys (name, landscape, domain, ...), got %s", kindName(r))}}
	}
	if ps := checkScenario(doc); len(ps) > 0 {
		return nil, ps
	}
	s := new(Scenario)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && err != io.EOF {
		return nil, decodeProblems(err)
	}
	s.Defaults()
	return s, nil
}

// maxBytes bounds the size of a scenario document.
const maxBytes = 1 << 20

// maxKeys bounds the number of keys of one mapping. The YAML decoder checks
// each mapping for duplicate keys by comparing every pair of keys, in time
// quadratic in the mapping's size: landscape.params with 100000 keys took
// 105 s to parse.
const maxKeys = 1000

// checkSizes reports a mapping with more than maxKeys keys anywhere in the
// document, including inside values the schema check does not descend into
// (landscape.params, data.params). It follows aliases and visits at most
// maxNodes nodes; larger documents are reported by the schema check, and
// excessive aliasing by the decoder.
func checkSizes(root *yaml.Node) Problems {
	budget := maxNodes
	var ps Problems
	var walk func(n *yaml.Node, path func() string)
	walk = func(n *yaml.Node, path func() string) {
		n = resolve(n)
		if budget <= 0 || len(ps) > 0 {
			return
		}
		budget--
		switch n.Kind {
		case yaml.MappingNode:
			if k := len(n.Content) / 2; k > maxKeys {
				ps = append(ps, Problem{Path: path(), Line: n.Line,
					Msg: fmt.Sprintf("a mapping of %d keys; at most %d are allowed", k, maxKeys)})
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := resolve(n.Content[i]).Value
				walk(n.Content[i+1], func() string { return join(path(), key) })
			}
		case yaml.SequenceNode, yaml.DocumentNode:
			for i, e := range n.Content {
				walk(e, func() string {
					if n.Kind == yaml.DocumentNode {
						return path()
					}
					return fmt.Sprintf("%s[%d]", path(), i)
				})
			}
		}
	}
	walk(root, func() string { return "" })
	return ps
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// syntaxProblem turns a YAML syntax error into a Problem.
func syntaxProblem(err error) Problem {
	msg := err.Error()
	p := Problem{Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
	}
	return p
}

// decodeProblems turns an error of the strict decoder into Problems. The
// schema check catches nearly everything first, so these are rare.
func decodeProblems(err error) Problems {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		ps := make(Problems, 0, len(te.Errors))
		for _, e := range te.Errors {
			p := Problem{Msg: e}
			if m := lineRE.FindStringSubmatch(e); m != nil {
				p.Line, _ = strconv.Atoi(m[1])
			}
			ps = append(ps, p)
		}
		return ps
	}
	return Problems{syntaxProblem(err)}
}

// Marshal encodes s as YAML, the inverse of Parse: Parse(s.Marshal())
// gives a scenario equal to s after Defaults.
func (s *Scenario) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return buf.Bytes(), nil
}

// Clone returns a deep copy of s.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Landscape.Params = cloneAny(s.Landscape.Params).(map[string]any)
	c.Data = s.Data.clone()
	c.Domain = cloneMatrix(s.Domain)
	c.Cells = cloneSlice(s.Cells)
	c.Boundary.Axes = cloneSlice(s.Boundary.Axes)
	c.Noise.Temperature = clonePtr(s.Noise.Temperature)
	c.Noise.Matrix = cloneMatrix(s.Noise.Matrix)
	c.Noise.LR = clonePtr(s.Noise.LR)
	c.Noise.Batch = clonePtr(s.Noise.Batch)
	c.Noise.Epsilon = clonePtr(s.Noise.Epsilon)
	c.Noise.Floor = clonePtr(s.Noise.Floor)
	c.Noise.Schedule = s.Noise.Schedule.clone()
	if g := s.Initial.Gaussian; g != nil {
		c.Initial.Gaussian = &Gaussian{Mean: cloneSlice(g.Mean), Std: cloneSlice(g.Std)}
	}
	c.Initial.Minimum = clonePtr(s.Initial.Minimum)
	c.Initial.Point = cloneSlice(s.Initial.Point)
	c.Time.Adaptive = clonePtr(s.Time.Adaptive)
	if s.Targets != nil {
		c.Targets = make([]Target, len(s.Targets))
		for i, t := range s.Targets {
			c.Targets[i] = Target{Box: cloneMatrix(t.Box), Basin: clonePtr(t.Basin)}
			if t.Ball != nil {
				c.Targets[i].Ball = &Ball{Center: cloneSlice(t.Ball.Center), Radius: t.Ball.Radius}
			}
		}
	}
	c.Output.Formats = cloneSlice(s.Output.Formats)
	c.Simulate.Seed = clonePtr(s.Simulate.Seed)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func cloneMatrix(m [][]float64) [][]float64 {
	if m == nil {
		return nil
	}
	c := make([][]float64, len(m))
	for i, r := range m {
		c[i] = cloneSlice(r)
	}
	return c
}

// cloneAny deep-copies the maps and lists of decoded YAML values.
func cloneAny(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v == nil {
			return map[string]any(nil)
		}
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = cloneAny(e)
		}
		return c
	case []any:
		if v == nil {
			return []any(nil)
		}
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = cloneAny(e)
		}
		return c
	}
	return v
}
