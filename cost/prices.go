package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

//go:embed prices.json
var pricesJSON []byte

// PriceTable is the embedded on-demand price table.
type PriceTable struct {
	// Currency is the currency of every price.
	Currency string `json:"currency"`
	// PriceDate is the day the prices were read; Source where from.
	PriceDate string `json:"priceDate"`
	Source    string `json:"source"`
	// HoursPerMonth is AWS's pricing month (730).
	HoursPerMonth float64 `json:"hoursPerMonth"`
	// Global are the prices of global services and of those priced the same everywhere.
	Global GlobalPrices `json:"global"`
	// Regions are the regional prices, by region.
	Regions map[string]RegionPrices `json:"-"`
}

// GlobalPrices are the prices of global services (and WAF and dashboards, priced the same in every
// region). Each field is the price of one unit its name ends with (Month: per month, Hour: per
// hour, GB: per GB, Million / 10k: per million or ten thousand requests); the JSON names are the
// table's.
type GlobalPrices struct {
	Route53ZoneMonth             float64 `json:"route53ZoneMonth"`
	Route53HealthCheckMonth      float64 `json:"route53HealthCheckMonth"`
	Route53HealthCheckHTTPSMonth float64 `json:"route53HealthCheckHTTPSMonth"`
	AcceleratorHour              float64 `json:"acceleratorHour"`
	AcceleratorPremiumGB         float64 `json:"acceleratorPremiumGB"`
	CloudFrontGB                 float64 `json:"cloudFrontGB"`
	CloudFrontRequests10k        float64 `json:"cloudFrontRequests10k"`
	WAFWebACLMonth               float64 `json:"wafWebACLMonth"`
	WAFRuleMonth                 float64 `json:"wafRuleMonth"`
	WAFRequestsMillion           float64 `json:"wafRequestsMillion"`
	DashboardMonth               float64 `json:"dashboardMonth"`
}

// RegionPrices are one region's prices, named as GlobalPrices' are; the maps price instance and node
// classes (an absent class is an unpriced line); FargateSpotFactor is Spot's price as a share of
// on-demand (Spot prices move; the table holds a typical one).
type RegionPrices struct {
	FargateVCPUHour      float64            `json:"fargateVCPUHour"`
	FargateGBHour        float64            `json:"fargateGBHour"`
	FargateARMVCPUHour   float64            `json:"fargateARMVCPUHour"`
	FargateARMGBHour     float64            `json:"fargateARMGBHour"`
	FargateSpotFactor    float64            `json:"fargateSpotFactor"`
	NATGatewayHour       float64            `json:"natGatewayHour"`
	NATGatewayGB         float64            `json:"natGatewayGB"`
	ALBHour              float64            `json:"albHour"`
	ALBLCUHour           float64            `json:"albLCUHour"`
	PublicIPv4Hour       float64            `json:"publicIPv4Hour"`
	EndpointAZHour       float64            `json:"endpointAZHour"`
	EndpointGB           float64            `json:"endpointGB"`
	RDSPostgresHour      map[string]float64 `json:"rdsPostgresHour"`
	RDSStorageGBMonth    float64            `json:"rdsStorageGBMonth"`
	AuroraPostgresHour   map[string]float64 `json:"auroraPostgresHour"`
	AuroraStorageGBMonth float64            `json:"auroraStorageGBMonth"`
	CacheNodeHour        map[string]float64 `json:"cacheNodeHour"`
	KMSKeyMonth          float64            `json:"kmsKeyMonth"`
	SecretMonth          float64            `json:"secretMonth"`
	AlarmMonth           float64            `json:"alarmMonth"`
	LogIngestGB          float64            `json:"logIngestGB"`
	LogStorageGBMonth    float64            `json:"logStorageGBMonth"`
	DataOutGB            float64            `json:"dataOutGB"`
	InterRegionGB        float64            `json:"interRegionGB"`
	// BackupGBMonth prices database backup storage: AWS Backup warm storage of RDS snapshots and
	// copies, and RDS backup storage of replicated automated backups.
	BackupGBMonth float64 `json:"backupGBMonth"`
	// S3StandardGBMonth, S3StandardIAGBMonth and S3GlacierGBMonth price the log archive's storage
	// classes (Glacier: Flexible Retrieval).
	S3StandardGBMonth   float64 `json:"s3StandardGBMonth"`
	S3StandardIAGBMonth float64 `json:"s3StandardIAGBMonth"`
	S3GlacierGBMonth    float64 `json:"s3GlacierGBMonth"`
}

// Table decodes the embedded price table. A region may be priced as another one ("us-west-2":
// "us-east-1") where AWS prices them the same.
func Table() (*PriceTable, error) {
	var raw struct {
		PriceTable
		Regions map[string]json.RawMessage `json:"regions"`
	}
	if err := json.Unmarshal(pricesJSON, &raw); err != nil {
		return nil, fmt.Errorf("reading the price table: %w", err)
	}
	t := raw.PriceTable
	t.Regions = map[string]RegionPrices{}
	aliases := map[string]string{}
	for name, v := range raw.Regions {
		var same string
		if json.Unmarshal(v, &same) == nil {
			aliases[name] = same
			continue
		}
		var rp RegionPrices
		if err := json.Unmarshal(v, &rp); err != nil {
			return nil, fmt.Errorf("reading the price table's %s: %w", name, err)
		}
		t.Regions[name] = rp
	}
	for name, same := range aliases {
		rp, ok := t.Regions[same]
		if !ok {
			return nil, fmt.Errorf("the price table prices %s as %s, which it does not price", name, same)
		}
		t.Regions[name] = rp
	}
	return &t, nil
}

// RegionNames lists the regions t prices, sorted.
func (t *PriceTable) RegionNames() []string { return slices.Sorted(maps.Keys(t.Regions)) }
