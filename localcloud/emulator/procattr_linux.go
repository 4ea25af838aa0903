package emulator

import "syscall"

// serverProcAttr puts the server in its own process group and kills it with its parent.
func serverProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
