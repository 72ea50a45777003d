// Package wasip1net gives Go programs on GOOS=wasip1 real sockets through the WasmEdge socket extension
// (the functions of SOCKETS.md, imported from wasi_snapshot_preview1), the way dispatchrun/net does:
// the socket is created, bound or connected with the extension's calls and then handed to the standard
// library with net.FileListener / net.FileConn, which does the I/O over fd_read/fd_write and parks on
// poll_oneoff. Written for wasmc's tests; it depends on nothing outside the standard library.
package wasip1net

import (
	"syscall"
	"unsafe"
)

// The extension's constants (WasmEdge numbering).
const (
	afInet  = 1
	afInet6 = 2
	afUnix  = 3

	sockDgram  = 1
	sockStream = 2

	solSocket   = 0
	soReuseaddr = 0
	soType      = 1
	soError     = 2
	soBroadcast = 4
	soRcvbuf    = 6
	soLinger    = 9

	aiNumericServ = 8
)

//go:wasmimport wasi_snapshot_preview1 sock_open
//go:noescape
func sock_open(af, socktype int32, fd unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_bind
//go:noescape
func sock_bind(fd int32, addr unsafe.Pointer, port uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_listen
//go:noescape
func sock_listen(fd, backlog int32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_connect
//go:noescape
func sock_connect(fd int32, addr unsafe.Pointer, port uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_getsockopt
//go:noescape
func sock_getsockopt(fd, level, name int32, value unsafe.Pointer, valueLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_setsockopt
//go:noescape
func sock_setsockopt(fd, level, name int32, value unsafe.Pointer, valueLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 sock_getlocaladdr
//go:noescape
func sock_getlocaladdr(fd int32, addr unsafe.Pointer, port unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_getpeeraddr
//go:noescape
func sock_getpeeraddr(fd int32, addr unsafe.Pointer, port unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_recv_from
//go:noescape
func sock_recv_from(fd int32, iovs unsafe.Pointer, iovsLen int32, addr unsafe.Pointer, flags int32, port unsafe.Pointer, nread unsafe.Pointer, oflags unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_send_to
//go:noescape
func sock_send_to(fd int32, iovs unsafe.Pointer, iovsLen int32, addr unsafe.Pointer, port int32, flags int32, nwritten unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sock_getaddrinfo
//go:noescape
func sock_getaddrinfo(node unsafe.Pointer, nodeLen uint32, service unsafe.Pointer, serviceLen uint32, hints unsafe.Pointer, res unsafe.Pointer, maxResLen uint32, resLen unsafe.Pointer) uint32

func errnoErr(e uint32) error {
	if e == 0 {
		return nil
	}
	return syscall.Errno(e)
}

// addressBuffer is the extension's {buf, buf_len}; storage is the 128-byte {family, addr[126]} form.
type addressBuffer struct {
	buf    uint32
	bufLen uint32
}

type storage struct {
	family uint16
	addr   [126]byte
}

type iovec struct {
	buf    uint32
	bufLen uint32
}

func ptr32[T any](p *T) uint32 { return uint32(uintptr(unsafe.Pointer(p))) }

func socket(af, socktype int) (int, error) {
	var fd int32
	if err := errnoErr(sock_open(int32(af), int32(socktype), unsafe.Pointer(&fd))); err != nil {
		return -1, err
	}
	return int(fd), nil
}

func setsockoptInt(fd, name, value int) error {
	v := int32(value)
	return errnoErr(sock_setsockopt(int32(fd), solSocket, int32(name), unsafe.Pointer(&v), 4))
}

// getsockoptInt passes the option's size as a value, as dispatchrun/net does (the host must accept it).
func getsockoptInt(fd, name int) (int, error) {
	var v int32
	err := errnoErr(sock_getsockopt(int32(fd), solSocket, int32(name), unsafe.Pointer(&v), 4))
	return int(v), err
}
