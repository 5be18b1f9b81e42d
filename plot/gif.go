package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"math"

	vgdraw "gonum.org/v1/plot/vg/draw"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// Size and timing of animation frames.
const (
	gifWidth  = 480 // pixels
	gifHeight = 400 // pixels
	gifDelay  = 12  // hundredths of a second per frame
)

// gifPalette is the 256-colour palette of the animations: 200 colours
// along viridis and 56 greys from black to white, which with error
// diffusion render the heat maps, lines and anti-aliased text.
var gifPalette = func() color.Palette {
	p := make(color.Palette, 0, 256)
	for i := range 200 {
		p = append(p, viridis(float64(i)/199))
	}
	for i := range 56 {
		y := uint8((i*255 + 27) / 55)
		p = append(p, color.NRGBA{R: y, G: y, B: y, A: 255})
	}
	return p
}()

// quantize maps im to gifPalette with Floyd–Steinberg error diffusion. The
// nearest palette colour is looked up in a table over colours rounded to
// 5 bits per channel, filled on demand, which is many times faster than a
// search per pixel; the diffused error makes up for the rounding.
func quantize(im image.Image) *image.Paletted {
	b := im.Bounds()
	pm := image.NewPaletted(b, gifPalette)
	var table [1 << 15]int16
	for i := range table {
		table[i] = -1
	}
	pal := make([][3]int32, len(gifPalette))
	for i, c := range gifPalette {
		r, g, bl, _ := c.RGBA()
		pal[i] = [3]int32{int32(r >> 8), int32(g >> 8), int32(bl >> 8)}
	}
	nearest := func(r, g, bl int32) int {
		key := (r>>3)<<10 | (g>>3)<<5 | bl>>3
		if k := table[key]; k >= 0 {
			return int(k)
		}
		cr, cg, cb := (r>>3)<<3|4, (g>>3)<<3|4, (bl>>3)<<3|4
		best, bestD := 0, int32(math.MaxInt32)
		for i, p := range pal {
			dr, dg, db := p[0]-cr, p[1]-cg, p[2]-cb
			if d := dr*dr + dg*dg + db*db; d < bestD {
				best, bestD = i, d
			}
		}
		table[key] = int16(best)
		return best
	}
	w := b.Dx()
	// Errors carried to this row and the next, with a pixel of margin on
	// either side.
	cur := make([][3]int32, w+2)
	next := make([][3]int32, w+2)
	clamp := func(v int32) int32 { return min(max(v, 0), 255) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := im.At(x, y).RGBA()
			i := x - b.Min.X + 1
			e := cur[i]
			// Errors are kept in 1/16 units.
			c := [3]int32{
				clamp(int32(r>>8) + e[0]/16),
				clamp(int32(g>>8) + e[1]/16),
				clamp(int32(bl>>8) + e[2]/16),
			}
			k := nearest(c[0], c[1], c[2])
			pm.SetColorIndex(x, y, uint8(k))
			for ch := range 3 {
				d := c[ch] - pal[k][ch]
				cur[i+1][ch] += 7 * d
				next[i-1][ch] += 3 * d
				next[i][ch] += 5 * d
				next[i+1][ch] += d
			}
		}
		cur, next = next, cur
		clear(next)
	}
	return pm
}

// writeGIF quantizes the images to gifPalette and writes them to path as an animation that loops forever.
func writeGIF(path string, imgs []image.Image) error {
	anim := &gif.GIF{LoopCount: 0}
	for _, im := range imgs {
		anim.Image = append(anim.Image, quantize(im))
		anim.Delay = append(anim.Delay, gifDelay)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return fmt.Errorf("plot: writing %s: %w", path, err)
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// GIF2D writes the frames as an animated GIF of 480×400 pixels, one
// frame each 0.12 s, looping forever, with one colour scale for all frames
// (as in Panels). Each frame shows its Title.
func GIF2D(frames []Density2D, path string) error {
	fs, err := shareScale(frames)
	if err != nil {
		return err
	}
	imgs := make([]image.Image, len(fs))
	for i, f := range fs {
		p := f.plot(true)
		imgs[i] = render(gifWidth, gifHeight, p.Draw)
	}
	return writeGIF(path, imgs)
}

// GIF1D writes the curves of c as an animated GIF of 480×400 pixels, one
// frame per time titled "t = …" (after c.Title, if set), each 0.12 s,
// looping forever. The density axis has the same range in every frame.
func GIF1D(c Curves1D, path string) error {
	if err := c.check(); err != nil {
		return err
	}
	if len(c.Times) == 0 {
		return errors.New("plot: GIF1D has no frames")
	}
	ylo, yhi := c.yRange()
	imgs := make([]image.Image, len(c.Times))
	for i, t := range c.Times {
		title := "t = " + formatNumber(t)
		if c.Title != "" {
			title = c.Title + ", " + title
		}
		p, _ := c.plot([]int{i}, ylo, yhi, title, true)
		imgs[i] = render(gifWidth, gifHeight, func(dc vgdraw.Canvas) { p.Draw(dc) })
	}
	return writeGIF(path, imgs)
}
