package scenario

import (
	"fmt"
	"math"

	"github.com/fpsolve/fpsolve/dataset"
	"github.com/fpsolve/fpsolve/escape"
	"github.com/fpsolve/fpsolve/grid"
	"github.com/fpsolve/fpsolve/landscape"
	"github.com/fpsolve/fpsolve/operators"
	"github.com/fpsolve/fpsolve/solver"
	"github.com/fpsolve/fpsolve/solver/linear"
)

// Model is a validated scenario resolved into the objects the solvers use.
type Model struct {
	Scenario   *Scenario
	Grid       *grid.Grid
	Loss       landscape.Landscape
	Diffusion  operators.Diffusion
	Convention operators.Convention
	// Sinks are the scenario's targets (absorbing sets inside the domain).
	Sinks []operators.Sink
	// Linear and Steps configure the solvers.
	Linear linear.Settings
	Steps  solver.Settings
	// Data is the data set of the data block, or nil; Loss is then Data.
	Data *dataset.Set

	critical *landscape.Critical
	basins   *landscape.BasinMap
	ops      operatorCache // generators per diffusion factor (schedule.go)
}

// Build validates s and resolves it. Problems of the input (including
// formulas that do not parse and built-in parameters out of range) are
// returned as Problems.
func Build(s *Scenario) (*Model, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Scenario: s}
	var ps Problems
	d := s.Dim()
	faces, err := s.Boundary.Faces(d)
	if err != nil {
		ps.add("boundary", "", "%v", err)
		return nil, ps
	}
	axes := make([]grid.Axis, d)
	for k := range axes {
		lo, _ := grid.ParseBoundary(faces[k][0])
		hi, _ := grid.ParseBoundary(faces[k][1])
		axes[k] = grid.Axis{Lo: s.Domain[k][0], Hi: s.Domain[k][1], N: s.Cells[k], Low: lo, High: hi}
	}
	if m.Grid, err = grid.New(axes...); err != nil {
		ps.add("cells", fmt.Sprint(s.Cells), "%v", err)
		return nil, ps
	}
	switch {
	case s.Data != nil:
		var dps Problems
		if m.Data, dps = buildData(s); m.Data != nil {
			m.Loss = m.Data
		}
		ps = append(ps, dps...)
	case s.Landscape.Formula != "":
		m.Loss, err = landscape.Formula(s.Landscape.Formula, d)
		if err != nil {
			ps.add("landscape.formula", fmt.Sprintf("%q", s.Landscape.Formula), "%v", err)
		}
	default:
		m.Loss, err = landscape.Builtin(s.Landscape.Builtin, d, s.Landscape.Params)
		if err != nil {
			ps.add("landscape.builtin", s.Landscape.Builtin, "%v (see `fpsolve landscapes`)", err)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	if m.Convention, err = operators.ParseConvention(s.Convention); err != nil {
		ps.add("convention", s.Convention, "%v", err)
	}
	if m.Linear.Method, err = linear.ParseMethod(s.Solver.Linear); err != nil {
		ps.add("solver.linear", s.Solver.Linear, "%v", err)
	}
	m.Linear.MaxIter = s.Solver.MaxIter
	m.Linear.Shape = append([]int(nil), s.Cells...)
	scheme, err := solver.ParseScheme(s.Time.Scheme)
	if err != nil {
		ps.add("time.scheme", s.Time.Scheme, "%v", err)
	}
	m.Steps = solver.Settings{Scheme: scheme, DT: s.Time.DT, Adaptive: s.Time.IsAdaptive(), Tol: s.Time.Tol, Linear: m.Linear}
	if m.Steps.Adaptive && !scheme.Adaptive() {
		ps.add("time.adaptive", "true", "%s has no error estimate: use scheme tr-bdf2 or backward-euler, or set time.adaptive: false", scheme)
	}
	if err := m.diffusion(&ps); err != nil {
		return nil, err
	}
	m.sinks(&ps)
	return m, ps.err()
}

func floatOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// diffusion resolves the noise model.
func (m *Model) diffusion(ps *Problems) error {
	s := m.Scenario
	n := s.Noise
	d := s.Dim()
	floor := floatOr(n.Floor, 0)
	eps := floatOr(n.Epsilon, 0)
	switch n.Model {
	case White:
		m.Diffusion = operators.White{D: d, T: floatOr(n.Temperature, 0)}
	case Matrix:
		dm, err := operators.NewMatrix(n.Matrix)
		if err != nil {
			ps.add("noise.matrix", fmt.Sprint(n.Matrix), "%v", err)
			return nil
		}
		m.Diffusion = dm
	case SGD, SGDLocal:
		psd, err := operators.ParsePSD(n.PSD)
		if err != nil {
			ps.add("noise.psd", n.PSD, "%v", err)
			return nil
		}
		scale := floatOr(n.LR, 0) / (2 * floatOr(n.Batch, 1))
		if n.Model == SGD {
			m.Diffusion = operators.SGD{Loss: m.Loss, Scale: scale, PSD: psd, Eps: eps, Floor: floor}
			return nil
		}
		crit, err := m.Critical()
		if err != nil {
			return err
		}
		if len(crit.Minima) == 0 {
			ps.add("noise.model", n.Model, "the landscape has no minimum inside the domain, so the local SGD model is undefined: use sgd")
			return nil
		}
		basins := make([]operators.LocalBasin, len(crit.Minima))
		for i, mn := range crit.Minima {
			b := operators.LocalBasin{LossMin: mn.Loss, LossSaddle: mn.Loss, HMin: mn.Hessian, HSaddle: mn.Hessian}
			if j := crit.LowestSaddle(i); j >= 0 {
				b.LossSaddle, b.HSaddle = crit.Saddles[j].Loss, crit.Saddles[j].Hessian
			}
			basins[i] = b
		}
		bm := m.Basins()
		dl, err := operators.NewSGDLocal(m.Loss, scale, psd, eps, floor, basins, func(x []float64) int {
			if b := bm.Of(x); b >= 0 {
				return b
			}
			return crit.Nearest(x)
		})
		if err != nil {
			ps.add("noise.model", n.Model, "%v", err)
			return nil
		}
		m.Diffusion = dl
	case Data:
		dn, err := dataset.NewNoise(m.Data, floatOr(n.LR, 0), floatOr(n.Batch, 1), floor)
		if err != nil {
			ps.add("noise.batch", fnum(floatOr(n.Batch, 1)), "%v", err)
			return nil
		}
		m.Diffusion = dn
	default:
		ps.add("noise.model", n.Model, "unknown noise model")
	}
	return nil
}

// sinks resolves the targets.
func (m *Model) sinks(ps *Problems) {
	s := m.Scenario
	for i, t := range s.Targets {
		path := fmt.Sprintf("targets[%d]", i)
		switch {
		case t.Box != nil:
			lo, hi := make([]float64, len(t.Box)), make([]float64, len(t.Box))
			for k, iv := range t.Box {
				lo[k], hi[k] = iv[0], iv[1]
			}
			m.Sinks = append(m.Sinks, operators.Box{Lo: lo, Hi: hi})
		case t.Ball != nil:
			m.Sinks = append(m.Sinks, operators.Ball{Center: t.Ball.Center, Radius: t.Ball.Radius})
		case t.Basin != nil:
			crit, err := m.Critical()
			if err != nil {
				ps.add(path+".basin", fmt.Sprint(*t.Basin), "%v", err)
				continue
			}
			if *t.Basin >= len(crit.Minima) {
				ps.add(path+".basin", fmt.Sprint(*t.Basin), "the landscape has %d minima in the domain (numbered from 0 by loss; see `fpsolve critical`)", len(crit.Minima))
				continue
			}
			labels := m.Basins().Labels
			cells := make(operators.Cells, len(labels))
			for c, l := range labels {
				cells[c] = l == *t.Basin
			}
			m.Sinks = append(m.Sinks, cells)
		}
	}
}

// Critical returns the critical points of the loss in the domain (found
// once, on first use).
func (m *Model) Critical() (*landscape.Critical, error) {
	if m.critical != nil {
		return m.critical, nil
	}
	d := m.Grid.Dim()
	lo, hi := make([]float64, d), make([]float64, d)
	for k := 0; k < d; k++ {
		lo[k], hi[k] = m.Grid.Axis(k).Lo, m.Grid.Axis(k).Hi
	}
	c, err := landscape.FindCritical(m.Loss, lo, hi, landscape.CriticalSettings{})
	if err != nil {
		return nil, fmt.Errorf("critical points: %w", err)
	}
	m.critical = c
	return c, nil
}

// Basins returns the basin map of the grid (computed once, on first use).
// It needs the critical points; if they cannot be found every cell is
// unlabelled.
func (m *Model) Basins() *landscape.BasinMap {
	if m.basins == nil {
		c, err := m.Critical()
		if err != nil {
			c = &landscape.Critical{}
		}
		m.basins = landscape.NewBasinMap(m.Grid, m.Loss, c)
	}
	return m.basins
}

// Problem returns the Fokker–Planck problem with the scenario's targets as
// sinks.
func (m *Model) Problem() operators.Problem {
	return operators.Problem{Grid: m.Grid, Loss: m.Loss, Diffusion: m.Diffusion, Convention: m.Convention, Sinks: m.Sinks}
}

// Operator assembles the generator with the scenario's targets as sinks.
func (m *Model) Operator() (*operators.Operator, error) {
	return operators.Assemble(m.Problem())
}

// IterationTime returns η for the SGD models (one SGD iteration is η units
// of time) and 0 for the others.
func (m *Model) IterationTime() float64 {
	n := m.Scenario.Noise
	if (n.Model == SGD || n.Model == SGDLocal || n.Model == Data) && n.LR != nil {
		return *n.LR
	}
	return 0
}

// OutputTimes returns the snapshot times: every output.every up to
// time.end, and time.end itself.
func (m *Model) OutputTimes() []float64 {
	end := m.Scenario.Time.End
	every := m.Scenario.Output.Every
	var ts []float64
	if every > 0 {
		for i := 1; float64(i)*every < end*(1-1e-12); i++ {
			ts = append(ts, float64(i)*every)
		}
	}
	return append(ts, end)
}

// Initial returns the initial density (∫P = 1; zero in sink cells).
func (m *Model) Initial() ([]float64, error) {
	s := m.Scenario
	g := m.Grid
	d := g.Dim()
	p := make([]float64, g.Len())
	in := s.Initial
	switch {
	case in.Gaussian != nil:
		g.Gaussian(p, in.Gaussian.Mean, in.Gaussian.Std)
	case in.Minimum != nil:
		c, err := m.Critical()
		if err != nil {
			return nil, err
		}
		i := *in.Minimum
		if i < 0 || i >= len(c.Minima) {
			return nil, Problems{{Path: "initial.minimum", Value: fmt.Sprint(i), Msg: fmt.Sprintf("the landscape has %d minima in the domain (numbered from 0 by loss; see `fpsolve critical`)", len(c.Minima))}}
		}
		// The local equilibrium width √(D_kk/H_kk) at the minimum, at least
		// two cells.
		mn := c.Minima[i]
		dm := make([]float64, d*d)
		m.Diffusion.At(dm, mn.X)
		std := make([]float64, d)
		for k := range std {
			std[k] = 2 * g.H(k)
			if h := mn.Hessian[k*d+k]; h > 0 {
				std[k] = math.Max(std[k], math.Sqrt(dm[k*d+k]/h))
			}
		}
		g.Gaussian(p, mn.X, std)
	case in.Point != nil:
		c, ok := g.Locate(in.Point)
		if !ok {
			return nil, Problems{{Path: "initial.point", Value: fmt.Sprint(in.Point), Msg: "the point lies outside the domain"}}
		}
		p[c] = 1
	default:
		for i := range p {
			p[i] = 1
		}
	}
	if len(m.Sinks) > 0 {
		sinkMask := m.SinkMask()
		for c := range p {
			if sinkMask[c] {
				p[c] = 0
			}
		}
	}
	if g.Normalize(p) == 0 {
		return nil, Problems{{Path: "initial", Msg: "the initial density has no mass inside the domain outside the targets: move it"}}
	}
	return p, nil
}

// SinkMask marks the cells inside the targets.
func (m *Model) SinkMask() []bool {
	g := m.Grid
	mask := make([]bool, g.Len())
	x := make([]float64, g.Dim())
	for _, s := range m.Sinks {
		if cells, ok := s.(operators.Cells); ok {
			for c, in := range cells {
				mask[c] = mask[c] || in
			}
			continue
		}
		for c := range mask {
			g.Center(c, x)
			mask[c] = mask[c] || s.Contains(x)
		}
	}
	return mask
}

// EscapeProblem returns the problem of the escape analysis: the operator
// problem without the scenario's targets, the critical points, the basins
// and the noise parameters of the analytic formulas.
func (m *Model) EscapeProblem() (escape.Problem, error) {
	c, err := m.Critical()
	if err != nil {
		return escape.Problem{}, err
	}
	p := m.Problem()
	p.Sinks = nil
	n := m.Scenario.Noise
	return escape.Problem{
		Base:     p,
		Critical: c,
		Basins:   m.Basins(),
		Noise:    escape.Noise{Model: n.Model, T: floatOr(n.Temperature, 0), LR: floatOr(n.LR, 0), Batch: floatOr(n.Batch, 0)},
		Linear:   m.Linear,
	}, nil
}
