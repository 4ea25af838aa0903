// Package mockcloud is a recording mock engine for Pulumi programs written with the pulumi-aws SDK.
// Plug it into pulumi.WithMocks (or call [Engine.Run]) and run a program offline, in milliseconds,
// then assert on what the program asked the engine to create.
//
// # What it records
//
// The [Engine] implements pulumi.MockResourceMonitor. Every registration becomes a [Resource]: its
// type token, logical name, URN, inputs (secrets kept as secrets), the explicit provider it was sent
// to and that provider's region, its parent, its resource options (protect, retainOnDelete,
// deleteBeforeReplace, ignoreChanges) and the dependencies the SDK sent (explicit DependsOn and the
// resources whose outputs feed an input). Every invoke becomes an [Invoke]. Like the real engine, it
// rejects a second resource with a URN already registered.
//
// # How to query
//
// [Engine.Resources] lists everything in registration order; [Engine.ByType], [Engine.Find],
// [Engine.Component], [Engine.InRegion], [Engine.ChildrenOf] and [Engine.Filter] select, and
// [Resource.Str], [Resource.Bool], [Resource.Num], [Resource.Len], [Resource.Has],
// [Resource.IsSecret] and [Resource.OutStr] read inputs and outputs by dotted path
// ("healthCheck.path", "rules[0].destinations"), so assertions read like the architecture:
//
//	e := mockcloud.New()
//	err := e.Run(program, config)
//	for _, r := range e.ChildrenOf(e.Component("multiregion:index:RegionalCluster", "app-us-east-1")) {
//		assert.Equal(t, "us-east-1", r.Region)
//	}
//
// The dependency graph is exposed too ([Engine.Get], [Resource.AllDependencies]); the subpackage
// criticalpath computes a deployment's longest chain from it.
//
// # How it answers, and how to extend it by type token
//
// A custom resource's registration is answered by the [Fabricator] registered for its type token:
// the physical ID and output state AWS would return (names, ARNs, endpoints, DNS names), derived
// deterministically from the URN, the region of the resource's provider and [Engine.Account]. Types
// without their own fabricator get [DefaultFabricator]: the inputs, a name and an ARN in AWS's shape.
// An invoke is answered by the [InvokeHandler] registered for its token; an invoke without a handler
// fails, so a program cannot start calling a function that no test answers. [DefaultFabricators] and
// [DefaultInvokes] list the built-in tables. Add or replace entries with options on [New]:
//
//	e := mockcloud.New(
//		mockcloud.WithFabricator("aws:foo/bar:Bar", func(e *mockcloud.Engine, r *mockcloud.Resource) (string, resource.PropertyMap, error) {
//			id, state, err := mockcloud.DefaultFabricator(e, r)
//			state["endpoint"] = resource.NewProperty(id + "." + r.Region + ".example.com")
//			return id, state, err
//		}),
//		mockcloud.WithInvoke("aws:index/getX:getX", func(e *mockcloud.Engine, call mockcloud.Invoke) (resource.PropertyMap, error) {
//			return resource.NewPropertyMapFromMap(map[string]any{"id": "x-" + call.Region}), nil
//		}),
//	)
//
// # How to await outputs
//
// Once the program has run, read a component's typed outputs with [Await] (fails the test when the
// output failed, is unknown or has another type) or [AwaitValue] (returns an error instead):
//
//	dns := mockcloud.Await[string](t, cluster.ALBDNSName)
//
// Inside an ApplyT callback use assert, not require: the callback runs on another goroutine.
//
// [StackConfig] reads a Pulumi.<stack>.yaml into the configuration [Engine.Run] takes, and
// [Engine.StackOutputs] answers the program's StackReferences.
package mockcloud
