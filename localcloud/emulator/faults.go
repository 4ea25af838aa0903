package emulator

// Fault injection in the region proxy.
//
// Every fault but two is injected BEFORE the request is forwarded: the emulator never sees it, so a
// faulted request has no side effect. To the client each such fault is a request that never
// arrived (throttled, refused by a failing server, or cut by a reset before any answer), and a retry
// of it is always safe. That is the easy case. The hard case is a request the service applied and
// whose answer was lost: the client cannot tell it from one that never arrived, retries, and a
// create that is not idempotent makes a duplicate (or, when the retry fails, an orphan the state
// does not know). Real AWS does that (a reset or a timeout after the request was applied), so it is
// here too, as its own opt-in kind, FaultResetAfterForward: the request is forwarded, the emulator
// applies it, the answer is discarded and the connection reset. FaultLatency also forwards (late).
//
// The throttling errors take each protocol's own shape, so the AWS SDKs under the provider parse
// them as throttles and retry them:
//
//   - aws-sdk-go-v2 (the Terraform AWS provider 5.x under pulumi-aws, for most services) retries
//     an error whose code is in aws/retry.DefaultThrottleErrorCodes (aws/retry/standard.go:
//     Throttling, ThrottlingException, ThrottledException, RequestThrottledException,
//     TooManyRequestsException, ProvisionedThroughputExceededException,
//     TransactionInProgressException, RequestLimitExceeded, BandwidthLimitExceeded,
//     LimitExceededException, RequestThrottled, SlowDown, PriorRequestNotComplete,
//     EC2ThrottledException; DefaultRetryables lists it as a RetryableErrorCode), and any answer
//     with status 500, 502, 503 or 504 (DefaultRetryableHTTPStatusCodes), and a connection reset
//     (RetryableConnectionError: "connection reset" in the error).
//     It reads the code of an EC2 error from Response>Errors>Error>Code
//     (aws/protocol/ec2query/error_utils.go), of a query or REST-XML error from
//     ErrorResponse>Error>Code (aws/protocol/xml/error_utils.go, wrapped), of an S3 error from
//     Error>Code (the same file, noErrorWrapping), and of a JSON or REST-JSON error from the
//     X-Amzn-ErrorType header, else the body's __type or code (the generated deserializers'
//     headerCode, then aws/protocol/restjson/decoder_util.go GetErrorInfo, SanitizeErrorCode
//     dropping a "namespace#" prefix and a ":suffix"); an unmodelled code becomes a
//     smithy.GenericAPIError whose ErrorCode() is that code.
//   - aws-sdk-go v1 (the provider's remaining services) retries the codes of its
//     aws/request/retryer.go throttleCodes (Throttling, ThrottlingException, ThrottledException,
//     RequestLimitExceeded, RequestThrottled, RequestThrottledException, TooManyRequestsException,
//     ProvisionedThroughputExceededException, PriorRequestNotComplete,
//     TransactionInProgressException), treats 429, 502, 503 and 504 as throttles whatever the code
//     (Request.IsErrorThrottle: S3's SlowDown is a 503), retries a 500, and a connection reset.
//
// The server errors use the codes AWS documents: InternalFailure (500) and ServiceUnavailable (503)
// from the common errors of the query and JSON services, InternalError for EC2 and S3 (each
// service's own error-code list); the SDKs retry them by status.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// FaultKind is one kind of fault the region proxy can inject into a request.
type FaultKind string

