package scenario_test

import (
	"fmt"

	"github.com/fpsolve/fpsolve/scenario"
)

// Example shows the life cycle of a scenario in a command: load (here the
// embedded default), apply --set overrides, validate.
func Example() {
	s := scenario.Default()
	for _, a := range []string{"noise.lr=0.05", "noise.batch=-4", "time.scheme=rk4"} {
		if err := s.Set(a); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("d = %d, η = %g, cells %v\n", s.Dim(), *s.Noise.LR, s.Cells)
	// Output:
	// noise.batch = -4: must be a finite number > 0 (the batch size B)
	// time.scheme = rk4: unknown time-stepping scheme (aliases be, implicit-euler, cn); allowed: backward-euler | crank-nicolson | bdf2 | tr-bdf2
	// d = 1, η = 0.05, cells [1000]
}

// ExampleScenario_Set shows a type error of an override.
func ExampleScenario_Set() {
	s := scenario.Default()
	fmt.Println(s.Set("cells=[many]"))
	fmt.Println(s.Set("noise.temprature=0.1"))
	// Output:
	// cells[0] = many: expected an integer, got a string
	// noise.temprature = 0.1: unknown key "temprature" in noise; did you mean "temperature"?; allowed: model, temperature, matrix, lr, batch, psd, epsilon, floor, schedule
}

// ExampleBoundary_Faces shows per-axis boundary conditions.
func ExampleBoundary_Faces() {
	s := scenario.Default()
	_ = s.Set("boundary=[[reflecting, absorbing], periodic]")
	faces, err := s.Boundary.Faces(2)
	fmt.Println(faces, err)
	// Output:
	// [[reflecting absorbing] [periodic periodic]] <nil>
}
