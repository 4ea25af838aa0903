package mockcloud_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests register resources by type token with the core SDK only, so this test binary does not
// link the pulumi-aws SDK (example_test.go shows the SDK in a consumer's hands).

const barType = "aws:foo/bar:Bar"

// bar is a custom resource of a type the engine has no built-in fabricator for.
type bar struct {
	pulumi.CustomResourceState
	ARN      pulumi.StringOutput `pulumi:"arn"`
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	Size     pulumi.IntOutput    `pulumi:"size"`
}

// box is a component resource used as a parent.
type box struct{ pulumi.ResourceState }

func provider(ctx *pulumi.Context, region string) (*pulumi.ProviderResourceState, error) {
	var p pulumi.ProviderResourceState
	err := ctx.RegisterResource(mockcloud.AWSProviderType, "aws-"+region, pulumi.Map{"region": pulumi.String(region)}, &p)
	return &p, err
}

func newBar(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*bar, error) {
	var b bar
	err := ctx.RegisterResource(barType, name, pulumi.Map{"size": pulumi.Int(3)}, &b, opts...)
	return &b, err
}

// endpointFabricator extends the default answer with the endpoint a Bar computes.
func endpointFabricator(e *mockcloud.Engine, r *mockcloud.Resource) (string, resource.PropertyMap, error) {
	id, state, err := mockcloud.DefaultFabricator(e, r)
	state["endpoint"] = resource.NewProperty(r.Name + ".bar." + r.Region + ".amazonaws.com")
	return id, state, err
}

func TestWithFabricatorAnswersANewType(t *testing.T) {
	e := mockcloud.New(mockcloud.WithFabricator(barType, endpointFabricator))
	var b *bar
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		p, err := provider(ctx, "eu-west-1")
		if err != nil {
			return err
		}
		b, err = newBar(ctx, "queue", pulumi.Provider(p))
		return err
	}, nil))
	r := e.Find(barType, "queue")
	require.NotNil(t, r)
	assert.Equal(t, "eu-west-1", r.Region)
	assert.Equal(t, "queue.bar.eu-west-1.amazonaws.com", r.OutStr("endpoint"), "the custom fabricator answered")
	assert.Equal(t, "queue.bar.eu-west-1.amazonaws.com", mockcloud.Await[string](t, b.Endpoint), "the program sees the answer")
	assert.True(t, strings.HasPrefix(r.OutStr("arn"), "arn:aws:foo:eu-west-1:123456789012:bar/queue-"), r.OutStr("arn"))
	assert.Equal(t, 3, mockcloud.Await[int](t, b.Size), "inputs flow through to outputs")
}

func TestWithFabricatorReplacesABuiltIn(t *testing.T) {
	const topic = "aws:sns/topic:Topic"
	run := func(opts ...mockcloud.Option) *mockcloud.Resource {
		e := mockcloud.New(opts...)
		require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
			var r pulumi.CustomResourceState
			return ctx.RegisterResource(topic, "alerts", pulumi.Map{"name": pulumi.String("alerts")}, &r)
		}, nil))
		return e.Find(topic, "alerts")
	}
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:alerts", run().ID, "the built-in answer: a topic's ID is its ARN")
	replaced := run(mockcloud.WithFabricator(topic, func(*mockcloud.Engine, *mockcloud.Resource) (string, resource.PropertyMap, error) {
		return "custom-id", resource.PropertyMap{"arn": resource.NewProperty("arn:custom")}, nil
	}))
	assert.Equal(t, "custom-id", replaced.ID)
	assert.Equal(t, "arn:custom", replaced.OutStr("arn"))
}

func TestFabricatorErrorFailsTheRegistration(t *testing.T) {
	e := mockcloud.New(mockcloud.WithFabricator(barType, func(*mockcloud.Engine, *mockcloud.Resource) (string, resource.PropertyMap, error) {
		return "", nil, errors.New("size 3 is not allowed")
	}))
	err := e.Run(func(ctx *pulumi.Context) error {
		_, err := newBar(ctx, "queue")
		return err
	}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "size 3 is not allowed")
	assert.Contains(t, err.Error(), "urn:pulumi:test::multiregion::aws:foo/bar:Bar::queue")
	assert.Empty(t, e.Resources(), "a failed registration is not recorded")
}

func TestOptionsDoNotLeakBetweenEngines(t *testing.T) {
	defaults := mockcloud.DefaultFabricators()
	delete(defaults, mockcloud.AWSProviderType)
	defaults[barType] = endpointFabricator
	_ = mockcloud.New(mockcloud.WithFabricator(barType, endpointFabricator))

	e := mockcloud.New()
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		if _, err := provider(ctx, "us-west-2"); err != nil {
			return err
		}
		_, err := newBar(ctx, "queue")
		return err
	}, nil))
	assert.Empty(t, e.Find(barType, "queue").OutStr("endpoint"), "another engine's fabricator or a changed default table leaked")
	assert.Equal(t, "aws-us-west-2-id", e.Find(mockcloud.AWSProviderType, "aws-us-west-2").ID, "the built-in provider answer")
}

type zones struct {
	Names []string `pulumi:"names"`
}

type thing struct {
	Value string `pulumi:"value"`
}

