package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fpsolve/fpsolve/solver"
)

// resumeScenario is a small 1-D run (a tilted double well under SGD noise,
// 300 cells) whose time block the cases replace.
const resumeScenario = `
name: resume
landscape: {formula: "x^4/4 - x^2/2 + 0.1*x"}
domain: [[-2.5, 2.5]]
cells: [300]
noise: {model: sgd, lr: 0.1, batch: 1, psd: softabs, epsilon: 0.3, floor: 0.01}
initial: {gaussian: {mean: [0.95], std: [0.05]}}
output: {every: 5, formats: [npy, json]}
`

// runOutputs are the files of a finished run that must not depend on
// interruptions: every density (npy, raw float64) and run.json.
type runOutputs struct {
	npy       []byte
	snapshots json.RawMessage
	survival  json.RawMessage
	stats     map[string]any
}

func readOutputs(t *testing.T, dir string) runOutputs {
	t.Helper()
	npy, err := os.ReadFile(filepath.Join(dir, "density.npy"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Snapshots json.RawMessage `json:"snapshots"`
		Survival  json.RawMessage `json:"survival"`
		Stats     map[string]any  `json:"stats"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return runOutputs{npy, r.Snapshots, r.Survival, r.Stats}
}

// sameOutputs fails unless a resumed run wrote exactly what the
// uninterrupted one did: the densities and snapshots bit for bit, the same
// survival curve and the same step statistics (the factorizations and
// seconds differ: a resumed run sets up its solvers again).
func sameOutputs(t *testing.T, what string, got, want runOutputs) {
	t.Helper()
	for _, o := range []runOutputs{got, want} {
		if o.stats["complete"] != true || o.stats["error"] != nil {
			t.Errorf("%s: stats complete %v, error %v; want a complete run", what, o.stats["complete"], o.stats["error"])
		}
	}
	if !bytes.Equal(got.npy, want.npy) {
		t.Errorf("%s: density.npy differs from the uninterrupted run's", what)
	}
	if !bytes.Equal(got.snapshots, want.snapshots) {
		t.Errorf("%s: snapshots differ:\n%s\nwant\n%s", what, got.snapshots, want.snapshots)
	}
	if !bytes.Equal(got.survival, want.survival) {
		t.Errorf("%s: survival curves differ", what)
	}
	for _, k := range []string{"t", "steps", "rejected", "min_dt", "max_dt", "negative_mass"} {
		if got.stats[k] != want.stats[k] {
			t.Errorf("%s: stats.%s = %v, want %v", what, k, got.stats[k], want.stats[k])
		}
	}
}

func noCheckpoint(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, checkpointFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: a finished run left its checkpoint (%v)", dir, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// interruptedRun runs args with a context cancelled after the stop-th
// accepted step (Ctrl-C); after the kill-th step it copies the periodic
// checkpoint of that step (written every step) into killed, as a run
// killed there would have left it. It returns the stderr.
func interruptedRun(t *testing.T, args []string, kill, stop int, killed string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := args[len(args)-1] // --out DIR comes last
	n := 0
	testStateHook = func(solver.State) {
		n++
		if n == kill {
			copyFile(t, filepath.Join(dir, checkpointFile), filepath.Join(killed, checkpointFile))
		}
		if n == stop {
			cancel()
		}
	}
	defer func() { testStateHook = nil }()
	var out, errb bytes.Buffer
	code := run(ctx, append([]string{"run", "--quiet", "--checkpoint-every", "1ns"}, args...), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "--resume "+dir) {
		t.Fatalf("interrupted run: exit %d (want 1), stderr %q", code, errb.String())
	}
	if n != stop {
		t.Fatalf("the run took %d steps after the interruption at step %d", n-stop, stop)
	}
	return errb.String()
}

// TestResume: a run interrupted by a cancelled context (what Ctrl-C does)
// and resumed with --resume writes bit for bit what the uninterrupted run
// writes; so does a resume from a periodic checkpoint (a killed run). The
// cases cover the fixed-step schemes, adaptive steps, a noise schedule
// (piecewise generator) with a survival curve, and checkpoints taken on an
// output time.
func TestResume(t *testing.T) {
	cases := []struct {
		name       string
		time       string
		extra      string
		kill, stop int // the steps after which a copy is taken and the run stopped
	}{
		// 80 steps of 0.25; the 20th ends on the output time 5.
		{"tr-bdf2 fixed", "{end: 20, dt: 0.25, scheme: tr-bdf2, adaptive: false}", "", 20, 37},
		{"backward-euler fixed", "{end: 20, dt: 0.25, scheme: backward-euler, adaptive: false}", "", 20, 53},
		{"bdf2 fixed", "{end: 20, dt: 0.25, scheme: bdf2, adaptive: false}", "", 41, 62},
		{"tr-bdf2 adaptive", "{end: 20, dt: 0.05, tol: 1e-5}", "", 6, 15},
		{"adaptive, schedule and target", "{end: 20, dt: 0.05, tol: 1e-5}",
			"noise: {model: sgd, lr: 0.2, batch: 1, psd: softabs, epsilon: 0.3, floor: 0.01, schedule: {form: step, gamma: 0.5, every: 4}}\ntargets: [{box: [[-2.5, -0.5]]}]\n", 9, 25},
		{"fixed, schedule and target", "{end: 20, dt: 0.25, adaptive: false}",
			"noise: {model: sgd, lr: 0.2, batch: 1, psd: softabs, epsilon: 0.3, floor: 0.01, schedule: {form: step, gamma: 0.5, every: 4}}\ntargets: [{box: [[-2.5, -0.5]]}]\n", 16, 50},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			yaml := resumeScenario
			if tc.extra != "" {
				yaml = strings.Replace(yaml, "noise: {model: sgd, lr: 0.1, batch: 1, psd: softabs, epsilon: 0.3, floor: 0.01}\n", tc.extra, 1)
			}
			path := writeScenario(t, yaml+"time: "+tc.time+"\n")
			whole, stopped, killed := t.TempDir(), t.TempDir(), t.TempDir()

			code, _, stderr := fpsolve(t, "run", path, "--quiet", "--out", whole)
			if code != 0 {
				t.Fatalf("uninterrupted run: exit %d: %s", code, stderr)
			}
			want := readOutputs(t, whole)
			noCheckpoint(t, whole)
			steps := want.stats["steps"].(float64)
			if steps < float64(tc.stop+3) {
				t.Fatalf("only %g steps", steps)
			}

			interruptedRun(t, []string{path, "--out", stopped}, tc.kill, tc.stop, killed)
			part := readOutputs(t, stopped) // written at the interruption
			if part.stats["steps"].(float64) != float64(tc.stop) || bytes.Equal(part.snapshots, want.snapshots) {
				t.Fatalf("the interrupted run's outputs: %v steps, snapshots %s", part.stats["steps"], part.snapshots)
			}

			for _, dir := range []string{stopped, killed} {
				args := []string{"run", "--resume", dir, "--quiet", "--checkpoint-every", "0"}
				if dir == stopped {
					// A scenario file and --set are welcome if they do not
					// change the scenario.
					args = append(args, path, "--set", "output.every=5")
				}
				code, _, stderr := fpsolve(t, args...)
				if code != 0 {
					t.Fatalf("resume %s: exit %d: %s", dir, code, stderr)
				}
				what := "resumed after Ctrl-C"
				if dir == killed {
					what = "resumed after a kill"
				}
				sameOutputs(t, what, readOutputs(t, dir), want)
				noCheckpoint(t, dir)
			}
		})
	}
}

// TestResumeRefused: --resume of a directory without a usable checkpoint,
// or with a scenario or flags that contradict it, exits 2 naming the
// problem.
func TestResumeRefused(t *testing.T) {
	path := writeScenario(t, resumeScenario+"time: {end: 20, dt: 0.25, adaptive: false}\n")
	good := t.TempDir()
	interruptedRun(t, []string{path, "--out", good}, 1, 10, t.TempDir())
	ckpt, err := os.ReadFile(filepath.Join(good, checkpointFile))
	if err != nil {
		t.Fatal(err)
	}
	withCheckpoint := func(b []byte) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, checkpointFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	flipped := bytes.Clone(ckpt)
	flipped[len(flipped)/2] ^= 0x10
	version := bytes.Clone(ckpt)
	version[len(checkpointMagic)] = 9
	other := writeScenario(t, resumeScenario+"time: {end: 20, dt: 0.5, adaptive: false}\n")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"no directory", []string{"--resume", filepath.Join(good, "nope")}, []string{"no such directory"}},
		{"no checkpoint", []string{"--resume", t.TempDir()}, []string{"no checkpoint"}},
		{"truncated", []string{"--resume", withCheckpoint(ckpt[:len(ckpt)-100])}, []string{"truncated"}},
		{"truncated header", []string{"--resume", withCheckpoint(ckpt[:30])}, []string{"truncated"}},
		{"empty", []string{"--resume", withCheckpoint(nil)}, []string{"truncated"}},
		{"corrupt", []string{"--resume", withCheckpoint(flipped)}, []string{"corrupt", "checksum"}},
		{"trailing bytes", []string{"--resume", withCheckpoint(append(bytes.Clone(ckpt), 0))}, []string{"corrupt"}},
		{"not a checkpoint", []string{"--resume", withCheckpoint([]byte("P(t=0),P(t=5)\n0.1,0.2\n"))}, []string{"not an fpsolve checkpoint"}},
		{"version", []string{"--resume", withCheckpoint(version)}, []string{"format version 9"}},
		{"conflicting --set", []string{"--resume", good, "--set", "time.dt=0.1"}, []string{"--set differs", "dt: 0.25", "dt: 0.1"}},
		{"conflicting scenario", []string{"--resume", good, other}, []string{"differs", "dt: 0.5"}},
		{"conflicting --out", []string{"--resume", good, "--out", t.TempDir()}, []string{"--out", "conflicts"}},
		{"negative interval", []string{"--resume", good, "--checkpoint-every", "-1s"}, []string{"--checkpoint-every"}},
		{"too little memory", []string{"--resume", good, "--memory-limit", "1kB"}, []string{"memory"}},
	}
	for _, tc := range cases {
		code, _, stderr := fpsolve(t, append([]string{"run", "--quiet"}, tc.args...)...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2; stderr %q", tc.name, code, stderr)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr does not say %q: %q", tc.name, w, stderr)
			}
		}
	}
	// The refusals left the good checkpoint alone: it still resumes.
	if code, _, stderr := fpsolve(t, "run", "--resume", good, "--quiet"); code != 0 {
		t.Errorf("resume after the refusals: exit %d: %s", code, stderr)
	}
}

// TestResumeSignal builds fpsolve, stops a real run with SIGINT after its
// first periodic checkpoint, resumes it and compares with an uninterrupted
// run of the binary.
func TestResumeSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs ~3 s of solves")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "fpsolve")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// About a second of fixed TR-BDF2 steps on 20000 cells.
	path := writeScenario(t, strings.Replace(resumeScenario, "cells: [300]", "cells: [20000]", 1)+
		"time: {end: 20, dt: 0.02, adaptive: false}\n")
	whole, stopped := filepath.Join(tmp, "whole"), filepath.Join(tmp, "stopped")
	if out, err := exec.Command(bin, "run", path, "--quiet", "--out", whole).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	want := readOutputs(t, whole)

	cmd := exec.Command(bin, "run", path, "--quiet", "--out", stopped, "--checkpoint-every", "100ms")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for {
		if _, err := os.Stat(filepath.Join(stopped, checkpointFile)); err == nil {
			break
		}
		if time.Since(began) > 20*time.Second {
			_ = cmd.Process.Kill()
			t.Fatal("no checkpoint after 20 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "interrupted at t = ") {
		t.Fatalf("after SIGINT: %v, stderr %q (want exit 1, interrupted)", err, errb.String())
	}
	part := readOutputs(t, stopped)
	if bytes.Equal(part.snapshots, want.snapshots) {
		t.Fatal("the run finished before the signal")
	}
	if out, err := exec.Command(bin, "run", "--resume", stopped, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	sameOutputs(t, "resumed after SIGINT", readOutputs(t, stopped), want)
	noCheckpoint(t, stopped)
	t.Logf("stopped after %v at step %v of %v", time.Since(began).Round(time.Millisecond), part.stats["steps"], want.stats["steps"])
}

// TestCheckpointRate: the checkpoint keeps solver.State's Rate (format
// version 2) and still reads version 1, which has none.
func TestCheckpointRate(t *testing.T) {
	c := &checkpoint{Scenario: "name: x\n", Started: true, T: 1, DT: 0.5, Cells: 3,
		P: []float64{1, 2, 3}, Rate: []float64{-1, 0.5, 0.25},
		Times: []float64{0}, Labels: []string{"P(t=0)"}, Fields: [][]float64{{4, 5, 6}}, Snapshots: []snapshot{}}
	b, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeCheckpoint(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Rate, c.Rate) || !slices.Equal(got.P, c.P) || got.Prev != nil || !slices.Equal(got.Fields[0], c.Fields[0]) {
		t.Errorf("decoded P %v, Prev %v, Rate %v, fields %v", got.P, got.Prev, got.Rate, got.Fields)
	}
	// Version 1: the same layout without Rate.
	c.Rate = nil
	b, err = c.encode()
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint32(b[len(checkpointMagic):], 1)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	got, err = decodeCheckpoint(b)
	if err != nil {
		t.Fatalf("version 1: %v", err)
	}
	if got.Rate != nil || !slices.Equal(got.P, c.P) {
		t.Errorf("version 1 decoded P %v, Rate %v", got.P, got.Rate)
	}
}
