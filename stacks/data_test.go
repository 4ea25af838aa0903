package stacks

import (
	"strings"
	"testing"
)

// validConfig is a minimal valid stack configuration in Pulumi's key form.
func validConfig() map[string]string {
	return map[string]string{
		"regions":       `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"},{"name":"eu-west-1","cidr":"10.30.0.0/16"}]`,
		"primaryRegion": "us-west-2",
		"service":       `{"name":"web","image":"web:1.4.2","port":8080,"cpu":512,"memory":1024}`,
		"edge":          `{"allowPlainHttp":true}`,
	}
}

func parseData(kv map[string]string) (*Config, error) {
	return Parse(func(k string) (string, bool) {
		v, ok := kv[k]
		return v, ok
	})
}

func TestDataDefaults(t *testing.T) {
	cfg, err := parseData(validConfig())
	if err != nil {
		t.Fatal(err)
	}
	d, c := cfg.Database, cfg.Cache
	if d.Engine != "postgres" || d.BackupRetentionDays != 14 || d.AdminUsername != "dbadmin" || d.Instances != 2 || *d.StandbyInstances != 2 || !*d.ReplicaMultiAZ || d.Port != 5432 {
		t.Errorf("database defaults: %+v", d)
	}
	if !c.enabled() || c.Engine != "redis" || c.AuthMode != "iam" || c.Nodes != 2 || c.EngineVersion != "7.1" {
		t.Errorf("cache defaults: %+v", c)
	}
	if cfg.DataHomeRegion != "us-west-2" {
		t.Errorf("dataHomeRegion default: %q, want the first region", cfg.DataHomeRegion)
	}
	if got := cfg.databaseSpec("us-west-2", "primary").IAMUsername; got != "web" {
		t.Errorf("the IAM database user defaults to the service name, got %q", got)
	}
	kv0 := validConfig()
	kv0["service"] = `{"name":"orders-api","image":"web:1.4.2","port":8080,"cpu":512,"memory":1024}`
	for _, tc := range []struct{ db, want string }{{`{}`, "orders_api"}, {`{"iamUsername":"orders_rw"}`, "orders_rw"}} {
		kv0["database"] = tc.db
		named, err := parseData(kv0)
		if err != nil {
			t.Fatal(err)
		}
		if got := named.databaseSpec("us-east-1", "standby").IAMUsername; got != tc.want {
			t.Errorf("database %s: IAM database user %q, want %q (a hyphenated service name gives a PostgreSQL-safe user; the key overrides it)", tc.db, got, tc.want)
		}
	}
	kv := validConfig()
	kv["drStrategy"] = "pilot-light"
	kv["primaryRegion"] = "us-east-1"
	cfg, err = parseData(kv)
	if err != nil {
		t.Fatal(err)
	}
	if *cfg.Database.StandbyInstances != 0 {
		t.Errorf("pilot-light Aurora secondaries are headless by default, got %d", *cfg.Database.StandbyInstances)
	}
	if cfg.DataHomeRegion != "us-west-2" {
		t.Errorf("dataHomeRegion must not follow primaryRegion: %q", cfg.DataHomeRegion)
	}
	if got := cfg.dataOrder(); strings.Join(got, ",") != "us-west-2,us-east-1,eu-west-1" {
		t.Errorf("data order %v: the home region is built first", got)
	}
}

