package emulator

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// faultBackend is an httptest emulator stand-in that counts the requests reaching it and keeps their bodies.
type faultBackend struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func startFaultBackend(t *testing.T) *faultBackend {
	t.Helper()
	b := &faultBackend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.bodies = append(b.bodies, string(body))
		b.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *faultBackend) hits() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.bodies)
}

// startFaultProxy starts a region proxy in front of target and stops it when the test ends.
func startFaultProxy(t *testing.T, target string) *RegionProxy {
	t.Helper()
	p, err := StartRegionProxy(target)
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
	return p
}

func setFaults(t *testing.T, p *RegionProxy, f Faults) {
	t.Helper()
	if err := p.SetFaults(f); err != nil {
		t.Fatal(err)
	}
}

// faultClient is an HTTP client without kept-alive connections: a reset request is never retried on a
// fresh connection by the transport, and each request is on a connection of its own.
var faultClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}

// scoped gives req the credential scope of region and service (moto and the proxy check nothing else).
func scoped(req *http.Request, region, service string) *http.Request {
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+"/"+service+
		"/aws4_request, SignedHeaders=host, Signature=0")
	return req
}

func faultRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// queryRequest is a query-protocol call (form-encoded POST) of service in region.
func queryRequest(t *testing.T, base, region, service string, form url.Values) *http.Request {
	t.Helper()
	req := faultRequest(t, http.MethodPost, base+"/", form.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return scoped(req, region, service)
}

// jsonRequest is a JSON-protocol call (X-Amz-Target) of service in region.
func jsonRequest(t *testing.T, base, region, service, target string) *http.Request {
	t.Helper()
	req := faultRequest(t, http.MethodPost, base+"/", "{}")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	return scoped(req, region, service)
}

// requestFor is a call of one of a few services (ec2, rds, logs, sts, s3) in us-east-1.
func requestFor(t *testing.T, base, service string) *http.Request {
	t.Helper()
	switch service {
	case "ec2":
		return queryRequest(t, base, "us-east-1", "ec2", url.Values{"Action": {"DescribeVpcs"}, "Version": {"2016-11-15"}})
	case "rds":
		return queryRequest(t, base, "us-east-1", "rds", url.Values{"Action": {"DescribeDBInstances"}, "Version": {"2014-10-31"}})
	case "sts":
		return queryRequest(t, base, "us-east-1", "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	case "logs":
		return jsonRequest(t, base, "us-east-1", "logs", "Logs_20140328.DescribeLogGroups")
	case "s3":
		return scoped(faultRequest(t, http.MethodGet, base+"/bucket", ""), "us-east-1", "s3")
	}
	t.Fatalf("no request for %q", service)
	return nil
}

// faultOutcome sends req and names what came back: the status code, "reset" for a connection reset, or
// the error.
func faultOutcome(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := faultClient.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNRESET) {
			return "reset"
		}
		return err.Error()
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return fmt.Sprint(resp.StatusCode)
}

// The throttle codes of the SDKs under the Terraform AWS provider, as their retryers list them:
// github.com/aws/aws-sdk-go-v2/aws/retry/standard.go DefaultThrottleErrorCodes, and
// github.com/aws/aws-sdk-go/aws/request/retryer.go throttleCodes.
var (
	sdkV2ThrottleCodes = []string{"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown",
		"PriorRequestNotComplete", "EC2ThrottledException"}
	sdkV1ThrottleCodes = []string{"ProvisionedThroughputExceededException", "ThrottledException", "Throttling",
		"ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
		"TooManyRequestsException", "PriorRequestNotComplete", "TransactionInProgressException"}
)

// sdkError reads the code and message of an error answer the way aws-sdk-go-v2 does for the
// protocol: the same XML paths as its ErrorComponents (aws/protocol/ec2query, aws/protocol/xml with
// and without the Error wrapping), the X-Amzn-ErrorType header before the JSON body's __type or code
// (aws/protocol/restjson GetErrorInfo and SanitizeErrorCode), __type in a CBOR body.
func sdkError(t *testing.T, p protocol, h http.Header, body []byte) (code, message, requestID string) {
	t.Helper()
	switch p {
	case protoEC2:
		var e struct {
			Code      string `xml:"Errors>Error>Code"`
			Message   string `xml:"Errors>Error>Message"`
			RequestID string `xml:"RequestID"`
		}
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("EC2 error %q: %v", body, err)
		}
		return e.Code, e.Message, e.RequestID
	case protoQuery, protoRESTXML:
		var e struct {
			Code      string `xml:"Error>Code"`
			Message   string `xml:"Error>Message"`
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("wrapped XML error %q: %v", body, err)
		}
		return e.Code, e.Message, e.RequestID
	case protoS3:
		var e struct {
			Code      string `xml:"Code"`
			Message   string `xml:"Message"`
			RequestID string `xml:"RequestId"`
		}
		if err := xml.Unmarshal(body, &e); err != nil {
			t.Fatalf("S3 error %q: %v", body, err)
		}
		return e.Code, e.Message, e.RequestID
	case protoCBOR:
		m := decodeCBORTextMap(t, body)
		return sanitizeErrorCode(m["__type"]), m["message"], h.Get("X-Amzn-Requestid")
	default:
		var m map[string]string
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("JSON error %q: %v", body, err)
		}
		code = h.Get("X-Amzn-ErrorType")
		if code == "" {
			code = m["__type"]
		}
		if code == "" {
			code = m["code"]
		}
		return sanitizeErrorCode(code), m["message"], h.Get("X-Amzn-Requestid")
	}
}

