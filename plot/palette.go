package plot

import (
	"image"
	"image/color"
	"math"
)

// viridisStops are ten evenly spaced colours of the viridis colour map
// (van der Walt and Smith, matplotlib 2.0), from dark violet through blue and
// green to yellow. Its lightness grows monotonically and it reads in grey
// scale and for the common forms of colour blindness.
var viridisStops = [...][3]uint8{
	{0x44, 0x01, 0x54},
	{0x48, 0x28, 0x78},
	{0x3e, 0x4a, 0x89},
	{0x31, 0x68, 0x8e},
	{0x26, 0x82, 0x8e},
	{0x1f, 0x9e, 0x89},
	{0x35, 0xb7, 0x79},
	{0x6d, 0xcd, 0x59},
	{0xb4, 0xde, 0x2c},
	{0xfd, 0xe7, 0x25},
}

// viridis returns the colour at s ∈ [0, 1] of the viridis map, by linear
// interpolation between its stops; s outside [0, 1] is clamped and NaN
// gives the lowest colour.
func viridis(s float64) color.NRGBA {
	if !(s > 0) {
		s = 0
	}
	if s > 1 {
		s = 1
	}
	f := s * float64(len(viridisStops)-1)
	i := int(f)
	if i >= len(viridisStops)-1 {
		i = len(viridisStops) - 2
	}
	w := f - float64(i)
	a, b := viridisStops[i], viridisStops[i+1]
	mix := func(u, v uint8) uint8 {
		return uint8(math.Round(float64(u)*(1-w) + float64(v)*w))
	}
	return color.NRGBA{R: mix(a[0], b[0]), G: mix(a[1], b[1]), B: mix(a[2], b[2]), A: 255}
}

// curveColor returns the colour of the i-th of n curves drawn in sequence:
// evenly spaced along viridis from dark violet to yellow-green, stopping
// short of the pale yellow end, which is hard to see on white.
func curveColor(i, n int) color.NRGBA {
	if n <= 1 {
		return viridis(0.3)
	}
	return viridis(0.85 * float64(i) / float64(n-1))
}

// scale maps values to colours of viridis linearly between lo and hi.
type scale struct {
	lo, hi float64
}

// at returns the colour of v.
func (s scale) at(v float64) color.NRGBA {
	return viridis((v - s.lo) / (s.hi - s.lo))
}

// gradient returns a 1×n image of the scale from hi (top row) to lo
// (bottom row), the fill of a vertical colour bar.
func (s scale) gradient(n int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 1, n))
	for j := range n {
		img.SetNRGBA(0, n-1-j, viridis((float64(j)+0.5)/float64(n)))
	}
	return img
}
