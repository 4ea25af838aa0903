// Command runner runs the smoke drill: the real Pulumi engine (the CLI built by
// localcloud/build.sh) drives a small two-region Go program through the Automation API
// against moto, with the bridged pulumi-resource-aws plugin, offline and without an AWS
// account, with 5% of the AWS requests faulted by the region proxy (-fault-rate) and the faults of
// docs/faults.md: preview -> up (SIGKILLed while the replica is created, recovered as the runbook
// says, run again) -> refresh -> preview (no change allowed) -> state export + import -> preview
// (no change) -> the promotion of the replica (its up SIGKILLed once moto has promoted it,
// recovered) -> a retag while a second operator's up is refused by the lock -> destroy (SIGKILLed
// once a database is gone, recovered, run again); moto's inventory is compared with the state
// after up, after each change and after destroy.
//
//	localcloud/build.sh
//	cd localcloud && go run ./runner -root .bin -pulumi-home .bin/home
package main

import (
	"flag"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	primary := flag.String("primary-region", "us-west-2", "the primary region")
	standby := flag.String("standby-region", "us-east-1", "the standby region")
	faults := drill.RegisterFaultFlags(flag.CommandLine, 0.05)
	flag.Parse()
	spec := drill.Spec{
		Name:    "smoke",
		Project: "localcloud-smoke",
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			return smokeProgram(endpoint, *primary, *standby), nil
		},
		// A damaged state's restore: export, import, and a preview with no change.
		StateRoundTrip: true,
		// The whole state lost (docs/faults.md): rebuilt from the cloud with pulumi import.
		LostState: true,
		Stateful:  components.StatefulTypes(),
		// moto must hold exactly what the state says after every phase, faults or not.
		Inventory: []string{*primary, *standby},
		// Killed mid-update (docs/faults.md): the first up while the replica is created, the
		// promotion's up once moto has promoted it, the destroy once a database is gone; and two
		// operators at once (the retag).
		KillUp:      killWhileReplicaCreated(*standby),
		Changes:     []drill.Change{promotion(*standby), retag()},
		KillDestroy: killWhileDeleting(*primary, *standby),
	}
	faults.Apply(&spec)
	os.Exit(drill.Main(opts, spec))
}
