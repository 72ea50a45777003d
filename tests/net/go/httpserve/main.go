// httpserve: a net/http server on a listener it is given: under wasip1 the first preopened socket
// (wasmtime's -S tcplisten, wasmc's WASMC_TCPLISTEN or WasiConfig.tcplisten/listen_fds), found with
// net.FileListener as Go's own internal/runtime/wasitest does; natively net.Listen on argv[1]. Only the
// standard library, so the same server runs under any host and natively (benchmarks/http.py).
//
//	GET /hello -> "hello, world"; POST /echo -> "LENGTH SHA256"; GET /quit -> "bye", then a clean exit.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	l, err := listener()
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpserve:", err)
		os.Exit(1)
	}
	quit := make(chan struct{})
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
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "bye")
		select {
		case <-quit:
		default:
			close(quit)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	fmt.Println("serving")
	select {
	case <-quit:
	case err := <-served:
		fmt.Fprintln(os.Stderr, "httpserve: serve:", err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "httpserve: shutdown:", err)
		os.Exit(1)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "httpserve: serve:", err)
		os.Exit(1)
	}
	fmt.Println("stopped")
}