const (
	// FaultThrottle answers, without forwarding, with the service's throttling error in the shape
	// of the request's protocol (EC2's RequestLimitExceeded, S3's SlowDown, Throttling or
	// ThrottlingException elsewhere).
	FaultThrottle FaultKind = "throttle"
	// FaultInternalError answers, without forwarding, HTTP 500 with the protocol's internal-error body.
	FaultInternalError FaultKind = "internal-error"
	// FaultUnavailable answers, without forwarding, HTTP 503 with the protocol's ServiceUnavailable body.
	FaultUnavailable FaultKind = "unavailable"
	// FaultReset resets the connection (TCP RST: the client reads ECONNRESET) without forwarding
	// and without an answer.
	FaultReset FaultKind = "reset"
	// FaultLatency delays the request by a random duration in [0, Faults.MaxLatency), then forwards it.
	FaultLatency FaultKind = "latency"
	// FaultResetAfterForward forwards the request, lets the emulator apply it, discards the answer
	// and resets the connection: the request took effect and its caller cannot know it. This is
	// what makes duplicates and orphans; it is opt-in (a weight of its own, 0 unless set).
	FaultResetAfterForward FaultKind = "reset-after-forward"
)

// faultKinds is every kind, in the fixed order a draw walks the weights (never a map's order, so
// that a seed gives the same faults on every run).
var faultKinds = []FaultKind{FaultThrottle, FaultInternalError, FaultUnavailable, FaultReset, FaultLatency, FaultResetAfterForward}

// FaultKinds returns every fault kind, in the order a draw walks Faults.Weights.
func FaultKinds() []FaultKind { return slices.Clone(faultKinds) }

// forwards reports whether a fault of the kind still sends the request to the emulator.
func (k FaultKind) forwards() bool { return k == FaultLatency || k == FaultResetAfterForward }

// Faults configures the faults a RegionProxy injects (SetFaults). The zero value injects none.
//
// Each request of a lit region that carries a SigV4 credential scope draws three numbers from a PCG
// source seeded with Seed (math/rand/v2), under the proxy's lock, whether or not it is faulted: is
// it faulted (below its service's rate), which kind (by Weights), how late (FaultLatency). A run
// that sends the same requests in the same order therefore gets the same faults; concurrent
// requests reach the proxy in an order of their own, so a drill with parallel calls is reproducible
// in its rates and mix, not request by request. Requests without a credential scope (moto's own
// /moto-api) and requests of a dark region draw nothing and are never faulted.
type Faults struct {
	// Rate is the probability, in [0, 1], that a request of a service absent from ServiceRates is
	// faulted.
	Rate float64
	// ServiceRates overrides Rate per service: the SigV4 service name of the credential scope, in
	// lower case ("ec2", "rds", "elasticloadbalancing", "monitoring", "logs", "route53",
	// "cloudfront", "globalaccelerator", "sts", "s3"...), to a probability in [0, 1].
	ServiceRates map[string]float64
	// Weights is the mix of kinds: a faulted request gets kind k with probability
	// Weights[k] / (sum of Weights). Weights are non-negative; a kind absent weighs 0. At least
	// one weight must be positive when any rate is.
	Weights map[FaultKind]float64
	// MaxLatency bounds the delay FaultLatency adds; it must be positive when FaultLatency weighs
	// more than 0.
	MaxLatency time.Duration
	// Seed seeds the random source: the same seed, the same faults for the same requests.
	Seed uint64
	// Never lists the requests never faulted (they still draw their numbers): "service" for a whole
	// service, or "service:Operation" for one operation (the query protocol's Action, the JSON
	// protocols' X-Amz-Target operation, the CBOR protocol's operation path segment; REST
	// operations can only be exempted by service). Prefer none: exempt an operation only when a
	// drill cannot run without it, such as "sts:GetCallerIdentity".
	Never []string
}