func TestDataValidation(t *testing.T) {
	fourRegions := `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"},` +
		`{"name":"eu-west-1","cidr":"10.30.0.0/16"},{"name":"ap-southeast-2","cidr":"10.40.0.0/16"}]`
	cases := []struct {
		name string
		kv   map[string]string
		want []string // substrings of the error; nil: valid
	}{
		{"defaults", nil, nil},
		{"aurora", map[string]string{"database": `{"engine":"aurora-postgresql"}`}, nil},
		{"valkey with token", map[string]string{"cache": `{"engine":"valkey","authMode":"token"}`, "cacheAuthToken": "0123456789abcdef!"}, nil},
		// The components' own rules (components.DataTierArgs.Validate, tested there) are reported
		// under the keys that set them; one case per kind of mapping.
		{"unknown engine", map[string]string{"database": `{"engine":"oracle-ee"}`}, []string{"multiregion:database.engine", `"oracle-ee"`, "postgres", "aurora-postgresql"}},
		{"unknown field", map[string]string{"database": `{"engin":"postgres"}`}, []string{"multiregion:database", "engin"}},
		{"backup 6", map[string]string{"database": `{"backupRetentionDays":6}`}, []string{"multiregion:database.backupRetentionDays", "6", "7-35"}},
		{"aurora primary of 1", map[string]string{"database": `{"engine":"aurora-postgresql","instances":1}`}, []string{"multiregion:database.instances", "writer and a reader"}},
		{"iam user is the master user", map[string]string{"database": `{"iamUsername":"dbadmin"}`}, []string{"multiregion:database.iamUsername", `"dbadmin"`, "master user"}},
		{"iam user derived from a service named like the admin", map[string]string{"service": `{"name":"dbadmin","image":"web:1.4.2","port":8080,"cpu":512,"memory":1024}`},
			[]string{"multiregion:database.iamUsername", `"dbadmin" is the master user`}},
		{"aurora standby instances", map[string]string{"database": `{"engine":"aurora-postgresql","standbyInstances":17}`}, []string{"multiregion:database.standbyInstances", "17 is outside 0-16"}},
		{"port below 1150", map[string]string{"database": `{"port":80}`}, []string{"multiregion:database.port", "80 is outside 1150-65535"}},
		{"port above 65535", map[string]string{"database": `{"port":65536}`}, []string{"multiregion:database.port", "65536 is outside 1150-65535"}},
		{"port 0 is not silently the default", map[string]string{"database": `{"port":0}`}, []string{"multiregion:database.port", "0 is not allowed"}},
		{"port as text", map[string]string{"database": `{"port":"6543"}`}, []string{"multiregion:database", "port", "int"}},
		{"port lowest", map[string]string{"database": `{"port":1150}`}, nil},
		{"port aurora", map[string]string{"database": `{"engine":"aurora-postgresql","port":6543}`}, nil},
		{"replicaMultiAz as text", map[string]string{"database": `{"replicaMultiAz":"yes"}`}, []string{"multiregion:database", "replicaMultiAz", "bool"}},
		{"rejoin phase", map[string]string{"database": `{"rejoin":{"us-east-1":"now"}}`}, []string{"multiregion:database.rejoin.us-east-1", `"now"`, "release", "rebuild"}},
		{"rejoin unknown region", map[string]string{"database": `{"rejoin":{"ap-south-1":"release"}}`}, []string{"multiregion:database.rejoin.ap-south-1", "not among"}},
		{"cache nodes", map[string]string{"cache": `{"nodes":1}`}, []string{"multiregion:cache.nodes", "1", "2-6"}},
		{"cache snapshots 0 is not silently the default", map[string]string{"cache": `{"snapshotRetentionDays":0}`}, []string{"multiregion:cache.snapshotRetentionDays", "0 is not allowed", "default, 7"}},
		{"too many cache secondaries", map[string]string{"regions": fourRegions}, []string{"multiregion:cache", "3 secondary regions", "at most 2", "enabled"}},
		{"four regions, no cache", map[string]string{"regions": fourRegions, "cache": `{"enabled":false}`}, nil},
		{"token missing", map[string]string{"cache": `{"authMode":"token"}`}, []string{"multiregion:cacheAuthToken", "required", "--secret"}},
		{"token short", map[string]string{"cache": `{"authMode":"token"}`, "cacheAuthToken": "short"}, []string{"multiregion:cacheAuthToken", "16-128"}},
		{"token bad char", map[string]string{"cache": `{"authMode":"token"}`, "cacheAuthToken": "0123456789abcdef@x"}, []string{"multiregion:cacheAuthToken", "character"}},
		{"token without token mode", map[string]string{"cacheAuthToken": "0123456789abcdef!"}, []string{"multiregion:cacheAuthToken", `AuthMode is "iam"`}},
		{"home region", map[string]string{"dataHomeRegion": "eu-central-1"}, []string{"multiregion:dataHomeRegion", `"eu-central-1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kv := validConfig()
			for k, v := range c.kv {
				kv[k] = v
			}
			_, err := parseData(kv)
			if c.want == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error mentioning %v", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "0123456789abcdef") {
				t.Errorf("the token is echoed: %v", err)
			}
		})
	}
}

func FuzzParseData(f *testing.F) {
	f.Add(`{"engine":"postgres","backupRetentionDays":7}`, `{"authMode":"token"}`, "0123456789abcdef!")
	f.Add(`{"rejoin":{"us-east-1":"rebuild"}}`, `{"enabled":false}`, "")
	f.Add(`{"port":6543,"replicaMultiAz":false}`, `{}`, "")
	f.Fuzz(func(t *testing.T, db, cache, token string) {
		kv := validConfig()
		kv["database"], kv["cache"], kv["cacheAuthToken"] = db, cache, token
		cfg, err := parseData(kv)
		if err == nil && cfg.Database.BackupRetentionDays < 7 {
			t.Fatalf("accepted backup retention %d", cfg.Database.BackupRetentionDays)
		}
		if err == nil && (cfg.Database.Port < 1150 || cfg.Database.Port > 65535) {
			t.Fatalf("accepted database port %d", cfg.Database.Port)
		}
	})
}

// TestReplicaMultiAZByStrategy: database.replicaMultiAz defaults to true in warm-standby and
// active-active and to false in pilot-light, an explicit setting wins in every strategy, the standbys'
// specs carry it, and Aurora's standby instance count follows it (2 Multi-AZ; else headless in
// pilot-light, 1 otherwise) unless standbyInstances is set.
func TestReplicaMultiAZByStrategy(t *testing.T) {
	for _, tc := range []struct {
		strategy, setting string // setting: "" unset, else the JSON value
		want              bool
		auroraStandbys    int
	}{
		{"pilot-light", "", false, 0},
		{"warm-standby", "", true, 2},
		{"active-active", "", true, 2},
		{"pilot-light", "true", true, 2},
		{"warm-standby", "false", false, 1},
		{"active-active", "false", false, 1},
		{"pilot-light", "false", false, 0},
		{"warm-standby", "true", true, 2},
	} {
		t.Run(tc.strategy+"/"+tc.setting, func(t *testing.T) {
			for _, engine := range []string{"postgres", "aurora-postgresql"} {
				kv := validConfig()
				kv["drStrategy"] = tc.strategy
				db := `{"engine":"` + engine + `"`
				if tc.setting != "" {
					db += `,"replicaMultiAz":` + tc.setting
				}
				kv["database"] = db + "}"
				cfg, err := parseData(kv)
				if err != nil {
					t.Fatal(err)
				}
				spec := cfg.databaseSpec("us-east-1", "standby")
				if spec.ReplicaMultiAZ == nil || *spec.ReplicaMultiAZ != tc.want {
					t.Errorf("%s: the standby's ReplicaMultiAZ is %v, want %v", engine, spec.ReplicaMultiAZ, tc.want)
				}
				if engine == "aurora-postgresql" && spec.Instances != tc.auroraStandbys {
					t.Errorf("Aurora standby instances %d, want %d", spec.Instances, tc.auroraStandbys)
				}
			}
		})
	}
	kv := validConfig()
	kv["database"] = `{"engine":"aurora-postgresql","standbyInstances":1}`
	cfg, err := parseData(kv)
	if err != nil {
		t.Fatal(err)
	}
	if n := cfg.databaseSpec("us-east-1", "standby").Instances; n != 1 {
		t.Errorf("an explicit standbyInstances wins over the Multi-AZ default: got %d", n)
	}
}
