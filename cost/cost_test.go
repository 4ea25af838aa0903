package cost_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multiregion/multiregion/cost"
)

// TestTableIsComplete: every priced region has every price, and the same instance and node classes,
// so that a config priced in one region is priced in all of them.
func TestTableIsComplete(t *testing.T) {
	tb, err := cost.Table()
	require.NoError(t, err)
	assert.Equal(t, "USD", tb.Currency)
	assert.NotEmpty(t, tb.PriceDate)
	assert.NotEmpty(t, tb.Source)
	assert.Equal(t, 730.0, tb.HoursPerMonth)
	for _, seed := range []string{"us-west-2", "us-east-1", "eu-west-1"} {
		assert.Contains(t, tb.RegionNames(), seed)
	}
	positive := func(where string, v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			name := where + "." + v.Type().Field(i).Name
			switch f.Kind() {
			case reflect.Float64:
				assert.Greater(t, f.Float(), 0.0, name)
			case reflect.Map:
				assert.NotZero(t, f.Len(), name)
				for _, k := range f.MapKeys() {
					assert.Greater(t, f.MapIndex(k).Float(), 0.0, name+"["+k.String()+"]")
				}
			}
		}
	}
	positive("global", reflect.ValueOf(tb.Global))
	base := tb.Regions["us-east-1"]
	for name, rp := range tb.Regions {
		positive(name, reflect.ValueOf(rp))
		assert.ElementsMatch(t, keys(base.RDSPostgresHour), keys(rp.RDSPostgresHour), name)
		assert.ElementsMatch(t, keys(base.AuroraPostgresHour), keys(rp.AuroraPostgresHour), name)
		assert.ElementsMatch(t, keys(base.CacheNodeHour), keys(rp.CacheNodeHour), name)
		assert.Less(t, rp.FargateARMVCPUHour, rp.FargateVCPUHour, name+": Graviton is cheaper")
		assert.Less(t, rp.FargateSpotFactor, 1.0, name)
	}
}

