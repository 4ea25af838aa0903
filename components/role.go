package components

import (
	"fmt"
	"regexp"
	"strings"
)

// Role is what a region does in the deployment: it serves writes (primary) or stands by.
type Role string

const (
	// RolePrimary is the region that owns the database writer, the cache primary and the source
	// registry.
	RolePrimary Role = "primary"
	// RoleStandby is a region that holds replicas and, depending on the DR strategy, serves reads or
	// traffic.
	RoleStandby Role = "standby"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RolePrimary || r == RoleStandby }

// regionPattern matches AWS commercial, GovCloud and China region names such as us-west-2.
var regionPattern = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$`)

// ValidRegion reports whether s has the form of an AWS region name (for example us-west-2).
func ValidRegion(s string) bool { return regionPattern.MatchString(s) }

func checkRegion(field, region string) error {
	if err := CheckRegion(region); err != nil {
		return FieldError{Path: field, Msg: err.Error()}
	}
	return nil
}

func checkRole(field string, r Role) error {
	if !r.Valid() {
		return fmt.Errorf("%s: %q is not a role (want %q or %q)", field, r, RolePrimary, RoleStandby)
	}
	return nil
}

// checkName enforces, at the component boundary, that stateful resources are named by region and
// never by role: stateful children are named after the component, so the component's name must carry
// its region (never its role), and a failover that flips roles renames, and so replaces, none of them.
func checkName(name, region string) error {
	if !strings.Contains(name, region) {
		return fmt.Errorf("name: %q must contain the region %q, because stateful children are named after it and a change of role must never rename them", name, region)
	}
	return nil
}

// boolOr returns *p, or def when p is nil: the way every *bool opt-out in Args is read.
func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// Bool returns a pointer to b, for the *bool opt-outs of the Args structs.
func Bool(b bool) *bool { return &b }
