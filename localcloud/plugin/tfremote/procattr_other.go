//go:build !linux

package tfremote

import "syscall"

// childProcAttr has no parent-death signal outside Linux; Close still kills the child.
func childProcAttr() *syscall.SysProcAttr {
	return nil
}
