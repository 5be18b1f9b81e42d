package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/fpsolve/fpsolve/scenario"
)

// The resource guard: before a command builds anything it compares the
// estimate of scenario.Estimate with the memory and disk space available
// and refuses (exit status 2) with the estimate and what to change.

// limitFlag is the value of --memory-limit and --output-limit: a size, or
// "auto" (measure what is available) or "off" (no check).
type limitFlag struct {
	auto  bool
	off   bool
	bytes int64
}

// String implements pflag.Value.
func (l *limitFlag) String() string {
	switch {
	case l.off:
		return "off"
	case l.auto:
		return "auto"
	}
	return formatSize(l.bytes)
}

// Type implements pflag.Value.
func (l *limitFlag) Type() string { return "size" }

// Set implements pflag.Value.
func (l *limitFlag) Set(v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "auto":
		*l = limitFlag{auto: true}
		return nil
	case "off", "none", "0":
		*l = limitFlag{off: true}
		return nil
	}
	b, err := parseSize(v)
	if err != nil {
		return err
	}
	*l = limitFlag{bytes: b}
	return nil
}

// parseSize parses a byte count such as 512MB, 8GiB, 2.5G or 1e9.
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	units := []struct {
		suffix string
		mult   float64
	}{
		{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x > 0) || math.IsInf(x, 0) || x*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size: want a positive number of bytes with an optional unit, such as 512MB, 8GB or 16GiB, or auto, or off", v)
	}
	return int64(x * mult), nil
}

// formatSize renders a byte count in decimal units with three digits.
func formatSize(b int64) string {
	x := float64(b)
	switch {
	case x >= 1e12:
		return fmt.Sprintf("%.3g TB", x/1e12)
	case x >= 1e9:
		return fmt.Sprintf("%.3g GB", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.3g MB", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.3g kB", x/1e3)
	}
	return fmt.Sprintf("%d B", b)
}

// availableMemory returns the memory this process may use: MemAvailable of
// /proc/meminfo, lowered to the room left under a cgroup (v2) limit. ok is
// false when neither can be read (then the check is skipped).
func availableMemory() (int64, bool) {
	avail, ok := memInfoAvailable("/proc/meminfo")
	if max, err := readInt("/sys/fs/cgroup/memory.max"); err == nil {
		cur, err := readInt("/sys/fs/cgroup/memory.current")
		if err == nil && max > cur && (!ok || max-cur < avail) {
			avail, ok = max-cur, true
		}
	}
	return avail, ok
}

// memInfoAvailable reads the MemAvailable line (in kB) of a meminfo file.
func memInfoAvailable(path string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemAvailable:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}

// readInt reads a file holding one integer ("max" is not one).
func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// nearestDir returns dir or its nearest existing ancestor.
func nearestDir(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		d = dir
	}
	for {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return d
		}
		d = parent
	}
}

// taskOf returns the task whose resources the current command needs, the
// number of tasks that run at once, and whether to check at all.
func (o *options) taskOf() (task scenario.Task, copies int, ok bool) {
	if o.cmd == nil {
		return 0, 0, false
	}
	fl := o.cmd.Flags()
	switch o.cmd.Name() {
	case "run":
		if p, err := fl.GetBool("print-scenario"); err == nil && p {
			return 0, 0, false
		}
		return scenario.TaskRun, 1, true
	case "stationary":
		return scenario.TaskStationary, 1, true
	case "mfpt":
		return scenario.TaskMFPT, 1, true
	case "escape":
		return scenario.TaskEscape, 1, true
	case "critical":
		return scenario.TaskCritical, 1, true
	case "simulate":
		return scenario.TaskSimulate, 1, true
	case "sweep":
		w, err := fl.GetInt("workers")
		if err != nil || w <= 0 {
			w = runtime.GOMAXPROCS(0)
		}
		return scenario.TaskEscape, w, true
	}
	return 0, 0, false
}

// guard refuses, as bad input (exit status 2), a scenario whose estimated
// memory or output volume for the current command exceeds what is
// available. s must have passed Validate.
func (o *options) guard(s *scenario.Scenario) error {
	if o.force {
		return nil
	}
	task, copies, ok := o.taskOf()
	if !ok {
		return nil
	}
	r := s.Estimate(task)
	if o.cmd.Name() == "run" {
		if e, err := o.cmd.Flags().GetString("export-operator"); err == nil && e != "" {
			r.Solver, r.Snapshots, r.Files = 0, 0, nil // assemble and write A only
		}
	}
	if err := o.guardMemory(s, r, copies); err != nil {
		return err
	}
	if copies > 1 {
		return nil // sweep writes tables and fit figures, not fields
	}
	return o.guardOutput(s, r)
}