// sanitizeErrorCode is aws-sdk-go-v2's: what precedes a ':', what follows a '#'.
func sanitizeErrorCode(code string) string {
	code, _, _ = strings.Cut(code, ":")
	if _, after, ok := strings.Cut(code, "#"); ok {
		code = after
	}
	return code
}

// decodeCBORTextMap decodes a CBOR map of short text strings (all faultResponse writes).
func decodeCBORTextMap(t *testing.T, b []byte) map[string]string {
	t.Helper()
	if len(b) == 0 || b[0]&0xe0 != 0xa0 || b[0]&0x1f >= 24 {
		t.Fatalf("not a small CBOR map: %x", b)
	}
	n, b := int(b[0]&0x1f), b[1:]
	text := func() string {
		if len(b) == 0 || b[0]&0xe0 != 0x60 {
			t.Fatalf("not a CBOR text string: %x", b)
		}
		l, skip := int(b[0]&0x1f), 1
		if l == 24 {
			l, skip = int(b[1]), 2
		}
		s := string(b[skip : skip+l])
		b = b[skip+l:]
		return s
	}
	m := map[string]string{}
	for range n {
		k := text()
		m[k] = text()
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes after the CBOR map", len(b))
	}
	return m
}

// protocolCases are a request of each protocol the proxy tells apart.
var protocolCases = []struct {
	name    string
	service string
	proto   protocol
	request func(t *testing.T, base string) *http.Request
}{
	{"ec2 query", "ec2", protoEC2, func(t *testing.T, base string) *http.Request {
		return queryRequest(t, base, "us-east-1", "ec2", url.Values{"Action": {"CreateVpc"}, "Version": {"2016-11-15"}, "CidrBlock": {"10.0.0.0/16"}})
	}},
	{"rds query", "rds", protoQuery, func(t *testing.T, base string) *http.Request {
		return queryRequest(t, base, "us-east-1", "rds", url.Values{"Action": {"DescribeDBInstances"}, "Version": {"2014-10-31"}})
	}},
	{"elbv2 query", "elasticloadbalancing", protoQuery, func(t *testing.T, base string) *http.Request {
		return queryRequest(t, base, "us-east-1", "elasticloadbalancing", url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"2015-12-01"}})
	}},
	{"sts query in the URL", "sts", protoQuery, func(t *testing.T, base string) *http.Request {
		return scoped(faultRequest(t, http.MethodGet, base+"/?Action=GetCallerIdentity&Version=2011-06-15", ""), "us-east-1", "sts")
	}},
	{"monitoring query without a version", "monitoring", protoQuery, func(t *testing.T, base string) *http.Request {
		return queryRequest(t, base, "us-east-1", "monitoring", url.Values{"Action": {"ListMetrics"}})
	}},
	{"logs json 1.1", "logs", protoJSON, func(t *testing.T, base string) *http.Request {
		return jsonRequest(t, base, "us-east-1", "logs", "Logs_20140328.CreateLogGroup")
	}},
	{"globalaccelerator json", "globalaccelerator", protoJSON, func(t *testing.T, base string) *http.Request {
		return jsonRequest(t, base, "us-west-2", "globalaccelerator", "GlobalAccelerator_V20180706.ListAccelerators")
	}},
	{"dynamodb json 1.0", "dynamodb", protoJSON, func(t *testing.T, base string) *http.Request {
		req := jsonRequest(t, base, "us-east-1", "dynamodb", "DynamoDB_20120810.ListTables")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		return req
	}},
	{"monitoring rpc-v2-cbor", "monitoring", protoCBOR, func(t *testing.T, base string) *http.Request {
		req := faultRequest(t, http.MethodPost, base+"/service/GraniteServiceVersion20100801/operation/ListMetrics", "\xa0")
		req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		req.Header.Set("Content-Type", "application/cbor")
		return scoped(req, "us-east-1", "monitoring")
	}},
	{"s3 rest-xml", "s3", protoS3, func(t *testing.T, base string) *http.Request {
		return scoped(faultRequest(t, http.MethodPut, base+"/bucket/key", "data"), "us-east-1", "s3")
	}},
	{"route53 rest-xml", "route53", protoRESTXML, func(t *testing.T, base string) *http.Request {
		return scoped(faultRequest(t, http.MethodGet, base+"/2013-04-01/hostedzone", ""), "us-east-1", "route53")
	}},
	{"cloudfront rest-xml", "cloudfront", protoRESTXML, func(t *testing.T, base string) *http.Request {
		return scoped(faultRequest(t, http.MethodGet, base+"/2020-05-31/distribution", ""), "us-east-1", "cloudfront")
	}},
	{"lambda rest-json", "lambda", protoRESTJSON, func(t *testing.T, base string) *http.Request {
		return scoped(faultRequest(t, http.MethodGet, base+"/2015-03-31/functions/", ""), "us-east-1", "lambda")
	}},
}

