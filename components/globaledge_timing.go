package components

import "fmt"

// ALBAliasTTL is the TTL, in seconds, Route 53 answers an alias record to an ALB with: alias records
// carry no TTL of their own and take the load balancer's, which AWS fixes at 60 seconds.
const ALBAliasTTL = 60

// CloudFrontFailoverStatusCodes are the origin response codes on which the CloudFront origin group
// retries the request on its secondary member.
var CloudFrontFailoverStatusCodes = []int{500, 502, 503, 504}

// FailoverTiming is the expected time one global path needs to notice a failed region and to move
// clients away from it, computed from the configured settings (never measured).
type FailoverTiming struct {
	// DetectionSeconds is how long the path takes to declare a region unhealthy.
	DetectionSeconds int
	// CachingSeconds is how long clients may keep using the old answer after detection (DNS TTL and
	// resolver caching); 0 for paths without DNS.
	CachingSeconds int
	// FailoverSeconds is DetectionSeconds + CachingSeconds: the worst case until new connections reach
	// a healthy region.
	FailoverSeconds int
	// Formula explains the figure in terms of the settings that produce it.
	Formula string
}

// Route53FailoverTiming is the DNS path: health checkers declare an endpoint unhealthy after
// threshold consecutive failures at interval seconds, then resolvers keep the old answer for up to
// ttl seconds.
func Route53FailoverTiming(interval, threshold, ttl int) FailoverTiming {
	d := interval * threshold
	return FailoverTiming{
		DetectionSeconds: d,
		CachingSeconds:   ttl,
		FailoverSeconds:  d + ttl,
		Formula:          fmt.Sprintf("interval %d s x threshold %d = %d s detection, + %d s record TTL / resolver caching", interval, threshold, d, ttl),
	}
}

// AcceleratorFailoverTiming is the Global Accelerator path: endpoint group health checks fail after
// threshold checks at interval seconds, and the static anycast IPs move traffic with no DNS change.
func AcceleratorFailoverTiming(interval, threshold int) FailoverTiming {
	d := interval * threshold
	return FailoverTiming{
		DetectionSeconds: d,
		FailoverSeconds:  d,
		Formula:          fmt.Sprintf("interval %d s x threshold %d = %d s detection, no DNS (static IPs)", interval, threshold, d),
	}
}

// CloudFrontFailoverTiming is the CloudFront path: the origin group fails over per request. A
// response of 500/502/503/504 is retried on the secondary at once; an unreachable primary costs up to
// connectTimeout x attempts seconds on every request (there is no health state to remember).
func CloudFrontFailoverTiming(connectTimeout, attempts int) FailoverTiming {
	d := connectTimeout * attempts
	return FailoverTiming{
		DetectionSeconds: d,
		FailoverSeconds:  d,
		Formula: fmt.Sprintf("per request: at once on %v (GET/HEAD/OPTIONS only); an unreachable origin costs up to "+
			"connection timeout %d s x %d attempts = %d s per request", CloudFrontFailoverStatusCodes, connectTimeout, attempts, d),
	}
}
