package pulumistack

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/multiregion/multiregion/ops"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const dbURN = "urn:pulumi:prod::multiregion::multiregion:index:DataTier$aws:rds/instance:Instance::web-us-east-1-db"

func pre(op apitype.OpType, urn, typ string, diffs ...string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ, Diffs: diffs},
	}}}
}

func TestStepTranslation(t *testing.T) {
	s := step(apitype.StepEventMetadata{Op: apitype.OpReplace, URN: dbURN, Type: "aws:rds/instance:Instance",
		Diffs: []string{"kmsKeyId"}, Keys: []string{"kmsKeyId"}})
	assert.Equal(t, ops.Step{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "replace", Diffs: []string{"kmsKeyId"}}, s)

	// Only a detailed diff: its paths, sorted.
	s = step(apitype.StepEventMetadata{Op: apitype.OpUpdate, URN: dbURN, Type: "aws:rds/instance:Instance",
		DetailedDiff: map[string]apitype.PropertyDiff{"replicateSourceDb": {Kind: apitype.DiffDelete}, "multiAz": {Kind: apitype.DiffUpdate}}})
	assert.Equal(t, []string{"multiAz", "replicateSourceDb"}, s.Diffs)
	assert.Equal(t, ops.Op("update"), s.Op)

	assert.Nil(t, step(apitype.StepEventMetadata{Op: apitype.OpSame, URN: dbURN}).Diffs)
}

// TestCollectorStepsProgressAndSummary: every planned step reaches progress, in order, "same"
// included; the preview's steps leave "same" out; the summary event gives the counts.
func TestCollectorStepsProgressAndSummary(t *testing.T) {
	var seen []ops.Step
	c := newCollector(func(s ops.Step) { seen = append(seen, s) })
	ch := make(chan events.EngineEvent)
	s := c.consume(ch)
	ch <- pre(apitype.OpSame, "urn:a", "aws:kms/key:Key")
	ch <- pre(apitype.OpCreateReplacement, dbURN, "aws:rds/instance:Instance", "identifier")
	ch <- pre(apitype.OpReplace, dbURN, "aws:rds/instance:Instance", "identifier")
	ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{
		Metadata: apitype.StepEventMetadata{Op: apitype.OpReplace, URN: dbURN}}}}
	ch <- pre(apitype.OpDeleteReplaced, dbURN, "aws:rds/instance:Instance")
	ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
		ResourceChanges: map[apitype.OpType]int{apitype.OpSame: 1, apitype.OpReplace: 1}}}}
	close(ch)
	c.wait(s, true)

	require.Len(t, seen, 4, "one progress call per ResourcePreEvent")
	assert.Equal(t, ops.Op("same"), seen[0].Op)
	steps := c.changes()
	require.Len(t, steps, 3)
	assert.Equal(t, []ops.Op{"create-replacement", "replace", "delete-replaced"}, []ops.Op{steps[0].Op, steps[1].Op, steps[2].Op})
	assert.Equal(t, []string{"identifier"}, steps[1].Diffs)
	assert.Equal(t, ops.ChangeSummary{"same": 1, "replace": 1}, c.summary())
}

// TestCollectorWaitAfterFailure: a command that failed before it opened its event stream never
// closes it; wait gives up after the grace instead of hanging.
func TestCollectorWaitAfterFailure(t *testing.T) {
	c := newCollector(nil)
	c.grace = 20 * time.Millisecond
	ch := make(chan events.EngineEvent)
	s := c.consume(ch)
	start := time.Now()
	c.wait(s, false)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Nil(t, c.summary())
	assert.Empty(t, c.changes())
}

func TestSummaryOf(t *testing.T) {
	assert.Nil(t, summaryOf(nil))
	assert.Equal(t, ops.ChangeSummary{"update": 2, "same": 7},
		summaryOf(map[apitype.OpType]int{apitype.OpUpdate: 2, apitype.OpSame: 7}))
}

// minimal is the smallest configuration the stack program accepts: every other key takes the
// program's default.
func minimal() map[string]string {
	return map[string]string{
		"multiregion:regions":       `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"}]`,
		"multiregion:primaryRegion": "us-west-2",
		"multiregion:service":       `{"name":"web","image":"web:1.0","port":8080,"cpu":512,"memory":1024}`,
		"multiregion:edge":          `{"allowPlainHttp":true}`,
		"aws:region":                "us-west-2", // another namespace: ignored
	}
}

// TestSettingsDefaults: what the configuration omits takes the stack program's defaults.
func TestSettingsDefaults(t *testing.T) {
	st, err := settings(minimal())
	require.NoError(t, err)
	assert.Equal(t, ops.Settings{
		Regions:        []string{"us-west-2", "us-east-1"},
		PrimaryRegion:  "us-west-2",
		Strategy:       "warm-standby",
		Engine:         "postgres",
		DataHomeRegion: "us-west-2",
		Cache:          true,
		Service:        "web",
		Protect:        true,
	}, st)
}

