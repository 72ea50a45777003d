package wasip1net

import (
	"context"
	"net"
	"os"
	"runtime"
	"syscall"
)

func socketType(network string) int {
	switch network {
	case "udp", "udp4", "udp6", "unixgram":
		return sockDgram
	}
	return sockStream
}

func opError(op, network string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: network, Addr: addr, Err: os.NewSyscallError(op, err)}
}

// newSocket opens a non-blocking socket for sa (Go's netpoller needs EAGAIN, never a blocking call).
func newSocket(sa *sockaddr, network string) (int, error) {
	fd, err := socket(sa.family, socketType(network))
	if err != nil {
		return -1, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// listener reports the address it is bound to (the standard library's FileListener cannot know it).
type listener struct {
	net.Listener
	addr net.Addr
}

func (l *listener) Addr() net.Addr { return l.addr }

// Listen announces on a TCP address (numeric or a name the host lets the guest resolve) or a Unix path.
func Listen(network, address string) (net.Listener, error) {
	sa, err := resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	fd, err := newSocket(sa, network)
	if err != nil {
		return nil, opError("socket", network, sa.netAddr(network), err)
	}
	if sa.family != afUnix {
		if err := setsockoptInt(fd, soReuseaddr, 1); err != nil {
			syscall.Close(fd)
			return nil, opError("setsockopt", network, sa.netAddr(network), err)
		}
	}
	if err := bindFD(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, opError("bind", network, sa.netAddr(network), err)
	}
	if err := errnoErr(sock_listen(int32(fd), 128)); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, sa.netAddr(network), err)
	}
	local, err := localAddr(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, opError("getsockname", network, sa.netAddr(network), err)
	}
	f := os.NewFile(uintptr(fd), "")
	defer f.Close() // the listener holds its own reference (wasip1 counts them; there is no dup)
	l, err := net.FileListener(f)
	if err != nil {
		return nil, err
	}
	return &listener{l, local.netAddr(network)}, nil
}

func bindFD(fd int, sa *sockaddr) error {
	addr, port := sa.pass()
	err := errnoErr(sock_bind(int32(fd), addr, port))
	runtime.KeepAlive(sa)
	return err
}

// Dial connects to a TCP or UDP address or a Unix path. A connection in progress is awaited through the
// netpoller (FD_WRITE), then its outcome read from SO_ERROR.
func Dial(network, address string) (net.Conn, error) {
	sa, err := resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	fd, err := newSocket(sa, network)
	if err != nil {
		return nil, opError("socket", network, sa.netAddr(network), err)
	}
	addr, port := sa.pass()
	err = errnoErr(sock_connect(int32(fd), addr, port))
	runtime.KeepAlive(sa)
	if err != nil && err != syscall.EINPROGRESS {
		syscall.Close(fd)
		return nil, opError("connect", network, sa.netAddr(network), err)
	}
	f := os.NewFile(uintptr(fd), "")
	defer f.Close()
	if err == syscall.EINPROGRESS {
		rc, rerr := f.SyscallConn()
		if rerr != nil {
			return nil, rerr
		}
		var connectErr error
		werr := rc.Write(func(uintptr) bool {
			v, gerr := getsockoptInt(fd, soError)
			switch {
			case gerr != nil:
				connectErr = gerr
			case syscall.Errno(v) == syscall.EINPROGRESS || syscall.Errno(v) == syscall.EALREADY:
				return false // not yet: wait for writability again
			case v != 0:
				connectErr = syscall.Errno(v)
			}
			return true
		})
		if werr != nil {
			return nil, werr
		}
		if connectErr != nil {
			return nil, opError("connect", network, sa.netAddr(network), connectErr)
		}
	}
	return net.FileConn(f)
}

// DialContext is Dial for http.Transport.DialContext; the context only cancels before the dial starts.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return Dial(network, address)
}
