package tfremote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf5to6server"
	tfplugin "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/opentofu/plugin"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// Provider is a running Terraform provider process seen as a protocol 6 server, the form
// the bridge's pkg/pf/proto consumes. Close stops the process.
type Provider struct {
	tfprotov6.ProviderServer
	client *plugin.Client
}

// Close kills the Terraform provider process.
func (p *Provider) Close() {
	p.client.Kill()
}

// Start runs the Terraform provider binary at path and connects to it over the Terraform
// plugin protocol. Only protocol version 5 is offered: it is what SDKv2 and muxed providers
// such as terraform-provider-aws speak. On Linux the child is killed when this process dies
// (Pdeathsig), so a crashed or killed plugin leaves no Terraform provider behind.
//
// Terraform's own log lines (TF_LOG) are forwarded to this process's stderr at the level
// named by TF_LOG, warnings by default.
func Start(ctx context.Context, path string) (*Provider, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("terraform provider binary: %w", err)
	}
	cmd := exec.Command(path)
	cmd.SysProcAttr = childProcAttr()

	level := hclog.LevelFromString(os.Getenv("TF_LOG"))
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  tfplugin.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{5: tfplugin.VersionedPlugins[5]},
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Cmd:              cmd,
		AutoMTLS:         true,
		Managed:          true,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "terraform-provider",
			Level:  level,
			Output: os.Stderr,
		}),
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	if v := client.NegotiatedVersion(); v != 5 {
		client.Kill()
		return nil, fmt.Errorf("%s negotiated plugin protocol %d, only 5 is supported", path, v)
	}
	grpcClient, ok := rpc.(*plugin.GRPCClient)
	if !ok {
		client.Kill()
		return nil, errors.New("terraform provider did not offer a gRPC connection")
	}
	v5 := NewServer(tfplugin5.NewProviderClient(grpcClient.Conn))
	v6, err := tf5to6server.UpgradeServer(ctx, func() tfprotov5.ProviderServer { return v5 })
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("upgrading %s to protocol 6: %w", path, err)
	}
	return &Provider{ProviderServer: v6, client: client}, nil
}
