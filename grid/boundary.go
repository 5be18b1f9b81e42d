package grid

import "fmt"

// Boundary is the condition on one face of the domain.
type Boundary int

const (
	// Reflecting faces carry zero probability flux.
	Reflecting Boundary = iota
	// Absorbing faces hold P = 0: probability that reaches them leaves the
	// domain.
	Absorbing
	// Periodic faces identify the low and high ends of an axis.
	Periodic
)

// String returns the scenario-file word for b.
func (b Boundary) String() string {
	switch b {
	case Reflecting:
		return "reflecting"
	case Absorbing:
		return "absorbing"
	case Periodic:
		return "periodic"
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

// ParseBoundary returns the Boundary named by s: reflecting, absorbing or
// periodic.
func ParseBoundary(s string) (Boundary, error) {
	switch s {
	case "reflecting":
		return Reflecting, nil
	case "absorbing":
		return Absorbing, nil
	case "periodic":
		return Periodic, nil
	}
	return 0, fmt.Errorf("unknown boundary %q: use reflecting, absorbing or periodic", s)
}
