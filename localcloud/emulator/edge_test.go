package emulator

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAutoScalingTags(t *testing.T) {
	m := startMoto(t)
	aas := func(action, body string) (int, map[string]any) {
		t.Helper()
		return call(t, m.URL(), "application-autoscaling", "us-east-1", "/", "AnyScaleFrontendService."+action, body)
	}
	// A DynamoDB table's capacity: moto checks that an ECS service exists, not a table.
	target := `"ServiceNamespace":"dynamodb","ResourceId":"table/orders","ScalableDimension":"dynamodb:table:WriteCapacityUnits"`
	status, out := aas("RegisterScalableTarget", `{`+target+`,"MinCapacity":1,"MaxCapacity":4,"Tags":{"Name":"orders"}}`)
	if status != http.StatusOK {
		t.Fatalf("RegisterScalableTarget: status %d, %v", status, out)
	}
	arn, _ := out["ScalableTargetARN"].(string)
	tags := func() map[string]any {
		t.Helper()
		status, out := aas("ListTagsForResource", `{"ResourceARN":"`+arn+`"}`)
		if status != http.StatusOK {
			t.Fatalf("ListTagsForResource: status %d, %v", status, out)
		}
		tags, _ := out["Tags"].(map[string]any)
		return tags
	}
	if got := tags(); len(got) != 1 || got["Name"] != "orders" {
		t.Errorf("tags after register: %v", got)
	}
	if status, out = aas("TagResource", `{"ResourceARN":"`+arn+`","Tags":{"Rev":"2"}}`); status != http.StatusOK {
		t.Fatalf("TagResource: status %d, %v", status, out)
	}
	if status, out = aas("UntagResource", `{"ResourceARN":"`+arn+`","TagKeys":["Name"]}`); status != http.StatusOK {
		t.Fatalf("UntagResource: status %d, %v", status, out)
	}
	if got := tags(); len(got) != 1 || got["Rev"] != "2" {
		t.Errorf("tags after tag and untag: %v", got)
	}
	missing := strings.TrimSuffix(arn, arn[len(arn)-4:]) + "none"
	if status, out = aas("ListTagsForResource", `{"ResourceARN":"`+missing+`"}`); status != http.StatusBadRequest ||
		out["__type"] != "ResourceNotFoundException" {
		t.Errorf("ListTagsForResource of a missing target: status %d, %v", status, out)
	}

	// A target tracking policy keeps its ARN when updated, as on AWS.
	policy := func(value string) string {
		t.Helper()
		status, out := aas("PutScalingPolicy", `{`+target+`,"PolicyName":"writes","PolicyType":"TargetTrackingScaling",`+
			`"TargetTrackingScalingPolicyConfiguration":{"TargetValue":`+value+`,"ScaleInCooldown":300,"ScaleOutCooldown":60,`+
			`"PredefinedMetricSpecification":{"PredefinedMetricType":"DynamoDBWriteCapacityUtilization"}}}`)
		if status != http.StatusOK {
			t.Fatalf("PutScalingPolicy: status %d, %v", status, out)
		}
		policyARN, _ := out["PolicyARN"].(string)
		return policyARN
	}
	if first, second := policy("60"), policy("70"); first != second {
		t.Errorf("policy ARN changed on update: %s -> %s", first, second)
	}
	status, out = aas("DescribeScalingPolicies", `{"ServiceNamespace":"dynamodb"}`)
	if policies, _ := out["ScalingPolicies"].([]any); status != http.StatusOK || len(policies) != 1 {
		t.Errorf("DescribeScalingPolicies: status %d, %v", status, out)
	}

	// Deregistering the target takes its policies and tags with it.
	if status, out = aas("DeregisterScalableTarget", `{`+target+`}`); status != http.StatusOK {
		t.Fatalf("DeregisterScalableTarget: status %d, %v", status, out)
	}
	status, out = aas("DescribeScalingPolicies", `{"ServiceNamespace":"dynamodb"}`)
	if policies, _ := out["ScalingPolicies"].([]any); status != http.StatusOK || len(policies) != 0 {
		t.Errorf("DescribeScalingPolicies after deregister: status %d, %v", status, out)
	}
}

// cloudFrontCall sends a CloudFront REST-XML request to moto and returns the status, headers and body.
func cloudFrontCall(t *testing.T, m *Moto, method, path, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, m.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=0")
	req.Header.Set("Content-Type", "application/xml")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(data)
}

const cloudFrontNS = `xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"`

