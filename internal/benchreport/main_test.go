package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	in := `goos: linux
BenchmarkSteady1D6400-2   	 100	   2000000 ns/op	         0.001000 target-s	    250000 floor-B	  10 B/op
BenchmarkSteady1D6400-2   	 100	   1000000 ns/op	         0.001000 target-s	    250000 floor-B	  10 B/op
BenchmarkSteady1D6400-2   	 100	   3000000 ns/op	         0.001000 target-s	    250000 floor-B	  10 B/op
BenchmarkFloorTriad-2     	 100	   2000000 ns/op	   10000.00 MB/s
BenchmarkStep-2     	 5	   40000000 ns/op	         0.05000 target-s	 0.07 first-s
BenchmarkStep-2     	 5	   42000000 ns/op	         0.05000 target-s	 0.09 first-s
PASS
`
	var out bytes.Buffer
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	// Median 2 ms against a 1 ms target; floor 250 kB at 10 GB/s = 25 µs,
	// so 80 sweeps.
	// The step's median 41 ms, its first runs' median 80 ms.
	for _, want := range []string{"Steady1D6400", "2 ms", "2.00 ✗", "25 µs", " 80", "10.0 GB/s", "41 ms", "0.82", "80 ms", "first = "} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if err := run(strings.NewReader("nothing"), &out); err == nil {
		t.Error("empty input accepted")
	}
}
