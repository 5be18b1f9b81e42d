package sde

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/fpsolve/fpsolve/grid"
)

// bridgeCut is the exponent beyond which the bridge crossing probability
// e^(−q) < 10⁻¹⁷ is not worth a random number.
const bridgeCut = 40

// cancelEvery is the number of steps between checks for cancellation.
const cancelEvery = 1 << 16

// errDiverged reports a walker whose position stopped being finite.
var errDiverged = errors.New("sde: the walker's position is not finite (the step is too large for the gradient: reduce it)")

// splitmix is the SplitMix64 finalizer, a bijective mixer of 64-bit words.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// walkerSeed returns the two PCG seed words of walker i of an ensemble
// seeded with seed.
func walkerSeed(seed uint64, i int) (uint64, uint64) {
	a := splitmix(seed ^ splitmix(uint64(i)+0x632be59bd9b4e019))
	return a, splitmix(a ^ uint64(i))
}

// worker holds one goroutine's random stream and scratch space.
type worker struct {
	pl   *plan
	stop *atomic.Bool
	pcg  rand.PCG
	rng  *rand.Rand
	// Scratch of length d or d·d.
	x, y, g, hess, dm, l, z, q []float64
	// perm is the minibatch sampler's permutation of the examples.
	perm []int
}

func newWorker(pl *plan, stop *atomic.Bool) *worker {
	d := pl.d
	w := &worker{pl: pl, stop: stop,
		x: make([]float64, d), y: make([]float64, d), g: make([]float64, d),
		dm: make([]float64, d*d), l: make([]float64, d*d), z: make([]float64, d), q: make([]float64, d)}
	if pl.mode == noiseSGD1 {
		w.hess = make([]float64, 1)
	}
	w.rng = rand.New(&w.pcg)
	return w
}

// walk runs walker i and returns how it ended and after how many steps.
func (w *worker) walk(seed uint64, i int) (Status, int64, error) {
	w.pcg.Seed(walkerSeed(seed, i))
	copy(w.x, w.pl.start)
	if w.pl.target.Contains(w.x) {
		return Arrived, 0, nil
	}
	if w.pl.dyn == Minibatch {
		return w.walkMinibatch()
	}
	if w.pl.d == 1 {
		return w.walk1(w.pl.start[0])
	}
	return w.walkD()
}

// walk1 is the one-dimensional fast path: scalar arithmetic, one call of
// the landscape per step and, for constant noise, none of the diffusion.
func (w *worker) walk1(x float64) (Status, int64, error) {
	pl := w.pl
	xs, gs, hs := w.x[:1], w.g[:1], w.hess
	h, amp := pl.h, 0.0
	if pl.mode == noiseConst {
		amp = pl.factor[0]
	}
	wl := pl.walls[0]
	lo, hi := wl.Lo, wl.Hi
	interval, tlo, thi := pl.interval, pl.tlo, pl.thi
	bridge := pl.bridge && (interval || pl.wallBridge)
	absLo, absHi := wl.Low == grid.Absorbing, wl.High == grid.Absorbing
	rng := w.rng
	for n := int64(1); n <= pl.maxSteps; n++ {
		xs[0] = x
		pl.loss.Derivatives(xs, gs, hs)
		switch pl.mode {
		case noiseSGD1:
			pl.sgd.PSD.Positive(w.dm, 1, hs, pl.sgd.Eps)
			dd := pl.sgd.Scale*w.dm[0] + pl.sgd.Floor
			if !(dd >= 0) {
				return 0, n, fmt.Errorf("sde: diffusion D(%g) = %g is not ≥ 0", x, dd)
			}
			amp = math.Sqrt(pl.twoH * dd)
		case noiseField:
			pl.diff.At(w.dm, xs)
			if !(w.dm[0] >= 0) {
				return 0, n, fmt.Errorf("sde: diffusion D(%g) = %g is not ≥ 0", x, w.dm[0])
			}
			amp = math.Sqrt(pl.twoH * w.dm[0])
		}
		y := x - h*gs[0] + amp*rng.NormFloat64()
		if !(y >= lo && y <= hi) {
			switch {
			case math.IsNaN(y) || math.IsInf(y, 0):
				return 0, n, errDiverged
			case y < lo && absLo, y > hi && absHi:
				return Absorbed, n, nil
			}
			y = fold(y, wl)
		}
		if interval {
			if y >= tlo && y <= thi {
				return Arrived, n, nil
			}
		} else {
			xs[0] = y
			if pl.target.Contains(xs) {
				return Arrived, n, nil
			}
		}
		if bridge && amp > 0 {
			a2 := amp * amp
			// The bridge from x to y crosses the level c with probability
			// exp(−2(x−c)(y−c)/(σ²h)) when both lie on one side of c.
			if interval {
				if (x < tlo && y > thi) || (x > thi && y < tlo) {
					return Arrived, n, nil // stepped over the whole target
				}
				if q := 2 * (tlo - x) * (tlo - y); q > 0 && x < tlo && q < bridgeCut*a2 && rng.Float64() < math.Exp(-q/a2) {
					return Arrived, n, nil
				}
				if q := 2 * (x - thi) * (y - thi); q > 0 && x > thi && q < bridgeCut*a2 && rng.Float64() < math.Exp(-q/a2) {
					return Arrived, n, nil
				}
			}
			if absLo {
				if q := 2 * (x - lo) * (y - lo); q < bridgeCut*a2 && rng.Float64() < math.Exp(-q/a2) {
					return Absorbed, n, nil
				}
			}
			if absHi {
				if q := 2 * (hi - x) * (hi - y); q < bridgeCut*a2 && rng.Float64() < math.Exp(-q/a2) {
					return Absorbed, n, nil
				}
			}
		}
		x = y
		if n%cancelEvery == 0 && w.stop.Load() {
			return cancelled, n, nil
		}
	}
	return Capped, pl.maxSteps, nil
}

