package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepBadFlags: bad sweep flags exit 2 with a message naming the flag.
func TestSweepBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "--vary", "noise.batch"}, "--vary"},
		{[]string{"sweep", "--vary", "noise.batch=1:2"}, "start:stop:count"},
		{[]string{"sweep", "--vary", "noise.batch=1:4:0"}, "count"},
		{[]string{"sweep", "--vary", "noise.lr=0:1:3", "--log"}, "--log"},
		{[]string{"sweep", "--vary", "noise.lrr=1,2"}, "noise.lrr"},
		{[]string{"sweep", "--vary", "noise.batch=-1,2"}, "noise.batch"},
		{[]string{"sweep", "--vary", "noise.batch=1,2", "--vary", "noise.batch=3"}, "swept twice"},
		{[]string{"sweep", "--vary", "noise.batch=1,2", "--shard", "2/2"}, "--shard"},
		{[]string{"sweep", "--vary", "noise.batch=1,2", "--shard", "x"}, "--shard"},
		{[]string{"sweep", "--preset", "nope"}, "--preset"},
		{[]string{"sweep", "--preset", "sgd-batch", "--vary", "noise.lr=1,2"}, "--preset"},
		{[]string{"sweep", "--vary", "noise.batch=1,2", "--estimators", "mfpt,magic"}, "--estimators"},
		{[]string{"sweep", "--vary", "noise.batch=1,2,3", "--fit", "noise.lr=inverse"}, "--fit"},
		{[]string{"sweep", "--vary", "noise.batch=1,2,3", "--fit", "noise.batch=cube"}, "--fit"},
		{[]string{"sweep", "--merge"}, "--merge"},
		{[]string{"sweep", "--merge", "/nonexistent/a.json"}, "--merge"},
		{[]string{"sweep", "--vary", "noise.batch=1,2", "--workers", "-1"}, "--workers"},
	}
	for _, c := range cases {
		code, _, stderr := fpsolve(t, append(c.args, "--out", t.TempDir())...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// sweepScenario is a small sgd-local double well (500 cells) for fast
// command-line sweeps.
const sweepScenario = `
landscape: {formula: "x^4/4 - x^2/2 + 0.1*x"}
domain: [[-2.5, 2.5]]
cells: [500]
noise: {model: sgd-local, lr: 0.1, batch: 1, psd: abs, epsilon: 0, floor: 0}
time: {end: 10}
output: {formats: []}
`

// TestSweepFilesAndMerge: a sweep writes the §6 JSON, the CSV and a figure
// per fit; its shards, merged, give the same JSON byte for byte.
func TestSweepFilesAndMerge(t *testing.T) {
	path := writeScenario(t, sweepScenario)
	dir := t.TempDir()
	args := []string{"sweep", path, "--vary", "noise.batch=1:4:4", "--vary", "noise.lr=0.1,0.2", "-q"}
	if code, _, stderr := fpsolve(t, append(args, "--out", dir)...); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	whole, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Points []struct {
			Params      map[string]float64 `json:"params"`
			Minima      []json.RawMessage  `json:"minima"`
			Saddles     []json.RawMessage  `json:"saddles"`
			Transitions []struct {
				MFPT float64 `json:"mfpt"`
			} `json:"transitions"`
		} `json:"points"`
		Fits []struct {
			X, Y                string
			Slope, Intercept, R float64
			SlopeErr            float64 `json:"slope_err"`
			At                  map[string]float64
		} `json:"fits"`
	}
	if err := json.Unmarshal(whole, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Points) != 8 || doc.Points[1].Params["noise.batch"] != 1 || doc.Points[1].Params["noise.lr"] != 0.2 {
		t.Fatalf("points: %d, second %v; want 8 with batch varying slowest", len(doc.Points), doc.Points[1].Params)
	}
	for _, p := range doc.Points {
		if len(p.Minima) != 2 || len(p.Saddles) != 1 || len(p.Transitions) != 2 || p.Transitions[0].MFPT <= 0 {
			t.Fatalf("point %v lacks escape's minima, saddles or transitions", p.Params)
		}
	}
	// One fit per lr value and direction along noise.batch (4 values);
	// noise.lr has 2 values, too few for a fit.
	if len(doc.Fits) != 4 || doc.Fits[0].X != "noise.batch" || doc.Fits[0].Y != "log mfpt" || doc.Fits[0].R < 0.99 {
		t.Fatalf("fits %+v", doc.Fits)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil || !strings.HasPrefix(string(csv), "point,series,noise.batch,noise.lr,from,to,barrier,mfpt,") || strings.Count(string(csv), "\n") != 17 {
		t.Errorf("sweep.csv: %v\n%s", err, csv)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(pngs) != 4 {
		t.Errorf("%d figures, want 4: %v", len(pngs), pngs)
	}

	sdir := t.TempDir()
	var files []string
	for _, s := range []string{"0/3", "1/3", "2/3"} {
		if code, _, stderr := fpsolve(t, append(args, "--shard", s, "--out", sdir)...); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", s, code, stderr)
		}
	}
	files, _ = filepath.Glob(filepath.Join(sdir, "sweep-shard-*-of-3.json"))
	if len(files) != 3 {
		t.Fatalf("shard files %v", files)
	}
	mdir := t.TempDir()
	if code, _, stderr := fpsolve(t, append([]string{"sweep", "--merge", "-q", "--out", mdir}, files...)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	merged, _ := os.ReadFile(filepath.Join(mdir, "sweep.json"))
	if !bytes.Equal(merged, whole) {
		t.Errorf("merged sweep.json (%d bytes) differs from the unsharded one (%d bytes)", len(merged), len(whole))
	}
	if code, _, stderr := fpsolve(t, "sweep", "--merge", "--out", mdir, files[0], files[1]); code != 2 || !strings.Contains(stderr, "missing") {
		t.Errorf("merge of 2 of 3 shards: exit %d, %q; want 2 and a message about missing points", code, stderr)
	}
}

// TestSweepPresetVerdict: a preset prints its verdict lines.
func TestSweepPresetVerdict(t *testing.T) {
	code, stdout, stderr := fpsolve(t, "sweep", "--preset", "sgld-temperature", "--out", t.TempDir())
	if code != 0 || !strings.Contains(stdout, "verdict: white 0→1 ln τ vs 1/T") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}