func cachePolicyConfig(comment string) string {
	return `<CachePolicyConfig ` + cloudFrontNS + `><Comment>` + comment + `</Comment><Name>edge-api</Name>` +
		`<DefaultTTL>0</DefaultTTL><MaxTTL>31536000</MaxTTL><MinTTL>0</MinTTL><ParametersInCacheKeyAndForwardedToOrigin>` +
		`<EnableAcceptEncodingGzip>true</EnableAcceptEncodingGzip><EnableAcceptEncodingBrotli>true</EnableAcceptEncodingBrotli>` +
		`<HeadersConfig><HeaderBehavior>whitelist</HeaderBehavior><Headers><Quantity>1</Quantity><Items><Name>Authorization</Name></Items></Headers></HeadersConfig>` +
		`<CookiesConfig><CookieBehavior>all</CookieBehavior></CookiesConfig>` +
		`<QueryStringsConfig><QueryStringBehavior>all</QueryStringBehavior></QueryStringsConfig>` +
		`</ParametersInCacheKeyAndForwardedToOrigin></CachePolicyConfig>`
}

type cachePolicyXML struct {
	ID     string `xml:"Id"`
	Config struct {
		Name    string
		Comment string
		MaxTTL  int
		Headers []string `xml:"ParametersInCacheKeyAndForwardedToOrigin>HeadersConfig>Headers>Items>Name"`
	} `xml:"CachePolicyConfig"`
}

func TestCloudFrontPolicies(t *testing.T) {
	m := startMoto(t)

	status, header, body := cloudFrontCall(t, m, http.MethodPost, "/2020-05-31/cache-policy", cachePolicyConfig("v1"), nil)
	if status != http.StatusCreated {
		t.Fatalf("CreateCachePolicy: status %d, %s", status, body)
	}
	var policy cachePolicyXML
	if err := xml.Unmarshal([]byte(body), &policy); err != nil || policy.ID == "" {
		t.Fatalf("CreateCachePolicy returned %s (%v)", body, err)
	}
	etag := header.Get("ETag")
	if etag == "" {
		t.Fatal("CreateCachePolicy returned no ETag")
	}
	path := "/2020-05-31/cache-policy/" + policy.ID
	status, header, body = cloudFrontCall(t, m, http.MethodGet, path, "", nil)
	var got cachePolicyXML
	if err := xml.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil || header.Get("ETag") != etag ||
		got.Config.Name != "edge-api" || got.Config.MaxTTL != 31536000 || len(got.Config.Headers) != 1 || got.Config.Headers[0] != "Authorization" {
		t.Errorf("GetCachePolicy: status %d, ETag %q, %s", status, header.Get("ETag"), body)
	}
	if status, _, body = cloudFrontCall(t, m, http.MethodGet, path+"/config", "", nil); status != http.StatusOK || !strings.Contains(body, "<Comment>v1</Comment>") {
		t.Errorf("GetCachePolicyConfig: status %d, %s", status, body)
	}

	// Updates and deletes need the current ETag, and a change issues a new one.
	if status, _, body = cloudFrontCall(t, m, http.MethodPut, path, cachePolicyConfig("v2"), map[string]string{"If-Match": "stale"}); status != http.StatusPreconditionFailed {
		t.Errorf("UpdateCachePolicy with a stale ETag: status %d, %s", status, body)
	}
	status, header, body = cloudFrontCall(t, m, http.MethodPut, path, cachePolicyConfig("v2"), map[string]string{"If-Match": etag})
	if status != http.StatusOK || header.Get("ETag") == etag || !strings.Contains(body, "<Comment>v2</Comment>") {
		t.Fatalf("UpdateCachePolicy: status %d, ETag %q, %s", status, header.Get("ETag"), body)
	}
	etag = header.Get("ETag")
	if status, _, body = cloudFrontCall(t, m, http.MethodDelete, path, "", nil); status != http.StatusBadRequest {
		t.Errorf("DeleteCachePolicy without If-Match: status %d, %s", status, body)
	}
	if status, _, body = cloudFrontCall(t, m, http.MethodDelete, path, "", map[string]string{"If-Match": etag}); status != http.StatusNoContent {
		t.Errorf("DeleteCachePolicy: status %d, %s", status, body)
	}
	if status, _, body = cloudFrontCall(t, m, http.MethodGet, path, "", nil); status != http.StatusNotFound || !strings.Contains(body, "NoSuchCachePolicy") {
		t.Errorf("GetCachePolicy after delete: status %d, %s", status, body)
	}

	// Origin request and response headers policies read back as sent.
	status, header, body = cloudFrontCall(t, m, http.MethodPost, "/2020-05-31/origin-request-policy",
		`<OriginRequestPolicyConfig `+cloudFrontNS+`><Comment>all</Comment><Name>edge-api</Name>`+
			`<HeadersConfig><HeaderBehavior>allViewer</HeaderBehavior></HeadersConfig><CookiesConfig><CookieBehavior>all</CookieBehavior></CookiesConfig>`+
			`<QueryStringsConfig><QueryStringBehavior>all</QueryStringBehavior></QueryStringsConfig></OriginRequestPolicyConfig>`, nil)
	if status != http.StatusCreated || header.Get("ETag") == "" || !strings.Contains(body, "<HeaderBehavior>allViewer</HeaderBehavior>") {
		t.Errorf("CreateOriginRequestPolicy: status %d, %s", status, body)
	}
	status, _, body = cloudFrontCall(t, m, http.MethodPost, "/2020-05-31/response-headers-policy",
		`<ResponseHeadersPolicyConfig `+cloudFrontNS+`><Comment>hsts</Comment><Name>edge-security</Name><SecurityHeadersConfig>`+
			`<StrictTransportSecurity><Override>true</Override><IncludeSubdomains>true</IncludeSubdomains><Preload>false</Preload>`+
			`<AccessControlMaxAgeSec>31536000</AccessControlMaxAgeSec></StrictTransportSecurity>`+
			`<FrameOptions><Override>true</Override><FrameOption>DENY</FrameOption></FrameOptions>`+
			`</SecurityHeadersConfig></ResponseHeadersPolicyConfig>`, nil)
	var rhp struct {
		ID string `xml:"Id"`
	}
	if err := xml.Unmarshal([]byte(body), &rhp); status != http.StatusCreated || err != nil || rhp.ID == "" {
		t.Fatalf("CreateResponseHeadersPolicy: status %d, %s", status, body)
	}
	status, _, body = cloudFrontCall(t, m, http.MethodGet, "/2020-05-31/response-headers-policy/"+rhp.ID+"/config", "", nil)
	if status != http.StatusOK || !strings.Contains(body, "<AccessControlMaxAgeSec>31536000</AccessControlMaxAgeSec>") ||
		!strings.Contains(body, "<FrameOption>DENY</FrameOption>") {
		t.Errorf("GetResponseHeadersPolicyConfig: status %d, %s", status, body)
	}
}

