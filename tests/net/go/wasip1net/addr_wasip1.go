package wasip1net

import (
	"errors"
	"net"
	"runtime"
	"strconv"
	"unsafe"
)

// sockaddr is an address as the extension takes it: IPv4 and IPv6 as raw bytes with the port apart,
// Unix paths in the 128-byte storage form.
type sockaddr struct {
	family int
	ip     net.IP
	port   int
	path   string

	raw [16]byte
	st  storage
	buf addressBuffer
}

// pass returns the address record to give the host and the port; keep s alive until the call returns.
func (s *sockaddr) pass() (unsafe.Pointer, uint32) {
	switch s.family {
	case afInet:
		copy(s.raw[:4], s.ip.To4())
		s.buf = addressBuffer{ptr32(&s.raw), 4}
	case afInet6:
		copy(s.raw[:], s.ip.To16())
		s.buf = addressBuffer{ptr32(&s.raw), 16}
	default:
		s.st = storage{family: afUnix}
		copy(s.st.addr[:len(s.st.addr)-1], s.path)
		s.buf = addressBuffer{ptr32(&s.st), uint32(unsafe.Sizeof(s.st))}
	}
	return unsafe.Pointer(&s.buf), uint32(s.port)
}

func (s *sockaddr) netAddr(network string) net.Addr {
	switch {
	case s.family == afUnix:
		return &net.UnixAddr{Name: s.path, Net: network}
	case network == "udp" || network == "udp4" || network == "udp6":
		return &net.UDPAddr{IP: s.ip, Port: s.port}
	default:
		return &net.TCPAddr{IP: s.ip, Port: s.port}
	}
}

func fromStorage(st *storage, port uint32) *sockaddr {
	switch st.family {
	case afInet:
		return &sockaddr{family: afInet, ip: net.IP(append([]byte(nil), st.addr[:4]...)), port: int(port)}
	case afInet6:
		return &sockaddr{family: afInet6, ip: net.IP(append([]byte(nil), st.addr[:16]...)), port: int(port)}
	case afUnix:
		n := 0
		for n < len(st.addr) && st.addr[n] != 0 {
			n++
		}
		return &sockaddr{family: afUnix, path: string(st.addr[:n])}
	}
	return nil
}

func fromNetAddr(a net.Addr) (*sockaddr, error) {
	var ip net.IP
	var port int
	switch a := a.(type) {
	case *net.UDPAddr:
		ip, port = a.IP, a.Port
	case *net.TCPAddr:
		ip, port = a.IP, a.Port
	case *net.UnixAddr:
		return &sockaddr{family: afUnix, path: a.Name}, nil
	default:
		return nil, errors.New("wasip1net: unsupported address type")
	}
	if ip4 := ip.To4(); ip4 != nil {
		return &sockaddr{family: afInet, ip: ip4, port: port}, nil
	}
	return &sockaddr{family: afInet6, ip: ip, port: port}, nil
}

func localAddr(fd int) (*sockaddr, error) { return ownAddr(fd, false) }
func peerAddr(fd int) (*sockaddr, error)  { return ownAddr(fd, true) }

func ownAddr(fd int, peer bool) (*sockaddr, error) {
	var st storage
	buf := addressBuffer{ptr32(&st), uint32(unsafe.Sizeof(st))}
	var port uint32
	var e uint32
	if peer {
		e = sock_getpeeraddr(int32(fd), unsafe.Pointer(&buf), unsafe.Pointer(&port))
	} else {
		e = sock_getlocaladdr(int32(fd), unsafe.Pointer(&buf), unsafe.Pointer(&port))
	}
	runtime.KeepAlive(&st)
	if err := errnoErr(e); err != nil {
		return nil, err
	}
	if sa := fromStorage(&st, port); sa != nil {
		return sa, nil
	}
	return nil, errors.New("wasip1net: unknown address family")
}

// resolve turns "host:port" (or a Unix path) into an address: numeric hosts directly, names through
// sock_getaddrinfo; an empty host is the IPv4 (or, for tcp6/udp6, IPv6) wildcard.
func resolve(network, address string) (*sockaddr, error) {
	switch network {
	case "unix", "unixgram":
		return &sockaddr{family: afUnix, path: address}, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return nil, net.UnknownNetworkError(network)
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(service)
	if err != nil || port < 0 || port > 65535 {
		return nil, &net.AddrError{Err: "invalid port", Addr: address}
	}
	v6 := network[len(network)-1] == '6'
	var ip net.IP
	switch {
	case host == "" && v6:
		ip = net.IPv6unspecified
	case host == "":
		ip = net.IPv4zero
	default:
		if ip = net.ParseIP(host); ip == nil {
			ips, err := LookupIP(host)
			if err != nil {
				return nil, err
			}
			ip = ips[0]
		}
	}
	if ip4 := ip.To4(); ip4 != nil && !v6 {
		return &sockaddr{family: afInet, ip: ip4, port: port}, nil
	}
	return &sockaddr{family: afInet6, ip: ip.To16(), port: port}, nil
}