func keys(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// one is a region with one of everything priced per unit, in us-east-1's prices.
func one() cost.Region {
	return cost.Region{
		Name: "us-east-1", Serves: true, Primary: true,
		Tasks:       cost.Tasks{Count: 2, VCPU: 1, MemoryGB: 2},
		NATGateways: 1, LoadBalancers: 1, LoadBalancerAZs: 2,
		DBInstances: []cost.DBInstance{{Engine: cost.Postgres, Class: "db.r6g.large", MultiAZ: true, StorageGB: 100}},
		CacheNodes:  2, CacheNodeType: "cache.r7g.large",
		KMSKeys: 1, Secrets: 1, Alarms: 10, WebACLs: 1, WAFRules: 4,
	}
}

func TestPriceFixedLines(t *testing.T) {
	e, err := cost.Price(cost.Inventory{Regions: []cost.Region{one()}}, cost.Assumptions{})
	require.NoError(t, err)
	want := map[string]float64{
		"Fargate vCPU (x86_64)":                2 * 1 * 730 * 0.04048,
		"Fargate memory (x86_64)":              2 * 2 * 730 * 0.004445,
		"NAT gateway hours":                    730 * 0.045,
		"public IPv4 addresses (NAT, ALB)":     3 * 730 * 0.005,
		"ALB hours":                            730 * 0.0225,
		"RDS PostgreSQL db.r6g.large Multi-AZ": 2 * 730 * 0.225,
		"RDS storage":                          2 * 100 * 0.115,
		"ElastiCache cache.r7g.large":          2 * 730 * 0.219,
		"KMS keys":                             1,
		"Secrets Manager secrets":              0.40,
		"CloudWatch alarms":                    1,
		"WAF web ACLs":                         5,
		"WAF rules":                            4,
	}
	got := map[string]float64{}
	for _, l := range e.Lines {
		if l.Kind == cost.Fixed {
			got[l.Item] = l.Monthly
		}
	}
	for item, v := range want {
		assert.InDelta(t, v, got[item], 1e-9, item)
	}
	assert.Len(t, got, len(want), "fixed lines: %v", got)
	sum := 0.0
	for _, v := range want {
		sum += v
	}
	assert.InDelta(t, sum, e.Fixed, 0.01)
	assert.InDelta(t, e.Fixed+e.Usage, e.Total, 0.011)
	tiers := 0.0
	for _, v := range e.ByTier {
		tiers += v
	}
	assert.InDelta(t, e.Total, tiers, 0.05)
	assert.Equal(t, "2025-06-01", e.PriceDate)
}

func TestPriceUsageFollowsTheAssumptions(t *testing.T) {
	standby := one()
	standby.Name, standby.Primary, standby.Serves = "eu-west-1", false, false
	inv := cost.Inventory{Regions: []cost.Region{one(), standby}, Global: cost.Global{Accelerators: 1}}
	low, err := cost.Price(inv, cost.Assumptions{GBOutPerMonth: 100, ReplicatedGBPerMonth: 10})
	require.NoError(t, err)
	high, err := cost.Price(inv, cost.Assumptions{GBOutPerMonth: 1000, ReplicatedGBPerMonth: 1000})
	require.NoError(t, err)
	assert.Equal(t, low.Fixed, high.Fixed, "the assumptions change usage only")
	assert.Greater(t, high.Usage, low.Usage)
	line := func(e cost.Estimate, region, item string) cost.Line {
		for _, l := range e.Lines {
			if l.Region == region && l.Item == item {
				return l
			}
		}
		t.Fatalf("no line %s %s in %+v", region, item, e.Lines)
		return cost.Line{}
	}
	// Replication leaves the primary, once per other region holding a copy, at the inter-region rate.
	assert.InDelta(t, 1000*0.02, line(high, "us-east-1", "database replication to other regions").Monthly, 1e-9)
	assert.InDelta(t, 1000*0.02, line(high, "us-east-1", "cache replication to other regions").Monthly, 1e-9)
	// Only the serving region pays data out; a standby pays none.
	assert.InDelta(t, 1000*0.09, line(high, "us-east-1", "data transfer out to the internet").Monthly, 1e-9)
	for _, l := range high.Lines {
		assert.False(t, l.Region == "eu-west-1" && l.Item == "data transfer out to the internet", "a standby serves no traffic")
	}
	assert.InDelta(t, 1000*0.015, line(high, cost.GlobalRegion, "Global Accelerator data transfer premium").Monthly, 1e-9)
	assert.InDelta(t, 730*0.025, line(high, cost.GlobalRegion, "Global Accelerator fixed fee").Monthly, 1e-9)
}

func TestARMAndSpotCutCompute(t *testing.T) {
	price := func(mod func(*cost.Region)) float64 {
		r := one()
		mod(&r)
		e, err := cost.Price(cost.Inventory{Regions: []cost.Region{r}}, cost.Assumptions{})
		require.NoError(t, err)
		return e.ByTier[cost.Compute]
	}
	x86 := price(func(*cost.Region) {})
	arm := price(func(r *cost.Region) { r.Tasks.ARM64 = true })
	spot := price(func(r *cost.Region) { r.Tasks.SpotShare = 1 })
	assert.InDelta(t, 0.8, arm/x86, 0.01, "Graviton Fargate is about 20%% cheaper")
	assert.InDelta(t, 0.3, spot/x86, 0.01, "the table's Spot factor")
}

func TestUnpricedIsExplicit(t *testing.T) {
	far := one()
	far.Name = "ap-east-2"
	odd := one()
	odd.DBInstances[0].Class = "db.x2g.16xlarge"
	odd.CacheNodeType = "cache.x9.huge"
	e, err := cost.Price(cost.Inventory{Regions: []cost.Region{far, odd}}, cost.Assumptions{})
	require.NoError(t, err)
	joined := strings.Join(e.Unpriced, "\n")
	assert.Contains(t, joined, "ap-east-2")
	assert.Contains(t, joined, "db.x2g.16xlarge")
	assert.Contains(t, joined, "cache.x9.huge")
	assert.Zero(t, e.ByRegion["ap-east-2"], "an unpriced region adds nothing, visibly")
	assert.Len(t, e.Unpriced, 3)
}

func TestAssumptionsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    cost.Assumptions
		want string
	}{
		{"negative requests", cost.Assumptions{RequestsPerMonth: -1}, "requestsPerMonth: -1"},
		{"NaN logs", cost.Assumptions{LogGBPerDay: math.NaN()}, "logGbPerDay: NaN"},
		{"infinite data", cost.Assumptions{DataGB: math.Inf(1)}, "dataGb: +Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.a.Check()
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Error(), tc.want)
			_, err := cost.Price(cost.Inventory{Regions: []cost.Region{one()}}, tc.a)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	assert.Empty(t, cost.Assumptions{}.WithDefaults().Check())
}

func TestMoneyAndDrivers(t *testing.T) {
	assert.Equal(t, "$1,234,567.89", cost.Money(1234567.891))
	assert.Equal(t, "$0.40", cost.Money(0.4))
	e, err := cost.Price(cost.Inventory{Regions: []cost.Region{one()}}, cost.Assumptions{})
	require.NoError(t, err)
	d := e.Drivers(3)
	require.Len(t, d, 3)
	assert.Contains(t, d[0], "RDS PostgreSQL db.r6g.large Multi-AZ", "the largest line first")
}

