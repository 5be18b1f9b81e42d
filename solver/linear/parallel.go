package linear

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Large stencil kernels run on several goroutines: at 400² cells, whose
// vectors stay in the last-level cache, a product on two goroutines took
// 0.35–0.45 ms against 0.66–0.77 ms on one (2-core machine, 9-point).
const (
	// blockCells is the unit of work: block k covers cells
	// [k·blockCells, (k+1)·blockCells). Reductions sum per block, then
	// over blocks in order, so their bits do not depend on the number of
	// goroutines.
	blockCells = 4096
	// parallelCells is the size from which kernels use more than one
	// goroutine.
	parallelCells = 1 << 15
)

// forBlocks calls f(k, lo, hi) for every block k = [lo, hi) of [0, n).
func forBlocks(n int, f func(k, lo, hi int)) {
	inTurn(blocks(n), n >= parallelCells, func(k int) {
		f(k, k*blockCells, min((k+1)*blockCells, n))
	})
}

// blocks returns the number of blocks of [0, n).
func blocks(n int) int { return (n + blockCells - 1) / blockCells }

// forRows calls f(j0, j1) for the parts [j0, j1) of rows 0, …, rows−1 (of
// cells cells each): parts of rowChunk rows, an even number, so that row
// pairs stay together.
func forRows(rows, cells int, f func(j0, j1 int)) {
	inTurn((rows+rowChunk-1)/rowChunk, rows*cells >= parallelCells, func(k int) {
		f(k*rowChunk, min((k+1)*rowChunk, rows))
	})
}

// rowChunk is the number of rows forRows hands out at a time.
const rowChunk = 16

// inTurn calls f(k) for k = 0, …, parts−1: in order when large is false
// or GOMAXPROCS is 1, else on up to GOMAXPROCS goroutines that take the k
// in turn from a shared counter. On a shared host, where one core may be
// slowed by other tenants, the faster core then takes more parts instead
// of waiting for a fixed half of the slower one.
func inTurn(parts int, large bool, f func(k int)) {
	workers := min(runtime.GOMAXPROCS(0), parts)
	if !large || workers < 2 {
		for k := range parts {
			f(k)
		}
		return
	}
	var next atomic.Int64
	run := func() {
		for {
			k := int(next.Add(1) - 1)
			if k >= parts {
				return
			}
			f(k)
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}
