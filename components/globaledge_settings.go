package components

import (
	"fmt"
	"slices"
	"strings"
)

// EdgeSettings are the GlobalEdge settings a deployment chooses: which global services run, their
// health checks and CloudFront's origin behaviour. Their JSON names are the stack's multiregion:edge
// fields. The zero value means every default (WithDefaults); an explicit 0 is never a setting.
type EdgeSettings struct {
	// HealthCheckIntervalSeconds is the Route 53 request interval and the Global Accelerator health
	// check interval. Default 10; allowed 10 or 30 (the values both services accept).
	HealthCheckIntervalSeconds int `json:"healthCheckIntervalSeconds,omitempty"`
	// HealthCheckFailureThreshold is how many consecutive failures mark an endpoint unhealthy, in
	// both services. Default 3; allowed 1-10.
	HealthCheckFailureThreshold int `json:"healthCheckFailureThreshold,omitempty"`
	// MeasureLatency turns on Route 53 latency measurement (cannot change after creation). Default false.
	MeasureLatency bool `json:"measureLatency,omitempty"`
	// Route53 creates the health checks and routing records. Default on with a hostname; needs one.
	Route53 *bool `json:"route53,omitempty"`
	// CloudFront creates the distribution (cdn.<hostname>) with origin failover. Default on with a
	// hostname; needs one (CloudFront reaches the ALBs over HTTPS, which needs their certificate).
	CloudFront *bool `json:"cloudFront,omitempty"`
	// WAF puts the same web ACL rules (AWS managed IP reputation, common and known-bad-inputs rules,
	// and a per-IP rate limit) in front of every entry: a REGIONAL web ACL on every region's ALB (the
	// entry of the Route 53 records and the accelerator) and, with CloudFront, a CLOUDFRONT one on the
	// distribution; each logs to its own aws-waf-logs- log group. Default on.
	WAF *bool `json:"waf,omitempty"`
	// AllowPlainHTTP lets a stack without a domain serve plain HTTP: the ALBs forward on port 80 and
	// the accelerator listens on TCP 80. Default off: a stack without a domain is refused, since
	// without one there is no certificate and nothing is encrypted in transit.
	AllowPlainHTTP *bool `json:"allowPlainHttp,omitempty"`
	// GlobalAccelerator creates the accelerator (ga.<hostname> with a hostname). Default on.
	GlobalAccelerator *bool `json:"globalAccelerator,omitempty"`
	// ClientAffinity is the accelerator listener's client affinity, AffinityNone or AffinitySourceIP.
	// Default AffinityNone.
	ClientAffinity string `json:"clientAffinity,omitempty"`
	// OriginConnectTimeoutSeconds is CloudFront's origin connection timeout. Default 10; allowed 1-10.
	OriginConnectTimeoutSeconds int `json:"originConnectTimeoutSeconds,omitempty"`
	// OriginConnectionAttempts is how often CloudFront tries to connect to an origin. Default 3;
	// allowed 1-3.
	OriginConnectionAttempts int `json:"originConnectionAttempts,omitempty"`
	// WritePaths are CloudFront path patterns (e.g. "/api/*") whose requests, of every method, go
	// straight to the primary region's origin. CloudFront refuses POST, PUT, PATCH and DELETE on a
	// behavior that targets an origin group, so the default behavior (the origin group, with
	// failover) allows GET, HEAD and OPTIONS only; writes belong to the primary region anyway, and
	// these behaviors follow it when the primary changes. Default none; at most 25.
	WritePaths []string `json:"cloudFrontWritePaths,omitempty"`
}

// maxWritePaths is how many cache behaviors a CloudFront distribution has by default.
const maxWritePaths = 25

// WithDefaults returns s with every unset field at its default; hostname says whether the edge has
// a hostname (Route 53 and CloudFront default to on with one, off without).
func (s EdgeSettings) WithDefaults(hostname bool) EdgeSettings {
	orDefault(&s.HealthCheckIntervalSeconds, 10)
	orDefault(&s.HealthCheckFailureThreshold, 3)
	orDefault(&s.OriginConnectTimeoutSeconds, 10)
	orDefault(&s.OriginConnectionAttempts, 3)
	orDefault(&s.ClientAffinity, AffinityNone)
	for _, t := range []struct {
		p   **bool
		def bool
	}{{&s.Route53, hostname}, {&s.CloudFront, hostname}, {&s.WAF, true}, {&s.GlobalAccelerator, true}, {&s.AllowPlainHTTP, false}} {
		if *t.p == nil {
			*t.p = Bool(t.def)
		}
	}
	s.WritePaths = slices.Clone(s.WritePaths)
	return s
}

