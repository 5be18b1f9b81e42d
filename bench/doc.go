// Package bench holds the performance benchmarks of fpsolve against the
// targets set by the Python peers (fplanck, FiPy) on the same problems,
// which are the scenarios in testdata/bench, and the machine's floors (a
// STREAM-style triad and a CSR matrix–vector product at 10⁶ cells). Run
// them with `make bench`; report medians.
package bench
