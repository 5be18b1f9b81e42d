package escape

import (
	"encoding/json"
	"math"
)

// finite returns &v, or nil when v is NaN or infinite (JSON has no such
// numbers: an escape time that overflows, or an s that could not be
// fitted, is written as null).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes t with non-finite numbers as null.
func (t SGDTheory) MarshalJSON() ([]byte, error) {
	type plain SGDTheory
	return json.Marshal(struct {
		plain
		Tau0           *float64 `json:"tau_s0"`
		TauHalf        *float64 `json:"tau_s_half"`
		Tau1           *float64 `json:"tau_s1"`
		TauHalfWithDet *float64 `json:"tau_s_half_with_det"`
		S              *float64 `json:"s"`
		SWithDet       *float64 `json:"s_with_det"`
		SExponent      *float64 `json:"s_exponent"`
	}{plain(t), finite(t.Tau0), finite(t.TauHalf), finite(t.Tau1), finite(t.TauHalfWithDet), finite(t.S), finite(t.SWithDet), finite(t.SExponent)})
}

// MarshalJSON writes l with non-finite numbers as null.
func (l Laplace) MarshalJSON() ([]byte, error) {
	type plain Laplace
	return json.Marshal(struct {
		plain
		Exponent  *float64 `json:"exponent"`
		Prefactor *float64 `json:"prefactor"`
		Tau       *float64 `json:"tau"`
	}{plain(l), finite(l.Exponent), finite(l.Prefactor), finite(l.Tau)})
}
