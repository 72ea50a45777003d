// Goroutines and channels: a concurrent prime sieve (a chain of filtering goroutines), a fan-out /
// fan-in worker pool over buffered channels, and ping-pong over unbuffered ones.
package main

import (
	"fmt"
	"sync"

	"wasmcbench/internal/bench"
)

func generate(ch chan<- int) {
	for i := 2; ; i++ {
		ch <- i
	}
}

func filter(in <-chan int, out chan<- int, p int) {
	for {
		if i := <-in; i%p != 0 {
			out <- i
		}
	}
}

func sieve(n int) int {
	ch := make(chan int)
	go generate(ch)
	last := 0
	for i := 0; i < n; i++ {
		p := <-ch
		last = p
		ch1 := make(chan int)
		go filter(ch, ch1, p)
		ch = ch1
	}
	return last
}

func pool(jobs, workers int) uint64 {
	in := make(chan int, 128)
	out := make(chan uint64, 128)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				v := uint64(j)
				for k := 0; k < 50; k++ {
					v = v*6364136223846793005 + 1442695040888963407
				}
				out <- v >> 40
			}
		}()
	}
	go func() {
		for j := 0; j < jobs; j++ {
			in <- j
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	var s uint64
	for v := range out {
		s += v
	}
	return s
}

func pingpong(n int) int {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	return v
}

func main() {
	p := sieve(bench.Scaled(1500))
	s := pool(bench.Scaled(300000), 8)
	v := pingpong(bench.Scaled(300000))
	fmt.Printf("goroutines %d %d %d\n", p, s, v)
}
