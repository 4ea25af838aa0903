// Command pulumi-resource-aws is a Pulumi resource provider plugin that impersonates
// pulumi-aws 6.83.4 by bridging the Terraform AWS provider binary found on the machine,
// so that the unmodified pulumi-aws Go SDK runs against an AWS emulator offline.
//
// The Terraform provider binary is the one named by LOCALCLOUD_TF_AWS_PROVIDER, or else
// the one build.sh recorded at link time (-X main.terraformProvider=PATH).
package main

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/proto"
	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/multiregion/multiregion/localcloud/plugin/awsmap"
	"github.com/multiregion/multiregion/localcloud/plugin/tfremote"
)

// terraformProvider is the Terraform AWS provider binary, set by build.sh at link time.
var terraformProvider string

func main() {
	if slices.Contains(os.Args[1:], "-version") || slices.Contains(os.Args[1:], "--version") {
		fmt.Println(awsmap.Version)
		return
	}
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-aws:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	path := os.Getenv("LOCALCLOUD_TF_AWS_PROVIDER")
	if path == "" {
		path = terraformProvider
	}
	if path == "" {
		return fmt.Errorf("no Terraform AWS provider: set LOCALCLOUD_TF_AWS_PROVIDER or build with -X main.terraformProvider=PATH")
	}
	tf, err := tfremote.Start(ctx, path)
	if err != nil {
		return err
	}
	defer tf.Close()

	info, err := awsmap.ProviderInfo(proto.New(ctx, tf))
	if err != nil {
		return err
	}
	pfbridge.Main(ctx, "aws", info, pfbridge.ProviderMetadata{
		XGetSchema: func(context.Context, plugin.GetSchemaRequest) ([]byte, error) {
			return awsmap.Schema(info)
		},
	})
	return nil
}
