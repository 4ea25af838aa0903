package main

import (
	"testing"

	"github.com/multiregion/multiregion/ops"
)

// TestRejoinStage names the stage each config write of `multiregion-ops rejoin` starts, which picks
// the drill's checks (the fence after the return, the rebuild's allowed replacements).
func TestRejoinStage(t *testing.T) {
	for _, c := range []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{ops.KeyLostRegions: `[]`}, "return"},
		{map[string]string{ops.KeyDatabase: `{"engine":"postgres","rejoin":{"us-west-2":"release","eu-west-1":"release"}}`}, "rejoin release"},
		{map[string]string{ops.KeyDatabase: `{"engine":"postgres","rejoin":{"us-west-2":"rebuild","eu-west-1":"rebuild"}}`}, "rejoin rebuild"},
		{map[string]string{ops.KeyDatabase: `{"engine":"postgres"}`}, "rejoin done"},
		{map[string]string{ops.KeyPrimaryRegion: "us-east-1"}, ""},
		{map[string]string{ops.KeyDatabase: `not json`}, ""},
	} {
		if got := rejoinStage(c.values); got != c.want {
			t.Errorf("rejoinStage(%v) = %q, want %q", c.values, got, c.want)
		}
	}
}