// fold maps a coordinate outside [Lo, Hi] back inside by mirroring at
// reflecting faces or wrapping around a periodic axis. Absorbing faces are
// handled by the caller; a fold that lands beyond an absorbing face (a step
// longer than the domain) is clamped to it.
func fold(y float64, w Wall) float64 {
	l := w.Hi - w.Lo
	if w.Low == grid.Periodic {
		y = w.Lo + math.Mod(y-w.Lo, l)
		if y < w.Lo {
			y += l
		}
		return y
	}
	for i := 0; i < 64 && !(y >= w.Lo && y <= w.Hi); i++ {
		switch {
		case y < w.Lo && w.Low == grid.Reflecting:
			y = 2*w.Lo - y
		case y > w.Hi && w.High == grid.Reflecting:
			y = 2*w.Hi - y
		default:
			return math.Max(w.Lo, math.Min(w.Hi, y))
		}
	}
	return math.Max(w.Lo, math.Min(w.Hi, y))
}

// walkD is the general path for two and three dimensions.
func (w *worker) walkD() (Status, int64, error) {
	pl := w.pl
	d := pl.d
	x, y, g, z, dm, l := w.x, w.y, w.g, w.z, w.dm, w.l
	if pl.mode == noiseConst {
		l = pl.factor
	}
	planar := pl.bridge && pl.planeU != nil
	rng := w.rng
	for n := int64(1); n <= pl.maxSteps; n++ {
		pl.loss.Derivatives(x, g, nil)
		if pl.mode != noiseConst {
			pl.diff.At(dm, x)
			if err := cholesky(l, dm, d); err != nil {
				return 0, n, fmt.Errorf("at %v: %w", x, err)
			}
			s := math.Sqrt(pl.twoH)
			for i := range l[:d*d] {
				l[i] *= s
			}
		}
		for k := 0; k < d; k++ {
			z[k] = rng.NormFloat64()
		}
		for i := 0; i < d; i++ {
			s := 0.0
			for k := 0; k <= i; k++ {
				s += l[i*d+k] * z[k]
			}
			y[i] = x[i] - pl.h*g[i] + s
		}
		if absorbed, err := pl.confine(y); err != nil {
			return 0, n, err
		} else if absorbed {
			return Absorbed, n, nil
		}
		if pl.target.Contains(y) {
			return Arrived, n, nil
		}
		if pl.bridge {
			if planar && w.crossedPlane(x, y, l) {
				return Arrived, n, nil
			}
			if pl.wallBridge && w.crossedWall(x, y, l) {
				return Absorbed, n, nil
			}
		}
		copy(x, y)
		if n%cancelEvery == 0 && w.stop.Load() {
			return cancelled, n, nil
		}
	}
	return Capped, pl.maxSteps, nil
}

// crossedPlane tests whether the bridge from x to y crossed the target
// plane at a point of the target. l is the noise factor of the step
// (σ·√h), so the variance of the step along U is |lᵀU|².
func (w *worker) crossedPlane(x, y, l []float64) bool {
	pl := w.pl
	d := pl.d
	p, u := pl.planeP, pl.planeU
	s0, s1 := 0.0, 0.0
	for k := 0; k < d; k++ {
		s0 += (x[k] - p[k]) * u[k]
		s1 += (y[k] - p[k]) * u[k]
	}
	if s0 >= 0 || s1 >= 0 {
		return false
	}
	v := 0.0
	for k := 0; k < d; k++ {
		c := 0.0
		for i := k; i < d; i++ {
			c += l[i*d+k] * u[i]
		}
		v += c * c
	}
	q := 2 * s0 * s1
	if v == 0 || q >= bridgeCut*v || w.rng.Float64() >= math.Exp(-q/v) {
		return false
	}
	// The crossing point, approximately: y projected onto the plane.
	for k := 0; k < d; k++ {
		w.q[k] = y[k] - s1*u[k]
	}
	return pl.target.Contains(w.q)
}

// crossedWall tests whether the bridge from x to y crossed an absorbing
// face.
func (w *worker) crossedWall(x, y, l []float64) bool {
	pl := w.pl
	d := pl.d
	for k, wl := range pl.walls {
		v := 0.0
		for j := 0; j <= k; j++ {
			v += l[k*d+j] * l[k*d+j]
		}
		if v == 0 {
			continue
		}
		if wl.Low == grid.Absorbing {
			if q := 2 * (x[k] - wl.Lo) * (y[k] - wl.Lo); q < bridgeCut*v && w.rng.Float64() < math.Exp(-q/v) {
				return true
			}
		}
		if wl.High == grid.Absorbing {
			if q := 2 * (wl.Hi - x[k]) * (wl.Hi - y[k]); q < bridgeCut*v && w.rng.Float64() < math.Exp(-q/v) {
				return true
			}
		}
	}
	return false
}

// confine applies the walls to a proposed position y: a non-finite
// coordinate is an error, crossing an absorbing wall absorbs the walker,
// reflecting (and periodic) walls fold y back into the domain.
func (pl *plan) confine(y []float64) (absorbed bool, err error) {
	for i, v := range y {
		wl := pl.walls[i]
		if v >= wl.Lo && v <= wl.Hi {
			continue
		}
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return false, errDiverged
		case v < wl.Lo && wl.Low == grid.Absorbing, v > wl.Hi && wl.High == grid.Absorbing:
			return true, nil
		}
		y[i] = fold(v, wl)
	}
	return false, nil
}