// serviceName is a SigV4 service name as CredentialScope returns it.
var serviceName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// Validate reports every problem of f: rates outside [0, 1], negative or unknown weights, no kind
// to inject at a positive rate, a latency kind without a bound, malformed never-fault entries.
func (f Faults) Validate() error {
	var errs []error
	positive := false
	rate := func(what string, r float64) {
		if !(r >= 0 && r <= 1) { // NaN too
			errs = append(errs, fmt.Errorf("faults: %s is %v; a rate is a probability in [0, 1]", what, r))
		}
		if r > 0 {
			positive = true
		}
	}
	rate("Rate", f.Rate)
	for _, s := range slices.Sorted(maps.Keys(f.ServiceRates)) {
		if !serviceName.MatchString(s) {
			errs = append(errs, fmt.Errorf("faults: ServiceRates has %q; a service is the lower-case SigV4 service name of the credential scope, such as \"ec2\"", s))
		}
		rate(fmt.Sprintf("ServiceRates[%q]", s), f.ServiceRates[s])
	}
	var total float64
	for _, k := range slices.Sorted(maps.Keys(f.Weights)) {
		w := f.Weights[k]
		switch {
		case !slices.Contains(faultKinds, k):
			errs = append(errs, fmt.Errorf("faults: Weights has the unknown kind %q; the kinds are %v", k, faultKinds))
		case !(w >= 0) || math.IsInf(w, 1):
			errs = append(errs, fmt.Errorf("faults: Weights[%q] is %v; a weight is a finite number >= 0", k, w))
		default:
			total += w
		}
	}
	if positive && total == 0 {
		errs = append(errs, errors.New("faults: a rate above 0 needs at least one kind with a positive weight in Weights"))
	}
	if f.MaxLatency < 0 {
		errs = append(errs, fmt.Errorf("faults: MaxLatency is %s; it must not be negative", f.MaxLatency))
	}
	if f.Weights[FaultLatency] > 0 && f.MaxLatency <= 0 {
		errs = append(errs, errors.New("faults: the latency kind has a weight but MaxLatency is not positive"))
	}
	for _, n := range f.Never {
		service, op, hasOp := strings.Cut(n, ":")
		if !serviceName.MatchString(service) || (hasOp && (op == "" || strings.ContainsAny(op, ":/ "))) {
			errs = append(errs, fmt.Errorf("faults: Never has %q; an entry is \"service\" or \"service:Operation\", the service in lower case", n))
		}
	}
	return errors.Join(errs...)
}

// faultState is a validated Faults ready to draw from. Only rng changes after it is made, under
// the proxy's lock; the rest is read without it.
type faultState struct {
	rate       float64
	rates      map[string]float64
	weights    map[FaultKind]float64
	total      float64
	maxLatency time.Duration
	never      map[string]bool            // services never faulted
	neverOps   map[string]map[string]bool // service -> operations never faulted
	rng        *rand.Rand
}

// pcgStream is the second word of the PCG state; Seed is the first.
const pcgStream = 0x9e3779b97f4a7c15

func newFaultState(f Faults) *faultState {
	s := &faultState{
		rate:       f.Rate,
		rates:      maps.Clone(f.ServiceRates),
		weights:    maps.Clone(f.Weights),
		maxLatency: f.MaxLatency,
		never:      map[string]bool{},
		neverOps:   map[string]map[string]bool{},
		rng:        rand.New(rand.NewPCG(f.Seed, pcgStream)),
	}
	for _, k := range faultKinds {
		s.total += s.weights[k]
	}
	for _, n := range f.Never {
		if service, op, ok := strings.Cut(n, ":"); ok {
			if s.neverOps[service] == nil {
				s.neverOps[service] = map[string]bool{}
			}
			s.neverOps[service][op] = true
		} else {
			s.never[n] = true
		}
	}
	return s
}

// draw decides the fault of one request of service: always three numbers from the source, so that
// the decisions of later requests do not depend on this one's outcome.
func (s *faultState) draw(service string, exempt bool) (FaultKind, time.Duration) {
	hit, pick, late := s.rng.Float64(), s.rng.Float64(), s.rng.Float64()
	rate, ok := s.rates[service]
	if !ok {
		rate = s.rate
	}
	if exempt || hit >= rate || s.total <= 0 {
		return "", 0
	}
	x := pick * s.total
	var kind FaultKind
	for _, k := range faultKinds {
		w := s.weights[k]
		if w <= 0 {
			continue
		}
		kind = k // the last kind with a weight takes what rounding leaves over
		if x < w {
			break
		}
		x -= w
	}
	var delay time.Duration
	if kind == FaultLatency {
		delay = time.Duration(late * float64(s.maxLatency))
	}
	return kind, delay
}

