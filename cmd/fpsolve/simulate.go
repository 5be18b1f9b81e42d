package main

import "github.com/spf13/cobra"

// simulateCmd is the Monte Carlo simulation (not built yet).
func simulateCmd(o *options) *cobra.Command {
	return notYet(o, "simulate", "Monte Carlo escape times of the SDE, SGD and SGLD", "Monte Carlo simulation")
}
