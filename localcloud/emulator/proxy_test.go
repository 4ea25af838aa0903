package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCredentialScope(t *testing.T) {
	for auth, want := range map[string][2]string{
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/ec2/aws4_request, SignedHeaders=host, Signature=0": {"us-west-2", "ec2"},
		"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/Route53/aws4_request,SignedHeaders=host":           {"us-east-1", "route53"},
		"":                             {"", ""},
		"AWS4-HMAC-SHA256 Credential=": {"", ""},
		"Bearer x":                     {"", ""},
	} {
		region, service := CredentialScope(auth)
		if [2]string{region, service} != want {
			t.Errorf("CredentialScope(%q) = %q, %q; want %q", auth, region, service, want)
		}
	}
}

// TestRegionProxyDarkensOneRegion: through the proxy, requests reach moto and are counted by region
// and service; a darkened region gets no answer (the connection closes) while the others still answer;
// restored, it answers again.
func TestRegionProxyDarkensOneRegion(t *testing.T) {
	m := startMoto(t)
	p, err := StartRegionProxy(m.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
	describe := func(region string) error {
		form := url.Values{"Action": {"DescribeVpcs"}, "Version": {"2016-11-15"}}
		req, err := http.NewRequest(http.MethodPost, p.URL()+"/", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("DescribeVpcs in %s: status %d", region, resp.StatusCode)
		}
		return nil
	}
	for _, region := range []string{"us-west-2", "us-east-1", "us-east-1"} {
		if err := describe(region); err != nil {
			t.Fatalf("%s through the proxy: %v", region, err)
		}
	}
	p.Darken("us-west-2")
	if err := describe("us-west-2"); err == nil {
		t.Error("a darkened region answered")
	}
	if err := describe("us-east-1"); err != nil {
		t.Errorf("us-east-1 must still answer while us-west-2 is dark: %v", err)
	}
	served, refused := p.Counts()
	if served["us-west-2"]["ec2"] != 1 || served["us-east-1"]["ec2"] != 3 || refused["us-west-2"] != 1 {
		t.Errorf("counts: served %v, refused %v; want us-west-2 1 served and 1 refused, us-east-1 3", served, refused)
	}
	p.Restore("us-west-2")
	p.Reset()
	if err := describe("us-west-2"); err != nil {
		t.Errorf("restored, us-west-2 must answer: %v", err)
	}
	if served, _ := p.Counts(); served["us-west-2"]["ec2"] != 1 {
		t.Errorf("after Reset and one request: %v", served)
	}
	p.Darken("us-west-2")
	p.Darken("eu-west-1")
	p.RestoreAll()
	for _, region := range []string{"us-west-2", "eu-west-1"} {
		if err := describe(region); err != nil {
			t.Errorf("after RestoreAll, %s must answer: %v", region, err)
		}
	}
}
