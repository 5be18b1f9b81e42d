package landscape

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/fpsolve/fpsolve/grid"
)

// BasinMap labels every cell of a grid with the basin of attraction it
// belongs to: the index into Critical.Minima of the minimum that steepest
// descent from the cell centre reaches, or −1 where no listed minimum is
// reached.
type BasinMap struct {
	// Grid is the labelled grid.
	Grid *grid.Grid
	// Labels holds the label of each cell, indexed like the cells of Grid.
	Labels []int

	nmin int // number of minima, the length of the result of Masses

	// In one dimension the basins are intervals: cuts are the sorted
	// positions of the non-minimum critical points and cutLabels[i] is the
	// label of the interval between cuts[i−1] and cuts[i] (len(cuts)+1
	// entries).
	cuts      []float64
	cutLabels []int
}

// basinMatchCells is the distance, in cell diagonals, within which a
// terminal cell of the discrete descent is attributed to a listed minimum.
const basinMatchCells = 3

// NewBasinMap returns the basin map of the minima c.Minima of l on g; c may
// be nil, in which case every label is −1.
//
// In two and three dimensions the map is computed by discrete steepest
// descent on the values of L at the cell centres, in O(Len) time: each cell
// points to the neighbour, among its up to 3ᵈ − 1 face, edge and corner
// neighbours (wrapping around periodic axes), with the most negative slope
// (L(neighbour) − L(cell))/distance, or to itself if no neighbour is lower.
// Following the pointers leads every cell to a terminal cell, a discrete
// local minimum, which is labelled by the nearest minimum in c.Minima if
// that lies within three cell diagonals of its centre, and −1 otherwise.
// Basin boundaries are hence resolved to about one cell.
//
// In one dimension the basins are exact: they are the intervals between
// consecutive saddles (the maxima of L) and other non-minimum critical
// points, and a cell is labelled by the minimum inside the interval
// holding its centre, or −1 if the interval has none (for example where L
// decreases towards the end of the domain).
//
// NewBasinMap panics if the dimensions of g, l and c differ.
func NewBasinMap(g *grid.Grid, l Landscape, c *Critical) *BasinMap {
	d := g.Dim()
	if l.Dim() != d {
		panic(fmt.Sprintf("landscape: NewBasinMap: grid has %d axes, landscape %d", d, l.Dim()))
	}
	var minima []Point
	if c != nil {
		minima = c.Minima
		for _, group := range [][]Point{c.Minima, c.Others} {
			for _, p := range group {
				if len(p.X) != d {
					panic(fmt.Sprintf("landscape: NewBasinMap: critical point of dimension %d, grid has %d axes", len(p.X), d))
				}
			}
		}
		for _, s := range c.Saddles {
			if len(s.X) != d {
				panic(fmt.Sprintf("landscape: NewBasinMap: critical point of dimension %d, grid has %d axes", len(s.X), d))
			}
		}
	}
	b := &BasinMap{Grid: g, Labels: make([]int, g.Len()), nmin: len(minima)}
	if d == 1 {
		b.intervals(c)
		x := make([]float64, 1)
		for i := range b.Labels {
			g.Center(i, x)
			b.Labels[i] = b.intervalLabel(x[0])
		}
		return b
	}
	b.descent(l, minima)
	return b
}

// intervals sets the exact one-dimensional basins from c.
func (b *BasinMap) intervals(c *Critical) {
	if c != nil {
		for _, s := range c.Saddles {
			b.cuts = append(b.cuts, s.X[0])
		}
		for _, p := range c.Others {
			b.cuts = append(b.cuts, p.X[0])
		}
	}
	slices.Sort(b.cuts)
	b.cutLabels = make([]int, len(b.cuts)+1)
	for i := range b.cutLabels {
		b.cutLabels[i] = -1
	}
	if c == nil {
		return
	}
	for m, p := range c.Minima {
		i := sort.SearchFloat64s(b.cuts, p.X[0])
		if i < len(b.cuts) && b.cuts[i] == p.X[0] {
			continue
		}
		if b.cutLabels[i] < 0 {
			b.cutLabels[i] = m
		}
	}
	// On a periodic axis the first and the last interval are one.
	if a := b.Grid.Axis(0); a.Low == grid.Periodic && len(b.cuts) > 0 {
		n := len(b.cutLabels) - 1
		switch {
		case b.cutLabels[0] < 0:
			b.cutLabels[0] = b.cutLabels[n]
		case b.cutLabels[n] < 0:
			b.cutLabels[n] = b.cutLabels[0]
		}
	}
}

// intervalLabel returns the label of the one-dimensional point x; a point
// on a cut belongs to the interval above it.
func (b *BasinMap) intervalLabel(x float64) int {
	i := sort.Search(len(b.cuts), func(i int) bool { return b.cuts[i] > x })
	return b.cutLabels[i]
}

