// netsandbox: network operations a sandboxed guest tries, each printed with its outcome, for the test
// to compare with the grants it gave. The test listens on the ports named here and checks that a denied
// operation reached none of them.
//
//	netsandbox TCP_DENIED TCP_ALLOWED UDP_DENIED UNIX_PATH
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"wasmcnet/wasip1net"
)

func outcome(err error) string {
	var e syscall.Errno
	switch {
	case err == nil:
		return "OK"
	case errors.As(err, &e):
		return fmt.Sprintf("errno %d (%v)", uintptr(e), e)
	default:
		return err.Error()
	}
}

func try(what string, err error) { fmt.Printf("%-36s -> %s\n", what, outcome(err)) }

func main() {
	if len(os.Args) != 5 {
		fmt.Println("usage: netsandbox TCP_DENIED TCP_ALLOWED UDP_DENIED UNIX_PATH")
		os.Exit(2)
	}
	denied, allowed, udpDenied, unixPath := os.Args[1], os.Args[2], os.Args[3], os.Args[4]

	dial := func(network, addr string) error {
		c, err := wasip1net.Dial(network, addr)
		if err == nil {
			c.Close()
		}
		return err
	}
	listen := func(addr string) error {
		l, err := wasip1net.Listen("tcp", addr)
		if err == nil {
			l.Close()
		}
		return err
	}
	lookup := func(name string) error {
		_, err := wasip1net.LookupIP(name)
		return err
	}
	try("connect tcp 127.0.0.1:"+"DENIED", dial("tcp", "127.0.0.1:"+denied))
	try("connect tcp 127.0.0.2:"+"ALLOWED", dial("tcp", "127.0.0.2:"+allowed))
	try("connect tcp 127.0.0.1:"+"ALLOWED", dial("tcp", "127.0.0.1:"+allowed))
	try("bind tcp 127.0.0.1:"+"DENIED", listen("127.0.0.1:"+denied))
	try("bind tcp 0.0.0.0:0", listen("0.0.0.0:0"))
	try("bind tcp 127.0.0.1:0", listen("127.0.0.1:0"))
	try("udp send_to 127.0.0.1:"+"DENIED", wasip1net.SendTo("udp", "127.0.0.1:"+udpDenied, []byte("leak")))
	try("udp connect 127.0.0.1:"+"DENIED", dial("udp", "127.0.0.1:"+udpDenied))
	try("unix connect", dial("unix", unixPath))
	try("resolve localhost", lookup("localhost"))
	try("resolve example.invalid", lookup("example.invalid"))
	try("resolve 127.0.0.1", lookup("127.0.0.1"))
}
