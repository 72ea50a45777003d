package wasip1net

import (
	"net"
	"runtime"
	"unsafe"
)

// The extension's addrinfo (28 bytes) and sockaddr (12 bytes, family as a u32 here: the bytes after a
// u8 family are padding), with the buffers each node points at.
type addrinfo struct {
	flags    uint16
	family   uint8
	socktype uint8
	protocol uint32
	addrlen  uint32
	addr     uint32
	canon    uint32
	canonLen uint32
	next     uint32
}

type aiSockaddr struct {
	family  uint32
	dataLen uint32
	data    uint32
}

type aiNode struct {
	ai    addrinfo
	sa    aiSockaddr
	data  [26]byte // the host sockaddr after its family: port, then (IPv6) flowinfo, address, scope
	canon [64]byte
}

const maxResults = 8

// LookupIP resolves a host name with sock_getaddrinfo (the host decides whether it may).
func LookupIP(host string) ([]net.IP, error) {
	nodes := make([]aiNode, maxResults)
	for i := range nodes {
		n := &nodes[i]
		n.sa = aiSockaddr{dataLen: uint32(len(n.data)), data: ptr32(&n.data)}
		n.ai = addrinfo{addr: ptr32(&n.sa), canon: ptr32(&n.canon), canonLen: uint32(len(n.canon))}
		if i > 0 {
			nodes[i-1].ai.next = ptr32(&n.ai)
		}
	}
	hints := addrinfo{socktype: sockStream}
	first := ptr32(&nodes[0].ai)
	name := []byte(host + "\x00") // WasmEdge expects NUL-terminated strings
	var count uint32
	e := sock_getaddrinfo(unsafe.Pointer(&name[0]), uint32(len(name)), nil, 0, unsafe.Pointer(&hints),
		unsafe.Pointer(&first), maxResults, unsafe.Pointer(&count))
	runtime.KeepAlive(nodes)
	runtime.KeepAlive(name)
	if err := errnoErr(e); err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host, UnwrapErr: err}
	}
	var ips []net.IP
	for _, n := range nodes[:count] {
		switch n.sa.family {
		case afInet:
			ips = append(ips, net.IP(append([]byte(nil), n.data[2:6]...)))
		case afInet6:
			ips = append(ips, net.IP(append([]byte(nil), n.data[6:22]...)))
		}
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return ips, nil
}
