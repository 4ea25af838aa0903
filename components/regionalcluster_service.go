package components

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ServiceSpec describes the container service a RegionalCluster runs.
type ServiceSpec struct {
	// Name names the container and the service. Default DefaultServiceName; lowercase letters, digits and hyphens,
	// starting with a letter, and short enough for every name derived from the component name (the
	// ALB's, 32 characters with a random suffix, is the tightest; see RegionalClusterArgs.Validate).
	Name string `json:"name,omitempty"`
	// RepositoryName is the ECR repository the image lives in, the same name in every region (ECR
	// replication keeps names). Required.
	RepositoryName string `json:"-"`
	// ImageTag is the immutable tag to deploy. Required.
	ImageTag string `json:"-"`
	// Port is the container port the ALB forwards to. Required; 1-65535.
	Port int `json:"port"`
	// CPU is the Fargate task CPU in units (256, 512, 1024, 2048, 4096, 8192, 16384). Required.
	CPU int `json:"cpu"`
	// Memory is the Fargate task memory in MiB; must be valid for CPU (see ValidFargateSize). Required.
	Memory int `json:"memory"`
	// Architecture is the tasks' CPU architecture: ArchX86 (default) or ArchARM64 (Graviton, about 20 %
	// cheaper per vCPU and GB on Fargate; the image must be built for linux/arm64, e.g. a multi-arch
	// image, or its tasks fail to start). Fargate Spot runs both.
	Architecture string `json:"architecture,omitempty"`
	// HealthPath is the HTTP path the target group and Route 53 check. Default DefaultHealthPath.
	HealthPath string `json:"healthPath,omitempty"`
	// Environment holds plain, non-secret environment variables.
	Environment map[string]string `json:"environment,omitempty"`
	// Secrets maps environment variable names to Secrets Manager or SSM parameter ARNs; they reach
	// the container only through the task definition's `secrets` (never plain environment).
	Secrets map[string]string `json:"secrets,omitempty"`
	// User is the container user. Default "1000:1000"; root ("0", "root") is rejected.
	User string `json:"user,omitempty"`
	// StopTimeoutSeconds is how long ECS waits after SIGTERM before it kills the container. Default
	// 30; allowed 2-120 (Fargate's maximum).
	StopTimeoutSeconds int `json:"stopTimeoutSeconds,omitempty"`
	// HealthCheckGracePeriodSeconds is how long ECS ignores failing load balancer health checks of a
	// new task, so that a slow start is not killed. Default 60; allowed 1-7200.
	HealthCheckGracePeriodSeconds int `json:"healthCheckGracePeriodSeconds,omitempty"`
}

// The CPU architectures of ServiceSpec.Architecture, as the cost model and README name them.
const (
	// ArchX86 is x86_64 (ECS X86_64).
	ArchX86 = "x86_64"
	// ArchARM64 is Graviton (ECS ARM64).
	ArchARM64 = "arm64"
)

// ecsArchitecture maps ServiceSpec.Architecture to ECS's cpuArchitecture.
func ecsArchitecture(arch string) string {
	if arch == ArchARM64 {
		return "ARM64"
	}
	return "X86_64"
}

// DefaultServiceName is the service's name when none is given.
const DefaultServiceName = "app"

// DefaultHealthPath is the health check path of the service, its target group and its Route 53
// health checks when none is given.
const DefaultHealthPath = "/health"

// WithDefaults returns s with every unset field at its default.
func (s ServiceSpec) WithDefaults() ServiceSpec {
	orDefault(&s.Name, DefaultServiceName)
	orDefault(&s.HealthPath, DefaultHealthPath)
	orDefault(&s.Architecture, ArchX86)
	orDefault(&s.User, "1000:1000")
	orDefault(&s.StopTimeoutSeconds, 30)
	orDefault(&s.HealthCheckGracePeriodSeconds, 60)
	return s
}

// Validate checks s (after WithDefaults) and returns every problem, on paths relative to s ("Port").
func (s *ServiceSpec) Validate() FieldErrors {
	var f FieldErrors
	if !serviceNamePattern.MatchString(s.Name) {
		f.Add("Name", "%q must be lowercase letters, digits or hyphens, starting with a letter", s.Name)
	}
	if err := CheckRepositoryName(s.RepositoryName); err != nil {
		f.Add("RepositoryName", "%v", err)
	}
	if err := CheckImageTag(s.ImageTag); err != nil {
		f.Add("ImageTag", "%v", err)
	}
	if s.Port < 1 || s.Port > 65535 {
		f.Add("Port", "%d is outside 1-65535", s.Port)
	}
	if !ValidFargateSize(s.CPU, s.Memory) {
		f.Add("CPU/Memory", "%d/%d is not a Fargate task size (%s)", s.CPU, s.Memory, FargateSizes)
	}
	if s.Architecture != ArchX86 && s.Architecture != ArchARM64 {
		f.Add("Architecture", "%q is not a Fargate architecture (allowed: %s, %s)", s.Architecture, ArchX86, ArchARM64)
	}
	if err := CheckHealthPath(s.HealthPath); err != nil {
		f.Add("HealthPath", "%v", err)
	}
	if s.User == "0" || s.User == "root" || strings.HasPrefix(s.User, "0:") || strings.HasPrefix(s.User, "root:") {
		f.Add("User", "%q runs as root; use a non-root uid[:gid]", s.User)
	}
	if err := CheckVariables(s.Environment, s.Secrets); err != nil {
		f.Add("Environment/Secrets", "%v (secrets are referenced by ARN, never written in config)", err)
	}
	if s.StopTimeoutSeconds < 2 || s.StopTimeoutSeconds > 120 {
		f.Add("StopTimeoutSeconds", "%d is outside 2-120", s.StopTimeoutSeconds)
	}
	if s.HealthCheckGracePeriodSeconds < 1 || s.HealthCheckGracePeriodSeconds > 7200 {
		f.Add("HealthCheckGracePeriodSeconds", "%d is outside 1-7200", s.HealthCheckGracePeriodSeconds)
	}
	return f
}

