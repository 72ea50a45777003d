// goroutines: channels, a worker pool, sync.WaitGroup and Mutex, select with time.After, time.Sleep and
// a Ticker. Output is ordered by the program, not by the scheduler.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- [2]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		time.Sleep(time.Millisecond * time.Duration(j%3))
		results <- [2]int{j, j * j * id / id}
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan [2]int, 100)
	var wg sync.WaitGroup
	for w := 1; w <= 4; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	for j := 1; j <= 20; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(results)
	var got [][2]int
	for r := range results {
		got = append(got, r)
	}
	sort.Slice(got, func(a, b int) bool { return got[a][0] < got[b][0] })
	fmt.Println("squares:", got)

	// Ping-pong over unbuffered channels.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, open := <-pong
	fmt.Println("ping-pong:", v, "pong open:", open)

	// A mutex-protected counter with many goroutines.
	var mu sync.Mutex
	counter := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for k := 0; k < 100; k++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg2.Wait()
	fmt.Println("counter:", counter)

	// Sleeping really sleeps; select picks the ready channel, then the timeout.
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("slept >= 30ms:", time.Since(start) >= 30*time.Millisecond)
	fast := make(chan string)
	go func() { time.Sleep(10 * time.Millisecond); fast <- "fast" }()
	select {
	case s := <-fast:
		fmt.Println("select got", s)
	case <-time.After(2 * time.Second):
		fmt.Println("select timed out")
	}
	select {
	case s := <-fast:
		fmt.Println("unexpected", s)
	case <-time.After(20 * time.Millisecond):
		fmt.Println("select timed out as expected")
	}
	ticker := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 5 {
			ticker.Stop()
			break
		}
	}
	fmt.Println("ticks:", ticks)
	done := make(chan struct{})
	var once sync.Once
	for i := 0; i < 3; i++ {
		go once.Do(func() { close(done) })
	}
	<-done
	fmt.Println("once closed done")
}
