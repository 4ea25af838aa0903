package emulator

import (
	"reflect"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Fake credentials: moto accepts any.
const (
	accessKey = "localcloud"
	secretKey = "localcloud"
)

// ProviderArgs returns the settings of a pulumi-aws provider for region that sends every
// AWS API call to the emulator at endpoint (see Configure).
func ProviderArgs(region, endpoint string) *aws.ProviderArgs {
	args := &aws.ProviderArgs{Region: pulumi.String(region)}
	Configure(args, endpoint)
	return args
}

// Configure changes provider settings so that every AWS API call goes to the emulator at
// endpoint: fake keys; no credential, metadata-API or region validation; the account id
// requested from the emulator's STS (the ECR replication configuration, among others, needs
// it); path-style S3; and the provider's default retries, as in production, so that a
// transient error (a dropped connection) is retried. Region and tags are left alone. It is
// the hook the stack drill gives stacks.WithProviderHook.
func Configure(args *aws.ProviderArgs, endpoint string) {
	args.AccessKey = pulumi.String(accessKey)
	args.SecretKey = pulumi.String(secretKey)
	args.SkipCredentialsValidation = pulumi.Bool(true)
	args.SkipMetadataApiCheck = pulumi.Bool(true)
	args.SkipRegionValidation = pulumi.Bool(true)
	args.SkipRequestingAccountId = pulumi.Bool(false)
	args.S3UsePathStyle = pulumi.Bool(true)
	args.Endpoints = aws.ProviderEndpointArray{AllEndpoints(endpoint)}
}

// AllEndpoints sets every service endpoint the provider knows to endpoint.
func AllEndpoints(endpoint string) aws.ProviderEndpointArgs {
	var e aws.ProviderEndpointArgs
	v := reflect.ValueOf(&e).Elem()
	url := reflect.ValueOf(pulumi.StringPtr(endpoint))
	for i := range v.NumField() {
		f := v.Field(i)
		if f.CanSet() && url.Type().AssignableTo(f.Type()) {
			f.Set(url)
		}
	}
	return e
}
