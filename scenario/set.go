package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// oneOf lists, per struct type, keys of which at most one may be set. When
// Set assigns one of them, the others are dropped.
var oneOf = map[reflect.Type][]string{
	reflect.TypeFor[Initial]():   {"gaussian", "minimum", "uniform", "point"},
	reflect.TypeFor[Landscape](): {"formula", "builtin"},
	reflect.TypeFor[Target]():    {"box", "basin", "ball"},
}

// Set applies one override "key.path=value", as given to --set. The path
// uses the YAML key names, with dots between keys and [i] for list entries
// (an index equal to the list's length appends):
//
//	cells=[400,400]
//	noise.lr=0.05
//	boundary=absorbing
//	landscape.params.tilt=0.2
//	initial.gaussian.mean=[0.5]
//	targets[0].basin=1
//
// The value is parsed as YAML; for text fields a value that is not a YAML
// scalar is taken literally. An empty value or ~ unsets the field. Setting
// one variant of initial (gaussian, minimum, uniform, point), of landscape
// (formula, builtin) or of a target (box, basin, ball) drops the others.
//
// An unknown key path or a value of the wrong type is an error (Problems)
// naming the path, the value and the expected type; s is then unchanged.
// On success Set applies Defaults; it does not call Validate.
func (s *Scenario) Set(assignment string) error {
	if !utf8.ValidString(assignment) {
		return Problems{{Value: strconv.Quote(assignment), Msg: "an override must be UTF-8 text"}}
	}
	key, raw, ok := strings.Cut(assignment, "=")
	key, raw = strings.TrimSpace(key), strings.TrimSpace(raw)
	if !ok || key == "" {
		return Problems{{Value: assignment, Msg: "an override must look like key.path=value, for example noise.lr=0.05"}}
	}
	segs, err := parsePath(key)
	if err != nil {
		return Problems{{Path: key, Value: raw, Msg: err.Error()}}
	}

	var root yaml.Node
	if err := root.Encode(s); err != nil {
		return fmt.Errorf("scenario: encoding for --set: %w", err)
	}

	cur := &root
	t := reflect.TypeFor[Scenario]()
	path := ""
	for i, sg := range segs {
		last := i == len(segs)-1
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == boundaryType {
			return setProblem(key, raw, fmt.Sprintf("%s is set as a whole, for example boundary=absorbing or boundary=[[reflecting,absorbing],[periodic,periodic]]", path))
		}
		var (
			child     *yaml.Node
			childType reflect.Type
			childPath string
		)
		switch {
		case sg.isIdx:
			if t.Kind() != reflect.Slice {
				return setProblem(key, raw, fmt.Sprintf("%s is not a list; [%d] does not apply", describePath(path), sg.idx))
			}
			childType = t.Elem()
			childPath = fmt.Sprintf("%s[%d]", path, sg.idx)
			if cur.Kind != yaml.SequenceNode {
				*cur = yaml.Node{Kind: yaml.SequenceNode}
			}
			switch {
			case sg.idx < len(cur.Content):
				child = cur.Content[sg.idx]
			case sg.idx == len(cur.Content):
				child = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
				cur.Content = append(cur.Content, child)
			default:
				return setProblem(childPath, raw, fmt.Sprintf("index out of range: %s has %d entries; use [%d] to append", path, len(cur.Content), len(cur.Content)))
			}
		default:
			childPath = join(path, sg.key)
			switch t.Kind() {
			case reflect.Struct:
				f, ok := fieldByKey(t, sg.key)
				if !ok {
					return Problems{{Path: childPath, Value: raw, Msg: unknownKeyMsg(t, path, sg.key, 0)}}
				}
				childType = f.Type
				if group := oneOf[t]; contains(group, sg.key) && !(last && clears(raw)) {
					dropKeys(cur, group, sg.key)
				}
			case reflect.Map, reflect.Interface:
				childType = reflect.TypeFor[any]()
				if t.Kind() == reflect.Map {
					childType = t.Elem()
				}
			case reflect.Slice:
				return setProblem(key, raw, fmt.Sprintf("%s is a list; select an entry with %s[0]", path, path))
			default:
				return setProblem(key, raw, fmt.Sprintf("%s is a single value, not a mapping; it has no key %q", path, sg.key))
			}
			if cur.Kind != yaml.MappingNode {
				if cur.Kind == yaml.ScalarNode && cur.ShortTag() != "!!null" {
					return setProblem(key, raw, fmt.Sprintf("%s is %s, not a mapping; it has no key %q", path, kindName(cur), sg.key))
				}
				*cur = yaml.Node{Kind: yaml.MappingNode}
			}
			child = mappingValue(cur, sg.key)
		}
		if !last {
			if child.Kind == yaml.AliasNode {
				*child = *resolve(child)
			}
			if childType.Kind() == reflect.Interface && child.Kind == yaml.ScalarNode && child.ShortTag() != "!!null" {
				return setProblem(key, raw, fmt.Sprintf("%s is %s, not a mapping or list", childPath, kindName(child)))
			}
		} else {
			v, err := parseValue(raw, childType)
			if err != nil {
				return Problems{{Path: childPath, Value: raw, Msg: "cannot parse the value as YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
			}
			if sg.isIdx && v.ShortTag() == "!!null" {
				// A null entry would be dropped from the list, shifting the
				// others.
				return setProblem(childPath, raw, fmt.Sprintf("a list entry cannot be unset; give it a value, or set the whole list %s=[...]", path))
			}
			c := &checker{budget: maxNodes, noLines: true}
			c.check(v, childType, childPath)
			if len(c.ps) > 0 {
				return c.ps
			}
			*child = *v
		}
		cur, t, path = child, childType, childPath
	}

	data, err := yaml.Marshal(&root)
	if err != nil {
		return fmt.Errorf("scenario: encoding for --set: %w", err)
	}
	ns, err := Parse(data)
	if err != nil {
		var ps Problems
		if errors.As(err, &ps) {
			for i := range ps {
				ps[i].Line = 0
				ps[i].Msg += " (after --set " + assignment + ")"
			}
			return ps
		}
		return err
	}
	*s = *ns
	return nil
}

func setProblem(path, value, msg string) error {
	return Problems{{Path: path, Value: value, Msg: msg}}
}

func describePath(path string) string {
	if path == "" {
		return "the scenario"
	}
	return path
}

// segment is one step of a key path: a key or a list index.
type segment struct {
	key   string
	idx   int
	isIdx bool
}

// parsePath splits "targets[0].box" into targets, [0], box. A purely
// numeric key after a dot is an index too ("domain.1").
func parsePath(p string) ([]segment, error) {
	var segs []segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [ in key path %q", p)
			}
			n, err := strconv.Atoi(strings.TrimSpace(p[i+1 : i+j]))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("list index %q in key path %q must be a non-negative integer", p[i+1:i+j], p)
			}
			segs = append(segs, segment{idx: n, isIdx: true})
			i += j + 1
		case '.':
			if i == 0 || i == len(p)-1 || p[i+1] == '.' || p[i+1] == '[' {
				return nil, fmt.Errorf("empty key in key path %q", p)
			}
			i++
		case ']':
			return nil, fmt.Errorf("unexpected ] in key path %q", p)
		default:
			j := strings.IndexAny(p[i:], ".[]")
			if j < 0 {
				j = len(p) - i
			}
			k := p[i : i+j]
			if n, err := strconv.Atoi(k); err == nil && n >= 0 && len(segs) > 0 {
				segs = append(segs, segment{idx: n, isIdx: true})
			} else {
				segs = append(segs, segment{key: k})
			}
			i += j
		}
	}
	if len(segs) == 0 || segs[0].isIdx {
		return nil, fmt.Errorf("key path %q must start with a key such as noise or cells", p)
	}
	return segs, nil
}

