package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// bufSize is the size of the buffered writers and readers used here.
const bufSize = 1 << 18

// checkFields reports an error unless g is non-nil, there is one name per
// field and every field holds one value per cell of g. format prefixes the
// messages.
func checkFields(format string, g *grid.Grid, names []string, fields [][]float64) error {
	if g == nil {
		return fmt.Errorf("export: %s: nil grid", format)
	}
	if names != nil && len(names) != len(fields) {
		return fmt.Errorf("export: %s: %d names for %d fields", format, len(names), len(fields))
	}
	for f, v := range fields {
		if len(v) != g.Len() {
			name := fmt.Sprintf("#%d", f)
			if names != nil {
				name = fmt.Sprintf("%q", names[f])
			}
			return fmt.Errorf("export: %s: field %s has %d values, want %d (grid cells)", format, name, len(v), g.Len())
		}
	}
	return nil
}

// writeFile runs write into a memory buffer and stores the result at path
// atomically.
func writeFile(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// newWriter returns a buffered writer on w.
func newWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, bufSize) }

// flush flushes bw and wraps a write error with the format name.
func flush(format string, bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %s: write: %w", format, err)
	}
	return nil
}

// lineReader yields the lines of a text stream without their line
// terminators ("\n" or "\r\n"), counting line numbers for error messages.
type lineReader struct {
	r    *bufio.Reader
	line int
	long []byte
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, bufSize)}
}

// next returns the next line, valid until the following call, or io.EOF
// once the input is exhausted. A final line without a terminator is
// returned as a line.
func (lr *lineReader) next() ([]byte, error) {
	b, err := lr.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		lr.long = append(lr.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = lr.r.ReadSlice('\n')
			lr.long = append(lr.long, b...)
		}
		b = lr.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(b) == 0 && err != nil {
		return nil, io.EOF
	}
	lr.line++
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, nil
}
