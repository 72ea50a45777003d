// nethttp: a net/http server and client in one wasip1 program, on real sockets through wasip1net:
// hello, a 3 MiB request body, a fetch from an upstream server the test started, 200 concurrent
// requests, UDP echo, and a clean shutdown after which the port refuses connections.
//
//	nethttp UPSTREAM_URL UPSTREAM_BODY
//
// Each check prints one "ok ..." line; the first failure prints "FAIL ..." and exits 1. Every wait is
// bounded by a timeout, so a broken host fails the test instead of hanging it.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"wasmcnet/wasip1net"
)

const (
	bodySize    = 3 << 20
	concurrency = 200
	datagrams   = 20
	timeout     = 60 * time.Second
)

func fail(format string, args ...any) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

func body() []byte {
	b := make([]byte, bodySize)
	for i := range b {
		b[i] = byte(i*7 + i>>11)
	}
	return b
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: nethttp UPSTREAM_URL UPSTREAM_BODY")
	}
	upstreamURL, upstreamBody := os.Args[1], os.Args[2]
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: wasip1net.DialContext,
		MaxIdleConnsPerHost: concurrency}}

	l, err := wasip1net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen: %v", err)
	}
	addr := l.Addr().String()
	fmt.Printf("ok listening on 127.0.0.1:port %v\n", l.Addr().(*net.TCPAddr).Port != 0)

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello, world") })
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	})
	mux.HandleFunc("/upstream", func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.Get(upstreamURL)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: timeout}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	get := func(path string) string {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			fail("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			fail("GET %s: status %d, %v, %q", path, resp.StatusCode, err, b)
		}
		return string(b)
	}

	if got := get("/hello"); got != "hello, world" {
		fail("hello: %q", got)
	}
	fmt.Println("ok hello")

	payload := body()
	resp, err := client.Post("http://"+addr+"/echo", "application/octet-stream", bytes.NewReader(payload))
	if err != nil {
		fail("POST 3 MiB: %v", err)
	}
	echoed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("%d %x", len(payload), sha256.Sum256(payload)); string(echoed) != want {
		fail("POST 3 MiB: got %q, want %q", echoed, want)
	}
	fmt.Println("ok 3 MiB body")

	if got := get("/upstream"); got != upstreamBody {
		fail("upstream: got %q, want %q", got, upstreamBody)
	}
	fmt.Println("ok upstream fetch")

	var wg sync.WaitGroup
	var mu sync.Mutex
	good := 0
	for i := 0; i < concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get("http://" + addr + "/hello")
			if err != nil {
				fmt.Println("concurrent:", err)
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && string(b) == "hello, world" {
				mu.Lock()
				good++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if good != concurrency {
		fail("concurrent: %d of %d requests succeeded", good, concurrency)
	}
	fmt.Printf("ok %d concurrent requests\n", concurrency)

	udpEcho()

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fail("shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		fail("serve returned %v", err)
	}
	client.CloseIdleConnections()
	if c, err := wasip1net.Dial("tcp", addr); err == nil {
		c.Close()
		fail("the port still accepts after shutdown")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		fail("dial after shutdown: %v", err)
	}
	fmt.Println("ok clean shutdown")
}

// udpEcho: a server goroutine echoes datagrams from a connected client socket.
func udpEcho() {
	pc, err := wasip1net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fail("udp listen: %v", err)
	}
	defer pc.Close()
	pc.SetDeadline(time.Now().Add(timeout))
	go func() {
		buf := make([]byte, 2048)
		for i := 0; i < datagrams; i++ {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	c, err := wasip1net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		fail("udp dial: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	buf := make([]byte, 2048)
	for i := 0; i < datagrams; i++ {
		msg := fmt.Sprintf("datagram %d %s", i, bytes.Repeat([]byte{'x'}, i*50))
		if _, err := c.Write([]byte(msg)); err != nil {
			fail("udp write: %v", err)
		}
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != msg {
			fail("udp echo %d: %q, %v", i, buf[:n], err)
		}
	}
	fmt.Printf("ok udp echo of %d datagrams\n", datagrams)
}
