package sweep

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strconv"

	"github.com/fpsolve/fpsolve/internal/atomicfile"
)

// csvColumns are the measured columns of the sweep table, after the point
// number, the series and the parameters.
var csvColumns = []string{
	"from", "to", "barrier", "mfpt", "iterations", "rate_flux", "rate_survival", "rate_spectral",
	"eyring_kramers", "sgd_tau_s0", "sgd_tau_s_half", "sgd_tau_s1", "s", "s_exponent",
	"laplace_exponent", "laplace_tau", "basin", "basin_x", "basin_mass", "error",
}

// WriteCSV writes the sweep table to path: one row per point and
// transition (escape) or per point and basin (stationary), one column per
// parameter of any point, then the columns of csvColumns. Missing numbers
// are empty cells.
func WriteCSV(path string, points []Point) error {
	b, err := MarshalCSV(points)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, b)
}

// MarshalCSV returns the table that WriteCSV writes.
func MarshalCSV(points []Point) ([]byte, error) {
	var keys []string
	for _, p := range points {
		for k := range p.Params {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := append([]string{"point", "series"}, keys...)
	if err := w.Write(append(header, csvColumns...)); err != nil {
		return nil, err
	}
	num := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', 10, 64)
	}
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return num(*x)
	}
	for _, p := range points {
		lead := []string{strconv.Itoa(p.Index), p.Series}
		for _, k := range keys {
			if v, ok := p.Params[k]; ok {
				lead = append(lead, num(v))
			} else {
				lead = append(lead, "")
			}
		}
		row := func(cols map[string]string) error {
			r := slices.Clone(lead)
			for _, c := range csvColumns {
				r = append(r, cols[c])
			}
			return w.Write(r)
		}
		wrote := false
		if res := p.Result; res != nil {
			for _, t := range res.Transitions {
				c := map[string]string{
					"from": strconv.Itoa(t.From), "to": strconv.Itoa(t.To), "barrier": num(t.Barrier),
					"iterations": opt(t.Iterations), "rate_survival": opt(t.RateSurvival), "rate_spectral": opt(t.RateSpectral),
					"eyring_kramers": opt(t.Theory.EyringKramers),
				}
				if t.MFPT > 0 {
					c["mfpt"], c["rate_flux"] = num(t.MFPT), num(t.RateFlux)
				}
				if sg := t.Theory.SGD; sg != nil {
					c["sgd_tau_s0"], c["sgd_tau_s_half"], c["sgd_tau_s1"] = num(sg.Tau0), num(sg.TauHalf), num(sg.Tau1)
					c["s"], c["s_exponent"] = num(sg.S), num(sg.SExponent)
				}
				if lp := t.Theory.Laplace; lp != nil {
					c["laplace_exponent"], c["laplace_tau"] = num(lp.Exponent), num(lp.Tau)
				}
				if t.MFPT == 0 && len(t.Notes) > 0 {
					c["error"] = t.Notes[0]
				}
				if err := row(c); err != nil {
					return nil, err
				}
				wrote = true
			}
		}
		if st := p.Stationary; st != nil {
			for i, b := range st.Basins {
				x := ""
				for k, v := range b.Minimum {
					if k > 0 {
						x += " "
					}
					x += num(v)
				}
				if err := row(map[string]string{"basin": strconv.Itoa(i), "basin_x": x, "basin_mass": num(b.Mass)}); err != nil {
					return nil, err
				}
				wrote = true
			}
		}
		if !wrote {
			if err := row(map[string]string{"error": p.Error}); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
