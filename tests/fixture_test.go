package tests

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prodConfig returns the prod stack's configuration, as Pulumi would hand it to the program.
func prodConfig(t testing.TB) map[string]string {
	t.Helper()
	conf, _, err := mockcloud.StackConfig(filepath.Join("..", "Pulumi.prod.yaml"))
	require.NoError(t, err)
	return conf
}

// with returns a copy of conf with the given keys ("drStrategy", ...) set; structured values are
// JSON-encoded.
func with(t testing.TB, conf map[string]string, kv map[string]any) map[string]string {
	t.Helper()
	out := maps.Clone(conf)
	for k, v := range kv {
		if s, ok := v.(string); ok {
			out[stacks.Namespace+":"+k] = s
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out[stacks.Namespace+":"+k] = string(b)
	}
	return out
}

// runStack loads conf (the keys in secret marked secret) and deploys the stack under a fresh mock
// engine; it returns what the engine recorded and what Deploy built.
func runStack(conf map[string]string, secret ...string) (*mockcloud.Engine, *stacks.Deployment, error) {
	return runStackOn(mockcloud.New(), conf, secret...)
}

// runStackOn is runStack on the engine e (set up with, e.g., the stack's last outputs).
func runStackOn(e *mockcloud.Engine, conf map[string]string, secret ...string) (*mockcloud.Engine, *stacks.Deployment, error) {
	var d *stacks.Deployment
	err := e.Run(func(ctx *pulumi.Context) error {
		cfg, err := stacks.Load(ctx)
		if err != nil {
			return err
		}
		d, err = stacks.Deploy(ctx, cfg)
		return err
	}, conf, secret...)
	return e, d, err
}

// deploy runs the stack program on conf under a fresh mock engine and returns what it recorded.
func deploy(t testing.TB, conf map[string]string) (*mockcloud.Engine, *stacks.Deployment) {
	t.Helper()
	e, d, err := runStack(conf)
	require.NoError(t, err)
	return e, d
}

// regions of the prod stack, primary first.
var prodRegions = []string{"us-west-2", "us-east-1", "eu-west-1"}

// deployErr runs the stack program on a configuration that must be rejected, checks that nothing was
// registered, and returns the error.
func deployErr(t testing.TB, conf map[string]string) error {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(stacks.Program, conf)
	require.Error(t, err)
	assert.Empty(t, e.Resources(), "a rejected configuration registered resources")
	return err
}

func itoa(i int) string { return strconv.Itoa(i) }
