package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
	"github.com/fpsolve/fpsolve/scenario"
	"github.com/fpsolve/fpsolve/solver"
)

// checkpointFile is the name of a run's checkpoint in its output directory.
const checkpointFile = "checkpoint"

// The checkpoint format, version 2 (all integers and floats little-endian):
//
//	magic      the 19 bytes "fpsolve checkpoint\n"
//	version    uint32
//	hlen       uint32, the length of the header
//	nfloat     uint64, the number of float64 values after the header
//	header     hlen bytes of JSON (checkpoint's exported fields)
//	values     nfloat float64: P, then Prev (if has_prev), then Rate (if
//	           has_rate), then the fields
//	crc        uint32, CRC-32C of everything before it
//
// Version 1 had no Rate (and no has_rate); it is still read.
const (
	checkpointMagic   = "fpsolve checkpoint\n"
	checkpointVersion = 2
	checkpointPre     = len(checkpointMagic) + 4 + 4 + 8
)

// checkpoint is the state of an unfinished run: enough for `fpsolve run
// --resume` to continue it and write what the uninterrupted run writes.
type checkpoint struct {
	// Scenario is the resolved scenario (YAML).
	Scenario string `json:"scenario"`
	// Started is false when no step was taken: the run starts from P at T
	// with a fresh stepper.
	Started bool `json:"started"`
	// T, DT, PrevDT: the time reached, the size of the next step and
	// BDF2's last step (see solver.State).
	T      float64 `json:"t"`
	DT     float64 `json:"dt"`
	PrevDT float64 `json:"prev_dt,omitempty"`
	// Stats and Seconds sum up the steps taken so far.
	Stats   solver.Stats `json:"stats"`
	Seconds float64      `json:"seconds"`
	// Snapshots and Survival are the §6 results so far.
	Snapshots []snapshot      `json:"snapshots"`
	Survival  []survivalPoint `json:"survival,omitempty"`
	// Times and Labels describe Fields, the densities for the data files
	// and pictures (the initial one and one per snapshot).
	Times  []float64 `json:"times"`
	Labels []string  `json:"labels"`
	Cells  int       `json:"cells"`
	// HasPrev tells whether Prev (BDF2's history) is stored, HasRate
	// whether Rate (A·P as the run carries it, see solver.State) is.
	HasPrev bool `json:"has_prev,omitempty"`
	HasRate bool `json:"has_rate,omitempty"`

	P      []float64   `json:"-"`
	Prev   []float64   `json:"-"`
	Rate   []float64   `json:"-"`
	Fields [][]float64 `json:"-"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encode returns the checkpoint in the binary format above.
func (c *checkpoint) encode() ([]byte, error) {
	c.HasPrev, c.HasRate = c.Prev != nil, c.Rate != nil
	if len(c.P) != c.Cells || (c.HasPrev && len(c.Prev) != c.Cells) || (c.HasRate && len(c.Rate) != c.Cells) || len(c.Fields) != len(c.Times) || len(c.Labels) != len(c.Times) {
		return nil, fmt.Errorf("checkpoint: inconsistent state (%d cells, P %d, Prev %d, Rate %d, %d fields for %d times)", c.Cells, len(c.P), len(c.Prev), len(c.Rate), len(c.Fields), len(c.Times))
	}
	head, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encode header: %w", err)
	}
	nf := len(c.P) + len(c.Prev) + len(c.Rate)
	for _, f := range c.Fields {
		if len(f) != c.Cells {
			return nil, fmt.Errorf("checkpoint: a density has %d values for %d cells", len(f), c.Cells)
		}
		nf += len(f)
	}
	b := make([]byte, 0, checkpointPre+len(head)+8*nf+4)
	b = append(b, checkpointMagic...)
	b = binary.LittleEndian.AppendUint32(b, checkpointVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(head)))
	b = binary.LittleEndian.AppendUint64(b, uint64(nf))
	b = append(b, head...)
	for _, v := range [][]float64{c.P, c.Prev, c.Rate} {
		b = appendFloats(b, v)
	}
	for _, f := range c.Fields {
		b = appendFloats(b, f)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

func appendFloats(b []byte, v []float64) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// decodeCheckpoint parses the binary format; the error says what is wrong
// with the data.
func decodeCheckpoint(b []byte) (*checkpoint, error) {
	if len(b) < len(checkpointMagic) || string(b[:len(checkpointMagic)]) != checkpointMagic {
		if len(b) < len(checkpointMagic) && strings.HasPrefix(checkpointMagic, string(b)) {
			return nil, fmt.Errorf("it is truncated (%d bytes)", len(b))
		}
		return nil, errors.New("it is not an fpsolve checkpoint")
	}
	if len(b) < checkpointPre {
		return nil, fmt.Errorf("it is truncated (%d bytes)", len(b))
	}
	le := binary.LittleEndian
	r := b[len(checkpointMagic):]
	if v := le.Uint32(r); v != checkpointVersion && v != 1 {
		return nil, fmt.Errorf("it has format version %d; this fpsolve reads versions 1 and %d", v, checkpointVersion)
	}
	hlen, nf := uint64(le.Uint32(r[4:])), le.Uint64(r[8:])
	// The expected size, computed without overflow for any nf.
	if nf > uint64(len(b))/8 {
		return nil, fmt.Errorf("it is truncated or corrupt (%d bytes for %d values)", len(b), nf)
	}
	want := uint64(checkpointPre) + hlen + 8*nf + 4
	switch {
	case uint64(len(b)) < want:
		return nil, fmt.Errorf("it is truncated (%d of %d bytes)", len(b), want)
	case uint64(len(b)) > want:
		return nil, fmt.Errorf("it is corrupt (%d bytes, %d expected)", len(b), want)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != le.Uint32(b[len(b)-4:]) {
		return nil, errors.New("it is corrupt (checksum mismatch)")
	}
	c := new(checkpoint)
	if err := json.Unmarshal(body[checkpointPre:checkpointPre+int(hlen)], c); err != nil {
		return nil, fmt.Errorf("its header is corrupt: %w", err)
	}
	nFields := len(c.Times)
	vectors := uint64(1 + nFields) // P and the fields, and Prev and Rate
	if c.HasPrev {
		vectors++
	}
	if c.HasRate {
		vectors++
	}
	if c.Cells <= 0 || len(c.Labels) != nFields || nFields != len(c.Snapshots)+1 || nf%uint64(c.Cells) != 0 || nf/uint64(c.Cells) != vectors {
		return nil, fmt.Errorf("it is inconsistent (%d cells, %d values, %d fields, %d labels, %d snapshots)", c.Cells, nf, nFields, len(c.Labels), len(c.Snapshots))
	}
	vals := body[checkpointPre+int(hlen):]
	next := func() []float64 {
		v := make([]float64, c.Cells)
		for i := range v {
			v[i] = math.Float64frombits(le.Uint64(vals[8*i:]))
		}
		vals = vals[8*c.Cells:]
		return v
	}
	c.P = next()
	if c.HasPrev {
		c.Prev = next()
	}
	if c.HasRate {
		c.Rate = next()
	}
	c.Fields = make([][]float64, nFields)
	for i := range c.Fields {
		c.Fields[i] = next()
	}
	if c.Snapshots == nil {
		c.Snapshots = []snapshot{}
	}
	return c, nil
}

// writeCheckpoint writes c into the output directory of m, atomically.
func writeCheckpoint(m *scenario.Model, c *checkpoint) error {
	b, err := c.encode()
	if err != nil {
		return err
	}
	return atomicfile.Write(outPath(m, checkpointFile), b)
}

// readCheckpoint reads the checkpoint in dir; every problem is bad input
// (exit status 2), with a message that names it.
func readCheckpoint(dir string) (*checkpoint, error) {
	path := filepath.Join(dir, checkpointFile)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, usagef("--resume %s: no such directory", dir)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usagef("--resume %s: no checkpoint there (a run writes %s when it is interrupted and every --checkpoint-every, and removes it when it finishes)", dir, path)
	}
	if err != nil {
		return nil, usagef("--resume %s: %v", dir, err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, usagef("--resume %s: cannot use %s: %v", dir, path, err)
	}
	return c, nil
}

// removeCheckpoint deletes the checkpoint of a finished run, if any.
func removeCheckpoint(m *scenario.Model) error {
	err := os.Remove(outPath(m, checkpointFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the finished run's checkpoint: %w", err)
	}
	return nil
}

// resolvedYAML returns the scenario as a checkpoint stores it: canonical
// YAML (a second Parse changes nothing), with a relative data.csv path made
// absolute so that a resume from another directory reads the same file.
func resolvedYAML(s *scenario.Scenario) ([]byte, error) {
	c := s.Clone()
	if c.Data != nil && c.Data.CSV != "" && !filepath.IsAbs(c.Data.CSV) {
		abs, err := filepath.Abs(c.Data.CSV)
		if err != nil {
			return nil, fmt.Errorf("data.csv: %w", err)
		}
		c.Data.CSV = abs
	}
	b, err := c.Marshal()
	if err != nil {
		return nil, err
	}
	again, err := scenario.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: the resolved scenario does not parse back: %w", err)
	}
	return again.Marshal()
}

// resumeModel loads the checkpoint in dir and builds its scenario, with
// dir as the output directory. A scenario file or --set is accepted only
// when the scenario it gives equals the stored one.
func (o *options) resumeModel(args []string, dir string) (*scenario.Model, *checkpoint, error) {
	c, err := readCheckpoint(dir)
	if err != nil {
		return nil, nil, err
	}
	s, err := scenario.Parse([]byte(c.Scenario))
	if err != nil {
		return nil, nil, usagef("--resume %s: the checkpoint's scenario does not parse: %v", dir, err)
	}
	s.Output.Dir = dir
	if o.out != "" && filepath.Clean(o.out) != filepath.Clean(dir) {
		return nil, nil, usagef("--out %s conflicts with --resume %s: a resumed run writes into the directory of its checkpoint", o.out, dir)
	}
	if len(args) > 0 || len(o.sets) > 0 {
		var given *scenario.Scenario
		if len(args) > 0 {
			if given, err = o.loadScenario(args); err != nil {
				return nil, nil, err
			}
		} else {
			given = s.Clone()
			if err := o.applySets(given); err != nil {
				return nil, nil, err
			}
		}
		given.Output.Dir = dir
		if err := sameScenario(s, given); err != nil {
			what := "--set"
			if len(args) > 0 {
				what = "the scenario " + args[0]
				if len(o.sets) > 0 {
					what += " with --set"
				}
			}
			return nil, nil, usagef("--resume %s: %s differs from the scenario of the checkpoint (%v); drop it to continue the stored run, or start a new run without --resume", dir, what, err)
		}
	}
	// The machine may have less memory than the one that started the run.
	if err := o.guard(s); err != nil {
		return nil, nil, err
	}
	m, err := scenario.Build(s)
	if err != nil {
		return nil, nil, err
	}
	if n := m.Grid.Len(); n != c.Cells {
		return nil, nil, usagef("--resume %s: the checkpoint holds %d cells but its scenario has %d", dir, c.Cells, n)
	}
	if n := len(m.OutputTimes()); len(c.Snapshots) > n {
		return nil, nil, usagef("--resume %s: the checkpoint holds %d snapshots but its scenario has %d output times", dir, len(c.Snapshots), n)
	}
	if c.Started && !(c.DT > 0) {
		return nil, nil, usagef("--resume %s: the checkpoint's next step %g is not positive", dir, c.DT)
	}
	return m, c, nil
}

// sameScenario returns nil when a and b resolve to the same YAML, or an
// error quoting the first line where they differ.
func sameScenario(a, b *scenario.Scenario) error {
	ya, err := resolvedYAML(a)
	if err != nil {
		return err
	}
	yb, err := resolvedYAML(b)
	if err != nil {
		return err
	}
	if bytes.Equal(ya, yb) {
		return nil
	}
	la, lb := strings.Split(string(ya), "\n"), strings.Split(string(yb), "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return fmt.Errorf("stored %q, given %q", strings.TrimSpace(x), strings.TrimSpace(y))
		}
	}
	return errors.New("they differ")
}
