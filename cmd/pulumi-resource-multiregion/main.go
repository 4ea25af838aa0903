// Command pulumi-resource-multiregion is the multiregion component provider plugin: it serves the
// components of package components (RegionalCluster, DataTier, GlobalEdge, ...) to every Pulumi
// language through Construct, and their schema (provider/schema.json) through GetSchema. The Pulumi
// engine starts it; see package provider.
package main

import (
	"fmt"
	"os"

	"github.com/multiregion/multiregion/provider"
)

func main() {
	if err := provider.Main(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-multiregion:", err)
		os.Exit(1)
	}
}
