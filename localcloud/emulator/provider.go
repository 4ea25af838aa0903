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
// AWS API call to the emulator at endpoint: fake keys; no credential, metadata-API or
// region validation; the account id requested from the emulator's STS (the ECR
// replication configuration, among others, needs it); path-style S3; and the provider's default
// retries, as in production, so that a transient error (a dropped connection) is retried.
func ProviderArgs(region, endpoint string) *aws.ProviderArgs {
	return &aws.ProviderArgs{
		Region:                    pulumi.String(region),
		AccessKey:                 pulumi.String(accessKey),
		SecretKey:                 pulumi.String(secretKey),
		SkipCredentialsValidation: pulumi.Bool(true),
		SkipMetadataApiCheck:      pulumi.Bool(true),
		SkipRegionValidation:      pulumi.Bool(true),
		SkipRequestingAccountId:   pulumi.Bool(false),
		S3UsePathStyle:            pulumi.Bool(true),
		Endpoints:                 aws.ProviderEndpointArray{AllEndpoints(endpoint)},
	}
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
