package stateful

import (
	"slices"
	"testing"
)

func TestReplaces(t *testing.T) {
	for op, want := range map[string]bool{
		"replace": true, "create-replacement": true, "delete-replaced": true, "delete": true, "discard": true,
		"create": false, "update": false, "same": false, "read": false, "refresh": false, "import": false,
	} {
		if got := Replaces(op); got != want {
			t.Errorf("Replaces(%q) = %v, want %v", op, got, want)
		}
	}
}

func TestTypesIsAFreshCopy(t *testing.T) {
	a := Types()
	a[0] = "changed"
	if slices.Contains(Types(), "changed") {
		t.Fatal("Types shares its backing array: a caller's change leaked into the list")
	}
}
