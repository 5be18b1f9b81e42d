package reference

import "testing"

// TestLoad: every field reaches its struct (a wrong tag would leave a zero),
// checked against values of the file.
func TestLoad(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(v.White) != 6 || len(v.SGDLocal) != 6 || len(v.OU1) != 3 || len(v.OU2) != 4 {
		t.Fatalf("cases: %d white, %d sgd-local, %d OU 1-D, %d OU 2-D", len(v.White), len(v.SGDLocal), len(v.OU1), len(v.OU2))
	}
	w, s, o := v.White[0], v.SGDLocal[0], v.OU1[0]
	for name, c := range map[string][2]float64{
		"white T":       {w.T, 0.05},
		"white x_a":     {w.XA, -1},
		"white mass":    {w.MassLeft, 0.5000000000000001},
		"white a→c":     {w.AToC, 729.6706919423082},
		"white λ₀":      {w.Lambda0, 0.0013791875747768043},
		"white λ₁":      {w.Lambda1, 0.002776140636572903},
		"sgd η":         {s.Eta, 0.1},
		"sgd B":         {s.B, 5},
		"sgd L_a":       {s.LA, -0.25},
		"sgd h_b":       {s.HB, -1},
		"sgd c→a":       {s.CToA, 110223025.83668175},
		"sgd s":         {s.S, 0.6655888550132891},
		"sgd s_exp":     {s.SExp, 0.6137056388801101},
		"sgd τ(½)":      {s.TauHalf, 873376302.7030658},
		"sgd ΔΦ":        {s.DPhi, 17.328679513998622},
		"sgd Laplace":   {s.Laplace, 105414357.0665772},
		"OU k":          {o.K, 2},
		"OU t":          {o.Time, 0.25},
		"OU stat var":   {o.StatVar, 0.05},
		"flat/sharp τ":  {v.FlatSharp.MFPT, 1365.1138834771425},
		"flat/sharp EK": {v.FlatSharp.EKFlat, 0.0007917490662408933},
		"flat/sharp x₀": {v.FlatSharp.Start[0], -1},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %g, want %g", name, c[0], c[1])
		}
	}
	if len(v.OU2[0].StatCov) != 2 || v.OU2[0].Time == 0 || v.OU2[0].Name == "" {
		t.Errorf("OU 2-D case incomplete: %+v", v.OU2[0])
	}
}