// throttleShapes are the exact throttling answers, by case name: status, content type, body (%s:
// the request id).
var throttleShapes = map[string]struct {
	status      int
	contentType string
	body        string
}{
	"ec2 query": {503, "text/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>%s</RequestID></Response>`},
	"rds query": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"elbv2 query": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"sts query in the URL": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"monitoring query without a version": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"logs json 1.1":          {400, "application/x-amz-json-1.1", `{"__type":"ThrottlingException","message":"Rate exceeded"}`},
	"globalaccelerator json": {400, "application/x-amz-json-1.1", `{"__type":"ThrottlingException","message":"Rate exceeded"}`},
	"dynamodb json 1.0":      {400, "application/x-amz-json-1.0", `{"__type":"ThrottlingException","message":"Rate exceeded"}`},
	"monitoring rpc-v2-cbor": {400, "application/cbor", "\xa2\x66__type\x73ThrottlingException\x67message\x6dRate exceeded"},
	"s3 rest-xml": {503, "application/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>%s</RequestId></Error>`},
	"route53 rest-xml": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"cloudfront rest-xml": {400, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`},
	"lambda rest-json": {429, "application/json", `{"message":"Rate exceeded"}`},
}

var requestIDPattern = regexp.MustCompile(`^fa017000-0000-4000-8000-[0-9a-f]{12}$`)

// TestFaultShapes: at rate 1, each kind of error answer follows the protocol of the request: the
// exact throttling answer of each protocol (EC2's RequestLimitExceeded 503, the query and REST-XML
// services' Throttling 400 in an ErrorResponse with the service's namespace, the JSON services'
// ThrottlingException 400 in the request's JSON version, CBOR for rpc-v2-cbor, S3's SlowDown 503,
// REST-JSON's 429 with X-Amzn-ErrorType), read as a throttle by both SDKs' retryers; the 500 and
// 503 answers carry the protocol's InternalError/InternalFailure and ServiceUnavailable, which the
// SDKs retry by status. No faulted request reaches the backend, none counts as served, each counts
// in FaultCounts, and every answer has its own request id.
func TestFaultShapes(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	ids := map[string]bool{}
	for _, kind := range []FaultKind{FaultThrottle, FaultInternalError, FaultUnavailable} {
		setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{kind: 1}})
		for _, c := range protocolCases {
			t.Run(string(kind)+"/"+c.name, func(t *testing.T) {
				req := c.request(t, p.URL())
				if got := requestProtocol(req, c.service); got != c.proto {
					t.Fatalf("protocol %d, want %d", got, c.proto)
				}
				resp, err := faultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				code, message, id := sdkError(t, c.proto, resp.Header, body)
				if c.proto == protoS3 {
					id = resp.Header.Get("X-Amz-Request-Id")
				}
				if !requestIDPattern.MatchString(id) || ids[id] {
					t.Errorf("request id %q: not an id of the proxy's, or seen before", id)
				}
				ids[id] = true
				switch kind {
				case FaultThrottle:
					want := throttleShapes[c.name]
					wantBody := want.body
					if strings.Contains(wantBody, "%s") {
						wantBody = fmt.Sprintf(wantBody, id)
					}
					if resp.StatusCode != want.status || resp.Header.Get("Content-Type") != want.contentType || string(body) != wantBody {
						t.Errorf("answer %d %q %q\nwant %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body,
							want.status, want.contentType, wantBody)
					}
					if !slices.Contains(sdkV2ThrottleCodes, code) {
						t.Errorf("code %q is not a throttle for aws-sdk-go-v2", code)
					}
					if !slices.Contains(sdkV1ThrottleCodes, code) && !slices.Contains([]int{429, 502, 503, 504}, resp.StatusCode) {
						t.Errorf("code %q with status %d is not a throttle for aws-sdk-go v1", code, resp.StatusCode)
					}
					if c.proto == protoRESTJSON && resp.Header.Get("X-Amzn-ErrorType") != "ThrottlingException" {
						t.Errorf("X-Amzn-ErrorType %q", resp.Header.Get("X-Amzn-ErrorType"))
					}
					if c.proto == protoCBOR && resp.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
						t.Errorf("Smithy-Protocol %q", resp.Header.Get("Smithy-Protocol"))
					}
				case FaultInternalError:
					want := "InternalFailure"
					if c.proto == protoEC2 || c.proto == protoS3 {
						want = "InternalError"
					}
					if resp.StatusCode != 500 || code != want || message == "" {
						t.Errorf("answer %d %q %q (%s), want 500 %s", resp.StatusCode, code, message, body, want)
					}
				case FaultUnavailable:
					if resp.StatusCode != 503 || code != "ServiceUnavailable" || message == "" {
						t.Errorf("answer %d %q %q (%s), want 503 ServiceUnavailable", resp.StatusCode, code, message, body)
					}
				}
			})
		}
	}
	if n := b.hits(); n != 0 {
		t.Errorf("%d faulted requests reached the backend", n)
	}
	if served, _ := p.Counts(); len(served) != 0 {
		t.Errorf("faulted requests counted as served: %v", served)
	}
	counts := p.FaultCounts()
	if counts["monitoring"][FaultThrottle] != 2 || counts["ec2"][FaultInternalError] != 1 || counts["lambda"][FaultUnavailable] != 1 {
		t.Errorf("FaultCounts %v: want monitoring 2 throttles, ec2 1 internal error, lambda 1 unavailable", counts)
	}
}

// TestFaultsSeededReproducible: with the same seed, the same requests in the same order get the
// same faults (outcomes and FaultCounts), on two proxies and again on one after SetFaults; another
// seed gives another sequence; a never-fault entry changes no other request's fault (every
// request draws its numbers).
func TestFaultsSeededReproducible(t *testing.T) {
	b := startFaultBackend(t)
	f := Faults{
		Rate:         0.5,
		ServiceRates: map[string]float64{"sts": 0.2},
		Weights:      map[FaultKind]float64{FaultThrottle: 3, FaultInternalError: 1, FaultUnavailable: 1, FaultReset: 1},
		Seed:         42,
	}
	services := []string{"ec2", "logs", "sts", "rds", "s3"}
	run := func(p *RegionProxy, f Faults) ([]string, map[string]map[FaultKind]int) {
		setFaults(t, p, f)
		p.Reset()
		var out []string
		for i := range 100 {
			out = append(out, faultOutcome(t, requestFor(t, p.URL(), services[i%len(services)])))
		}
		return out, p.FaultCounts()
	}
	p1, p2 := startFaultProxy(t, b.URL), startFaultProxy(t, b.URL)
	a, ac := run(p1, f)
	bb, bc := run(p2, f)
	again, againc := run(p1, f)
	if !slices.Equal(a, bb) || !slices.Equal(a, again) || fmt.Sprint(ac) != fmt.Sprint(bc) || fmt.Sprint(ac) != fmt.Sprint(againc) {
		t.Errorf("seed 42 gave different faults:\n%v %v\n%v %v\n%v %v", a, ac, bb, bc, again, againc)
	}
	kinds := map[string]int{}
	for _, o := range a {
		kinds[o]++
	}
	for _, o := range []string{"200", "400", "500", "503", "reset"} {
		if kinds[o] == 0 {
			t.Errorf("no %q among the outcomes %v: the mix is not drawn", o, kinds)
		}
	}
	f.Seed = 43
	if other, _ := run(p2, f); slices.Equal(a, other) {
		t.Error("seeds 42 and 43 gave the same faults")
	}

	// A never-fault set draws the same numbers: the others' decisions do not move.
	f.Seed = 42
	x, y := newFaultState(f), newFaultState(f)
	for i := range 1000 {
		exempt := i%3 == 0
		kx, dx := x.draw("ec2", false)
		ky, dy := y.draw("ec2", exempt)
		if exempt && ky != "" || !exempt && (kx != ky || dx != dy) {
			t.Fatalf("draw %d: %q %v without the exemption, %q %v with it (exempt %v)", i, kx, dx, ky, dy, exempt)
		}
	}
}

// TestFaultRateZeroInjectsNothing: at rate 0 everywhere, with every kind weighted, every request
// reaches the backend and is counted as served, and FaultCounts stays empty; so with the zero
// Faults and after ClearFaults.
func TestFaultRateZeroInjectsNothing(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	all := map[FaultKind]float64{}
	for _, k := range FaultKinds() {
		all[k] = 1
	}
	services := []string{"ec2", "logs", "sts", "rds", "s3"}
	for _, f := range []Faults{{Rate: 0, ServiceRates: map[string]float64{"ec2": 0}, Weights: all, MaxLatency: time.Second, Seed: 1}, {}} {
		setFaults(t, p, f)
		p.Reset()
		for i := range 50 {
			if o := faultOutcome(t, requestFor(t, p.URL(), services[i%len(services)])); o != "200" {
				t.Fatalf("request %d: %s", i, o)
			}
		}
		served, _ := p.Counts()
		if served["us-east-1"]["ec2"] != 10 || len(p.FaultCounts()) != 0 {
			t.Errorf("served %v, faults %v: want 10 ec2 served and no fault", served, p.FaultCounts())
		}
	}
	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: 1}})
	if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "503" {
		t.Fatalf("at rate 1: %s", o)
	}
	p.ClearFaults()
	if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "200" {
		t.Errorf("after ClearFaults: %s", o)
	}
	if c := p.FaultCounts(); c["ec2"][FaultThrottle] != 1 {
		t.Errorf("ClearFaults must keep the counts: %v", c)
	}
	served := p.Totals().Served
	p.Reset()
	if c := p.FaultCounts(); len(c) != 0 {
		t.Errorf("Reset must zero FaultCounts: %v", c)
	}
	if tot := p.Totals(); tot.Faults["ec2"][FaultThrottle] != 1 || tot.FaultTotal() != 1 || tot.Served != served || served == 0 {
		t.Errorf("Reset must leave Totals: %+v (served %d before)", tot, served)
	}
}

// TestFaultPerServiceRates: a service's own rate overrides the default both ways (ec2 always
// faulted at a default of 0, sts never at a default of 1), and requests without a credential scope
// (moto's own API) are never faulted.
func TestFaultPerServiceRates(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	throttle := map[FaultKind]float64{FaultThrottle: 1}
	setFaults(t, p, Faults{Rate: 0, ServiceRates: map[string]float64{"ec2": 1}, Weights: throttle, Seed: 5})
	for range 10 {
		if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "503" {
			t.Fatalf("ec2 at rate 1: %s", o)
		}
		if o := faultOutcome(t, requestFor(t, p.URL(), "rds")); o != "200" {
			t.Fatalf("rds at the default rate 0: %s", o)
		}
	}
	served, _ := p.Counts()
	if served["us-east-1"]["rds"] != 10 || served["us-east-1"]["ec2"] != 0 || p.FaultCounts()["ec2"][FaultThrottle] != 10 {
		t.Errorf("served %v, faults %v", served, p.FaultCounts())
	}

	setFaults(t, p, Faults{Rate: 1, ServiceRates: map[string]float64{"sts": 0}, Weights: throttle, Seed: 5})
	for range 10 {
		if o := faultOutcome(t, requestFor(t, p.URL(), "sts")); o != "200" {
			t.Fatalf("sts at rate 0: %s", o)
		}
		if o := faultOutcome(t, requestFor(t, p.URL(), "logs")); o != "400" {
			t.Fatalf("logs at the default rate 1: %s", o)
		}
		if o := faultOutcome(t, faultRequest(t, http.MethodGet, p.URL()+"/moto-api/data.json", "")); o != "200" {
			t.Fatalf("an unsigned request: %s", o)
		}
	}
}

// TestFaultNeverSet: an exempted operation (query Action in a form body, JSON X-Amz-Target) or
// service passes at rate 1 and reaches the backend with its body intact; the service's other
// operations are faulted.
func TestFaultNeverSet(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: 1},
		Never: []string{"sts:GetCallerIdentity", "logs:DescribeLogGroups", "s3"}})
	form := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}
	for _, c := range []struct {
		name string
		req  *http.Request
		want string
	}{
		{"sts GetCallerIdentity", queryRequest(t, p.URL(), "us-east-1", "sts", form), "200"},
		{"sts AssumeRole", queryRequest(t, p.URL(), "us-east-1", "sts", url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}}), "400"},
		{"logs DescribeLogGroups", jsonRequest(t, p.URL(), "us-east-1", "logs", "Logs_20140328.DescribeLogGroups"), "200"},
		{"logs CreateLogGroup", jsonRequest(t, p.URL(), "us-east-1", "logs", "Logs_20140328.CreateLogGroup"), "400"},
		{"s3", requestFor(t, p.URL(), "s3"), "200"},
		{"ec2", requestFor(t, p.URL(), "ec2"), "503"},
	} {
		if o := faultOutcome(t, c.req); o != c.want {
			t.Errorf("%s: %s, want %s", c.name, o, c.want)
		}
	}
	b.mu.Lock()
	bodies := slices.Clone(b.bodies)
	b.mu.Unlock()
	if len(bodies) != 3 || bodies[0] != form.Encode() || bodies[1] != "{}" {
		t.Errorf("the backend got %q; want the exempted requests' bodies intact", bodies)
	}
	if c := p.FaultCounts(); c["sts"][FaultThrottle] != 1 || c["logs"][FaultThrottle] != 1 || c["ec2"][FaultThrottle] != 1 || len(c) != 3 {
		t.Errorf("FaultCounts %v", c)
	}
}

// TestFaultResetIsConnectionReset: a reset fault is seen by a Go HTTP client as ECONNRESET (the
// error aws-sdk-go-v2's RetryableConnectionError retries), and the request never reaches the backend.
func TestFaultResetIsConnectionReset(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultReset: 1}})
	for _, service := range []string{"ec2", "logs", "s3"} {
		_, err := faultClient.Do(requestFor(t, p.URL(), service))
		if !errors.Is(err, syscall.ECONNRESET) || !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("%s: %v; want a connection reset", service, err)
		}
	}
	if n := b.hits(); n != 0 {
		t.Errorf("%d reset requests reached the backend", n)
	}
	if served, _ := p.Counts(); len(served) != 0 {
		t.Errorf("reset requests counted as served: %v", served)
	}
	if c := p.FaultCounts(); c["ec2"][FaultReset] != 1 || c["logs"][FaultReset] != 1 || c["s3"][FaultReset] != 1 {
		t.Errorf("FaultCounts %v", c)
	}
}

// TestFaultLatencyBounded: the delays drawn stay in [0, MaxLatency) and spread over it; through the
// proxy each delayed request takes at least its drawn delay (replayed from the same seed) and is
// then served by the backend.
func TestFaultLatencyBounded(t *testing.T) {
	f := Faults{Rate: 1, Weights: map[FaultKind]float64{FaultLatency: 1}, MaxLatency: time.Second, Seed: 7}
	s := newFaultState(f)
	var longest time.Duration
	for range 10000 {
		kind, d := s.draw("ec2", false)
		if kind != FaultLatency || d < 0 || d >= f.MaxLatency {
			t.Fatalf("drew %q %v; want latency in [0, %v)", kind, d, f.MaxLatency)
		}
		longest = max(longest, d)
	}
	if longest < 900*time.Millisecond {
		t.Errorf("the longest of 10000 delays is %v: not spread up to %v", longest, f.MaxLatency)
	}

	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	f.MaxLatency = 300 * time.Millisecond
	setFaults(t, p, f)
	replay := newFaultState(f)
	for i := range 6 {
		_, want := replay.draw("ec2", false)
		start := time.Now()
		if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "200" {
			t.Fatalf("request %d: %s", i, o)
		}
		if took := time.Since(start); took < want || took > want+5*time.Second {
			t.Errorf("request %d took %v; its drawn delay is %v", i, took, want)
		}
	}
	served, _ := p.Counts()
	if b.hits() != 6 || served["us-east-1"]["ec2"] != 6 || p.FaultCounts()["ec2"][FaultLatency] != 6 {
		t.Errorf("backend hits %d, served %v, faults %v; want 6 of each", b.hits(), served, p.FaultCounts())
	}
}

// TestFaultsDarkRegionFirst: a dark region refuses as before (the connection closed, not reset, no
// error answer) even at fault rate 1, and draws no fault; the lit region is faulted.
func TestFaultsDarkRegionFirst(t *testing.T) {
	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: 1}})
	p.Darken("us-west-2")
	_, err := faultClient.Do(queryRequest(t, p.URL(), "us-west-2", "ec2", url.Values{"Action": {"DescribeVpcs"}}))
	if err == nil || errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("dark region: %v; want the connection closed without an answer", err)
	}
	if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "503" {
		t.Errorf("lit region: %s; want the throttle", o)
	}
	_, refused := p.Counts()
	if c := p.FaultCounts(); refused["us-west-2"] != 1 || c["ec2"][FaultThrottle] != 1 {
		t.Errorf("refused %v, faults %v; want 1 refusal and 1 throttle", refused, c)
	}
}

// TestFaultsValidate: Validate (and SetFaults, which keeps the faults in place on an error) rejects
// each malformed configuration with an error naming the problem.
func TestFaultsValidate(t *testing.T) {
	throttle := map[FaultKind]float64{FaultThrottle: 1}
	for _, c := range []struct {
		name string
		f    Faults
		want []string // substrings of the error; none: valid
	}{
		{"zero", Faults{}, nil},
		{"rate 1", Faults{Rate: 1, Weights: throttle}, nil},
		{"all kinds", Faults{Rate: 0.1, ServiceRates: map[string]float64{"ec2": 0.3, "elasticloadbalancing": 0}, Weights: map[FaultKind]float64{
			FaultThrottle: 5, FaultInternalError: 1, FaultUnavailable: 1, FaultReset: 1, FaultLatency: 1, FaultResetAfterForward: 0.5},
			MaxLatency: time.Second, Never: []string{"sts:GetCallerIdentity", "s3"}}, nil},
		{"weights without a rate", Faults{Weights: map[FaultKind]float64{FaultThrottle: 0}}, nil},
		{"negative rate", Faults{Rate: -0.1, Weights: throttle}, []string{"Rate is -0.1"}},
		{"rate above 1", Faults{Rate: 1.5, Weights: throttle}, []string{"Rate is 1.5"}},
		{"NaN rate", Faults{Rate: math.NaN(), Weights: throttle}, []string{"Rate is NaN"}},
		{"service rate above 1", Faults{ServiceRates: map[string]float64{"ec2": 2}, Weights: throttle}, []string{`ServiceRates["ec2"] is 2`}},
		{"upper-case service", Faults{ServiceRates: map[string]float64{"EC2": 0.5}, Weights: throttle}, []string{`ServiceRates has "EC2"`}},
		{"unknown kind", Faults{Rate: 1, Weights: map[FaultKind]float64{"timeout": 1}}, []string{`unknown kind "timeout"`}},
		{"negative weight", Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: -1, FaultReset: 1}}, []string{`Weights["throttle"] is -1`}},
		{"infinite weight", Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: math.Inf(1)}}, []string{`Weights["throttle"] is +Inf`}},
		{"no kind", Faults{Rate: 0.5}, []string{"at least one kind"}},
		{"only zero weights", Faults{ServiceRates: map[string]float64{"ec2": 0.1}, Weights: map[FaultKind]float64{FaultThrottle: 0}}, []string{"at least one kind"}},
		{"latency without a bound", Faults{Rate: 1, Weights: map[FaultKind]float64{FaultLatency: 1}}, []string{"MaxLatency is not positive"}},
		{"negative bound", Faults{MaxLatency: -time.Second}, []string{"MaxLatency is -1s"}},
		{"never: upper case", Faults{Never: []string{"STS:GetCallerIdentity"}}, []string{`Never has "STS:GetCallerIdentity"`}},
		{"never: no operation", Faults{Never: []string{"sts:"}}, []string{`Never has "sts:"`}},
		{"never: empty", Faults{Never: []string{""}}, []string{`Never has ""`}},
		{"several", Faults{Rate: 2, Weights: map[FaultKind]float64{FaultThrottle: -1}}, []string{"Rate is 2", `Weights["throttle"] is -1`, "at least one kind"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.f.Validate()
			if len(c.want) == 0 {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted %+v", c.f)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: %v; want it to say %q", err, w)
				}
			}
		})
	}

	b := startFaultBackend(t)
	p := startFaultProxy(t, b.URL)
	setFaults(t, p, Faults{Rate: 1, Weights: throttle})
	if err := p.SetFaults(Faults{Rate: 2}); err == nil {
		t.Fatal("SetFaults accepted rate 2")
	}
	if o := faultOutcome(t, requestFor(t, p.URL(), "ec2")); o != "503" {
		t.Errorf("after a rejected SetFaults the faults set before must stay: %s", o)
	}
}

// TestFaultResetAfterForwardAppliesTheRequest, against moto: a CreateVpc throttled by the proxy
// creates nothing (the request never arrived), while a CreateVpc reset after forwarding creates
// its VPC though the caller saw only a connection reset, the lost answer that makes duplicates.
func TestFaultResetAfterForwardAppliesTheRequest(t *testing.T) {
	m := startMoto(t)
	p := startFaultProxy(t, m.URL())
	createVpc := func(cidr string) *http.Request {
		return queryRequest(t, p.URL(), "us-east-1", "ec2", url.Values{"Action": {"CreateVpc"}, "Version": {"2016-11-15"}, "CidrBlock": {cidr}})
	}
	vpcs := func() string {
		resp, err := faultClient.Do(queryRequest(t, p.URL(), "us-east-1", "ec2", url.Values{"Action": {"DescribeVpcs"}, "Version": {"2016-11-15"}}))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("DescribeVpcs: %d %s", resp.StatusCode, body)
		}
		return string(body)
	}

	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultThrottle: 1}})
	if o := faultOutcome(t, createVpc("10.78.0.0/16")); o != "503" {
		t.Fatalf("throttled CreateVpc: %s", o)
	}
	setFaults(t, p, Faults{Rate: 1, Weights: map[FaultKind]float64{FaultResetAfterForward: 1}})
	if o := faultOutcome(t, createVpc("10.77.0.0/16")); o != "reset" {
		t.Fatalf("CreateVpc reset after forwarding: %s", o)
	}
	p.ClearFaults()
	got := vpcs()
	if !strings.Contains(got, "10.77.0.0/16") {
		t.Error("the VPC whose answer was lost is not in moto: the request was not applied")
	}
	if strings.Contains(got, "10.78.0.0/16") {
		t.Error("the throttled CreateVpc created its VPC: the fault was not injected before forwarding")
	}
	served, _ := p.Counts()
	if c := p.FaultCounts(); served["us-east-1"]["ec2"] != 2 || c["ec2"][FaultThrottle] != 1 || c["ec2"][FaultResetAfterForward] != 1 {
		t.Errorf("served %v, faults %v; want 2 ec2 served (the reset-after-forward and DescribeVpcs), 1 throttle, 1 reset after forward", served, c)
	}
}