func TestSettingsExplicit(t *testing.T) {
	conf := minimal()
	conf["multiregion:regions"] = `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"},{"name":"eu-west-1","cidr":"10.30.0.0/16"}]`
	conf["multiregion:primaryRegion"] = "eu-west-1"
	conf["multiregion:lostRegions"] = `["us-west-2"]`
	conf["multiregion:drStrategy"] = "pilot-light"
	conf["multiregion:database"] = `{"engine":"aurora-postgresql","standbyInstances":1}`
	conf["multiregion:protect"] = "false"
	conf["multiregion:cache"] = `{"enabled":false}`
	st, err := settings(conf)
	require.NoError(t, err)
	assert.Equal(t, ops.Settings{
		Regions:        []string{"us-west-2", "us-east-1", "eu-west-1"},
		PrimaryRegion:  "eu-west-1",
		LostRegions:    []string{"us-west-2"},
		Strategy:       "pilot-light",
		Engine:         "aurora-postgresql",
		DataHomeRegion: "us-west-2",
		Cache:          false,
		Service:        "web",
		Protect:        false,
		Database:       map[string]any{"engine": "aurora-postgresql", "standbyInstances": float64(1)},
	}, st)
}

// TestSettingsProd reads the repository's prod stack file as the CLI hands it over (objects and
// lists as JSON text).
func TestSettingsProd(t *testing.T) {
	raw, err := os.ReadFile("../../Pulumi.prod.yaml")
	require.NoError(t, err)
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &file))
	conf := map[string]string{}
	for k, v := range file.Config {
		if s, ok := v.(string); ok {
			conf[k] = s
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		conf[k] = string(b)
	}
	st, err := settings(conf)
	require.NoError(t, err)
	assert.Equal(t, []string{"us-west-2", "us-east-1", "eu-west-1"}, st.Regions)
	assert.Equal(t, "us-west-2", st.PrimaryRegion)
	assert.Equal(t, "us-west-2", st.DataHomeRegion)
	assert.Equal(t, "postgres", st.Engine)
	assert.True(t, st.Cache)
	assert.Empty(t, st.LostRegions)
	assert.Equal(t, "web", st.Service)
	assert.True(t, st.Protect)
	assert.Equal(t, "db.r6g.large", st.Database["instanceClass"], "the object as written")
}

func TestSettingsRejectsBadConfig(t *testing.T) {
	conf := minimal()
	conf["multiregion:drStrategy"] = "hot-hot"
	_, err := settings(conf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "drStrategy")
	assert.Contains(t, err.Error(), "hot-hot")
}

func TestOutputsMaskSecrets(t *testing.T) {
	got := outputs(auto.OutputMap{
		"primaryRegion":     {Value: "us-west-2"},
		"dbMasterSecretArn": {Value: "arn:aws:secretsmanager:...", Secret: true},
		"regions":           {Value: map[string]any{"us-west-2": map[string]any{"role": "primary"}}},
	})
	assert.Equal(t, map[string]any{
		"primaryRegion":     "us-west-2",
		"dbMasterSecretArn": "[secret]",
		"regions":           map[string]any{"us-west-2": map[string]any{"role": "primary"}},
	}, got)
}

func TestConfigValuesAndMap(t *testing.T) {
	assert.Equal(t, map[string]string{"multiregion:primaryRegion": "us-east-1"},
		configValues(auto.ConfigMap{"multiregion:primaryRegion": {Value: "us-east-1"}}))
	m := configMap(map[string]string{"multiregion:lostRegions": `["us-west-2"]`})
	assert.Equal(t, auto.ConfigValue{Value: `["us-west-2"]`}, m["multiregion:lostRegions"])
	assert.Equal(t, "a, b", keyList(map[string]string{"b": "1", "a": "2"}))
}

// TestSplitStructured writes JSON lists and objects as structured configuration (a project schema
// typing lostRegions as an array refuses a string) and everything else as plain strings.
func TestSplitStructured(t *testing.T) {
	plain, structured := splitStructured(map[string]string{
		"multiregion:primaryRegion": "us-east-1",
		"multiregion:lostRegions":   `["us-west-2"]`,
		"multiregion:database":      `{"engine":"postgres","rejoin":{"us-west-2":"release"}}`,
		"multiregion:empty":         `[]`,
		"multiregion:notJSON":       `[not json`,
	})
	if len(plain) != 2 || plain["multiregion:primaryRegion"] != "us-east-1" || plain["multiregion:notJSON"] != "[not json" {
		t.Errorf("plain = %v", plain)
	}
	if len(structured) != 3 || structured["multiregion:empty"] != "[]" {
		t.Errorf("structured = %v", structured)
	}
}