// exempt reports whether a request of service is in the never-fault set. It reads the operation
// (and so a query request's form body, which it puts back) only when the set names operations of
// service.
func (s *faultState) exempt(service string, r *http.Request) bool {
	if s.never[service] {
		return true
	}
	ops := s.neverOps[service]
	return len(ops) > 0 && ops[operation(r)]
}

// verdict is what the proxy does with one request.
type verdict struct {
	refuse    bool          // its region is dark
	kind      FaultKind     // the fault injected, "" for none
	delay     time.Duration // FaultLatency's delay
	requestID string        // the request id of an injected error
}

// SetFaults validates f and makes the proxy inject its faults from the next request on, restarting
// the random sequence from f.Seed (SetFaults with the same f twice replays the same faults). A
// dark region still refuses every request, before any fault is drawn.
//
// Throttles, server errors and resets are injected before forwarding: the emulator never sees the
// request, Counts does not count it as served, FaultCounts counts it. FaultLatency and
// FaultResetAfterForward requests reach the emulator: Counts counts them as served and FaultCounts
// as faulted.
func (p *RegionProxy) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	s := newFaultState(f)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = s
	return nil
}

// ClearFaults stops the fault injection (as SetFaults(Faults{}) does). FaultCounts keeps what was
// injected.
func (p *RegionProxy) ClearFaults() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
}

// FaultCounts returns the faults injected, by service and kind, since the start or the last Reset.
func (p *RegionProxy) FaultCounts() map[string]map[FaultKind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]map[FaultKind]int{}
	for s, m := range p.faultCounts {
		out[s] = maps.Clone(m)
	}
	return out
}

// exempt reports whether the faults set exempt a request of service.
func (p *RegionProxy) exempt(service string, r *http.Request) bool {
	p.mu.Lock()
	s := p.faults
	p.mu.Unlock()
	return s != nil && service != "" && s.exempt(service, r)
}

// drawFault draws the fault of a request of service and counts it. The caller holds p.mu.
func (p *RegionProxy) drawFault(service string, exempt bool) verdict {
	if p.faults == nil || service == "" {
		return verdict{}
	}
	kind, delay := p.faults.draw(service, exempt)
	if kind == "" {
		return verdict{}
	}
	if p.faultCounts == nil {
		p.faultCounts = map[string]map[FaultKind]int{}
	}
	if p.faultCounts[service] == nil {
		p.faultCounts[service] = map[FaultKind]int{}
	}
	p.faultCounts[service][kind]++
	if p.totals.Faults == nil {
		p.totals.Faults = map[string]map[FaultKind]int{}
	}
	if p.totals.Faults[service] == nil {
		p.totals.Faults[service] = map[FaultKind]int{}
	}
	p.totals.Faults[service][kind]++
	p.faultSeq++
	return verdict{kind: kind, delay: delay, requestID: fmt.Sprintf("fa017000-0000-4000-8000-%012x", p.faultSeq)}
}

// inject carries out the fault v on a request of service.
func (p *RegionProxy) inject(w http.ResponseWriter, r *http.Request, service string, v verdict) {
	switch v.kind {
	case FaultThrottle, FaultInternalError, FaultUnavailable:
		status, header, body := faultResponse(r, service, v.kind, v.requestID)
		maps.Copy(w.Header(), header)
		w.WriteHeader(status)
		_, _ = w.Write(body)
	case FaultReset:
		reset(w)
	case FaultLatency:
		t := time.NewTimer(v.delay)
		select {
		case <-t.C:
		case <-r.Context().Done(): // the client gave up; forwarding fails at once
			t.Stop()
		}
		p.forward.ServeHTTP(w, r)
	case FaultResetAfterForward:
		// The emulator applies the request; its answer is lost.
		p.forward.ServeHTTP(&discardResponse{header: http.Header{}}, r)
		reset(w)
	}
}