func TestCloudFrontDistributionReadBack(t *testing.T) {
	m := startMoto(t)
	cert := "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-0000-4000-8000-000000000000"
	acl := "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/4f8e0000-0000-4000-8000-000000000000"
	origin := func(id string) string {
		return `<Origin><Id>` + id + `</Id><DomainName>` + id + `.elb.amazonaws.com</DomainName><ConnectionAttempts>2</ConnectionAttempts>` +
			`<ConnectionTimeout>5</ConnectionTimeout><CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort>` +
			`<OriginProtocolPolicy>https-only</OriginProtocolPolicy><OriginSslProtocols><Quantity>1</Quantity><Items><SslProtocol>TLSv1.2</SslProtocol></Items></OriginSslProtocols>` +
			`</CustomOriginConfig></Origin>`
	}
	config := `<DistributionConfigWithTags ` + cloudFrontNS + `><DistributionConfig><CallerReference>edge-1</CallerReference>` +
		`<Aliases><Quantity>1</Quantity><Items><CNAME>cdn.example.com</CNAME></Items></Aliases><Comment>edge</Comment><Enabled>true</Enabled>` +
		`<Origins><Quantity>2</Quantity><Items>` + origin("us-east-1") + origin("us-west-2") + `</Items></Origins>` +
		`<OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>regions</Id><FailoverCriteria><StatusCodes><Quantity>2</Quantity>` +
		`<Items><StatusCode>502</StatusCode><StatusCode>503</StatusCode></Items></StatusCodes></FailoverCriteria>` +
		`<Members><Quantity>2</Quantity><Items><OriginGroupMember><OriginId>us-east-1</OriginId></OriginGroupMember>` +
		`<OriginGroupMember><OriginId>us-west-2</OriginId></OriginGroupMember></Items></Members></OriginGroup></Items></OriginGroups>` +
		`<DefaultCacheBehavior><TargetOriginId>regions</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy>` +
		`<CachePolicyId>policy-1</CachePolicyId><ResponseHeadersPolicyId>headers-1</ResponseHeadersPolicyId></DefaultCacheBehavior>` +
		`<Logging><Enabled>true</Enabled><IncludeCookies>false</IncludeCookies><Bucket>logs.s3.amazonaws.com</Bucket><Prefix>cloudfront/</Prefix></Logging>` +
		`<ViewerCertificate><ACMCertificateArn>` + cert + `</ACMCertificateArn><SSLSupportMethod>sni-only</SSLSupportMethod>` +
		`<MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion><CloudFrontDefaultCertificate>false</CloudFrontDefaultCertificate></ViewerCertificate>` +
		`<WebACLId>` + acl + `</WebACLId><HttpVersion>http2and3</HttpVersion></DistributionConfig>` +
		`<Tags><Items><Tag><Key>Name</Key><Value>cdn</Value></Tag></Items></Tags></DistributionConfigWithTags>`
	status, header, body := cloudFrontCall(t, m, http.MethodPost, "/2020-05-31/distribution?WithTags", config, nil)
	if status != http.StatusCreated {
		t.Fatalf("CreateDistributionWithTags: status %d, %s", status, body)
	}
	var dist struct {
		ID     string `xml:"Id"`
		Config struct {
			Cert struct {
				ACMCertificateArn            string
				SSLSupportMethod             string
				MinimumProtocolVersion       string
				CloudFrontDefaultCertificate bool
				CertificateSource            string
			} `xml:"ViewerCertificate"`
			Groups          []string  `xml:"OriginGroups>Items>OriginGroup>Id"`
			Target          string    `xml:"DefaultCacheBehavior>TargetOriginId"`
			CachePolicy     string    `xml:"DefaultCacheBehavior>CachePolicyId"`
			HeadersPolicy   string    `xml:"DefaultCacheBehavior>ResponseHeadersPolicyId"`
			ForwardedValues *struct{} `xml:"DefaultCacheBehavior>ForwardedValues"`
			WebACLId        string
			LogBucket       string `xml:"Logging>Bucket"`
			LogPrefix       string `xml:"Logging>Prefix"`
			HTTPVersion     string `xml:"HttpVersion"`
		} `xml:"DistributionConfig"`
	}
	if err := xml.Unmarshal([]byte(body), &dist); err != nil || dist.ID == "" {
		t.Fatalf("CreateDistributionWithTags returned %s (%v)", body, err)
	}
	etag := header.Get("ETag")
	status, _, body = cloudFrontCall(t, m, http.MethodGet, "/2020-05-31/distribution/"+dist.ID, "", nil)
	dist.Config.Groups = nil // read back afresh, not appended to what create returned
	if err := xml.Unmarshal([]byte(body), &dist); status != http.StatusOK || err != nil {
		t.Fatalf("GetDistribution: status %d, %s", status, body)
	}
	c := dist.Config
	if c.Cert.ACMCertificateArn != cert || c.Cert.SSLSupportMethod != "sni-only" || c.Cert.MinimumProtocolVersion != "TLSv1.2_2021" ||
		c.Cert.CloudFrontDefaultCertificate || c.Cert.CertificateSource != "acm" {
		t.Errorf("viewer certificate read back as %+v", c.Cert)
	}
	if len(c.Groups) != 1 || c.Groups[0] != "regions" || c.Target != "regions" {
		t.Errorf("origin groups %v, default target %q", c.Groups, c.Target)
	}
	if c.CachePolicy != "policy-1" || c.HeadersPolicy != "headers-1" || c.ForwardedValues != nil {
		t.Errorf("default behavior: cache policy %q, headers policy %q, forwarded values %v", c.CachePolicy, c.HeadersPolicy, c.ForwardedValues)
	}
	if c.WebACLId != acl || c.LogBucket != "logs.s3.amazonaws.com" || c.LogPrefix != "cloudfront/" || c.HTTPVersion != "http2and3" {
		t.Errorf("web ACL %q, logging %q %q, HTTP version %q", c.WebACLId, c.LogBucket, c.LogPrefix, c.HTTPVersion)
	}

	// An update needs the current ETag and issues a new one.
	update := config[strings.Index(config, "<DistributionConfig>"):strings.Index(config, "<Tags>")]
	update = strings.Replace(update, "<DistributionConfig>", "<DistributionConfig "+cloudFrontNS+">", 1)
	update = strings.Replace(update, "<Comment>edge</Comment>", "<Comment>edge2</Comment>", 1)
	if status, _, body = cloudFrontCall(t, m, http.MethodPut, "/2020-05-31/distribution/"+dist.ID+"/config", update, map[string]string{"If-Match": "stale"}); status != http.StatusPreconditionFailed {
		t.Errorf("UpdateDistribution with a stale ETag: status %d, %s", status, body)
	}
	status, header, body = cloudFrontCall(t, m, http.MethodPut, "/2020-05-31/distribution/"+dist.ID+"/config", update, map[string]string{"If-Match": etag})
	if status != http.StatusOK || header.Get("ETag") == etag || !strings.Contains(body, "<Comment>edge2</Comment>") ||
		!strings.Contains(body, "<SSLSupportMethod>sni-only</SSLSupportMethod>") {
		t.Errorf("UpdateDistribution: status %d, ETag %q, %s", status, header.Get("ETag"), body)
	}
}
