package awscloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/stretchr/testify/require"
)

// call is one request the fake AWS received.
type call struct {
	Service string         // rds, elasticache, ecs, route53, cloudwatch (from the SigV4 scope)
	Region  string         // from the SigV4 scope
	Op      string         // the API operation
	Params  map[string]any // flattened query parameters, JSON or CBOR members; Route 53: "Id"
}

// param reads a parameter as a string.
func (c call) param(k string) string {
	return fmt.Sprint(c.Params[k])
}

// reply is the fake's answer to one call.
type reply struct {
	status int
	body   []byte
	header map[string]string
}

// fakeAWS plays the AWS APIs the package calls: query (RDS, ElastiCache, CloudWatch with
// WithCloudWatchQueryProtocol), JSON 1.1 (ECS), REST-XML (Route 53) and RPC v2 CBOR (CloudWatch).
type fakeAWS struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	calls   []call
	handler func(c call) reply
}

var scope = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([^/]+)/([^/]+)/aws4_request`)

func newFake(t *testing.T, handler func(c call) reply) *fakeAWS {
	f := &fakeAWS{t: t, handler: handler}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c := call{Params: map[string]any{}}
	if m := scope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		c.Region, c.Service = m[1], m[2]
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/service/"): // RPC v2 CBOR: /service/<service>/operation/<op>
		c.Op = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		v, err := cbor.Decode(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if m, ok := plain(v).(map[string]any); ok {
			c.Params = m
		}
	case r.Header.Get("X-Amz-Target") != "": // JSON 1.1
		target := r.Header.Get("X-Amz-Target")
		c.Op = target[strings.LastIndex(target, ".")+1:]
		if err := json.Unmarshal(body, &c.Params); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	case strings.Contains(r.URL.Path, "/healthcheck/"): // Route 53 REST-XML
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		c.Op, c.Params["Id"] = "GetHealthCheckStatus", parts[2]
	default: // query
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.Op = form.Get("Action")
		for k := range form {
			c.Params[k] = form.Get(k)
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	rep := f.handler(c)
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// ops lists the operations called, in order.
func (f *fakeAWS) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Op)
	}
	return out
}

// called returns the calls of op.
func (f *fakeAWS) called(op string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// cloud is a Cloud pointed at the fake with static credentials, polling fast.
func (f *fakeAWS) cloud(t *testing.T, opts ...Option) *Cloud {
	base := []Option{
		WithConfig(aws.Config{
			Region:      "us-west-2",
			Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
			// One attempt: a fake's error is the answer, not a throttle.
			RetryMaxAttempts: 1,
		}),
		WithEndpoint(f.srv.URL),
		WithPollInterval(5 * time.Millisecond),
		WithTimeout(2 * time.Second),
	}
	c, err := newCloud(context.Background(), append(base, opts...)...)
	require.NoError(t, err)
	return c
}

// plain turns a CBOR value into Go values.
func plain(v cbor.Value) any {
	switch x := v.(type) {
	case cbor.Map:
		m := map[string]any{}
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case cbor.List:
		var l []any
		for _, e := range x {
			l = append(l, plain(e))
		}
		return l
	case cbor.String:
		return string(x)
	case cbor.Uint:
		return float64(x)
	case cbor.NegInt:
		return -float64(x)
	case cbor.Float64:
		return float64(x)
	case cbor.Float32:
		return float64(x)
	case cbor.Bool:
		return bool(x)
	case *cbor.Tag:
		return plain(x.Value)
	}
	return nil
}

// queryXML answers a query-protocol call with result, the inner XML of <Op>Result.
func queryXML(op, result string) reply {
	return reply{body: []byte(fmt.Sprintf(`<%[1]sResponse xmlns="http://example.com/doc/"><%[1]sResult>%[2]s</%[1]sResult>`+
		`<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></%[1]sResponse>`, op, result)),
		header: map[string]string{"Content-Type": "text/xml"}}
}

// queryError answers a query-protocol call with an AWS error.
func queryError(status int, code, msg string) reply {
	return reply{status: status, body: []byte(fmt.Sprintf(`<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>`+
		`<Message>%s</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`, code, msg)),
		header: map[string]string{"Content-Type": "text/xml"}}
}

// cborReply answers an RPC v2 CBOR call.
func cborReply(v cbor.Map) reply {
	return reply{body: cbor.Encode(v), header: map[string]string{"Content-Type": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"}}
}

// jsonReply answers a JSON 1.1 call.
func jsonReply(v any) reply {
	b, _ := json.Marshal(v)
	return reply{body: b, header: map[string]string{"Content-Type": "application/x-amz-json-1.1"}}
}

// metricValues answers GetMetricData with values, newest first.
func metricValues(values ...float64) reply {
	l := cbor.List{}
	for _, v := range values {
		l = append(l, cbor.Float64(v))
	}
	return cborReply(cbor.Map{"MetricDataResults": cbor.List{cbor.Map{
		"Id": cbor.String("lag"), "StatusCode": cbor.String("Complete"), "Values": l,
	}}})
}

// unexpected fails the test for a call the fake does not play.
func unexpected(t *testing.T, c call) reply {
	t.Errorf("unexpected call %s %s in %s", c.Service, c.Op, c.Region)
	return queryError(http.StatusBadRequest, "Unexpected", c.Op)
}