// parseValue parses the text of an override as a YAML node. For text
// fields, anything that is not a YAML scalar is taken literally.
func parseValue(raw string, t reflect.Type) (*yaml.Node, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var doc yaml.Node
	err := yaml.Unmarshal([]byte(raw), &doc)
	var v *yaml.Node
	if err == nil {
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			v = doc.Content[0]
		}
		// A null (an empty value, ~, or an anchor on nothing such as "&a")
		// unsets. It gets the text "null": the encoder writes an empty
		// scalar as "" in a flow mapping (such as {}, the encoding of a
		// target with no key set), which would read back as a string.
		if v == nil || v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
			v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
	}
	if t.Kind() == reflect.String && (err != nil || v.Kind != yaml.ScalarNode) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: raw}, nil
	}
	if err != nil {
		return nil, err
	}
	v.HeadComment, v.LineComment, v.FootComment = "", "", ""
	return v, nil
}

// clears reports whether an override value unsets rather than chooses.
func clears(raw string) bool {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "", "~", "null", "false":
		return true
	}
	return false
}

// mappingValue returns the value node of key in mapping m, adding a null
// value if the key is absent.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	m.Content = append(m.Content, k, v)
	return v
}

// dropKeys removes the keys of group other than keep from mapping m.
func dropKeys(m *yaml.Node, group []string, keep string) {
	if m.Kind != yaml.MappingNode {
		return
	}
	out := m.Content[:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if k != keep && contains(group, k) {
			continue
		}
		out = append(out, m.Content[i], m.Content[i+1])
	}
	m.Content = out
}

func contains(list []string, w string) bool {
	for _, e := range list {
		if e == w {
			return true
		}
	}
	return false
}