// descent labels the cells of a grid in two or three dimensions by
// discrete steepest descent.
func (b *BasinMap) descent(l Landscape, minima []Point) {
	g := b.Grid
	d := g.Dim()
	n := g.Len()

	// Work on three axes, padding with axes of one cell.
	var size, stride [3]int
	var periodic [3]bool
	var h [3]float64
	for k := range 3 {
		size[k], stride[k] = 1, 0
		if k < d {
			a := g.Axis(k)
			size[k], stride[k], periodic[k], h[k] = a.N, g.Stride(k), a.Low == grid.Periodic, g.H(k)
		}
	}
	type offset struct {
		o    [3]int
		dist float64
	}
	var offs []offset
	for o2 := -1; o2 <= 1; o2++ {
		for o1 := -1; o1 <= 1; o1++ {
			for o0 := -1; o0 <= 1; o0++ {
				o := [3]int{o0, o1, o2}
				if o == [3]int{} {
					continue
				}
				skip := false
				var s float64
				for k := range 3 {
					if o[k] != 0 && size[k] == 1 {
						skip = true
					}
					s += float64(o[k]*o[k]) * h[k] * h[k]
				}
				if !skip {
					offs = append(offs, offset{o, math.Sqrt(s)})
				}
			}
		}
	}

	val := make([]float64, n)
	x := make([]float64, d)
	for c := range n {
		g.Center(c, x)
		v := l.Value(x)
		if math.IsNaN(v) {
			v = math.Inf(1)
		}
		val[c] = v
	}

	// next[c] is the cell c descends to; next[c] == c for terminal cells.
	next := b.Labels // reused: overwritten by the labels below
	c := 0
	for i2 := range size[2] {
		for i1 := range size[1] {
			for i0 := range size[0] {
				idx := [3]int{i0, i1, i2}
				best, bestSlope := c, 0.0
				for _, of := range offs {
					e := c
					ok := true
					for k := range 3 {
						if of.o[k] == 0 {
							continue
						}
						j := idx[k] + of.o[k]
						switch {
						case j >= 0 && j < size[k]:
						case periodic[k]:
							j = (j + size[k]) % size[k]
						default:
							ok = false
						}
						if !ok {
							break
						}
						e += (j - idx[k]) * stride[k]
					}
					if !ok {
						continue
					}
					if s := (val[e] - val[c]) / of.dist; s < bestSlope {
						best, bestSlope = e, s
					}
				}
				next[c] = best
				c++
			}
		}
	}

	// Label the terminal cells.
	const unset = math.MinInt
	label := make([]int, n)
	var diag float64
	for k := range d {
		diag += h[k] * h[k]
	}
	match := basinMatchCells * math.Sqrt(diag)
	for c := range n {
		label[c] = unset
		if next[c] != c {
			continue
		}
		g.Center(c, x)
		m, md := -1, match
		for i, p := range minima {
			if dd := dist(x, p.X); dd <= md {
				m, md = i, dd
			}
		}
		label[c] = m
	}
	// Follow the pointers, memoizing every cell on the path.
	var path []int
	for c := range n {
		e := c
		for label[e] == unset {
			path = append(path, e)
			e = next[e]
		}
		for _, p := range path {
			label[p] = label[e]
		}
		path = path[:0]
	}
	copy(b.Labels, label)
}

// Of returns the basin label of the point x: the label of the cell that
// contains it, or −1 if x lies outside the grid. In one dimension the label
// is exact: it changes at the positions of the saddles and other
// non-minimum critical points, a point on such a position belonging to the
// basin above it. Of panics if len(x) is not the dimension of the grid.
func (b *BasinMap) Of(x []float64) int {
	if len(x) != b.Grid.Dim() {
		panic(fmt.Sprintf("landscape: BasinMap.Of: len(x) = %d, want %d", len(x), b.Grid.Dim()))
	}
	c, ok := b.Grid.Locate(x)
	if !ok {
		return -1
	}
	if b.Grid.Dim() == 1 {
		return b.intervalLabel(x[0])
	}
	return b.Labels[c]
}

// Masses returns, for each minimum, the integral of the density p (one
// value per cell) over its basin, Σ pᵢ·CellVolume over the cells labelled
// with it; cells labelled −1 are not counted. In one dimension a cell that
// contains a basin boundary is split between the basins in proportion to
// the lengths of its parts. Masses panics if len(p) is not Grid.Len().
func (b *BasinMap) Masses(p []float64) []float64 {
	g := b.Grid
	if len(p) != g.Len() {
		panic(fmt.Sprintf("landscape: BasinMap.Masses: len(p) = %d, want %d", len(p), g.Len()))
	}
	mass := make([]float64, b.nmin)
	add := func(label int, m float64) {
		if label >= 0 && label < b.nmin {
			mass[label] += m
		}
	}
	vol := g.CellVolume()
	if g.Dim() != 1 {
		for c, l := range b.Labels {
			add(l, p[c]*vol)
		}
		return mass
	}
	a := g.Axis(0)
	h := g.H(0)
	for c, l := range b.Labels {
		lo := a.Lo + float64(c)*h
		hi := lo + h
		i := sort.Search(len(b.cuts), func(i int) bool { return b.cuts[i] > lo })
		if i == len(b.cuts) || b.cuts[i] >= hi {
			add(l, p[c]*vol)
			continue
		}
		// Split the cell at the cuts inside it.
		from := lo
		for ; i < len(b.cuts) && b.cuts[i] < hi; i++ {
			add(b.cutLabels[i], p[c]*(b.cuts[i]-from))
			from = b.cuts[i]
		}
		add(b.cutLabels[i], p[c]*(hi-from))
	}
	return mass
}
