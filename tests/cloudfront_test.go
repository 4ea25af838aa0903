package tests

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCloudFrontMethodsAndWritePaths checks what CloudFront accepts and what it promises: the
// origin-group behavior allows only the methods origin failover covers (CloudFront rejects POST, PUT,
// PATCH and DELETE on a behavior that targets an origin group), and the configured write paths go,
// every method, to the primary region's origin, following it on a flip.
func TestCloudFrontMethodsAndWritePaths(t *testing.T) {
	for _, primary := range []string{"us-west-2", "us-east-1"} {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"primaryRegion": primary}))
		dists := e.ByType("aws:cloudfront/distribution:Distribution")
		require.Len(t, dists, 1)
		d := dists[0]
		assert.Equal(t, components.OriginGroupID, d.Str("defaultCacheBehavior.targetOriginId"))
		var methods []string
		for i := range d.Len("defaultCacheBehavior.allowedMethods") {
			methods = append(methods, d.Str("defaultCacheBehavior.allowedMethods["+itoa(i)+"]"))
		}
		assert.ElementsMatch(t, []string{"GET", "HEAD", "OPTIONS"}, methods)
		require.Equal(t, 1, d.Len("orderedCacheBehaviors"))
		assert.Equal(t, "/api/*", d.Str("orderedCacheBehaviors[0].pathPattern"))
		assert.Equal(t, primary, d.Str("orderedCacheBehaviors[0].targetOriginId"), "writes follow the primary")
		assert.Equal(t, 7, d.Len("orderedCacheBehaviors[0].allowedMethods"))
		assert.Equal(t, "redirect-to-https", d.Str("orderedCacheBehaviors[0].viewerProtocolPolicy"))
		assert.Equal(t, primary, d.Str("originGroups[0].members[0].originId"))
	}
}

func TestCloudFrontWritePathValidation(t *testing.T) {
	e := deployErr(t, with(t, prodConfig(t), map[string]any{"edge": map[string]any{
		"domain": "app.example.com", "hostedZone": "example.com", "cloudFrontWritePaths": []string{"/*"},
	}}))
	assert.Contains(t, e.Error(), "multiregion:edge.cloudFrontWritePaths[0]")
}
