// Command fleetrunner runs the fleet drill: the operator command's fleet mode (ops.RunFleet, as
// `multiregion-ops switchover --fleet FILE --parallel N`) over several small stacks of the real
// multiregion program, deployed in parallel into one moto with a reduced configuration (two
// regions, no cache, no CloudFront, no WAF, no Route 53: the
// Global Accelerator is the one global entry, on plain HTTP), then a switchover of the whole fleet
// in groups (the first stack as the platform group, the others as the services group), the
// summary table, then `multiregion-ops failback --to us-west-2` of the platform stack (the stale
// old writer released, rebuilt as a replica of the new one, then a switchover back), and destroy.
// Alongside, in a moto of its own (the same command with -restore-only), the restore drill
// (restore.go): a small backup-restore stack whose writer is snapshotted, copied to us-east-1 and
// restored there by a failover with database.restoreFrom.
//
// moto publishes no RDS metrics, so while the commands run the drill publishes a ReplicaLag
// datapoint of 0 every 30 s for each stack's instance in both regions (PutMetricData), which the
// command's lag pre-check and its wait for a lag of 0 then read: on AWS, RDS publishes it.
//
//	localcloud/build.sh
//	cd localcloud && go run ./fleetrunner -root .bin -pulumi-home .bin/home
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/awscloud"
	"github.com/multiregion/multiregion/ops/pulumistack"
	"github.com/multiregion/multiregion/stacks"
)

// Regions of every fleet stack: the primary, then the switchover's target.
const (
	primary = "us-west-2"
	target  = "us-east-1"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	n := flag.Int("stacks", 3, "how many stacks the fleet has (at least 2: one platform stack, then the services)")
	parallel := flag.Int("parallel", 2, "the fleet command's --parallel: stacks of a group switched over at once")
	restoreOnly := flag.Bool("restore-only", false, "run the restore drill alone, without the fleet")
	project := flag.String("project", filepath.Join(drill.ProjectRoot(), "Pulumi.yaml"), "the project file (its config schema is enforced)")
	flag.Parse()
	if *n < 2 || *parallel < 1 {
		fmt.Fprintln(os.Stderr, "localcloud: -stacks must be at least 2 and -parallel at least 1")
		os.Exit(2)
	}
	spec := drill.FleetSpec{
		Name:        "fleet",
		Project:     stacks.Namespace,
		ProjectFile: *project,
		// moto reports 0 running tasks unless told otherwise.
		MotoEnv: []string{"MOTO_ECS_SERVICE_RUNNING=1"},
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			hook := func(_ string, args *aws.ProviderArgs) { emulator.Configure(args, endpoint) }
			return stacks.NewProgram(stacks.WithProviderHook(hook)), nil
		},
	}
	fleet := ops.Fleet{}
	for i := range *n {
		name := fmt.Sprintf("fleet%c", 'a'+i)
		spec.Stacks = append(spec.Stacks, drill.FleetStack{Name: name, Settings: settings(name, i)})
		if i == 0 {
			fleet.Groups = append(fleet.Groups, ops.FleetGroup{Name: "platform", Stacks: []string{name}})
			continue
		}
		if len(fleet.Groups) == 1 {
			fleet.Groups = append(fleet.Groups, ops.FleetGroup{Name: "services"})
		}
		fleet.Groups[1].Stacks = append(fleet.Groups[1].Stacks, name)
	}
	if *restoreOnly {
		// The restore drill in a moto of its own: an ECR registry's replication configuration is one
		// per account and region, so in the fleet's moto the fleet's stacks would rewrite it under the
		// restore drill's refresh (docs/datatier.md, Known limits).
		spec.Name = restoreStack
		spec.Stacks = []drill.FleetStack{{Name: restoreStack, Settings: restoreSettings()}}
		spec.Run = func(ctx context.Context, cloud drill.Cloud, byName map[string]auto.Stack) error {
			return restore(ctx, cloud, byName[restoreStack], filepath.Join(opts.State, spec.Name))
		}
		os.Exit(drill.MainFleet(opts, spec))
	}
	// Alongside the fleet: the restore drill, this command again with -restore-only.
	child, err := startRestore()
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcloud: starting the restore drill:", err)
		os.Exit(1)
	}
	spec.Run = func(ctx context.Context, cloud drill.Cloud, byName map[string]auto.Stack) error {
		return switchover(ctx, cloud, byName, fleet, *parallel, filepath.Join(opts.State, spec.Name))
	}
	code := drill.MainFleet(opts, spec)
	if err := child.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "localcloud: the restore drill:", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// settings is the reduced configuration of fleet stack i: the smallest the program allows.
