// Package emulator runs moto (a local AWS API emulator) and describes the pulumi-aws
// provider settings that point a region at it, for the local cloud drills.
package emulator

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sources holds motoserver.py (moto's server with fixes for the moto bugs the drills hit)
// and the fakes of what moto lacks (fake_*.py).
//
//go:embed motoserver.py fake_*.py
var sources embed.FS

// script returns the Python program StartMoto runs: motoserver.py, then every fake_*.py in
// name order, then the call of moto's main.
func script() (string, error) {
	var b strings.Builder
	base, err := sources.ReadFile("motoserver.py")
	if err != nil {
		return "", err
	}
	b.Write(base)
	fakes, err := fs.Glob(sources, "fake_*.py")
	if err != nil {
		return "", err
	}
	sort.Strings(fakes)
	for _, name := range fakes {
		src, err := sources.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n\n# ---- %s ----\n", name)
		b.Write(src)
	}
	b.WriteString("\n\nmain(sys.argv[1:])\n")
	return b.String(), nil
}

// Moto is a running moto server bound to 127.0.0.1.
type Moto struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

// MotoOptions configures StartMoto.
type MotoOptions struct {
	// Python is the interpreter that has moto installed (moto_server's own).
	// Default: "python3" from PATH.
	Python string
	// Env is appended to the current environment of the server.
	Env []string
	// Log receives the server's output. Default: discarded.
	Log io.Writer
	// Ready bounds the wait for the server to answer. Default: 60s.
	Ready time.Duration
}

// StartMoto starts moto's server (as moto_server does, plus the fixes in motoserver.py)
// on a free port of 127.0.0.1 and waits until it answers.
// The server runs in its own process group and, on Linux, is killed if this process
// dies; Stop ends it.
func StartMoto(ctx context.Context, opts MotoOptions) (*Moto, error) {
	if opts.Python == "" {
		opts.Python = "python3"
	}
	// Run the interpreter itself, not a wrapper such as a pyenv shim, which would leave
	// moto as its child, outside the reach of the parent-death signal.
	python, err := realInterpreter(ctx, opts.Python)
	if err != nil {
		return nil, err
	}
	if opts.Ready == 0 {
		opts.Ready = 60 * time.Second
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	program, err := script()
	if err != nil {
		return nil, fmt.Errorf("composing the moto server script: %w", err)
	}
	// The program is read from standard input ("-"): as a -c argument it outgrew the kernel's
	// limit on one argument (MAX_ARG_STRLEN, 128 KiB), and exec failed with "argument list
	// too long".
	cmd := exec.Command(python, "-", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdin = strings.NewReader(program)
	cmd.Env = append(cmd.Environ(), opts.Env...)
	cmd.Stdout, cmd.Stderr = opts.Log, opts.Log
	cmd.SysProcAttr = serverProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto with %s: %w", opts.Python, err)
	}
	m := &Moto{cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(port), done: make(chan error, 1)}
	go func() { m.done <- cmd.Wait() }()

	deadline := time.Now().Add(opts.Ready)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(m.url + "/moto-api/data.json")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		select {
		case werr := <-m.done:
			m.done <- werr
			return nil, fmt.Errorf("moto exited before answering: %v", werr)
		case <-ctx.Done():
			_ = m.Stop()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = m.Stop()
			return nil, fmt.Errorf("moto did not answer on %s within %s", m.url, opts.Ready)
		}
	}
}

// URL is the endpoint every AWS service of a drill's providers points at.
func (m *Moto) URL() string { return m.url }

// PID is the server's process id (also its process group id).
func (m *Moto) PID() int { return m.cmd.Process.Pid }

// Stop ends the server's process group: SIGTERM, then SIGKILL after 10 seconds.
func (m *Moto) Stop() error {
	pgid := m.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case err := <-m.done:
		m.done <- err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err := <-m.done
		m.done <- err
	}
	// Any straggler of the group (a reloader child) goes too.
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stopping moto: %w", err)
	}
	return nil
}

// realInterpreter returns the path of the Python executable that python runs.
func realInterpreter(ctx context.Context, python string) (string, error) {
	out, err := exec.CommandContext(ctx, python, "-c", "import sys, moto.server; print(sys.executable)").Output()
	if err != nil {
		return "", fmt.Errorf("%s cannot import moto: %w", python, err)
	}
	path := strings.TrimSpace(string(out))
	if path == "" {
		return "", fmt.Errorf("%s did not report its executable", python)
	}
	return path, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
