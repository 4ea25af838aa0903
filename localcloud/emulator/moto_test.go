package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// call sends an AWS JSON request to moto; moto picks the service and region from the
// credential scope and does not check signatures.
func call(t *testing.T, url, service, region, path, target, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	scoped(req, region, service).Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	return roundTrip(t, req)
}

// roundTrip sends req to moto and returns the status and the decoded JSON body (nil when empty).
func roundTrip(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// startMoto starts moto with the fixes and fakes for a test and stops it when the test ends; it
// skips the test when python3 with moto is not installed.
func startMoto(t *testing.T) *Moto {
	t.Helper()
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("python3 with moto is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m, err := StartMoto(ctx, MotoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Stop(); err != nil {
			t.Error(err)
		}
	})
	return m
}

func TestMotoWithFixes(t *testing.T) {
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("python3 with moto is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m, err := StartMoto(ctx, MotoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pid := m.PID()
	defer func() {
		if err := m.Stop(); err != nil {
			t.Error(err)
		}
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("moto (pid %d) still runs after Stop", pid)
		}
	}()

	// The X-Ray fake: moto alone answers 404.
	status, out := call(t, m.URL(), "xray", "us-west-2", "/CreateGroup", "", `{"GroupName":"g","FilterExpression":"service(\"web\")"}`)
	if status != http.StatusOK {
		t.Fatalf("CreateGroup: status %d, %v", status, out)
	}
	group, _ := out["Group"].(map[string]any)
	arn, _ := group["GroupARN"].(string)
	if !strings.HasPrefix(arn, "arn:aws:xray:us-west-2:") {
		t.Fatalf("CreateGroup returned %v", out)
	}
	if status, out = call(t, m.URL(), "xray", "us-west-2", "/GetGroup", "", `{"GroupARN":"`+arn+`"}`); status != http.StatusOK {
		t.Errorf("GetGroup: status %d, %v", status, out)
	}
	if status, _ = call(t, m.URL(), "xray", "us-west-2", "/DeleteGroup", "", `{"GroupName":"g"}`); status != http.StatusOK {
		t.Errorf("DeleteGroup: status %d", status)
	}
	if status, _ = call(t, m.URL(), "xray", "us-west-2", "/GetGroup", "", `{"GroupName":"g"}`); status != http.StatusBadRequest {
		t.Errorf("GetGroup after delete: status %d, want 400", status)
	}

	// Subscription filters may target a CloudWatch Logs destination.
	logs := func(target, body string) int {
		status, out := call(t, m.URL(), "logs", "us-east-1", "/", "Logs_20140328."+target, body)
		if status != http.StatusOK {
			t.Logf("%s: %v", target, out)
		}
		return status
	}
	if logs("CreateLogGroup", `{"logGroupName":"app"}`) != http.StatusOK {
		t.Fatal("CreateLogGroup failed")
	}
	status, out = call(t, m.URL(), "logs", "us-west-2", "/", "Logs_20140328.PutDestination",
		`{"destinationName":"archive","targetArn":"arn:aws:firehose:us-west-2:123456789012:deliverystream/x","roleArn":"arn:aws:iam::123456789012:role/r"}`)
	if status != http.StatusOK {
		t.Fatalf("PutDestination: status %d, %v", status, out)
	}
	dest, _ := out["destination"].(map[string]any)
	destARN, _ := dest["arn"].(string)
	if got := logs("PutSubscriptionFilter", `{"logGroupName":"app","filterName":"f","filterPattern":"","destinationArn":"`+destARN+`"}`); got != http.StatusOK {
		t.Errorf("PutSubscriptionFilter to %s: status %d", destARN, got)
	}
	// ECS keeps a service's capacity provider strategy, grace period and managed tags,
	// and reports no launch type for it.
	ecs := func(target, body string) map[string]any {
		status, out := call(t, m.URL(), "ecs", "us-west-2", "/", "AmazonEC2ContainerServiceV20141113."+target, body)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d, %v", target, status, out)
		}
		return out
	}
	ecs("CreateCluster", `{"clusterName":"c"}`)
	ecs("RegisterTaskDefinition", `{"family":"t","containerDefinitions":[{"name":"x","image":"i","memory":128}]}`)
	ecs("CreateService", `{"cluster":"c","serviceName":"s","taskDefinition":"t","desiredCount":1,`+
		`"capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1}],"enableECSManagedTags":true,`+
		`"healthCheckGracePeriodSeconds":60}`)
	services, _ := ecs("DescribeServices", `{"cluster":"c","services":["s"]}`)["services"].([]any)
	if len(services) != 1 {
		t.Fatalf("DescribeServices returned %v", services)
	}
	svc, _ := services[0].(map[string]any)
	if svc["launchType"] != nil || svc["healthCheckGracePeriodSeconds"] != float64(60) ||
		svc["enableECSManagedTags"] != true || svc["capacityProviderStrategy"] == nil {
		t.Errorf("the service lost its settings: %v", svc)
	}

	// A promoted cross-region read replica is standalone: it reports no source, and its
	// former source no longer lists it.
	rds := func(region string, form url.Values) {
		t.Helper()
		form.Set("Version", "2014-10-31")
		req, err := http.NewRequest(http.MethodPost, m.URL()+"/", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+
			"/rds/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", form.Get("Action"), resp.StatusCode)
		}
	}
	rds("us-west-2", url.Values{"Action": {"CreateDBInstance"}, "DBInstanceIdentifier": {"db-west"}, "Engine": {"postgres"},
		"DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"}, "MasterUserPassword": {"localcloud1"}})
	primary, err := DescribeDBInstance(ctx, m.URL(), "us-west-2", "db-west")
	if err != nil {
		t.Fatal(err)
	}
	// Two instances of one region (a fleet's stacks) have their own DbiResourceId.
	rds("us-west-2", url.Values{"Action": {"CreateDBInstance"}, "DBInstanceIdentifier": {"db-west-2"}, "Engine": {"postgres"},
		"DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"}, "MasterUserPassword": {"localcloud1"}})
	if other, err := DescribeDBInstance(ctx, m.URL(), "us-west-2", "db-west-2"); err != nil || other.ResourceID == "" || other.ResourceID == primary.ResourceID {
		t.Errorf("two instances of us-west-2 have DbiResourceId %q and %q (%v); want two distinct ones", primary.ResourceID, other.ResourceID, err)
	}
	rds("us-east-1", url.Values{"Action": {"CreateDBInstanceReadReplica"}, "DBInstanceIdentifier": {"db-east"},
		"SourceDBInstanceIdentifier": {primary.ARN}})
	replica, err := DescribeDBInstance(ctx, m.URL(), "us-east-1", "db-east")
	if err != nil {
		t.Fatal(err)
	}
	if replica.ReplicaSource != primary.ARN {
		t.Errorf("the replica reports source %q, want %q", replica.ReplicaSource, primary.ARN)
	}
	rds("us-east-1", url.Values{"Action": {"PromoteReadReplica"}, "DBInstanceIdentifier": {"db-east"}})
	if promoted, err := DescribeDBInstance(ctx, m.URL(), "us-east-1", "db-east"); err != nil || promoted.ReplicaSource != "" {
		t.Errorf("after PromoteReadReplica: %+v, %v; want no source", promoted, err)
	}
	if primary, err = DescribeDBInstance(ctx, m.URL(), "us-west-2", "db-west"); err != nil || len(primary.Replicas) != 0 {
		t.Errorf("the former source still lists replicas: %+v, %v", primary, err)
	}
	if _, err := DescribeDBInstance(ctx, m.URL(), "us-east-1", "db-nothing"); err == nil {
		t.Error("describing a missing instance must fail")
	}

	missing := strings.Replace(destARN, "archive", "nothing", 1)
	if got := logs("PutSubscriptionFilter", `{"logGroupName":"app","filterName":"g","filterPattern":"","destinationArn":"`+missing+`"}`); got == http.StatusOK {
		t.Error("a subscription filter to a missing destination must fail")
	}
}
