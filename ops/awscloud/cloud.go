// Package awscloud implements ops.Cloud with aws-sdk-go-v2: the data-plane steps Pulumi cannot
// express (an Aurora global cluster's switchover or failover, a Global Datastore's failover, the
// promotion of a stale RDS replica, waiting for replica lag) and the health a region reports (Route 53
// health checks, CloudWatch alarms, the ECS service's task counts, replication lag).
//
// Every mutating step is idempotent: it reads the state first and does nothing when the target is
// already where it should be, and it waits for an operation already under way rather than starting
// a second one, so a phase interrupted mid-way can be run again. Every wait polls at an interval and
// gives up after a timeout (WithPollInterval, WithTimeout).
package awscloud

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	"github.com/multiregion/multiregion/ops"
)

// Service names for WithServiceEndpoint.
const (
	// ServiceCloudWatch is CloudWatch (alarms, metrics).
	ServiceCloudWatch = "cloudwatch"
	// ServiceECS is Amazon ECS.
	ServiceECS = "ecs"
	// ServiceElastiCache is ElastiCache.
	ServiceElastiCache = "elasticache"
	// ServiceRDS is Amazon RDS (instances, Aurora clusters and global clusters).
	ServiceRDS = "rds"
	// ServiceRoute53 is Route 53 (health checks), a global service called in us-east-1.
	ServiceRoute53 = "route53"
)

// Defaults of the waits.
const (
	// DefaultPollInterval is how often a wait reads the state again.
	DefaultPollInterval = 10 * time.Second
	// DefaultTimeout bounds each engine step's wait: an Aurora switchover or failover, a Global
	// Datastore failover or a replica's promotion usually takes minutes.
	DefaultTimeout = 30 * time.Minute
)

// route53Region is where Route 53's API, a global one, is called.
const route53Region = "us-east-1"

// Option configures New.
type Option func(*options)

type options struct {
	cfg        *aws.Config
	load       []func(*config.LoadOptions) error
	endpoint   string
	endpoints  map[string]string
	httpClient aws.HTTPClient
	poll       time.Duration
	timeout    time.Duration
	cwQuery    bool
}

// WithConfig uses cfg instead of config.LoadDefaultConfig (credentials, retries, logging).
func WithConfig(cfg aws.Config) Option {
	return func(o *options) { o.cfg = &cfg }
}

// WithLoadOptions passes options to config.LoadDefaultConfig (a profile, static credentials, ...).
func WithLoadOptions(opts ...func(*config.LoadOptions) error) Option {
	return func(o *options) { o.load = append(o.load, opts...) }
}

// WithEndpoint sends every service's requests to url (an emulator that serves every service on one
// endpoint, such as moto). The request's SigV4 scope still names the region called.
func WithEndpoint(url string) Option {
	return func(o *options) { o.endpoint = url }
}

// WithServiceEndpoint sends one service's requests to url; it wins over WithEndpoint. service is one
// of the Service* constants.
func WithServiceEndpoint(service, url string) Option {
	return func(o *options) {
		if o.endpoints == nil {
			o.endpoints = map[string]string{}
		}
		o.endpoints[service] = url
	}
}

// WithHTTPClient sends every request through c.
func WithHTTPClient(c aws.HTTPClient) Option {
	return func(o *options) { o.httpClient = c }
}

// WithPollInterval sets how often a wait reads the state again. Default DefaultPollInterval.
func WithPollInterval(d time.Duration) Option {
	return func(o *options) { o.poll = d }
}

// WithTimeout bounds the wait of each engine step (switchover, failover, promotion). Default
// DefaultTimeout. WaitReplicaLag takes its own timeout, and this one when it is given none.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// WithCloudWatchQueryProtocol makes CloudWatch speak the AWS query protocol instead of the SDK's
// default, Smithy RPC v2 CBOR, for an emulator that serves only the former (moto 5.2). AWS serves
// both.
func WithCloudWatchQueryProtocol() Option {
	return func(o *options) { o.cwQuery = true }
}

// Cloud is an ops.Cloud over the AWS APIs. Its clients are made per call, for the region called.
type Cloud struct {
	cfg     aws.Config
	o       options
	poll    time.Duration
	timeout time.Duration
}

var _ ops.Cloud = (*Cloud)(nil)

// New loads the AWS configuration (config.LoadDefaultConfig: the environment, the shared files, the
// instance role), unless WithConfig gives one, and returns the Cloud.
func New(ctx context.Context, opts ...Option) (ops.Cloud, error) {
	return newCloud(ctx, opts...)
}

func newCloud(ctx context.Context, opts ...Option) (*Cloud, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	c := &Cloud{o: o, poll: o.poll, timeout: o.timeout}
	if c.poll <= 0 {
		c.poll = DefaultPollInterval
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if o.cfg != nil {
		c.cfg = o.cfg.Copy()
	} else {
		cfg, err := config.LoadDefaultConfig(ctx, o.load...)
		if err != nil {
			return nil, fmt.Errorf("loading the AWS configuration: %w", err)
		}
		c.cfg = cfg
	}
	if o.httpClient != nil {
		c.cfg.HTTPClient = o.httpClient
	}
	return c, nil
}

// endpointOf is the endpoint override of service, "" for AWS's own.
func (c *Cloud) endpointOf(service string) *string {
	if u, ok := c.o.endpoints[service]; ok {
		return aws.String(u)
	}
	if c.o.endpoint != "" {
		return aws.String(c.o.endpoint)
	}
	return nil
}

func (c *Cloud) rds(region string) *rds.Client {
	return rds.NewFromConfig(c.cfg, func(o *rds.Options) {
		o.Region = region
		o.BaseEndpoint = c.endpointOf(ServiceRDS)
	})
}

func (c *Cloud) elastiCache(region string) *elasticache.Client {
	return elasticache.NewFromConfig(c.cfg, func(o *elasticache.Options) {
		o.Region = region
		o.BaseEndpoint = c.endpointOf(ServiceElastiCache)
	})
}

func (c *Cloud) ecs(region string) *ecs.Client {
	return ecs.NewFromConfig(c.cfg, func(o *ecs.Options) {
		o.Region = region
		o.BaseEndpoint = c.endpointOf(ServiceECS)
	})
}

func (c *Cloud) cloudWatch(region string) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(c.cfg, func(o *cloudwatch.Options) {
		o.Region = region
		o.BaseEndpoint = c.endpointOf(ServiceCloudWatch)
		if c.o.cwQuery {
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		}
	})
}

func (c *Cloud) route53() *route53.Client {
	return route53.NewFromConfig(c.cfg, func(o *route53.Options) {
		o.Region = route53Region
		o.BaseEndpoint = c.endpointOf(ServiceRoute53)
	})
}

// waitFor calls check at once and then every poll interval until it reports done, fails, or timeout
// passes; the timeout's error names what was awaited and the last state check described.
func (c *Cloud) waitFor(ctx context.Context, timeout time.Duration, what string, check func(context.Context) (done bool, state string, err error)) error {
	if timeout <= 0 {
		timeout = c.timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(c.poll)
	defer t.Stop()
	last := "not read yet"
	for {
		done, state, err := check(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("waiting %s for %s: %w (last state: %s)", timeout, what, ctx.Err(), last)
			}
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			return nil
		}
		last = state
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting %s for %s: %w (last state: %s)", timeout, what, ctx.Err(), last)
		case <-t.C:
		}
	}
}
