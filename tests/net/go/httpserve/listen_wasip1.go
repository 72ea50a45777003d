package main

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// listener: the first preopened socket. Preopened directories come first (ENOTSOCK: skipped); EBADF
// ends the preopens.
func listener() (net.Listener, error) {
	for fd := uintptr(3); ; fd++ {
		f := os.NewFile(fd, "")
		l, err := net.FileListener(f)
		f.Close()
		var errno syscall.Errno
		switch {
		case err == nil:
			return l, nil
		case errors.As(err, &errno) && errno == syscall.ENOTSOCK:
			continue
		case errors.As(err, &errno) && errno == syscall.EBADF:
			return nil, errors.New("no preopened socket")
		default:
			return nil, err
		}
	}
}
