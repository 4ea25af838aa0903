package mockcloud

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// AwaitValue waits for out to resolve and returns its value as a T (a string for a StringOutput,
// []string for a StringArrayOutput, pulumi.ID for an IDOutput, ...). A known null value is T's zero
// value. It fails when the output failed, is unknown (a preview's computed value) or holds another
// type. Call it after the program ran, or from a goroutine other than the program's.
func AwaitValue[T any](ctx context.Context, out pulumi.Output) (T, error) {
	var zero T
	state, err := internals.UnsafeAwaitOutput(ctx, out)
	if err != nil {
		return zero, fmt.Errorf("awaiting %s: %w", out.ElementType(), err)
	}
	if !state.Known {
		return zero, fmt.Errorf("awaiting %s: the value is unknown", out.ElementType())
	}
	if state.Value == nil {
		return zero, nil
	}
	v, ok := state.Value.(T)
	if !ok {
		return zero, fmt.Errorf("awaiting %s: the value is a %T, not a %T", out.ElementType(), state.Value, zero)
	}
	return v, nil
}

// Await is [AwaitValue] for tests: it returns out's value as a T and stops the test when the value
// cannot be read.
//
//	dns := mockcloud.Await[string](t, cluster.ALBDNSName)
func Await[T any](t testing.TB, out pulumi.Output) T {
	t.Helper()
	v, err := AwaitValue[T](t.Context(), out)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
