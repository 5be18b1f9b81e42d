package landscape_test

import (
	"fmt"
	"log"

	"github.com/fpsolve/fpsolve/landscape"
)

func ExampleFormula() {
	// The flat-sharp landscape as a formula, evaluated at its sharp
	// minimum (1, 0), where ∇L = 0 and H = e^{1/2}·diag(2, 1).
	l, err := landscape.Formula("exp(0.5*x)*((x^2-1)^2/4 + y^2/2)", 2)
	if err != nil {
		log.Fatal(err)
	}
	grad, hess := make([]float64, 2), make([]float64, 4)
	v := l.Derivatives([]float64{1, 0}, grad, hess)
	fmt.Printf("L = %.4f\n∇L = %.4f\nH = %.4f\n", v, grad, hess)

	_, err = landscape.Formula("x^2 + z", 2)
	fmt.Println(err)
	// Output:
	// L = 0.0000
	// ∇L = [0.0000 0.0000]
	// H = [3.2974 0.0000 0.0000 1.6487]
	// landscape: formula "x^2 + z", column 7: unknown variable "z": the domain has 2 axes, use x, y (and the constants pi, e)
}

func ExampleBuiltin() {
	l, err := landscape.Builtin("styblinski-tang", 1, map[string]any{"k": 4})
	if err != nil {
		log.Fatal(err)
	}
	grad, hess := make([]float64, 1), make([]float64, 1)
	// The global minimum u = −2.903534 of the standard function moves to
	// x = u/√k, keeping its value, while L″ is multiplied by k = 4.
	v := l.Derivatives([]float64{-2.903534027771177 / 2}, grad, hess)
	fmt.Printf("%v: L = %.6f, L′ = %.1g, L″ = %.6f\n", l, v, grad[0], hess[0])
	// Output:
	// styblinski-tang(k=4): L = -39.166166, L′ = 0, L″ = 138.332236
}