// reset takes the connection from the server and closes it with SO_LINGER 0, so that the kernel
// sends a RST and the client reads ECONNRESET, as from a load balancer or host that dropped it.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // not HTTP/1: abort the response, the closest we have
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// discardResponse is a ResponseWriter that drops the answer of a request whose answer is lost.
type discardResponse struct{ header http.Header }

func (d *discardResponse) Header() http.Header         { return d.header }
func (d *discardResponse) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardResponse) WriteHeader(int)             {}
func (d *discardResponse) Flush()                      {}

// protocol is the wire protocol of an AWS request, which an error answer must follow.
type protocol int

const (
	protoEC2      protocol = iota // EC2's query protocol: form-encoded Action=, Response>Errors>Error
	protoQuery                    // the other query services: form-encoded Action=, ErrorResponse>Error
	protoJSON                     // awsJson1_0/1_1: X-Amz-Target, {"__type": ...}
	protoCBOR                     // Smithy RPC v2 CBOR: Smithy-Protocol: rpc-v2-cbor, {"__type": ...} in CBOR
	protoS3                       // S3's REST-XML: Error at the root
	protoRESTXML                  // route53, cloudfront: ErrorResponse>Error
	protoRESTJSON                 // lambda, xray, apigateway...: X-Amzn-ErrorType header, {"message": ...}
)

// restXMLServices answer REST-XML errors in an ErrorResponse (S3 has its own shape).
var restXMLServices = map[string]bool{"route53": true, "cloudfront": true}

// requestProtocol tells the protocol of a request of service from its headers, content type and
// Action parameter.
func requestProtocol(r *http.Request, service string) protocol {
	switch {
	case strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor"):
		return protoCBOR
	case r.Header.Get("X-Amz-Target") != "":
		return protoJSON
	case service == "s3":
		return protoS3
	case isForm(r) || r.URL.Query().Has("Action"):
		if service == "ec2" {
			return protoEC2
		}
		return protoQuery
	case restXMLServices[service]:
		return protoRESTXML
	default:
		return protoRESTJSON
	}
}

// isForm reports whether r carries a form-encoded body (the query protocol's).
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// formValues returns the parameters of a query request, from its URL and its form body; it reads
// the body and puts back an identical one, so the request can still be forwarded.
func formValues(r *http.Request) url.Values {
	v := r.URL.Query()
	if r.Body == nil || r.Body == http.NoBody || !isForm(r) {
		return v
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return v
	}
	body, _ := url.ParseQuery(string(b))
	for k, vs := range body {
		v[k] = append(v[k], vs...)
	}
	return v
}

// operation returns the operation a request calls, or "" for a REST request.
func operation(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndex(t, ".")+1:]
	}
	if strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor") {
		if _, op, ok := strings.Cut(r.URL.Path, "/operation/"); ok {
			return op
		}
		return ""
	}
	if isForm(r) || r.URL.Query().Has("Action") {
		return formValues(r).Get("Action")
	}
	return ""
}

// apiVersion matches an AWS API version ("2016-11-15").
var apiVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// xmlNamespace returns the namespace of a query or REST-XML service's answers
// ("http://rds.amazonaws.com/doc/2014-10-31/"), or "" when the request does not tell the API version.
func xmlNamespace(r *http.Request, service string, p protocol) string {
	var version string
	if p == protoQuery {
		version = formValues(r).Get("Version")
	} else {
		version, _, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	}
	if !apiVersion.MatchString(version) || !serviceName.MatchString(service) {
		return ""
	}
	scheme := "http"
	switch service {
	case "iam", "sts", "route53":
		scheme = "https"
	}
	return scheme + "://" + service + ".amazonaws.com/doc/" + version + "/"
}

