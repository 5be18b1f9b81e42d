package escape

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestJSONNonFinite: an unfitted s (NaN) and an overflowing τ (+Inf) are
// written as null instead of failing the whole JSON document.
func TestJSONNonFinite(t *testing.T) {
	th := Theory{SGD: &SGDTheory{S: math.NaN(), Tau0: math.Inf(1), HAE: 2}, Laplace: &Laplace{Tau: math.Inf(1), Exponent: 800}}
	b, err := json.Marshal(Transition{Theory: th})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"s":null`, `"tau_s0":null`, `"h_ae":2`, `"tau":null`, `"exponent":800`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}
