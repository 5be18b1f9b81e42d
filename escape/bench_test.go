package escape_test

import (
	"context"
	"testing"

	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/scenario"
)

func benchEscape(b *testing.B, s *scenario.Scenario) {
	m, err := scenario.Build(s)
	if err != nil {
		b.Fatal(err)
	}
	p, err := m.EscapeProblem()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := escape.Analyze(context.Background(), p, escape.Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEscapeDefault1D is `fpsolve escape` on the embedded default
// (1000 cells, all four estimators, both directions). Target ≤ 0.2 s.
func BenchmarkEscapeDefault1D(b *testing.B) { benchEscape(b, scenario.Default()) }

// BenchmarkEscape2D300 is the escape analysis of the flat/sharp well under
// sgd-local noise on 300×300 cells. Target ≤ 10 s.
func BenchmarkEscape2D300(b *testing.B) {
	s, err := scenario.Parse([]byte(`
landscape: {builtin: flat-sharp, params: {beta: 0.5}}
domain: [[-2.5, 2.5], [-2, 2]]
cells: [300, 300]
noise: {model: sgd-local, lr: 0.1, batch: 1}
`))
	if err != nil {
		b.Fatal(err)
	}
	benchEscape(b, s)
}