func TestWithInvokeAddsAndReplaces(t *testing.T) {
	e := mockcloud.New(
		mockcloud.WithInvoke("aws:index/getThing:getThing", func(e *mockcloud.Engine, call mockcloud.Invoke) (resource.PropertyMap, error) {
			return resource.NewPropertyMapFromMap(map[string]any{"value": call.Args["key"].StringValue() + "@" + call.Region + "/" + e.Account}), nil
		}),
		mockcloud.WithInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", func(_ *mockcloud.Engine, call mockcloud.Invoke) (resource.PropertyMap, error) {
			return resource.NewPropertyMapFromMap(map[string]any{"names": []any{call.Region + "x"}}), nil
		}),
	)
	e.Account = "210987654321"
	var got thing
	var az zones
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		p, err := provider(ctx, "ap-southeast-2")
		if err != nil {
			return err
		}
		if err := ctx.Invoke("aws:index/getThing:getThing", map[string]any{"key": "k"}, &got, pulumi.Provider(p)); err != nil {
			return err
		}
		return ctx.Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", map[string]any{}, &az, pulumi.Provider(p))
	}, nil))
	assert.Equal(t, "k@ap-southeast-2/210987654321", got.Value, "the added invoke answered with the call's region and the engine's account")
	assert.Equal(t, []string{"ap-southeast-2x"}, az.Names, "the replaced invoke answered")
	calls := e.Invokes()
	require.Len(t, calls, 2)
	assert.Equal(t, "aws:index/getThing:getThing", calls[0].Token)
	assert.Equal(t, "ap-southeast-2", calls[0].Region)
}

func TestBuiltInInvokes(t *testing.T) {
	e := mockcloud.New()
	var az zones
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		p, err := provider(ctx, "us-west-2")
		if err != nil {
			return err
		}
		return ctx.Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", map[string]any{}, &az, pulumi.Provider(p))
	}, nil))
	assert.Equal(t, []string{"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}, az.Names)
}

func TestUnansweredInvokeFails(t *testing.T) {
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		var got thing
		return ctx.Invoke("aws:index/getThing:getThing", map[string]any{}, &got)
	}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no mock for invoke aws:index/getThing:getThing")
}

func TestDuplicateURNIsRejected(t *testing.T) {
	for name, program := range map[string]pulumi.RunFunc{
		"two custom resources": func(ctx *pulumi.Context) error {
			if _, err := newBar(ctx, "queue"); err != nil {
				return err
			}
			_, err := newBar(ctx, "queue")
			return err
		},
		"two components": func(ctx *pulumi.Context) error {
			var a, b box
			if err := ctx.RegisterComponentResource("acme:index:Box", "queue", &a); err != nil {
				return err
			}
			return ctx.RegisterComponentResource("acme:index:Box", "queue", &b)
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := mockcloud.New()
			err := e.Run(program, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "duplicate resource URN")
			assert.Contains(t, err.Error(), "::queue")
			assert.Len(t, e.Resources(), 1, "only the first registration is recorded")
		})
	}
}

func TestSameNameUnderParentsOfTheSameTypeCollides(t *testing.T) {
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		var a, b box
		if err := ctx.RegisterComponentResource("acme:index:Box", "a", &a); err != nil {
			return err
		}
		if err := ctx.RegisterComponentResource("acme:index:Box", "b", &b); err != nil {
			return err
		}
		if _, err := newBar(ctx, "queue", pulumi.Parent(&a)); err != nil {
			return err
		}
		_, err := newBar(ctx, "queue", pulumi.Parent(&b))
		return err
	}, nil)
	require.Error(t, err, "a URN carries the parent's type, not its name")
	assert.Contains(t, err.Error(), "urn:pulumi:test::multiregion::acme:index:Box$aws:foo/bar:Bar::queue")
}

func TestSameNameUnderAnotherParentTypeIsDistinct(t *testing.T) {
	e := mockcloud.New()
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		var a box
		if err := ctx.RegisterComponentResource("acme:index:Box", "a", &a); err != nil {
			return err
		}
		if _, err := newBar(ctx, "queue", pulumi.Parent(&a)); err != nil {
			return err
		}
		_, err := newBar(ctx, "queue")
		return err
	}, nil))
	assert.Len(t, e.ByType(barType), 2)
}

func TestAwait(t *testing.T) {
	e := mockcloud.New()
	var b *bar
	require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
		var err error
		b, err = newBar(ctx, "queue")
		return err
	}, nil))
	assert.Equal(t, e.Find(barType, "queue").OutStr("arn"), mockcloud.Await[string](t, b.ARN))
	assert.Equal(t, e.Find(barType, "queue").ID, string(mockcloud.Await[pulumi.ID](t, b.ID())))

	_, err := mockcloud.AwaitValue[int](t.Context(), b.ARN)
	require.Error(t, err, "a string is not an int")
	assert.Contains(t, err.Error(), "not a int")

	failed := pulumi.String("x").ToStringOutput().ApplyT(func(string) (string, error) { return "", errors.New("boom") })
	_, err = mockcloud.AwaitValue[string](t.Context(), failed)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "boom")

	empty, err := mockcloud.AwaitValue[[]string](t.Context(), pulumi.StringArray(nil).ToStringArrayOutput())
	require.NoError(t, err)
	assert.Empty(t, empty)
}
