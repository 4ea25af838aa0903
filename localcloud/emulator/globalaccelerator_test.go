package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// gaCall sends a Global Accelerator action (JSON protocol, us-west-2) to moto.
func gaCall(t *testing.T, m *Moto, action, body string) (int, map[string]any) {
	t.Helper()
	return call(t, m.URL(), "globalaccelerator", "us-west-2", "/", "GlobalAccelerator_V20180706."+action, body)
}

func gaField(t *testing.T, out map[string]any, object, field string) any {
	t.Helper()
	obj, ok := out[object].(map[string]any)
	if !ok {
		t.Fatalf("no %s in %v", object, out)
	}
	return obj[field]
}

func TestGlobalAcceleratorLifecycle(t *testing.T) {
	m := startMoto(t)

	status, out := gaCall(t, m, "CreateAccelerator",
		`{"Name":"edge","IpAddressType":"IPV4","Enabled":true,"IdempotencyToken":"t1","Tags":[{"Key":"Name","Value":"edge"}]}`)
	if status != http.StatusOK {
		t.Fatalf("CreateAccelerator: status %d, %v", status, out)
	}
	acc, _ := gaField(t, out, "Accelerator", "AcceleratorArn").(string)
	if !strings.HasPrefix(acc, "arn:aws:globalaccelerator::") {
		t.Fatalf("CreateAccelerator returned %v", out)
	}
	if dns, _ := gaField(t, out, "Accelerator", "DnsName").(string); !strings.HasSuffix(dns, ".awsglobalaccelerator.com") {
		t.Errorf("DnsName %q", dns)
	}
	if sets, _ := gaField(t, out, "Accelerator", "IpSets").([]any); len(sets) != 1 {
		t.Errorf("IpSets %v", sets)
	}
	if status, out = gaCall(t, m, "DescribeAccelerator", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusOK ||
		gaField(t, out, "Accelerator", "Status") != "DEPLOYED" || gaField(t, out, "Accelerator", "Enabled") != true {
		t.Errorf("DescribeAccelerator: status %d, %v", status, out)
	}

	// Flow logs to a bucket and prefix.
	if status, out = gaCall(t, m, "UpdateAcceleratorAttributes", `{"AcceleratorArn":"`+acc+
		`","FlowLogsEnabled":true,"FlowLogsS3Bucket":"logs","FlowLogsS3Prefix":"globalaccelerator/"}`); status != http.StatusOK {
		t.Fatalf("UpdateAcceleratorAttributes: status %d, %v", status, out)
	}
	status, out = gaCall(t, m, "DescribeAcceleratorAttributes", `{"AcceleratorArn":"`+acc+`"}`)
	if status != http.StatusOK || gaField(t, out, "AcceleratorAttributes", "FlowLogsEnabled") != true ||
		gaField(t, out, "AcceleratorAttributes", "FlowLogsS3Bucket") != "logs" ||
		gaField(t, out, "AcceleratorAttributes", "FlowLogsS3Prefix") != "globalaccelerator/" {
		t.Errorf("DescribeAcceleratorAttributes: status %d, %v", status, out)
	}
	status, out = gaCall(t, m, "ListTagsForResource", `{"ResourceArn":"`+acc+`"}`)
	if tags, _ := out["Tags"].([]any); status != http.StatusOK || len(tags) != 1 {
		t.Errorf("ListTagsForResource: status %d, %v", status, out)
	}

	status, out = gaCall(t, m, "CreateListener", `{"AcceleratorArn":"`+acc+
		`","Protocol":"TCP","ClientAffinity":"SOURCE_IP","PortRanges":[{"FromPort":443,"ToPort":443}],"IdempotencyToken":"t2"}`)
	if status != http.StatusOK {
		t.Fatalf("CreateListener: status %d, %v", status, out)
	}
	listener, _ := gaField(t, out, "Listener", "ListenerArn").(string)
	if status, out = gaCall(t, m, "DescribeListener", `{"ListenerArn":"`+listener+`"}`); status != http.StatusOK ||
		gaField(t, out, "Listener", "ClientAffinity") != "SOURCE_IP" {
		t.Errorf("DescribeListener: status %d, %v", status, out)
	}

	alb := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/api/0123456789abcdef"
	status, out = gaCall(t, m, "CreateEndpointGroup", `{"ListenerArn":"`+listener+`","EndpointGroupRegion":"us-east-1",`+
		`"TrafficDialPercentage":100,"HealthCheckProtocol":"HTTPS","HealthCheckPort":443,"HealthCheckPath":"/healthz",`+
		`"HealthCheckIntervalSeconds":10,"ThresholdCount":3,"IdempotencyToken":"t3",`+
		`"EndpointConfigurations":[{"EndpointId":"`+alb+`","Weight":128,"ClientIPPreservationEnabled":true}]}`)
	if status != http.StatusOK {
		t.Fatalf("CreateEndpointGroup: status %d, %v", status, out)
	}
	group, _ := gaField(t, out, "EndpointGroup", "EndpointGroupArn").(string)

	// A failover turns the dial and the weight down.
	if status, out = gaCall(t, m, "UpdateEndpointGroup", `{"EndpointGroupArn":"`+group+`","TrafficDialPercentage":0,`+
		`"EndpointConfigurations":[{"EndpointId":"`+alb+`","Weight":0,"ClientIPPreservationEnabled":true}]}`); status != http.StatusOK {
		t.Fatalf("UpdateEndpointGroup: status %d, %v", status, out)
	}
	status, out = gaCall(t, m, "DescribeEndpointGroup", `{"EndpointGroupArn":"`+group+`"}`)
	if status != http.StatusOK || gaField(t, out, "EndpointGroup", "TrafficDialPercentage") != 0.0 ||
		gaField(t, out, "EndpointGroup", "HealthCheckPath") != "/healthz" ||
		gaField(t, out, "EndpointGroup", "HealthCheckIntervalSeconds") != 10.0 {
		t.Errorf("DescribeEndpointGroup after update: status %d, %v", status, out)
	}
	endpoints, _ := gaField(t, out, "EndpointGroup", "EndpointDescriptions").([]any)
	if len(endpoints) != 1 {
		t.Fatalf("EndpointDescriptions %v", endpoints)
	}
	if e, _ := endpoints[0].(map[string]any); e["EndpointId"] != alb || e["Weight"] != 0.0 || e["ClientIPPreservationEnabled"] != true {
		t.Errorf("endpoint after update: %v", e)
	}
	if status, out = gaCall(t, m, "ListCrossAccountResources", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusOK {
		t.Errorf("ListCrossAccountResources: status %d, %v", status, out)
	}

	// An enabled accelerator, or one with listeners, cannot be deleted.
	if status, out = gaCall(t, m, "DeleteAccelerator", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusBadRequest ||
		out["__type"] != "AcceleratorNotDisabledException" {
		t.Errorf("DeleteAccelerator while enabled: status %d, %v", status, out)
	}
	for _, del := range []struct{ action, body string }{
		{"DeleteEndpointGroup", `{"EndpointGroupArn":"` + group + `"}`},
		{"DeleteListener", `{"ListenerArn":"` + listener + `"}`},
		{"UpdateAccelerator", `{"AcceleratorArn":"` + acc + `","Enabled":false}`},
	} {
		if status, out = gaCall(t, m, del.action, del.body); status != http.StatusOK {
			t.Fatalf("%s: status %d, %v", del.action, status, out)
		}
	}
	if status, out = gaCall(t, m, "DescribeAccelerator", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusOK ||
		gaField(t, out, "Accelerator", "Status") != "DEPLOYED" || gaField(t, out, "Accelerator", "Enabled") != false {
		t.Errorf("DescribeAccelerator after disabling: status %d, %v", status, out)
	}
	if status, out = gaCall(t, m, "DeleteAccelerator", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusOK {
		t.Fatalf("DeleteAccelerator: status %d, %v", status, out)
	}
	if status, out = gaCall(t, m, "DescribeAccelerator", `{"AcceleratorArn":"`+acc+`"}`); status != http.StatusBadRequest ||
		out["__type"] != "AcceleratorNotFoundException" {
		t.Errorf("DescribeAccelerator after delete: status %d, %v", status, out)
	}
	if status, out = gaCall(t, m, "ListAccelerators", `{}`); status != http.StatusOK || len(out["Accelerators"].([]any)) != 0 {
		t.Errorf("ListAccelerators after delete: status %d, %v", status, out)
	}
}