// faultError is an error answer: its code and message per protocol family.
type faultError struct {
	status  int
	code    string
	message string
	sender  bool // the query protocol's <Type>: Sender (the client's fault) or Receiver
}

// faultErrorFor returns the error of kind in protocol p.
func faultErrorFor(p protocol, kind FaultKind) faultError {
	switch kind {
	case FaultThrottle:
		switch p {
		case protoEC2:
			return faultError{http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.", true}
		case protoS3:
			return faultError{http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.", true}
		case protoQuery, protoRESTXML:
			return faultError{http.StatusBadRequest, "Throttling", "Rate exceeded", true}
		case protoRESTJSON:
			return faultError{http.StatusTooManyRequests, "ThrottlingException", "Rate exceeded", true}
		default:
			return faultError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded", true}
		}
	case FaultInternalError:
		switch p {
		case protoEC2:
			return faultError{http.StatusInternalServerError, "InternalError", "An internal error has occurred.", false}
		case protoS3:
			return faultError{http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.", false}
		default:
			return faultError{http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", false}
		}
	default: // FaultUnavailable
		if p == protoS3 {
			return faultError{http.StatusServiceUnavailable, "ServiceUnavailable", "Service is unable to handle request.", false}
		}
		return faultError{http.StatusServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.", false}
	}
}

// faultResponse returns the answer of an injected error of kind (FaultThrottle,
// FaultInternalError, FaultUnavailable) to a request of service, in the request's protocol.
func faultResponse(r *http.Request, service string, kind FaultKind, requestID string) (int, http.Header, []byte) {
	p := requestProtocol(r, service)
	e := faultErrorFor(p, kind)
	h := http.Header{}
	var body []byte
	switch p {
	case protoEC2:
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		body = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			e.code, e.message, requestID)
	case protoQuery, protoRESTXML:
		h.Set("Content-Type", "text/xml")
		h.Set("X-Amzn-Requestid", requestID)
		typ := "Receiver"
		if e.sender {
			typ = "Sender"
		}
		root := "<ErrorResponse>"
		if ns := xmlNamespace(r, service, p); ns != "" {
			root = `<ErrorResponse xmlns="` + ns + `">`
		}
		body = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`%s<Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			root, typ, e.code, e.message, requestID)
	case protoS3:
		h.Set("Content-Type", "application/xml")
		h.Set("X-Amz-Request-Id", requestID)
		body = fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
			e.code, e.message, requestID)
	case protoJSON:
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "application/x-amz-json-") {
			ct = "application/x-amz-json-1.1"
		}
		h.Set("Content-Type", ct)
		h.Set("X-Amzn-Requestid", requestID)
		body = jsonBody(map[string]string{"__type": e.code, "message": e.message})
	case protoCBOR:
		h.Set("Content-Type", "application/cbor")
		h.Set("Smithy-Protocol", "rpc-v2-cbor")
		h.Set("X-Amzn-Requestid", requestID)
		body = cborTextMap("__type", e.code, "message", e.message)
	case protoRESTJSON:
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-Errortype", e.code)
		h.Set("X-Amzn-Requestid", requestID)
		body = jsonBody(map[string]string{"message": e.message})
	}
	return e.status, h, body
}

// jsonBody encodes a flat object of strings (keys in order: encoding/json sorts them).
func jsonBody(m map[string]string) []byte {
	b, _ := json.Marshal(m)
	return b
}

// cborTextMap encodes pairs (key, value, key, value...) of short text strings as a CBOR map
// (RFC 8949: major type 5, definite length, text strings of major type 3).
func cborTextMap(pairs ...string) []byte {
	b := []byte{0xa0 | byte(len(pairs)/2)} // fewer than 24 pairs
	for _, s := range pairs {
		switch n := len(s); {
		case n < 24:
			b = append(b, 0x60|byte(n))
		case n < 256:
			b = append(b, 0x78, byte(n))
		default:
			b = append(b, 0x79, byte(n>>8), byte(n))
		}
		b = append(b, s...)
	}
	return b
}