// containerDefinition is the subset of the ECS container definition the service uses.
type containerDefinition struct {
	Name                   string              `json:"name"`
	Image                  string              `json:"image"`
	Essential              bool                `json:"essential"`
	User                   string              `json:"user"`
	Privileged             bool                `json:"privileged"`
	ReadonlyRootFilesystem bool                `json:"readonlyRootFilesystem"`
	PortMappings           []map[string]any    `json:"portMappings"`
	Environment            []map[string]string `json:"environment"`
	Secrets                []map[string]string `json:"secrets"`
	MountPoints            []map[string]any    `json:"mountPoints"`
	LogConfiguration       map[string]any      `json:"logConfiguration"`
	Cpu                    int                 `json:"cpu,omitempty"`
	MemoryReservation      int                 `json:"memoryReservation,omitempty"`
	StopTimeout            int                 `json:"stopTimeout,omitempty"`
}

// service creates the execution and task roles, the task definition (application + X-Ray daemon) and
// the ECS cluster and service.
func (b *clusterBuilder) service() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	cluster, err := ecs.NewCluster(ctx, b.child("cluster"), &ecs.ClusterArgs{
		Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating ECS cluster: %w", err)
	}
	if _, err := ecs.NewClusterCapacityProviders(ctx, b.child("cluster"), &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")},
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1)},
		},
	}, parent); err != nil {
		return fmt.Errorf("setting capacity providers: %w", err)
	}
	execRole, taskRole, err := b.roles()
	if err != nil {
		return err
	}
	image := pulumi.Sprintf("%s:%s", b.repo.RepositoryUrl, a.Service.ImageTag)
	containers := pulumi.All(image, b.appLogs.Name).ApplyT(func(v []any) (string, error) {
		return b.containers(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	td, err := ecs.NewTaskDefinition(ctx, b.child("task"), &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(b.name),
		Cpu:                     pulumi.String(fmt.Sprint(a.Service.CPU)),
		Memory:                  pulumi.String(fmt.Sprint(a.Service.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn:        execRole.Arn,
		TaskRoleArn:             taskRole.Arn,
		ContainerDefinitions:    containers,
		Volumes:                 ecs.TaskDefinitionVolumeArray{ecs.TaskDefinitionVolumeArgs{Name: pulumi.String("tmp")}},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(ecsArchitecture(a.Service.Architecture)),
		},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating task definition: %w", err)
	}
	strategies := ecs.ServiceCapacityProviderStrategyArray{ecs.ServiceCapacityProviderStrategyArgs{
		CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1),
	}}
	if a.SpotWeight > 0 {
		strategies = append(strategies, ecs.ServiceCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String("FARGATE_SPOT"), Weight: pulumi.Int(a.SpotWeight),
		})
	}
	svcOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn(b.listeners)}
	if boolOr(a.Autoscaling, true) {
		// Autoscaling owns the running count after creation; the role's floor moves through the
		// scalable target's MinCapacity instead.
		svcOpts = append(svcOpts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	svc, err := ecs.NewService(ctx, b.child("service"), &ecs.ServiceArgs{
		Name:                       pulumi.String(a.Service.Name),
		Cluster:                    cluster.Arn,
		TaskDefinition:             td.Arn,
		DesiredCount:               pulumi.Int(a.Capacity.Desired),
		CapacityProviderStrategies: strategies,
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        b.privateSubnets,
			SecurityGroups: pulumi.StringArray{b.taskSG.ID()},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: b.c.TargetGroup.Arn,
			ContainerName:  pulumi.String(a.Service.Name),
			ContainerPort:  pulumi.Int(a.Service.Port),
		}},
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		HealthCheckGracePeriodSeconds:   pulumi.Int(b.a.Service.HealthCheckGracePeriodSeconds),
		PropagateTags:                   pulumi.String("SERVICE"),
		EnableEcsManagedTags:            pulumi.Bool(true),
		WaitForSteadyState:              pulumi.Bool(false),
	}, svcOpts...)
	if err != nil {
		return fmt.Errorf("creating ECS service: %w", err)
	}
	b.c.Cluster, b.c.Service = cluster, svc
	b.c.ClusterARN, b.c.ClusterName = cluster.Arn, cluster.Name
	b.c.ServiceName, b.c.ServiceARN = svc.Name, svc.ID()
	b.c.TaskRoleARN = taskRole.Arn
	b.c.TaskRoleName = taskRole.Name
	return nil
}

