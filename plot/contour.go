package plot

import (
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// lattice is a function sampled on a rectangular lattice.
type lattice struct {
	x, y []float64
	z    []float64 // z[i+j·len(x)] = f(x[i], y[j])
}

// isolines returns the polylines of the level set z = v of the bilinear
// interpolant of l, found by marching squares and joined end to end. A
// cell whose four edges are all crossed is split by the sign of its mean.
// Cells with a NaN corner are skipped. The result is deterministic: lines
// are ordered by their first cell in row-major order.
func (l *lattice) isolines(v float64) [][]vg.Point {
	nx, ny := len(l.x), len(l.y)
	if nx < 2 || ny < 2 {
		return nil
	}
	// Edge e = 2·(i + j·nx) is the one from (i, j) to (i+1, j); e + 1 the
	// one from (i, j) to (i, j+1).
	above := func(i, j int) bool { return l.z[i+j*nx] >= v }
	cross := func(e int) vg.Point {
		n := e / 2
		i, j := n%nx, n/nx
		i1, j1 := i, j
		if e%2 == 0 {
			i1++
		} else {
			j1++
		}
		za, zb := l.z[i+j*nx], l.z[i1+j1*nx]
		t := (v - za) / (zb - za)
		return vg.Point{
			X: vg.Length(l.x[i] + t*(l.x[i1]-l.x[i])),
			Y: vg.Length(l.y[j] + t*(l.y[j1]-l.y[j])),
		}
	}
	type seg struct{ a, b int }
	var segs []seg
	link := make([][2]int32, 2*nx*ny) // segments at each edge, 1-based
	add := func(a, b int) {
		segs = append(segs, seg{a, b})
		s := int32(len(segs))
		for _, e := range []int{a, b} {
			if link[e][0] == 0 {
				link[e][0] = s
			} else {
				link[e][1] = s
			}
		}
	}
	for j := 0; j < ny-1; j++ {
		for i := 0; i < nx-1; i++ {
			z00, z10, z01, z11 := l.z[i+j*nx], l.z[i+1+j*nx], l.z[i+(j+1)*nx], l.z[i+1+(j+1)*nx]
			if math.IsNaN(z00 + z10 + z01 + z11) {
				continue
			}
			bottom, left := 2*(i+j*nx), 2*(i+j*nx)+1
			top, right := 2*(i+(j+1)*nx), 2*(i+1+j*nx)+1
			var es []int
			if above(i, j) != above(i+1, j) {
				es = append(es, bottom)
			}
			if above(i+1, j) != above(i+1, j+1) {
				es = append(es, right)
			}
			if above(i, j+1) != above(i+1, j+1) {
				es = append(es, top)
			}
			if above(i, j) != above(i, j+1) {
				es = append(es, left)
			}
			switch len(es) {
			case 2:
				add(es[0], es[1])
			case 4:
				// Saddle cell: corners (i, j) and (i+1, j+1) agree. Join
				// the edges around the corners that differ from the mean.
				if ((z00+z10+z01+z11)/4 >= v) == above(i, j) {
					add(bottom, right)
					add(top, left)
				} else {
					add(bottom, left)
					add(top, right)
				}
			}
		}
	}
	used := make([]bool, len(segs))
	other := func(e int, s int32) int32 {
		if link[e][0] == s {
			return link[e][1]
		}
		return link[e][0]
	}
	// walk follows the chain from segment s leaving through edge e.
	walk := func(s int32, e int) []int {
		var es []int
		for {
			es = append(es, e)
			n := other(e, s)
			if n == 0 || used[n-1] {
				return es
			}
			used[n-1] = true
			s = n
			if sg := segs[n-1]; sg.a == e {
				e = sg.b
			} else {
				e = sg.a
			}
		}
	}
	var lines [][]vg.Point
	for k, sg := range segs {
		if used[k] {
			continue
		}
		used[k] = true
		fwd := walk(int32(k+1), sg.b)
		back := walk(int32(k+1), sg.a)
		pts := make([]vg.Point, 0, len(fwd)+len(back))
		for i := len(back) - 1; i >= 0; i-- {
			pts = append(pts, cross(back[i]))
		}
		for _, e := range fwd {
			pts = append(pts, cross(e))
		}
		lines = append(lines, pts)
	}
	return lines
}

// contourLines draws polylines given in data coordinates, all levels in one
// style.
type contourLines struct {
	lines [][]vg.Point
	style draw.LineStyle
}

// Plot strokes the lines as one path, so that where they meet no stroke
// is drawn twice.
func (cl *contourLines) Plot(c draw.Canvas, plt *gplot.Plot) {
	trX, trY := plt.Transforms(&c)
	var pa vg.Path
	for _, l := range cl.lines {
		for i, p := range l {
			q := vg.Point{X: trX(float64(p.X)), Y: trY(float64(p.Y))}
			if i == 0 {
				pa.Move(q)
			} else {
				pa.Line(q)
			}
		}
	}
	if len(pa) > 0 {
		c.SetLineStyle(cl.style)
		c.Stroke(pa)
	}
}
