package main

import "github.com/spf13/cobra"

// sweepCmd is the parameter sweep (not built yet).
func sweepCmd(o *options) *cobra.Command {
	return notYet(o, "sweep", "vary scenario fields and tabulate escape rates", "parameter sweeps")
}