// containers renders the task's container definitions: the application and the X-Ray daemon, both
// non-root, unprivileged, with read-only root filesystems, logging to the region's log group.
func (b *clusterBuilder) containers(image, logGroup string) (string, error) {
	a := b.a
	logs := func(prefix string) map[string]any {
		return map[string]any{"logDriver": "awslogs", "options": map[string]string{
			"awslogs-group": logGroup, "awslogs-region": a.Region, "awslogs-stream-prefix": prefix,
		}}
	}
	env := []map[string]string{{"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"}, {"name": "AWS_REGION", "value": a.Region}}
	for _, k := range slices.Sorted(maps.Keys(a.Service.Environment)) {
		env = append(env, map[string]string{"name": k, "value": a.Service.Environment[k]})
	}
	secrets := []map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(a.Service.Secrets)) {
		secrets = append(secrets, map[string]string{"name": k, "valueFrom": a.Service.Secrets[k]})
	}
	defs := []containerDefinition{
		{
			Name:                   a.Service.Name,
			Image:                  image,
			Essential:              true,
			User:                   a.Service.User,
			ReadonlyRootFilesystem: true,
			PortMappings:           []map[string]any{{"containerPort": a.Service.Port, "protocol": "tcp"}},
			Environment:            env,
			Secrets:                secrets,
			MountPoints:            []map[string]any{{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}},
			LogConfiguration:       logs("app"),
			StopTimeout:            a.Service.StopTimeoutSeconds,
		},
		{
			Name:                   "xray-daemon",
			Image:                  a.XRayDaemonImage,
			Essential:              false,
			User:                   "1337",
			ReadonlyRootFilesystem: true,
			PortMappings:           []map[string]any{{"containerPort": 2000, "protocol": "udp"}},
			Environment:            []map[string]string{{"name": "AWS_REGION", "value": a.Region}},
			Secrets:                []map[string]string{},
			MountPoints:            []map[string]any{},
			LogConfiguration:       logs("xray"),
			Cpu:                    32,
			MemoryReservation:      64,
		},
	}
	out, err := json.Marshal(defs)
	if err != nil {
		return "", fmt.Errorf("encoding container definitions: %w", err)
	}
	return string(out), nil
}

// roles creates the execution role (pull from this region's repository, write the log group, read
// the listed secrets) and the task role (X-Ray), separately and least-privilege.
func (b *clusterBuilder) roles() (*iam.Role, *iam.Role, error) {
	ctx, a, parent := b.ctx, b.a, b.parent
	trust, err := assumeRolePolicy("ecs-tasks.amazonaws.com", b.account)
	if err != nil {
		return nil, nil, err
	}
	execRole, err := iam.NewRole(ctx, b.child("execution"), &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("ECS execution role of %s: image pull, logs, secrets", b.name)),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating execution role: %w", err)
	}
	var secretARNs []string
	for _, k := range slices.Sorted(maps.Keys(a.Service.Secrets)) {
		secretARNs = append(secretARNs, a.Service.Secrets[k])
	}
	if _, err := iam.NewRolePolicy(ctx, b.child("execution"), &iam.RolePolicyArgs{
		Role: execRole.Name,
		Policy: policyOutput(func(v []string) []statement {
			repoARN, logARN, keyARN := v[0], v[1], v[2]
			st := []statement{
				// GetAuthorizationToken has no resource-level permissions: "*" is the narrowest.
				{Sid: "RegistryAuth", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
				{Sid: "PullImage", Effect: "Allow", Action: []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}, Resource: []string{repoARN}},
				{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logARN + ":*"}},
				{Sid: "DecryptImagesAndSecrets", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{keyARN}},
			}
			if len(secretARNs) > 0 {
				st = append(st, statement{Sid: "ReadSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue", "ssm:GetParameters"}, Resource: secretARNs})
			}
			return st
		}, b.repo.Arn, b.appLogs.Arn, a.KMSKeyARN),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("creating execution policy: %w", err)
	}
	taskRole, err := iam.NewRole(ctx, b.child("task"), &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("ECS task role of %s: the application's own permissions", b.name)),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating task role: %w", err)
	}
	xray, err := policyJSON(statement{
		// X-Ray's trace and sampling APIs have no resource-level permissions: "*" is the narrowest.
		Sid:    "XRayDaemon",
		Effect: "Allow",
		Action: []string{
			"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
			"xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries",
		},
		Resource: []string{"*"},
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, b.child("task-xray"), &iam.RolePolicyArgs{
		Role: taskRole.Name, Policy: pulumi.String(xray),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("creating task X-Ray policy: %w", err)
	}
	return execRole, taskRole, nil
}