// guardMemory compares the memory estimate with --memory-limit or the
// available memory.
func (o *options) guardMemory(s *scenario.Scenario, r scenario.Resources, copies int) error {
	limit, source := o.memLimit.bytes, "--memory-limit"
	switch {
	case o.memLimit.off:
		return nil
	case o.memLimit.auto:
		var ok bool
		if limit, ok = availableMemory(); !ok {
			return nil
		}
		source = "available"
	}
	need := r.Memory()
	if copies > 1 {
		need = satMul(need, int64(copies))
	}
	o.vlogf("resources: %s needs ≈ %s of memory (%s); limit %s (%s)\n", r.Task, formatSize(need), memoryParts(r), formatSize(limit), source)
	if need <= limit {
		return nil
	}
	what := r.Task.String()
	if copies > 1 {
		what = fmt.Sprintf("sweep (%d points at once, each an escape analysis)", copies)
	}
	var fix []string
	fix = append(fix, "fewer cells")
	switch r.Largest() {
	case "snapshots":
		fix = append(fix, fmt.Sprintf("fewer outputs (a larger output.every than %g keeps fewer than %d densities)", s.Output.Every, r.Outputs))
	case "solver":
		if r.Method != "bicgstab" {
			fix = append(fix, "solver.linear: bicgstab (an ILU(0) preconditioner instead of the "+r.Method+" factorization)")
		}
	}
	if copies > 1 {
		fix = append(fix, "fewer --workers")
	}
	fix = append(fix, "or --memory-limit SIZE / --force to try anyway")
	return usagef("cells = %s: %s needs an estimated %s of memory (%s) but %s %s: use %s",
		intList(s.Cells), what, formatSize(need), memoryParts(r), formatSize(limit), limitWord(source), strings.Join(fix, ", "))
}

// guardOutput compares the estimated size of the files with
// --output-limit or the free space where they go.
func (o *options) guardOutput(s *scenario.Scenario, r scenario.Resources) error {
	total := r.Output()
	if total == 0 || o.outLimit.off {
		return nil
	}
	dir := s.Output.Dir
	if o.out != "" {
		dir = o.out
	}
	limit, source := o.outLimit.bytes, "--output-limit"
	if o.outLimit.auto {
		var ok bool
		if limit, ok = freeDisk(nearestDir(dir)); !ok {
			return nil
		}
		source = "free in " + dir
	}
	if total <= limit {
		return nil
	}
	var parts []string
	for _, f := range r.Files {
		if f.Bytes > 0 {
			parts = append(parts, f.Format+" "+formatSize(f.Bytes))
		}
	}
	n := ""
	if r.Outputs > 1 {
		n = fmt.Sprintf(" for %d densities", r.Outputs)
	}
	fix := "fewer cells, fewer formats (npy is about a third of csv or vtk)"
	if r.Outputs > 1 {
		fix = fmt.Sprintf("fewer outputs (a larger output.every than %g), ", s.Output.Every) + fix
	}
	word := "is allowed (--output-limit)"
	if source != "--output-limit" {
		word = "is " + source
	}
	return usagef("output.formats = [%s]: %s would write an estimated %s (%s%s) but %s %s: use %s, or --output-limit SIZE / --force to write anyway",
		strings.Join(s.Output.Formats, ", "), r.Task, formatSize(total), strings.Join(parts, ", "), n, formatSize(limit), word, fix)
}

func limitWord(source string) string {
	if source == "available" {
		return "is available"
	}
	return "is allowed (" + source + ")"
}

// memoryParts lists the non-zero parts of a memory estimate.
func memoryParts(r scenario.Resources) string {
	var parts []string
	add := func(name string, b int64) {
		if b > 0 {
			parts = append(parts, name+" "+formatSize(b))
		}
	}
	if r.Snapshots > 0 {
		parts = append(parts, fmt.Sprintf("snapshots %s (%d densities)", formatSize(r.Snapshots), r.Outputs))
	}
	add("operator", r.Operator)
	if r.Method != "" {
		add("solver "+r.Method, r.Solver)
	} else {
		add("solver", r.Solver)
	}
	add("work", r.Work)
	if len(parts) == 0 {
		return "nothing large"
	}
	return strings.Join(parts, ", ")
}

func intList(x []int) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
