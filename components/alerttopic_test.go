package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAlertTopicValidation: the topic must be encrypted and named by its region; subscriptions are
// checked.
func TestAlertTopicValidation(t *testing.T) {
	a := &AlertTopicArgs{Region: "us-west-2", Email: "not an address", HTTPSEndpoint: "http://x"}
	err := a.validate("web-primary")
	require.Error(t, err)
	for _, want := range []string{"KMSKeyARN: required", `must contain the region "us-west-2"`, "Email:", "HTTPSEndpoint:"} {
		assert.Contains(t, err.Error(), want)
	}
	ok := &AlertTopicArgs{Region: "us-west-2", KMSKeyARN: pulumi.String("arn"), Email: "oncall@example.com", HTTPSEndpoint: "https://hooks.example.com/a"}
	assert.NoError(t, ok.validate("web-us-west-2"))
}
