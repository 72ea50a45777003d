//go:build !wasip1

package main

import (
	"errors"
	"net"
	"os"
)

// listener: natively, the address in argv[1].
func listener() (net.Listener, error) {
	if len(os.Args) != 2 {
		return nil, errors.New("usage: httpserve HOST:PORT")
	}
	return net.Listen("tcp", os.Args[1])
}
