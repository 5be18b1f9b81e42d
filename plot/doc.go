// Package plot draws the figures of fpsolve: heat maps of two-dimensional
// densities P(θ, t) with the contours, critical points and probability
// current of the landscape, one-dimensional densities at several times
// with the loss on a second axis, survival curves on logarithmic axes,
// tiled snapshots with a shared colour scale and animated GIFs.
//
// The figures are built with gonum.org/v1/plot. Colours come from a
// perceptual sequential palette (viridis), text is set in Liberation
// Serif, and every figure reserves room for its own labels, colour bar
// and key, so that nothing is clipped and no key covers the data.
//
// The format of a saved figure follows the extension of its path: .png
// (the default, also used when there is no extension), .svg or .pdf.
// EPS is not offered: gonum's EPS canvas cannot draw the raster heat maps.
// Rendering is deterministic: the same input gives the same PNG bytes.
package plot
