// Command runner runs the smoke drill: the real Pulumi engine (the CLI built by
// localcloud/build.sh) drives a small two-region Go program through the Automation API
// against moto, with the bridged pulumi-resource-aws plugin, offline and without an AWS
// account: preview -> up -> refresh -> preview (no change allowed) -> destroy.
//
//	localcloud/build.sh
//	cd localcloud && go run ./runner -root .bin -pulumi-home .bin/home
package main

import (
	"flag"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/drill"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	primary := flag.String("primary-region", "us-west-2", "the primary region")
	standby := flag.String("standby-region", "us-east-1", "the standby region")
	flag.Parse()
	os.Exit(drill.Main(opts, drill.Spec{
		Name:    "smoke",
		Project: "localcloud-smoke",
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			return smokeProgram(endpoint, *primary, *standby), nil
		},
	}))
}
