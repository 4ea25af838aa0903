// Command runner runs the smoke drill: the real Pulumi engine (the CLI built by
// localcloud/build.sh) drives a small two-region Go program through the Automation API
// against moto, with the bridged pulumi-resource-aws plugin, offline and without an AWS
// account: preview -> up -> refresh -> preview (no change allowed) -> destroy, with 5% of the
// AWS requests faulted by the region proxy (-fault-rate) and moto's inventory compared with the
// state after up and after destroy.
//
//	localcloud/build.sh
//	cd localcloud && go run ./runner -root .bin -pulumi-home .bin/home
package main

import (
	"flag"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	primary := flag.String("primary-region", "us-west-2", "the primary region")
	standby := flag.String("standby-region", "us-east-1", "the standby region")
	rate := flag.Float64("fault-rate", 0.05, "the share of AWS requests the region proxy faults (throttles, 500s, 503s, connection resets, latency); 0: none")
	seed := flag.Uint64("fault-seed", 1, "the seed of the injected faults")
	flag.Parse()
	spec := drill.Spec{
		Name:    "smoke",
		Project: "localcloud-smoke",
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			return smokeProgram(endpoint, *primary, *standby), nil
		},
		// moto must hold exactly what the state says after every phase, faults or not.
		Inventory: []string{*primary, *standby},
	}
	if *rate > 0 {
		spec.Faults = &emulator.Faults{
			Rate: *rate,
			Seed: *seed,
			Weights: map[emulator.FaultKind]float64{
				emulator.FaultThrottle: 2, emulator.FaultInternalError: 1, emulator.FaultUnavailable: 1,
				emulator.FaultReset: 1, emulator.FaultLatency: 1,
			},
			MaxLatency: 2 * time.Second,
		}
	}
	os.Exit(drill.Main(opts, spec))
}
