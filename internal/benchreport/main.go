// Command benchreport reads `go test -bench` output on standard input and
// prints, per benchmark, the median time over its runs, the ratio to its
// target (metric target-s) and to its memory-bandwidth floor (metric
// floor-B, bytes, divided by the median triad bandwidth of
// BenchmarkFloorTriad), the allocations, and the time of a first, untimed
// run where a case reports one (metric first-s). `make bench` pipes the
// bench package through it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// sample holds the values of one benchmark over its runs, by unit.
type sample map[string][]float64

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	runs := map[string]sample{}
	var order []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		s, ok := runs[name]
		if !ok {
			s = sample{}
			runs[name] = s
			order = append(order, name)
		}
		// f[1] is the iteration count; then value–unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("%s: value %q: %w", name, f[i], err)
			}
			s[f[i+1]] = append(s[f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(order) == 0 {
		return fmt.Errorf("no benchmark lines on standard input")
	}
	bw := 0.0 // bytes per second
	if t, ok := runs["FloorTriad"]; ok {
		bw = median(t["MB/s"]) * 1e6
	}
	fmt.Fprintf(out, "%-26s %5s %12s %10s %9s %11s %10s %10s %10s\n", "case", "runs", "median", "target", "÷target", "floor", "÷floor", "alloc", "first")
	firsts := false
	for _, name := range order {
		s := runs[name]
		t := median(s["ns/op"]) / 1e9
		line := fmt.Sprintf("%-26s %5d %12s", name, len(s["ns/op"]), seconds(t))
		if tg := median(s["target-s"]); tg > 0 {
			mark := ""
			if t > tg {
				mark = " ✗"
			}
			line += fmt.Sprintf(" %10s %9s", seconds(tg), fmt.Sprintf("%.2f%s", t/tg, mark))
		} else {
			line += fmt.Sprintf(" %10s %9s", "", "")
		}
		if fb := median(s["floor-B"]); fb > 0 && bw > 0 {
			fl := fb / bw
			line += fmt.Sprintf(" %11s %10.0f", seconds(fl), t/fl)
		} else if mb := median(s["MB/s"]); mb > 0 {
			line += fmt.Sprintf(" %11s %10s", fmt.Sprintf("%.1f GB/s", mb/1e3), "")
		} else {
			line += fmt.Sprintf(" %11s %10s", "", "")
		}
		if a := median(s["B/op"]); a > 0 {
			line += fmt.Sprintf(" %7.0f MB", a/1e6)
		} else {
			line += fmt.Sprintf(" %10s", "")
		}
		if f := median(s["first-s"]); f > 0 {
			line += fmt.Sprintf(" %10s", seconds(f))
			firsts = true
		}
		fmt.Fprintln(out, strings.TrimRight(line, " "))
	}
	if bw > 0 {
		fmt.Fprintf(out, "\nfloor = bytes of one product with the generator ÷ triad bandwidth %.1f GB/s; ÷floor = matrix sweeps' worth of time.\n", bw/1e9)
	}
	if firsts {
		fmt.Fprintln(out, "first = the case's first run (metric first-s), outside the median: it also does the operator's one-time preparation.")
	}
	if _, ok := runs["FloorSerial"]; ok {
		fmt.Fprintln(out, "FloorSerial = the speed of one core (the host is shared): compare runs only where it agrees.")
	}
	return nil
}

// median returns the median of v, or 0 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	w := slices.Clone(v)
	slices.Sort(w)
	if n := len(w); n%2 == 1 {
		return w[n/2]
	} else {
		return (w[n/2-1] + w[n/2]) / 2
	}
}

// seconds formats t with a unit that keeps three significant digits.
func seconds(t float64) string {
	switch {
	case t >= 1:
		return fmt.Sprintf("%.3g s", t)
	case t >= 1e-3:
		return fmt.Sprintf("%.3g ms", t*1e3)
	}
	return fmt.Sprintf("%.3g µs", t*1e6)
}
