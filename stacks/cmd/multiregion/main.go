// Command multiregion is the Pulumi program of the multiregion project (Pulumi.yaml's main).
package main

import (
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(stacks.Program)
}
