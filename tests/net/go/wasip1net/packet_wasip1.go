package wasip1net

import (
	"net"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// PacketConn is a bound UDP (or Unix datagram) socket with ReadFrom/WriteTo over sock_recv_from and
// sock_send_to; it waits for readiness through the netpoller like the standard library's conns.
type PacketConn struct {
	network string
	fd      int
	f       *os.File
	rc      syscall.RawConn
	local   net.Addr
}

var _ net.PacketConn = (*PacketConn)(nil)

// ListenPacket binds a datagram socket to address ("udp", "udp4", "udp6" or "unixgram").
func ListenPacket(network, address string) (*PacketConn, error) {
	sa, err := resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	fd, err := newSocket(sa, network)
	if err != nil {
		return nil, opError("socket", network, sa.netAddr(network), err)
	}
	if err := bindFD(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, opError("bind", network, sa.netAddr(network), err)
	}
	local, err := localAddr(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, opError("getsockname", network, sa.netAddr(network), err)
	}
	f := os.NewFile(uintptr(fd), "")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &PacketConn{network: network, fd: fd, f: f, rc: rc, local: local.netAddr(network)}, nil
}

func (c *PacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	var n int
	var from *sockaddr
	var err error
	rerr := c.rc.Read(func(fd uintptr) bool {
		n, from, err = recvFrom(int(fd), b)
		return err != syscall.EAGAIN
	})
	if rerr != nil {
		return 0, nil, rerr
	}
	if err != nil {
		return 0, nil, opError("recvfrom", c.network, c.local, err)
	}
	return n, from.netAddr(c.network), nil
}

func (c *PacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	to, err := fromNetAddr(addr)
	if err != nil {
		return 0, err
	}
	var n int
	werr := c.rc.Write(func(fd uintptr) bool {
		n, err = sendTo(int(fd), b, to)
		return err != syscall.EAGAIN
	})
	if werr != nil {
		return 0, werr
	}
	if err != nil {
		return 0, opError("sendto", c.network, addr, err)
	}
	return n, nil
}

func (c *PacketConn) Close() error                       { return c.f.Close() }
func (c *PacketConn) LocalAddr() net.Addr                { return c.local }
func (c *PacketConn) SetDeadline(t time.Time) error      { return c.f.SetDeadline(t) }
func (c *PacketConn) SetReadDeadline(t time.Time) error  { return c.f.SetReadDeadline(t) }
func (c *PacketConn) SetWriteDeadline(t time.Time) error { return c.f.SetWriteDeadline(t) }

func recvFrom(fd int, b []byte) (int, *sockaddr, error) {
	var st storage
	buf := addressBuffer{ptr32(&st), uint32(unsafe.Sizeof(st))}
	iov := iovec{uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), uint32(len(b))}
	var port uint32
	var nread int32
	var oflags int32
	e := sock_recv_from(int32(fd), unsafe.Pointer(&iov), 1, unsafe.Pointer(&buf), 0, unsafe.Pointer(&port),
		unsafe.Pointer(&nread), unsafe.Pointer(&oflags))
	runtime.KeepAlive(b)
	if err := errnoErr(e); err != nil {
		return 0, nil, err
	}
	return int(nread), fromStorage(&st, port), nil
}

func sendTo(fd int, b []byte, to *sockaddr) (int, error) {
	iov := iovec{uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))), uint32(len(b))}
	addr, port := to.pass()
	var n int32
	e := sock_send_to(int32(fd), unsafe.Pointer(&iov), 1, addr, int32(port), 0, unsafe.Pointer(&n))
	runtime.KeepAlive(b)
	runtime.KeepAlive(to)
	return int(n), errnoErr(e)
}

// SendTo sends one datagram from a fresh, unbound UDP socket (the sandbox tests' probe of send_to).
func SendTo(network, address string, b []byte) error {
	sa, err := resolve(network, address)
	if err != nil {
		return err
	}
	fd, err := socket(sa.family, sockDgram)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	_, err = sendTo(fd, b, sa)
	return err
}
