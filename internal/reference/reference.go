// Package reference holds the reference values of ../shared/reference that
// the tests check against (one copy, embedded), with their setups.
package reference

import (
	_ "embed"
	"encoding/json"
)

//go:embed reference.json
var data []byte

// White is a 1-D tilted double well L = x⁴/4 − x²/2 + tilt·x under white
// noise D = T: critical points, the left basin's stationary mass, mean
// first passage times a → c and c → a, and the two slowest rates.
type White struct {
	Tilt     float64 `json:"tilt"`
	T        float64 `json:"T"`
	XA       float64 `json:"x_a"`
	XB       float64 `json:"x_b"`
	XC       float64 `json:"x_c"`
	MassLeft float64 `json:"mass_left"`
	AToC     float64 `json:"a_to_c"`
	CToA     float64 `json:"c_to_a"`
	Lambda0  float64 `json:"lambda0_at_c"`
	Lambda1  float64 `json:"lambda1"`
}

// SGDLocal is the same well under the local SGD noise model (η, B), with
// the fitted path parameter s and the escape-time theory's values.
type SGDLocal struct {
	Tilt     float64 `json:"tilt"`
	Eta      float64 `json:"eta"`
	B        float64 `json:"B"`
	XA       float64 `json:"x_a"`
	XB       float64 `json:"x_b"`
	XC       float64 `json:"x_c"`
	LA       float64 `json:"L_a"`
	LB       float64 `json:"L_b"`
	LC       float64 `json:"L_c"`
	HA       float64 `json:"h_a"`
	HB       float64 `json:"h_b"`
	HC       float64 `json:"h_c"`
	MassLeft float64 `json:"mass_left"`
	AToC     float64 `json:"a_to_c"`
	CToA     float64 `json:"c_to_a"`
	Lambda0  float64 `json:"lambda0_at_c"`
	Lambda1  float64 `json:"lambda1"`
	S        float64 `json:"s"`
	SExp     float64 `json:"s_exp"`
	TauHalf  float64 `json:"tau_half"`
	DPhi     float64 `json:"dphi"`
	Laplace  float64 `json:"laplace"`
}

// OU1 is a 1-D Ornstein–Uhlenbeck transient: mean and variance at Time
// from a Gaussian start, and the stationary variance.
type OU1 struct {
	K        float64 `json:"k"`
	T        float64 `json:"T"`
	M0       float64 `json:"m0"`
	V0       float64 `json:"v0"`
	Time     float64 `json:"t"`
	Mean     float64 `json:"mean"`
	Variance float64 `json:"variance"`
	StatVar  float64 `json:"stationary_variance"`
}

// OU2 is a 2-D Ornstein–Uhlenbeck transient with a full D.
type OU2 struct {
	Name    string      `json:"name"`
	H       [][]float64 `json:"H"`
	D       [][]float64 `json:"D"`
	Sigma0  [][]float64 `json:"Sigma0"`
	Cov     [][]float64 `json:"cov"`
	StatCov [][]float64 `json:"stationary_cov"`
	M0      []float64   `json:"m0"`
	Mean    []float64   `json:"mean"`
	Time    float64     `json:"t"`
}

// FlatSharp is the 2-D flat/sharp well under white noise: the MFPT from
// Start to the line x = 1 on Domain and the flat well's Eyring–Kramers
// rate.
type FlatSharp struct {
	Beta   float64     `json:"beta"`
	T      float64     `json:"T"`
	Start  []float64   `json:"start"`
	Domain [][]float64 `json:"domain"`
	MFPT   float64     `json:"mfpt"`
	EKFlat float64     `json:"ek_rate_flat"`
}

// Values are all the reference values.
type Values struct {
	Source    string     `json:"source"`
	White     []White    `json:"white"`
	SGDLocal  []SGDLocal `json:"sgd_local"`
	OU1       []OU1      `json:"ou_1d"`
	OU2       []OU2      `json:"ou_2d"`
	FlatSharp FlatSharp  `json:"flat_sharp"`
}

// Load returns the reference values.
func Load() (*Values, error) {
	var v Values
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