// On reports whether a toggle of EdgeSettings is on (false when unset: read it after WithDefaults).
func On(toggle *bool) bool { return toggle != nil && *toggle }

// Validate checks s (after WithDefaults) for an edge with or without a hostname and returns every
// problem, on paths relative to s ("HealthCheckIntervalSeconds", "WritePaths[2]").
func (s *EdgeSettings) Validate(hostname bool) FieldErrors {
	var f FieldErrors
	r53, cf, ga := On(s.Route53), On(s.CloudFront), On(s.GlobalAccelerator)
	if !r53 && !cf && !ga {
		f.Add("Route53/CloudFront/GlobalAccelerator", "all three are off; the service would have no global entry point (turn at least one on)")
	}
	if r53 && !hostname {
		f.Add("Route53", "true needs a domain, the hostname the records answer for; set one or turn Route53 off")
	}
	if cf && !hostname {
		f.Add("CloudFront", "true needs a domain (CloudFront reaches the ALBs over HTTPS, which needs their certificate for it); set one or turn CloudFront off")
	}
	if hostname && On(s.AllowPlainHTTP) {
		f.Add("AllowPlainHTTP", "true has no effect with a domain (port 80 only redirects to HTTPS); remove it")
	}
	if !hostname && !On(s.AllowPlainHTTP) {
		f.Add("AllowPlainHTTP", "false, and there is no domain: the ALBs and the accelerator would serve plain HTTP (no certificate without a domain); set a domain, or opt in to plain HTTP with allowPlainHttp: true")
	}
	if !ValidHealthCheckInterval(s.HealthCheckIntervalSeconds) {
		f.Add("HealthCheckIntervalSeconds", "%d is not allowed (only 10 or 30, the intervals Route 53 and Global Accelerator accept)", s.HealthCheckIntervalSeconds)
	}
	if n := s.HealthCheckFailureThreshold; n < 1 || n > 10 {
		f.Add("HealthCheckFailureThreshold", "%d is outside 1-10", n)
	}
	if n := s.OriginConnectTimeoutSeconds; n < 1 || n > 10 {
		f.Add("OriginConnectTimeoutSeconds", "%d is outside 1-10", n)
	}
	if n := s.OriginConnectionAttempts; n < 1 || n > 3 {
		f.Add("OriginConnectionAttempts", "%d is outside 1-3", n)
	}
	if s.ClientAffinity != AffinityNone && s.ClientAffinity != AffinitySourceIP {
		f.Add("ClientAffinity", "%q is not %s or %s", s.ClientAffinity, AffinityNone, AffinitySourceIP)
	}
	if len(s.WritePaths) > maxWritePaths {
		f.Add("WritePaths", "%d patterns; CloudFront allows %d cache behaviors by default", len(s.WritePaths), maxWritePaths)
	}
	for i, p := range s.WritePaths {
		path := fmt.Sprintf("WritePaths[%d]", i)
		if err := CheckPathPattern(p); err != nil {
			f.Add(path, "%v", err)
		} else if slices.Contains(s.WritePaths[:i], p) {
			f.Add(path, "%q is listed twice", p)
		}
	}
	return f
}

// ValidHealthCheckInterval reports whether s is an interval both Route 53 and Global Accelerator accept.
func ValidHealthCheckInterval(s int) bool { return s == 10 || s == 30 }

// CheckPathPattern reports why p cannot be a CloudFront cache behavior path pattern, or nil.
func CheckPathPattern(p string) error {
	if p == "" || len(p) > 255 || strings.ContainsAny(p, " \t\n\"") || p == "*" || p == "/*" {
		return fmt.Errorf("%q is not a path pattern for a write behavior (1-255 characters, no spaces; not the catch-all * which is the default behavior)", p)
	}
	return nil
}
