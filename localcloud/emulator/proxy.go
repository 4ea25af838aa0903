package emulator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// RegionProxy sits between the AWS provider and moto: it reads each request's region and service
// from its SigV4 credential scope, counts them, and can refuse every request of a region, as a
// region whose APIs are dark would (the connection is closed without an answer), and inject faults
// (throttling, server errors, resets, latency: SetFaults). The lost-region and fault drills point
// the providers at it instead of at moto.
type RegionProxy struct {
	server   *http.Server
	listener net.Listener

	forward http.Handler // the reverse proxy to the emulator

	mu      sync.Mutex
	counts  map[string]map[string]int // region -> service -> requests served
	refused map[string]int            // region -> requests refused
	dark    map[string]bool

	faults      *faultState                  // nil: no fault injection (faults.go)
	faultCounts map[string]map[FaultKind]int // service -> kind -> faults injected
	faultSeq    uint64                       // numbers the request ids of the injected errors

	totals Totals // since the start; Reset leaves them
}

// Totals are what a RegionProxy did since it started, whatever Reset zeroed since: a drill reads
// them before and after a phase for the phase's own figures.
type Totals struct {
	// Served are the requests forwarded to the emulator.
	Served int
	// Refused are the requests of a dark region, left unanswered.
	Refused int
	// Faults are the faults injected, by service and kind.
	Faults map[string]map[FaultKind]int
}

// FaultTotal is the number of faults in t.
func (t Totals) FaultTotal() int {
	n := 0
	for _, kinds := range t.Faults {
		for _, c := range kinds {
			n += c
		}
	}
	return n
}

// Totals returns what the proxy did since it started (Reset does not zero them).
func (p *RegionProxy) Totals() Totals {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.totals
	t.Faults = map[string]map[FaultKind]int{}
	for s, m := range p.totals.Faults {
		t.Faults[s] = maps.Clone(m)
	}
	return t
}

// StartRegionProxy starts a proxy on 127.0.0.1 in front of the emulator at target.
func StartRegionProxy(target string) (*RegionProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("parsing the emulator URL %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the region proxy: %w", err)
	}
	p := &RegionProxy{listener: ln, counts: map[string]map[string]int{}, refused: map[string]int{}, dark: map[string]bool{}}
	p.forward = httputil.NewSingleHostReverseProxy(u)
	p.server = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = p.server.Serve(ln) }()
	return p, nil
}

// serve answers one request: a dark region's requests go unanswered (before any fault is drawn),
// a request drawn for a fault gets it (faults.go), every other request goes to the emulator.
func (p *RegionProxy) serve(w http.ResponseWriter, r *http.Request) {
	region, service := CredentialScope(r.Header.Get("Authorization"))
	v := p.admit(region, service, p.exempt(service, r))
	if v.refuse {
		// A dark region: no answer at all. Close the connection under the client.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if v.kind != "" {
		p.inject(w, r, service, v)
		return
	}
	p.forward.ServeHTTP(w, r)
}

// URL is the proxy's endpoint, for every service of every region.
func (p *RegionProxy) URL() string { return "http://" + p.listener.Addr().String() }

// CredentialScope returns the region and service of a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/ec2/aws4_request, ..."), or "" for each
// when the header carries none.
func CredentialScope(auth string) (region, service string) {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", ""
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) != 5 {
		return "", ""
	}
	return parts[2], strings.ToLower(parts[3])
}

// admit decides the fate of a request and counts it: refused when its region is dark (no fault is
// drawn then), else the fault drawn for it, if any (exempt: it is in the never-fault set). It counts
// as served only when it will reach the emulator: not refused, and no fault or one that forwards.
func (p *RegionProxy) admit(region, service string, exempt bool) verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dark[region] {
		p.refused[region]++
		p.totals.Refused++
		return verdict{refuse: true}
	}
	v := p.drawFault(service, exempt)
	if v.kind == "" || v.kind.forwards() {
		if p.counts[region] == nil {
			p.counts[region] = map[string]int{}
		}
		p.counts[region][service]++
		p.totals.Served++
	}
	return v
}

// Darken makes every later request of region go unanswered.
func (p *RegionProxy) Darken(region string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dark[region] = true
}

// Restore makes region answer again.
func (p *RegionProxy) Restore(region string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.dark, region)
}

// RestoreAll makes every darkened region answer again (a drill's cleanup after a failed phase).
func (p *RegionProxy) RestoreAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.dark)
}

// Counts returns the requests served, by region and service, and the requests refused, by region,
// since the start or the last Reset. Served means forwarded to the emulator: a request answered by
// an injected fault without being forwarded (see SetFaults) is not served; FaultCounts counts it.
func (p *RegionProxy) Counts() (served map[string]map[string]int, refused map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	served = map[string]map[string]int{}
	for r, m := range p.counts {
		served[r] = maps.Clone(m)
	}
	return served, maps.Clone(p.refused)
}

// Reset zeroes the counts, FaultCounts' too. It leaves the faults set and their random sequence
// where they are, and Totals.
func (p *RegionProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts, p.refused = map[string]map[string]int{}, map[string]int{}
	p.faultCounts = nil
}

// Stop shuts the proxy down.
func (p *RegionProxy) Stop(ctx context.Context) error {
	if err := p.server.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stopping the region proxy: %w", err)
	}
	return nil
}
