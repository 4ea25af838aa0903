package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// autoscaling registers the service with Application Auto Scaling and tracks CPU and ALB requests
// per target, between the role's Min and Max.
func (b *clusterBuilder) autoscaling() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	if !boolOr(a.Autoscaling, true) {
		return nil
	}
	target, err := appautoscaling.NewTarget(ctx, b.child("scaling"), &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", b.c.ClusterName, b.c.ServiceName),
		MinCapacity:       pulumi.Int(a.Capacity.Min),
		MaxCapacity:       pulumi.Int(a.Capacity.Max),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating scalable target: %w", err)
	}
	policies := []struct {
		suffix string
		spec   *appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
		value  float64
	}{
		{"cpu", &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
		}, a.CPUTarget},
		{"requests", &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
			ResourceLabel:        pulumi.Sprintf("%s/%s", b.c.ALBARNSuffix, b.c.TargetGroupARNSuffix),
		}, float64(a.RequestsPerTarget)},
	}
	for _, p := range policies {
		if _, err := appautoscaling.NewPolicy(ctx, b.child("scaling-"+p.suffix), &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				PredefinedMetricSpecification: p.spec,
				TargetValue:                   pulumi.Float64(p.value),
				ScaleInCooldown:               pulumi.Int(300),
				ScaleOutCooldown:              pulumi.Int(60),
			},
		}, parent); err != nil {
			return fmt.Errorf("creating %s scaling policy: %w", p.suffix, err)
		}
	}
	return nil
}
