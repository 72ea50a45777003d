// httpload: a small, bounded HTTP load generator for benchmarks/http.py (built for the host). C
// keep-alive connections each send GET requests in a loop until the duration or the request budget is
// used up; it prints one line: requests errors seconds p50_us p90_us p99_us max_us.
//
//	httpload -url http://127.0.0.1:PORT/hello -c 8 -d 5s -n 1000000
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to GET")
	conns := flag.Int("c", 8, "concurrent keep-alive connections (1-256)")
	duration := flag.Duration("d", 5*time.Second, "how long to send (at most 60s)")
	budget := flag.Int64("n", 1_000_000, "at most this many requests in all")
	flag.Parse()
	if *url == "" || *conns < 1 || *conns > 256 || *duration <= 0 || *duration > time.Minute || *budget < 1 {
		fmt.Fprintln(os.Stderr, "usage: httpload -url URL [-c 1..256] [-d <=60s] [-n N]")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conns,
		MaxConnsPerHost: *conns, DisableCompression: true}}
	var sent, errors atomic.Int64
	latencies := make([][]time.Duration, *conns)
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(deadline) && sent.Add(1) <= *budget {
				t := time.Now()
				resp, err := client.Get(*url)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != 200 {
					errors.Add(1)
					continue
				}
				latencies[i] = append(latencies[i], time.Since(t))
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(latencies...)
	slices.Sort(all)
	pct := func(p float64) int64 {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()
	}
	fmt.Printf("%d %d %.3f %d %d %d %d\n", len(all), errors.Load(), elapsed.Seconds(), pct(0.50), pct(0.90),
		pct(0.99), pct(1))
}
