package components

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXRayNameKeepsTheRegion: every name carries the whole region and fits 32 characters, whatever
// the component name.
func TestXRayNameKeepsTheRegion(t *testing.T) {
	for _, name := range []string{"web", "a-very-long-service-name-x", "svc-"} {
		for _, region := range []string{"us-east-1", "ap-southeast-2", "us-gov-west-1", "ap-northeast-3"} {
			for _, suffix := range []string{"", "-hc"} {
				n := xrayName(name, region, suffix)
				assert.LessOrEqual(t, len(n), xrayNameLimit, n)
				assert.True(t, strings.HasSuffix(n, "-"+region+suffix), n)
				assert.NotContains(t, n, "--", n)
			}
		}
	}
	assert.Equal(t, "web-us-east-1", xrayName("web", "us-east-1", ""))
}

// TestDashboardBodyIsGeneratedFromTheRegions: the body is JSON, widgets do not overlap, every widget
// names a region, and each region's block draws that region's dimensions only.
func TestDashboardBodyIsGeneratedFromTheRegions(t *testing.T) {
	in := dashboardInput{ALB5xxPercent: 5, Distribution: "E123", AcceleratorARN: "arn:aws:globalaccelerator::1:accelerator/abcd"}
	for _, r := range []string{"eu-west-1", "us-west-2", "ap-southeast-2"} {
		in.Regions = append(in.Regions, dashboardRegion{Region: r, Role: "standby", ALB: "app/lb-" + r, TargetGroup: "tg-" + r,
			Cluster: "c-" + r, Service: "s-" + r, MinTasks: 1, Database: "db-" + r, Cache: "rg-" + r,
			DBLagThreshold: 60, CacheLagThreshold: 30})
		in.HealthChecks = append(in.HealthChecks, struct{ Region, ID string }{r, "hc-" + r})
	}
	in.Regions[1].Aurora = true
	in.Regions[2].Role = "primary"
	body, err := dashboardBody(in)
	require.NoError(t, err)
	var parsed struct {
		Widgets []widget `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &parsed))
	cells := map[[2]int]bool{}
	perRegion := map[string]string{}
	lagAlarms := map[string]any{}
	for _, w := range parsed.Widgets {
		pos := [2]int{w.X, w.Y}
		assert.False(t, cells[pos], "two widgets at %v", pos)
		cells[pos] = true
		assert.LessOrEqual(t, w.X+w.Width, dashboardWidth)
		region, _ := w.Properties["region"].(string)
		require.NotEmpty(t, region, "widget %v names no region", w.Properties["title"])
		title, _ := w.Properties["title"].(string)
		if !strings.HasPrefix(title, "global") {
			b, _ := json.Marshal(w.Properties["metrics"])
			perRegion[region] += string(b)
		}
		if ann, ok := w.Properties["annotations"].(map[string]any); ok {
			for _, h := range ann["horizontal"].([]any) {
				if m := h.(map[string]any); m["label"] == "lag alarm" {
					lagAlarms[title] = m["value"]
				}
			}
		}
	}
	// The standbys draw their lag alarms' thresholds (Aurora's in milliseconds); the primary has none.
	assert.Equal(t, map[string]any{
		"eu-west-1 (standby) · database": 60.0, "eu-west-1 (standby) · cache": 30.0,
		"us-west-2 (standby) · database": 60000.0, "us-west-2 (standby) · cache": 30.0,
	}, lagAlarms)
	assert.Len(t, parsed.Widgets, 3*8+3, "8 widgets per region and 3 global rows")
	for _, r := range in.Regions {
		m := perRegion[r.Region]
		for _, want := range []string{r.ALB, r.TargetGroup, r.Cluster, r.Service, r.Database, r.Cache,
			"DatabaseConnections", "GlobalDatastoreReplicationLag", "CacheHitRate"} {
			assert.Contains(t, m, want, r.Region)
		}
		for _, o := range in.Regions {
			if o.Region != r.Region {
				assert.NotContains(t, m, o.ALB, "%s draws %s's load balancer", r.Region, o.Region)
			}
		}
	}
	assert.Contains(t, perRegion["us-west-2"], "AuroraGlobalDBReplicationLag")
	assert.Contains(t, perRegion["eu-west-1"], `"ReplicaLag"`)
	assert.Contains(t, body, `"Accelerator","abcd"`, "the accelerator dimension is its ID, not its ARN")
}

// TestObservabilityValidatesBeforeRegistering: bad Args register nothing and report every problem.
func TestObservabilityValidatesBeforeRegistering(t *testing.T) {
	registered := 0
	mocks := countingMocks{n: &registered}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		rate := 2.0
		_, err := NewObservability(ctx, "web", &ObservabilityArgs{
			DashboardRegion: "us-west-2",
			ServiceName:     "web",
			Regions: map[string]ObservedRegion{"us-west-2": {Role: "leader", MinTasks: -1,
				Database: &DatabaseMetrics{LagThresholdSeconds: -1}, CacheLagThresholdSeconds: -5}},
			HealthChecks:   map[string]pulumi.StringInput{"us-west-2": pulumi.String("hc")},
			SignalSettings: SignalSettings{SamplingRate: &rate},
			LogArchive:     LogArchiveArgs{Region: "eu-west-1", ArchiveLifecycle: ArchiveLifecycle{TransitionDays: 10}},
		})
		return err
	}, pulumi.WithMocks("multiregion", "test", mocks))
	require.Error(t, err)
	for _, want := range []string{
		`Regions[us-west-2]: "us-west-2" has no provider`, `Regions[us-west-2].Role: "leader"`, "MinTasks: -1",
		"Regions[us-west-2].ALBARNSuffix: required", "Regions[us-west-2].AlarmTopicARN: required",
		"HealthCheckTopicARN: required", "SamplingRate: 2", `LogArchive.Region: "eu-west-1" has no provider`,
		"LogArchive.KMSKeyARN: required", "LogArchive.TransitionDays: 10", "Regions[us-west-2].Database.Identifier: required",
		"Database.LagThresholdSeconds: -1 is negative", "CacheLagThresholdSeconds: -5 is negative",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Zero(t, registered, "nothing is registered when Args are invalid")

	_, err = NewObservability(nil, "web", nil)
	assert.ErrorContains(t, err, "args are required")
}

// TestObservabilitySettingsRules holds every rule of ArchiveLifecycle and SignalSettings, the settings
// a stack's multiregion:observability sets.
func TestObservabilitySettingsRules(t *testing.T) {
	rate := func(r float64) *float64 { return &r }
	cases := []struct {
		name string
		errs func() FieldErrors
		want string // "" accepts
	}{
		{"default lifecycle", func() FieldErrors { l := ArchiveLifecycle{}.WithDefaults(); return l.Validate() }, ""},
		{"transition too early", func() FieldErrors { l := ArchiveLifecycle{TransitionDays: 7}.WithDefaults(); return l.Validate() },
			"TransitionDays: 7: S3 moves objects to Standard-IA after at least 30 days"},
		{"glacier before IA", func() FieldErrors {
			l := ArchiveLifecycle{TransitionDays: 60, GlacierDays: 45}.WithDefaults()
			return l.Validate()
		}, "GlacierDays: 45 must be above the transition to Standard-IA, 60 days"},
		{"retention before glacier", func() FieldErrors { l := ArchiveLifecycle{RetentionDays: 60}.WithDefaults(); return l.Validate() },
			"RetentionDays: 60 must be above the transition to Glacier, 90 days"},
		{"default signals", func() FieldErrors { s := SignalSettings{}.WithDefaults(); return s.Validate() }, ""},
		{"sampling off", func() FieldErrors { s := SignalSettings{SamplingRate: rate(0)}.WithDefaults(); return s.Validate() }, ""},
		{"5xx above 100", func() FieldErrors { s := SignalSettings{ALB5xxPercent: 150}.WithDefaults(); return s.Validate() },
			"ALB5xxPercent: 150 is outside (0, 100]"},
		{"negative 5xx", func() FieldErrors { s := SignalSettings{ALB5xxPercent: -1}.WithDefaults(); return s.Validate() },
			"ALB5xxPercent: -1 is outside (0, 100]"},
		{"sampling above 1", func() FieldErrors { s := SignalSettings{SamplingRate: rate(1.5)}.WithDefaults(); return s.Validate() },
			"SamplingRate: 1.5 is outside 0-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.errs().Err()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
	l := ArchiveLifecycle{}.WithDefaults()
	assert.Equal(t, []int{30, 90, 365}, []int{l.TransitionDays, l.GlacierDays, l.RetentionDays})
	sig := SignalSettings{}.WithDefaults()
	assert.Equal(t, 5.0, sig.ALB5xxPercent)
	assert.Equal(t, 0.05, *sig.SamplingRate)
}

// countingMocks counts registrations and answers nothing else.
type countingMocks struct{ n *int }

func (m countingMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	*m.n++
	return args.Name, args.Inputs, nil
}

func (m countingMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}
