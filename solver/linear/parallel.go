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

// forBlocks calls f(k, lo, hi) for every block k = [lo, hi) of [0, n), on
// up to GOMAXPROCS goroutines that take the blocks in turn from a shared
// counter: on a shared host, where one core may be slowed by other
// tenants, the faster core takes more blocks instead of waiting for the
// slower one's half.
func forBlocks(n int, f func(k, lo, hi int)) {
	nb := blocks(n)
	workers := min(runtime.GOMAXPROCS(0), nb)
	if n < parallelCells || workers < 2 {
		for k := range nb {
			f(k, k*blockCells, min((k+1)*blockCells, n))
		}
		return
	}
	var next atomic.Int64
	run := func() {
		for {
			k := int(next.Add(1) - 1)
			if k >= nb {
				return
			}
			f(k, k*blockCells, min((k+1)*blockCells, n))
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}

// blocks returns the number of blocks of [0, n).
func blocks(n int) int { return (n + blockCells - 1) / blockCells }

// forRows calls f(j0, j1) for the parts [j0, j1) of rows 0, …, rows−1 (of
// cells cells each), on two goroutines when the grid is large and
// GOMAXPROCS allows; the cut is at an even row.
func forRows(rows, cells int, f func(j0, j1 int)) {
	if rows*cells < parallelCells || rows < 4 || runtime.GOMAXPROCS(0) < 2 {
		f(0, rows)
		return
	}
	mid := rows / 2 &^ 1
	var wg sync.WaitGroup
	wg.Go(func() { f(mid, rows) })
	f(0, mid)
	wg.Wait()
}
