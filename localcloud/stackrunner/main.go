// Command stackrunner runs the stack drill: the real multiregion stack program
// (stacks.Program) on the real Pulumi engine against moto, with the settings of
// localcloud/Pulumi.local.yaml and multiregion:emulatorEndpoint set to the moto it starts:
// preview -> up -> refresh -> preview (no change allowed) -> destroy.
//
//	localcloud/build.sh
//	go run ./localcloud/stackrunner -root localcloud/.bin -pulumi-home localcloud/.bin/home
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/stacks"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	config := flag.String("config", "localcloud/Pulumi.local.yaml", "the stack settings file")
	stack := flag.String("stack", "local", "the stack name")
	flag.Parse()

	settings, err := os.ReadFile(*config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcloud: stack settings:", err)
		os.Exit(2)
	}
	os.Exit(drill.Main(opts, drill.Spec{
		Name:     *stack,
		Project:  stacks.Namespace,
		Settings: settings,
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			return stacks.Program, map[string]string{stacks.Namespace + ":emulatorEndpoint": endpoint}
		},
	}))
}
