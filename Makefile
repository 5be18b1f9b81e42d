# fpsolve build, test and benchmark targets.
GO ?= go
# make bench samples each case for at least BENCHTIME (the per-operation
# cost, not the first few operations' warm-up); make bench-all runs each
# benchmark BENCHALLTIME.
BENCHTIME ?= 1s
BENCHALLTIME ?= 5x
BENCHCOUNT ?= 5

.PHONY: build test test-long bench bench-all check fmt demo docs paper

build:
	$(GO) build -o fpsolve ./cmd/fpsolve

# The test suite CI runs (under 10 minutes on 2 cores).
test:
	$(GO) vet ./...
	$(GO) test -short -count=1 ./...

# Long convergence studies included.
test-long:
	$(GO) test -count=1 -timeout 60m ./...

# The performance table (issue targets, peers' problems in testdata/bench)
# and the machine's floors: medians over BENCHCOUNT runs, each case's ratio
# to its target and to the memory-bandwidth floor.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./bench/ | tee bench.txt
	$(GO) run ./internal/benchreport < bench.txt

# Every package's benchmarks (kernels, exports, sweeps, ...).
bench-all:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHALLTIME) -count $(BENCHCOUNT) ./... | tee bench-all.txt

check:
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

fmt:
	gofmt -w .

# Run the embedded default scenario; pictures and data go to out/demo.
demo:
	$(GO) run ./cmd/fpsolve run --out out/demo

# Regenerate the README's pictures in docs/.
docs:
	./docs/figures.sh

# Regenerate docs/paper.md, the gallery of the paper's claims, from the sweep presets.
paper:
	./docs/paper.sh
