package scenario

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Boundary is the boundary condition of every face of the domain. In YAML it
// is either one word for all faces,
//
//	boundary: reflecting
//
// or one entry per axis, each a [low, high] pair or one word for both faces:
//
//	boundary: [[reflecting, absorbing], periodic]
//
// The words are reflecting, absorbing and periodic; a periodic axis must be
// periodic on both faces. The zero value means reflecting on all faces.
type Boundary struct {
	// All is the condition of every face; it is used when Axes is empty.
	All string

	// Axes holds the [low, high] conditions of each axis.
	Axes [][2]string
}

// Faces returns the canonical [low, high] conditions of each of d axes. It
// returns an error when a word is unknown, when Axes does not have d entries,
// or when an axis is periodic on one face only.
func (b Boundary) Faces(d int) ([][2]string, error) {
	ps := b.problems(d)
	if len(ps) > 0 {
		return nil, ps
	}
	faces := make([][2]string, d)
	for i := range faces {
		if len(b.Axes) == 0 {
			w := Reflecting
			if b.All != "" {
				w, _ = boundaryWords.canonical(b.All)
			}
			faces[i] = [2]string{w, w}
			continue
		}
		for j := range 2 {
			faces[i][j], _ = boundaryWords.canonical(b.Axes[i][j])
		}
	}
	return faces, nil
}

// problems lists what is wrong with b for a d-dimensional domain.
func (b Boundary) problems(d int) Problems {
	var ps Problems
	if len(b.Axes) == 0 {
		if b.All == "" {
			return nil
		}
		if _, ok := boundaryWords.canonical(b.All); !ok {
			ps.add("boundary", b.All, "unknown boundary condition; allowed: %s, or a per-axis list of [low, high] pairs", boundaryWords.allowed())
		}
		return ps
	}
	if b.All != "" {
		ps.add("boundary", b.All, "set either one word for all faces or per-axis pairs, not both")
	}
	if len(b.Axes) != d {
		ps.add("boundary", formatPairs(b.Axes), "has %d axes but the domain has %d; give one [low, high] pair per domain axis", len(b.Axes), d)
	}
	for i, ax := range b.Axes {
		var w [2]string
		bad := false
		for j, side := range []string{"low", "high"} {
			c, ok := boundaryWords.canonical(ax[j])
			if !ok {
				ps.add(fmt.Sprintf("boundary[%d][%d]", i, j), ax[j], "unknown boundary condition on the %s face; allowed: %s", side, boundaryWords.allowed())
				bad = true
			}
			w[j] = c
		}
		if !bad && (w[0] == Periodic) != (w[1] == Periodic) {
			ps.add(fmt.Sprintf("boundary[%d]", i), "["+ax[0]+", "+ax[1]+"]", "periodic must be on both faces of an axis; use [periodic, periodic]")
		}
	}
	return ps
}

func formatPairs(axes [][2]string) string {
	s := "["
	for i, ax := range axes {
		if i > 0 {
			s += ", "
		}
		s += "[" + ax[0] + ", " + ax[1] + "]"
	}
	return s + "]"
}

// UnmarshalYAML implements yaml.Unmarshaler. It accepts one word, or a list
// whose entries are one word or a [low, high] pair of words.
func (b *Boundary) UnmarshalYAML(n *yaml.Node) error {
	nb, p := decodeBoundary(n)
	if p != nil {
		return fmt.Errorf("line %d: boundary: %s", p.Line, p.Msg)
	}
	*b = nb
	return nil
}

// decodeBoundary decodes n into a Boundary, or returns a Problem whose Path
// is relative to the boundary key.
func decodeBoundary(n *yaml.Node) (Boundary, *Problem) {
	n = resolve(n)
	switch n.Kind {
	case 0:
		return Boundary{}, nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return Boundary{}, nil
		}
		return Boundary{All: n.Value}, nil
	case yaml.SequenceNode:
		b := Boundary{Axes: make([][2]string, 0, len(n.Content))}
		for i, e := range n.Content {
			e = resolve(e)
			switch {
			case e.Kind == yaml.ScalarNode:
				b.Axes = append(b.Axes, [2]string{e.Value, e.Value})
			case e.Kind == yaml.SequenceNode && len(e.Content) == 2 &&
				resolve(e.Content[0]).Kind == yaml.ScalarNode && resolve(e.Content[1]).Kind == yaml.ScalarNode:
				b.Axes = append(b.Axes, [2]string{resolve(e.Content[0]).Value, resolve(e.Content[1]).Value})
			default:
				return Boundary{}, &Problem{
					Path:  fmt.Sprintf("[%d]", i),
					Value: render(e),
					Line:  e.Line,
					Msg:   "each axis must be one word or a [low, high] pair of words (reflecting | absorbing | periodic)",
				}
			}
		}
		return b, nil
	}
	return Boundary{}, &Problem{
		Value: render(n),
		Line:  n.Line,
		Msg:   "must be one word (reflecting | absorbing | periodic) or a per-axis list of [low, high] pairs",
	}
}

// MarshalYAML implements yaml.Marshaler: one word, or a flow list of pairs.
func (b Boundary) MarshalYAML() (any, error) {
	if len(b.Axes) == 0 {
		if b.All == "" {
			return nil, nil
		}
		return b.All, nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, ax := range b.Axes {
		pair := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, w := range ax {
			pair.Content = append(pair.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: w})
		}
		seq.Content = append(seq.Content, pair)
	}
	return seq, nil
}
