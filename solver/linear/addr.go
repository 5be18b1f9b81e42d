package linear

import "unsafe"

// addr returns the address of p as an integer, for overlap checks only.
func addr(p *float64) uintptr { return uintptr(unsafe.Pointer(p)) }
