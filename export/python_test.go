package export

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// python runs a Python 3 script with args and returns its output, skipping
// the test when the interpreter or one of the modules is not installed. The
// interpreter is $PYTHON, or python3 when that is unset.
func python(t *testing.T, modules []string, script string, args ...string) string {
	t.Helper()
	py := os.Getenv("PYTHON")
	if py == "" {
		py = "python3"
	}
	if _, err := exec.LookPath(py); err != nil {
		t.Skipf("%s not found", py)
	}
	for _, m := range modules {
		if err := exec.Command(py, "-c", "import "+m).Run(); err != nil {
			t.Skipf("python module %s not available to %s", m, py)
		}
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("python: %v\n%s", err, errb.String())
	}
	return out.String()
}

// parseFloats parses white-space separated numbers printed by Python's
// repr (shortest round-trip form).
func parseFloats(t *testing.T, s string) []float64 {
	t.Helper()
	var vs []float64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("parse %q: %v", f, err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestNPYWithNumPy(t *testing.T) {
	const script = `import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.float64, a.dtype
print(" ".join(str(n) for n in a.shape))
print(" ".join(repr(float(v)) for v in a.ravel(order="C")))
`
	rng := rand.New(rand.NewPCG(11, 12))
	for _, g := range testGrids(t) {
		p := randomField(g, rng)
		path := filepath.Join(t.TempDir(), "p.npy")
		if err := WriteNPY(path, g, p); err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(python(t, []string{"numpy"}, script, path), "\n", 2)
		var want []string
		for k := g.Dim() - 1; k >= 0; k-- {
			want = append(want, strconv.Itoa(g.N(k)))
		}
		if lines[0] != strings.Join(want, " ") {
			t.Errorf("%d-D: numpy shape %q, want %q", g.Dim(), lines[0], strings.Join(want, " "))
		}
		if got := parseFloats(t, lines[1]); !sameBits(got, p) {
			t.Errorf("%d-D: numpy values differ", g.Dim())
		}
	}
}

func TestMatrixMarketWithSciPy(t *testing.T) {
	const script = `import sys, scipy.io, scipy.sparse as sp
a = sp.csr_matrix(scipy.io.mmread(sys.argv[1]))
a.sort_indices()
print(a.shape[0], a.shape[1])
print(" ".join(str(int(v)) for v in a.indptr))
print(" ".join(str(int(v)) for v in a.indices))
print(" ".join(repr(float(v)) for v in a.data))
`
	m := randomCSR(rand.New(rand.NewPCG(13, 14)), 25, 19, 0.2)
	path := filepath.Join(t.TempDir(), "a.mtx")
	if err := WriteMatrixMarket(path, m, "scipy check"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(python(t, []string{"scipy.io", "scipy.sparse"}, script, path), "\n")
	raw := m.RawMatrix()
	ints := func(vs []int) string {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = strconv.Itoa(v)
		}
		return strings.Join(s, " ")
	}
	if lines[0] != "25 19" || lines[1] != ints(raw.Indptr) || lines[2] != ints(raw.Ind) {
		t.Errorf("scipy structure differs:\n%s", strings.Join(lines[:3], "\n"))
	}
	if got := parseFloats(t, lines[3]); !sameBits(got, raw.Data) {
		t.Error("scipy values differ")
	}
}

func TestReadNPYWrittenByNumPy(t *testing.T) {
	const script = `import sys, numpy as np
a = np.linspace(-1, 2, 24).reshape(2, 3, 4) ** 3
np.save(sys.argv[1], a)
np.save(sys.argv[2], a.astype(np.float32))
np.save(sys.argv[3], np.asfortranarray(a))
print(" ".join(repr(float(v)) for v in a.ravel()))
`
	dir := t.TempDir()
	f8, f4, fo := filepath.Join(dir, "f8.npy"), filepath.Join(dir, "f4.npy"), filepath.Join(dir, "fo.npy")
	want := parseFloats(t, python(t, []string{"numpy"}, script, f8, f4, fo))
	read := func(path string) ([]int, []float64, error) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return ReadNPY(f)
	}
	shape, data, err := read(f8)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[0] != 2 || shape[1] != 3 || shape[2] != 4 || !sameBits(data, want) {
		t.Errorf("numpy array read as shape %v, data %v", shape, data)
	}
	if _, _, err := read(f4); err == nil || !strings.Contains(err.Error(), "<f4") {
		t.Errorf("float32 array: %v", err)
	}
	if _, _, err := read(fo); err == nil {
		t.Error("Fortran-order array: no error")
	}
}
