package mockcloud_test

import (
	"context"
	"fmt"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Alerts is a small component of a consumer's stack: an encrypted SNS topic per region.
type Alerts struct {
	pulumi.ResourceState
	// TopicARN is the region's alert topic.
	TopicARN pulumi.StringOutput
}

// NewAlerts creates one region's alerts on the provider passed in opts; its children inherit it.
func NewAlerts(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*Alerts, error) {
	a := &Alerts{}
	if err := ctx.RegisterComponentResource("acme:index:Alerts", name, a, opts...); err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)}, pulumi.Parent(a))
	if err != nil {
		return nil, fmt.Errorf("creating %s key: %w", name, err)
	}
	topic, err := sns.NewTopic(ctx, name+"-topic", &sns.TopicArgs{KmsMasterKeyId: key.Arn}, pulumi.Parent(a))
	if err != nil {
		return nil, fmt.Errorf("creating %s topic: %w", name, err)
	}
	a.TopicARN = topic.Arn
	return a, ctx.RegisterResourceOutputs(a, pulumi.Map{"topicArn": topic.Arn})
}

// Example runs a program with one AWS provider per region under the engine, then checks what a
// reviewer would: every child of each region's component went to that region's provider, and each
// topic is encrypted with its own region's key. In a test, use t.Errorf (or assert) instead of
// printing, and mockcloud.Await instead of AwaitValue.
func Example() {
	regions := []string{"us-west-2", "eu-west-1"}
	e := mockcloud.New()
	topics := map[string]pulumi.StringOutput{}
	err := e.Run(func(ctx *pulumi.Context) error {
		for _, region := range regions {
			p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return err
			}
			a, err := NewAlerts(ctx, "alerts-"+region, pulumi.Provider(p))
			if err != nil {
				return err
			}
			topics[region] = a.TopicARN
		}
		return nil
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, region := range regions {
		component := e.Component("acme:index:Alerts", "alerts-"+region)
		for _, r := range e.ChildrenOf(component) {
			if r.Region != region {
				fmt.Printf("%s %s is in %q, not %s\n", r.Type, r.Name, r.Region, region)
			}
		}
		key := e.ChildrenOfType(component, "aws:kms/key:Key")[0]
		topic := e.ChildrenOfType(component, "aws:sns/topic:Topic")[0]
		if topic.Str("kmsMasterKeyId") != key.OutStr("arn") {
			fmt.Printf("the %s topic is encrypted with %s\n", region, topic.Str("kmsMasterKeyId"))
		}
		arn, err := mockcloud.AwaitValue[string](context.Background(), topics[region])
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(region, len(e.ChildrenOf(component)), "children, topic", arn)
	}
	// Output:
	// us-west-2 2 children, topic arn:aws:sns:us-west-2:123456789012:alerts-us-west-2-topic-8dd5b3b
	// eu-west-1 2 children, topic arn:aws:sns:eu-west-1:123456789012:alerts-eu-west-1-topic-39edc75
}