func BenchmarkPrice(b *testing.B) {
	inv := cost.Inventory{Regions: []cost.Region{one(), one(), one()}, Global: cost.Global{HostedZones: 1, HealthChecks: 3, Accelerators: 1, CloudFront: true, WebACLs: 1, WAFRules: 4, Dashboards: 1}}
	tb, err := cost.Table()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tb.Price(inv, cost.Assumptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPriceTableRegions: every region the benchmarks deploy to is priced (a small inventory with one
// region of each, running one of every priced thing, has no unpriced line), and each priced
// region's figures sit in a plausible band around us-east-1's, so that a unit slip in the table (a
// monthly price where an hourly one belongs, a cent for a dollar) fails.
func TestPriceTableRegions(t *testing.T) {
	regions := []string{
		"us-west-2", "us-east-1", "eu-west-1", "us-east-2", "ca-west-1", "eu-central-1", "eu-west-2",
		"ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1", "ap-south-1", "eu-north-1",
		"eu-west-3", "ap-southeast-1", "ap-northeast-2", "ap-northeast-3", "eu-south-1", "me-south-1",
		"af-south-1",
	}
	// Each figure lies within [low, high] times us-east-1's. Public IPv4 is priced the same
	// everywhere. Inter-region transfer is priced by the source region, and leaving Asia Pacific,
	// South America, the Middle East or Africa costs 4 to 7.5 times leaving the US ($0.08 to $0.147
	// against $0.02 a GB), so its band is wider; 8x still catches a unit slip.
	type band struct{ low, high float64 }
	bands := map[string]band{
		"PublicIPv4Hour": {1, 1},
		"InterRegionGB":  {0.8, 8},
	}
	usual := band{0.8, 2.5}

	tb, err := cost.Table()
	require.NoError(t, err)
	var inv cost.Inventory
	for i, name := range regions {
		r := one()
		r.Name, r.Primary = name, i == 0
		r.Endpoints, r.EndpointAZs = 2, 2
		r.AuroraStorage = true
		r.DBInstances = append(r.DBInstances, cost.DBInstance{Engine: cost.AuroraPostgres, Class: "db.r7g.large"})
		inv.Regions = append(inv.Regions, r)
	}
	e, err := tb.Price(inv, cost.Assumptions{})
	require.NoError(t, err)
	assert.Empty(t, e.Unpriced)

	base := tb.Regions["us-east-1"]
	bv := reflect.ValueOf(base)
	for _, name := range regions {
		t.Run(name, func(t *testing.T) {
			rp, ok := tb.Regions[name]
			require.True(t, ok, "%s is not priced", name)
			assert.Greater(t, e.ByRegion[name], 0.0)
			inBand := func(field string, b band, got, want float64) {
				t.Helper()
				assert.GreaterOrEqual(t, got, b.low*want, "%s %s: %v against us-east-1's %v", name, field, got, want)
				assert.LessOrEqual(t, got, b.high*want, "%s %s: %v against us-east-1's %v", name, field, got, want)
			}
			rv := reflect.ValueOf(rp)
			for i := range rv.NumField() {
				field := rv.Type().Field(i).Name
				b, ok := bands[field]
				if !ok {
					b = usual
				}
				switch f := rv.Field(i); f.Kind() {
				case reflect.Float64:
					inBand(field, b, f.Float(), bv.Field(i).Float())
				case reflect.Map:
					for _, k := range bv.Field(i).MapKeys() {
						got := f.MapIndex(k)
						if assert.True(t, got.IsValid(), "%s %s has no %s", name, field, k) {
							inBand(field+"["+k.String()+"]", b, got.Float(), bv.Field(i).MapIndex(k).Float())
						}
					}
				}
			}
		})
	}
}

// The log archive is priced at steady state in its own region: LogGBPerDay for each day an object
// spends in each storage class, at that class's price; the tiers cost less than keeping every day in
// S3 Standard, and a region without the archive pays none of it.
func TestLogArchiveTiers(t *testing.T) {
	standby := one()
	standby.Name, standby.Primary, standby.Serves = "eu-west-1", false, false
	inv := cost.Inventory{
		Regions: []cost.Region{one(), standby},
		Archive: cost.LogArchive{Region: "eu-west-1", StandardDays: 30, IADays: 60, GlacierDays: 275},
	}
	e, err := cost.Price(inv, cost.Assumptions{LogGBPerDay: 4})
	require.NoError(t, err)
	want := map[string]float64{
		"log archive, S3 Standard":                   4 * 30 * 0.023,
		"log archive, S3 Standard-IA":                4 * 60 * 0.0125,
		"log archive, S3 Glacier Flexible Retrieval": 4 * 275 * 0.0036,
	}
	got := map[string]float64{}
	for _, l := range e.Lines {
		if strings.HasPrefix(l.Item, "log archive") {
			assert.Equal(t, "eu-west-1", l.Region, l.Item)
			assert.Equal(t, cost.Usage, l.Kind, l.Item)
			assert.Equal(t, cost.Observability, l.Tier, l.Item)
			got[l.Item] = l.Monthly
		}
	}
	assert.Len(t, got, len(want), "archive lines: %v", got)
	tiered := 0.0
	for item, v := range want {
		assert.InDelta(t, v, got[item], 1e-9, item)
		tiered += v
	}
	assert.Less(t, tiered, 4*365*0.023, "the tiers cost less than S3 Standard for every day")

	inv.Archive = cost.LogArchive{}
	e, err = cost.Price(inv, cost.Assumptions{LogGBPerDay: 4})
	require.NoError(t, err)
	for _, l := range e.Lines {
		assert.False(t, strings.HasPrefix(l.Item, "log archive"), "no archive, no archive line: %v", l)
	}
}
