package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
	"github.com/fpsolve/fpsolve/scenario"
)

// writeJSON writes v as indented JSON to --json (a file, or - for stdout).
// It does nothing without --json.
func (o *options) writeJSON(v any) error {
	if o.json == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	b = append(b, '\n')
	if o.json == "-" {
		_, err := o.stdout.Write(b)
		return err
	}
	return atomicfile.Write(o.json, b)
}

// basinMass is one entry of the "basins" arrays of §6.
type basinMass struct {
	Minimum []float64 `json:"minimum"`
	Mass    float64   `json:"mass"`
}

// basinMasses returns the mass of p in the basin of every minimum.
func basinMasses(m *scenario.Model, p []float64) ([]basinMass, error) {
	c, err := m.Critical()
	if err != nil {
		return nil, err
	}
	masses := m.Basins().Masses(p)
	out := make([]basinMass, len(c.Minima))
	for i, mn := range c.Minima {
		out[i] = basinMass{Minimum: mn.X, Mass: masses[i]}
	}
	return out, nil
}

// formats reports whether the scenario's output.formats contains f.
func formats(m *scenario.Model, f string) bool {
	for _, x := range m.Scenario.Output.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// outPath returns the path of a file in the output directory.
func outPath(m *scenario.Model, name string) string {
	return filepath.Join(m.Scenario.Output.Dir, name)
}

// fmtVec formats a point compactly.
func fmtVec(x []float64) string {
	var b bytes.Buffer
	b.WriteByte('(')
	for i, v := range x {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.4g", v)
	}
	b.WriteByte(')')
	return b.String()
}
