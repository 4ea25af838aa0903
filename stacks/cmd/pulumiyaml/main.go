// Command pulumiyaml writes Pulumi.yaml from the configuration table of package stacks (stacks.Keys),
// so that the schema the Pulumi CLI enforces is the one the program reads:
//
//	go generate ./stacks         (runs: go run ./cmd/pulumiyaml -o ../Pulumi.yaml)
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/multiregion/multiregion/stacks"
)

func main() {
	out := flag.String("o", "Pulumi.yaml", "the file to write")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(stacks.ProjectYAML()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "pulumiyaml:", err)
		os.Exit(1)
	}
}
