package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestRunSchedule: `fpsolve run` with a step schedule records η(t) in the
// snapshots (the new η from the change on), conserves mass, and a bad
// schedule exits 2 with a message naming the key.
func TestRunSchedule(t *testing.T) {
	code, out, stderr := fpsolve(t, "run", "--set", "time.end=20", "--set", "output.every=5",
		"--set", "noise.schedule={form: step, gamma: 0.5, every: 10}", "--out", t.TempDir(), "--json", "-", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		Snapshots []struct {
			T, Mass, LR, Batch float64
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	want := map[float64]float64{5: 0.1, 10: 0.05, 15: 0.05, 20: 0.05} // the default's η = 0.1
	if len(res.Snapshots) != len(want) {
		t.Fatalf("snapshots %+v", res.Snapshots)
	}
	for _, s := range res.Snapshots {
		if math.Abs(s.LR-want[s.T]) > 1e-15 || s.Batch <= 0 || math.Abs(s.Mass-1) > 1e-12 {
			t.Errorf("snapshot t = %g: lr %g (want %g), batch %g, mass %g", s.T, s.LR, want[s.T], s.Batch, s.Mass)
		}
	}
	code, _, stderr = fpsolve(t, "run", "--set", "noise.schedule={form: cosine, period: 10}", "--quiet")
	if code != 2 || !strings.Contains(stderr, "noise.schedule.min") {
		t.Errorf("bad schedule: exit %d, %s", code, stderr)
	}
}
