package export

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/james-bowman/sparse"
)

// benchGrid returns a 1000×1000 grid (10⁶ cells) and a smooth field on it.
func benchGrid(b *testing.B) (*grid.Grid, []float64) {
	g, err := grid.New(grid.Axis{Lo: -3, Hi: 3, N: 1000}, grid.Axis{Lo: -3, Hi: 3, N: 1000})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	p := make([]float64, g.Len())
	for i := range p {
		p[i] = rng.Float64() * 1e-3
	}
	return g, p
}

// benchMatrix returns a 10⁶×10⁶ five-point-stencil matrix (≈5·10⁶ entries).
func benchMatrix() *sparse.CSR {
	const n = 1000
	rng := rand.New(rand.NewPCG(2, 2))
	indptr := make([]int, 1, n*n+1)
	ind := make([]int, 0, 5*n*n)
	data := make([]float64, 0, 5*n*n)
	for r := 0; r < n*n; r++ {
		i, j := r%n, r/n
		for _, c := range []int{r - n, r - 1, r, r + 1, r + n} {
			if (c == r-1 && i == 0) || (c == r+1 && i == n-1) || (c == r-n && j == 0) || (c == r+n && j == n-1) {
				continue
			}
			ind = append(ind, c)
			data = append(data, rng.NormFloat64())
		}
		indptr = append(indptr, len(ind))
	}
	return sparse.NewCSR(n*n, n*n, indptr, ind, data)
}

func BenchmarkCSV(b *testing.B) {
	g, p := benchGrid(b)
	for b.Loop() {
		if err := CSV(io.Discard, g, []string{"P"}, [][]float64{p}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCSV(b *testing.B) {
	g, p := benchGrid(b)
	var buf bytes.Buffer
	if err := CSV(&buf, g, []string{"P"}, [][]float64{p}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, _, err := ReadCSV(bytes.NewReader(buf.Bytes()), g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNPY(b *testing.B) {
	g, p := benchGrid(b)
	for b.Loop() {
		if err := NPY(io.Discard, g, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVTK(b *testing.B) {
	g, p := benchGrid(b)
	for b.Loop() {
		if err := VTK(io.Discard, g, "bench", []string{"P"}, [][]float64{p}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatrixMarket(b *testing.B) {
	m := benchMatrix()
	b.ReportMetric(float64(m.NNZ()), "nnz")
	for b.Loop() {
		if err := MatrixMarket(io.Discard, m, "5-point Laplacian"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadMatrixMarket(b *testing.B) {
	m := benchMatrix()
	var buf bytes.Buffer
	if err := MatrixMarket(&buf, m, "bench"); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadMatrixMarket(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