func settings(name string, i int) []byte { return reducedSettings(name, "warm-standby", 100+2*i) }

// reducedSettings is the fleet's reduced configuration of a stack name under strategy, its two
// regions' VPCs at 10.<net>.0.0/16 and 10.<net+1>.0.0/16.
func reducedSettings(name, strategy string, net int) []byte {
	return fmt.Appendf(nil, `config:
  multiregion:primaryRegion: %[2]s
  multiregion:drStrategy: %[6]s
  multiregion:azCount: 3
  multiregion:regions:
    - name: %[2]s
      cidr: 10.%[4]d.0.0/16
    - name: %[3]s
      cidr: 10.%[5]d.0.0/16
  multiregion:service:
    name: %[1]s
    image: %[1]s:1.0.0
    port: 8080
    cpu: 256
    memory: 512
    desiredCount: 1
    minCount: 1
    maxCount: 2
    healthPath: /health
  multiregion:logRetentionDays: 1
  multiregion:protect: false
  multiregion:edge:
    route53: false
    cloudFront: false
    globalAccelerator: true
    waf: false
    allowPlainHttp: true
  multiregion:database:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.r6g.large
    allocatedStorage: 100
  multiregion:cache:
    enabled: false
`, name, primary, target, net, net+1, strategy)
}

// switchover runs `multiregion-ops switchover --to target --fleet FILE --parallel parallel --yes`
// over the fleet's stacks, prints the summary table and writes the fleet report into dir; then
// `multiregion-ops failback --to primary --yes` of the platform stack, with its report.
func switchover(ctx context.Context, cloud drill.Cloud, byName map[string]auto.Stack, fleet ops.Fleet, parallel int, dir string) error {
	ids, err := dbIdentifiers(ctx, byName)
	if err != nil {
		return err
	}
	lagCtx, stopLag := context.WithCancel(ctx)
	defer stopLag()
	lagErr := make(chan error, 1)
	if err := publishReplicaLag(ctx, cloud.Emulator, ids); err != nil {
		return err
	}
	go func() { lagErr <- keepPublishing(lagCtx, cloud.Emulator, ids) }()
	defer func() {
		stopLag()
		if err := <-lagErr; err != nil {
			fmt.Fprintf(os.Stderr, "localcloud: fleet: publishing ReplicaLag: %v\n", err)
		}
	}()
	c, err := awscloud.New(ctx,
		awscloud.WithEndpoint(cloud.Proxy.URL()),
		awscloud.WithCloudWatchQueryProtocol(), // moto 5.2 serves CloudWatch's query protocol only
		awscloud.WithPollInterval(2*time.Second),
		awscloud.WithTimeout(10*time.Minute),
		awscloud.WithLoadOptions(staticAWS()...))
	if err != nil {
		return fmt.Errorf("the operator command's AWS client: %w", err)
	}
	open := func(_ context.Context, name string) (ops.Stack, error) {
		st, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("no stack %s in the fleet drill", name)
		}
		log, err := os.OpenFile(filepath.Join(dir, name, "pulumi.log"), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, fmt.Errorf("opening the log of %s: %w", name, err)
		}
		return pulumistack.New(st,
			pulumistack.WithPreviewOptions(optpreview.Diff(), optpreview.ProgressStreams(log), optpreview.ErrorProgressStreams(log)),
			pulumistack.WithUpOptions(optup.ProgressStreams(log), optup.ErrorProgressStreams(log))), nil
	}
	req := ops.Request{Command: ops.CommandSwitchover, To: target}
	report, runErr := ops.RunFleet(ctx, fleet, open, c, req, parallel, ops.Options{Out: os.Stdout, Yes: true, LagTimeout: 5 * time.Minute})
	if report != nil {
		fmt.Println("localcloud: fleet: summary")
		if err := report.WriteTable(os.Stdout); err != nil {
			return fmt.Errorf("printing the fleet table: %w", err)
		}
		path := filepath.Join(dir, "ops-fleet-switchover.json")
		if err := ops.SaveReport(path, report, report.Reports()...); err != nil {
			return fmt.Errorf("the fleet report: %w", err)
		}
		for _, r := range report.Reports() {
			for _, p := range r.Phases {
				fmt.Printf("localcloud: fleet: %-8s %-36s %-12s %7.1fs\n", r.Stack, p.Name, p.Result, p.DurationSeconds)
			}
		}
		fmt.Printf("localcloud: fleet: report %s (and .txt)\n", path)
	}
	if runErr != nil {
		return fmt.Errorf("multiregion-ops switchover --fleet: %w", runErr)
	}

	// The failback of the platform stack: its old writer in primary is stale after the promotion.
	name := fleet.Groups[0].Stacks[0]
	st, err := open(ctx, name)
	if err != nil {
		return err
	}
	back := ops.Request{Command: ops.CommandFailback, To: primary}
	r, runErr := ops.Run(ctx, st, c, back, ops.Options{Out: os.Stdout, Yes: true, LagTimeout: 5 * time.Minute})
	if r != nil {
		path := filepath.Join(dir, "ops-failback.json")
		if err := ops.SaveReport(path, r, r); err != nil {
			return fmt.Errorf("the failback report: %w", err)
		}
		if err := ops.WriteSummary(os.Stdout, r); err != nil {
			return fmt.Errorf("printing the failback summary: %w", err)
		}
		fmt.Printf("localcloud: fleet: report %s (and .txt)\n", path)
	}
	if runErr != nil {
		return fmt.Errorf("multiregion-ops failback --stack %s --to %s: %w", name, primary, runErr)
	}
	return nil
}

