package tfremote

import "syscall"

// childProcAttr makes the kernel kill the Terraform provider when its parent dies.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
