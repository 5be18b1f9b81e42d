package sweep

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestSelectionOverTime: from a uniform start the flat/sharp mass ratio of
// the selection preset's runs over time (SGD and matched white noise, B = 2)
// converges to the stationary ratio of the preset's stationary sweep at
// B = 2, which TestSelectionQuadrature holds against exact quadrature; the
// decaying schedules end elsewhere, and the verdict says so. The runs last
// about 25 relaxation times, so the remaining transient is e^{−25}.
func TestSelectionOverTime(t *testing.T) {
	pr, _ := LookupPreset("selection")
	all, err := pr.Plans()
	if err != nil {
		t.Fatal(err)
	}
	var plans []*Plan
	for _, p := range all {
		switch {
		case p.Name == "sgd-local" || p.Name == "white-matched":
			p.Axes = []Axis{{Key: "noise.batch", Values: []float64{2}}}
			plans = append(plans, p)
		case strings.Contains(p.Name, ":"):
			plans = append(plans, p)
		}
	}
	pts, err := RunPlans(context.Background(), plans, AllPoints(plans), Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.Error != "" {
			t.Fatalf("%s: %s", p.Series, p.Error)
		}
	}
	d, err := NewDocument("selection", plans, pts, "")
	if err != nil {
		t.Fatal(err)
	}
	pr.Judge(d)
	found := 0
	for _, c := range d.Checks {
		if strings.HasPrefix(c.Name, groupOverTime) {
			found++
			t.Logf("%s: %.8g vs %.8g (rel. err %.2g)", c.Name, c.Value, c.Expected, c.RelErr)
			if c.RelErr > 1e-3 {
				t.Errorf("%s: %.8g vs %.8g, rel. err %.2g > 1e-3", c.Name, c.Value, c.Expected, c.RelErr)
			}
		}
	}
	if found != 4 {
		t.Errorf("%d over-time checks, want 4 (two models × own stationary state and sweep)", found)
	}
	var verdict string
	for _, v := range d.Verdicts {
		if strings.HasPrefix(v, "schedules:") {
			verdict = v
		}
		t.Log(v)
	}
	if !strings.Contains(verdict, "depends on the schedule") || strings.Contains(verdict, "NOT") {
		t.Errorf("schedule verdict %q", verdict)
	}

	// The evolution survives the JSON round trip of the document.
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var back Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for i, p := range back.Points {
		if (p.Evolution == nil) != (d.Points[i].Evolution == nil) {
			t.Fatalf("point %d: evolution lost in JSON", i)
		}
		if e := p.Evolution; e != nil {
			f0, _, _ := e.FinalRatio()
			f1, _, _ := d.Points[i].Evolution.FinalRatio()
			if f0 != f1 || len(e.T) != len(e.Masses) {
				t.Errorf("point %d: final ratio %g after JSON, %g before", i, f0, f1)
			}
		}
	}
}
