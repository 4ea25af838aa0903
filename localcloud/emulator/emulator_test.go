package emulator

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestAllEndpointsSetsEveryService(t *testing.T) {
	e := AllEndpoints("http://127.0.0.1:5000")
	v := reflect.ValueOf(e)
	if v.NumField() < 100 {
		t.Fatalf("ProviderEndpointArgs has only %d fields", v.NumField())
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if f.IsNil() {
			t.Errorf("endpoint %s is not set", v.Type().Field(i).Name)
			continue
		}
		if got, ok := f.Interface().(pulumi.StringPtrInput); !ok || got == nil {
			t.Errorf("endpoint %s has type %T", v.Type().Field(i).Name, f.Interface())
		}
	}
	for _, name := range []string{"Rds", "Route53", "Sts", "Kms", "Ec2", "Iam"} {
		if v.FieldByName(name).IsNil() {
			t.Errorf("endpoint %s is not set", name)
		}
	}
}

func TestProviderArgsPointsAtTheEmulator(t *testing.T) {
	a := ProviderArgs("us-west-2", "http://127.0.0.1:5000")
	if a.Region != pulumi.String("us-west-2") {
		t.Errorf("region = %v", a.Region)
	}
	if a.MaxRetries != nil {
		t.Errorf("maxRetries = %v, want the provider's default (retry transient errors as in production)", a.MaxRetries)
	}
	if a.SkipRequestingAccountId != pulumi.Bool(false) {
		t.Errorf("the account id must be requested from the emulator")
	}
	endpoints, ok := a.Endpoints.(aws.ProviderEndpointArray)
	if !ok || len(endpoints) != 1 {
		t.Fatalf("endpoints = %#v, want one block", a.Endpoints)
	}
	rds := endpoints[0].(aws.ProviderEndpointArgs).Rds
	if rds == nil || reflect.ValueOf(rds).Elem().String() != "http://127.0.0.1:5000" {
		t.Errorf("rds endpoint = %v", rds)
	}
}
