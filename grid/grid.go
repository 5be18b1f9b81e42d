package grid

import (
	"errors"
	"fmt"
	"math"
)

// MaxDim is the largest number of axes a Grid supports.
const MaxDim = 3

// Axis describes one axis of a Grid: the interval [Lo, Hi] split into N
// cells, with the boundary conditions of its two end faces.
type Axis struct {
	Lo, Hi    float64
	N         int
	Low, High Boundary
}

// Grid is a uniform Cartesian cell-centred mesh in one to three dimensions.
// A Grid is immutable after New and safe for concurrent use.
type Grid struct {
	axes    []Axis
	h       []float64
	strides []int
	n       int
	vol     float64
	centers [][]float64 // centers[k][i]: CenterCoord(k, i)
}

// New returns the grid with the given axes. It returns an error if there are
// not 1 to 3 axes, an axis has fewer than 2 cells or Lo ≥ Hi, or a periodic
// face is not matched by a periodic face at the other end of its axis.
func New(axes ...Axis) (*Grid, error) {
	if len(axes) < 1 || len(axes) > MaxDim {
		return nil, fmt.Errorf("grid: %d axes, want 1 to %d", len(axes), MaxDim)
	}
	g := &Grid{
		axes:    append([]Axis(nil), axes...),
		h:       make([]float64, len(axes)),
		strides: make([]int, len(axes)),
		n:       1,
		vol:     1,
	}
	for k, a := range axes {
		switch {
		case a.N < 2:
			return nil, fmt.Errorf("grid: axis %d has %d cells, want at least 2", k, a.N)
		case !(a.Lo < a.Hi) || math.IsInf(a.Lo, 0) || math.IsInf(a.Hi, 0):
			return nil, fmt.Errorf("grid: axis %d interval [%g, %g] must be finite with lo < hi", k, a.Lo, a.Hi)
		case (a.Low == Periodic) != (a.High == Periodic):
			return nil, fmt.Errorf("grid: axis %d: a periodic face needs a periodic face at the other end", k)
		}
		if g.n > math.MaxInt32/a.N {
			return nil, errors.New("grid: too many cells")
		}
		g.strides[k] = g.n
		g.n *= a.N
		g.h[k] = (a.Hi - a.Lo) / float64(a.N)
		g.vol *= g.h[k]
	}
	g.centers = make([][]float64, len(axes))
	for k, a := range axes {
		g.centers[k] = make([]float64, a.N)
		for i := range a.N {
			g.centers[k][i] = g.CenterCoord(k, i)
		}
	}
	return g, nil
}

// Dim returns the number of axes d.
func (g *Grid) Dim() int { return len(g.axes) }

// Len returns the number of cells Π Nₖ.
func (g *Grid) Len() int { return g.n }

// Axis returns axis k.
func (g *Grid) Axis(k int) Axis { return g.axes[k] }

// N returns the number of cells on axis k.
func (g *Grid) N(k int) int { return g.axes[k].N }

// H returns the cell width hₖ on axis k.
func (g *Grid) H(k int) float64 { return g.h[k] }

// Stride returns the index distance between neighbouring cells on axis k.
func (g *Grid) Stride(k int) int { return g.strides[k] }

// CellVolume returns Π hₖ.
func (g *Grid) CellVolume() float64 { return g.vol }

// FaceArea returns the area of a face normal to axis k: Π_{m≠k} hₘ
// (1 in one dimension).
func (g *Grid) FaceArea(k int) float64 { return g.vol / g.h[k] }

// Index returns the cell index of the multi-index idx (len d).
func (g *Grid) Index(idx []int) int {
	c := 0
	for k, i := range idx {
		c += i * g.strides[k]
	}
	return c
}

// Coords stores the multi-index of cell c in idx (len d).
func (g *Grid) Coords(c int, idx []int) {
	for k, a := range g.axes {
		idx[k] = c % a.N
		c /= a.N
	}
}

// Coord returns the index of cell c along axis k.
func (g *Grid) Coord(c, k int) int { return (c / g.strides[k]) % g.axes[k].N }

// Center stores the centre of cell c in x (len d).
func (g *Grid) Center(c int, x []float64) {
	for k, a := range g.axes {
		i := c % a.N
		c /= a.N
		x[k] = a.Lo + (float64(i)+0.5)*g.h[k]
	}
}

// CenterCoord returns the coordinate on axis k of the centres of cells with
// index i along that axis.
func (g *Grid) CenterCoord(k, i int) float64 {
	return g.axes[k].Lo + (float64(i)+0.5)*g.h[k]
}

// Locate returns the cell containing x and true, or −1 and false when x lies
// outside the domain. A point on an interior face belongs to the cell above it.
func (g *Grid) Locate(x []float64) (int, bool) {
	c := 0
	for k, a := range g.axes {
		if !(x[k] >= a.Lo && x[k] <= a.Hi) {
			return -1, false
		}
		i := int((x[k] - a.Lo) / g.h[k])
		if i >= a.N {
			i = a.N - 1
		}
		c += i * g.strides[k]
	}
	return c, true
}

// Neighbor returns the index of the cell next to c on axis k in direction
// dir (+1 or −1) and true, wrapping around periodic axes; at a non-periodic
// domain face it returns −1 and false.
func (g *Grid) Neighbor(c, k, dir int) (int, bool) {
	a := g.axes[k]
	i := (c / g.strides[k]) % a.N
	j := i + dir
	switch {
	case j >= 0 && j < a.N:
	case a.Low == Periodic:
		j = (j + a.N) % a.N
	default:
		return -1, false
	}
	return c + (j-i)*g.strides[k], true
}

// Contains reports whether x lies inside the closed domain.
func (g *Grid) Contains(x []float64) bool {
	_, ok := g.Locate(x)
	return ok
}