// staticAWS are the AWS SDK settings for moto: a region and fake keys.
func staticAWS() []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{
		config.WithRegion(target),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("localcloud", "localcloud", "")),
	}
}

// dbIdentifiers are the database instance identifiers of every stack in every region, by region
// (outputs regions.<region>.dbIdentifier).
func dbIdentifiers(ctx context.Context, byName map[string]auto.Stack) (map[string][]string, error) {
	ids := map[string][]string{}
	for name, st := range byName {
		out, err := st.Outputs(ctx)
		if err != nil {
			return nil, fmt.Errorf("the outputs of %s: %w", name, err)
		}
		regions, _ := out["regions"].Value.(map[string]any)
		for _, region := range []string{primary, target} {
			r, _ := regions[region].(map[string]any)
			id, _ := r["dbIdentifier"].(string)
			if id == "" {
				return nil, fmt.Errorf("%s: output regions.%s.dbIdentifier is empty", name, region)
			}
			ids[region] = append(ids[region], id)
		}
	}
	return ids, nil
}

// publishReplicaLag puts one ReplicaLag datapoint of 0 (AWS/RDS, DBInstanceIdentifier) for each
// instance of ids (by region), straight to moto: moto publishes no RDS metrics, RDS does.
func publishReplicaLag(ctx context.Context, endpoint string, ids map[string][]string) error {
	cfg, err := config.LoadDefaultConfig(ctx, staticAWS()...)
	if err != nil {
		return fmt.Errorf("the AWS configuration: %w", err)
	}
	for region, list := range ids {
		cw := cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
			o.Region = region
			o.BaseEndpoint = awssdk.String(endpoint)
			o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
		})
		for _, id := range list {
			_, err = cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
				Namespace: awssdk.String("AWS/RDS"),
				MetricData: []cwtypes.MetricDatum{{
					MetricName: awssdk.String("ReplicaLag"),
					Dimensions: []cwtypes.Dimension{{Name: awssdk.String("DBInstanceIdentifier"), Value: awssdk.String(id)}},
					Timestamp:  awssdk.Time(time.Now()),
					Value:      awssdk.Float64(0),
					Unit:       cwtypes.StandardUnitSeconds,
				}},
			})
			if err != nil {
				return fmt.Errorf("publishing ReplicaLag 0 for %s in %s: %w", id, region, err)
			}
		}
	}
	return nil
}

// keepPublishing publishes ids' ReplicaLag of 0 every 30 s until ctx ends, as RDS publishes it
// every minute (the command reads the newest one-minute maximum of the last five minutes).
func keepPublishing(ctx context.Context, endpoint string, ids map[string][]string) error {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if err := publishReplicaLag(ctx, endpoint, ids); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}
