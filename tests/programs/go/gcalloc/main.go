// gcalloc: large allocations and garbage collection: a 256 MiB slice, many short-lived allocations
// (several GBs churned in total), a big map, runtime.GC, and memory statistics checked as booleans.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

type node struct {
	next *node
	val  [16]int64
}

func main() {
	big := make([]byte, 256<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = byte(i >> 12)
	}
	sum := 0
	for i := 0; i < len(big); i += 4096 {
		sum += int(big[i])
	}
	fmt.Println("256 MiB slice checksum:", sum)
	big = nil

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc0 := ms.NumGC
	var keep *node
	for round := 0; round < 200; round++ {
		var list *node
		for i := 0; i < 2000; i++ {
			list = &node{next: list}
			list.val[0] = int64(i)
		}
		if round%50 == 0 {
			keep = list
		}
		_ = make([]byte, 1<<20)
	}
	n := 0
	for p := keep; p != nil; p = p.next {
		n++
	}
	fmt.Println("kept list length:", n)
	m := make(map[int]string)
	for i := 0; i < 100000; i++ {
		m[i] = fmt.Sprint(i * 7)
	}
	fmt.Println("map:", len(m), m[12345], m[99999])
	runtime.GC()
	debug.FreeOSMemory()
	runtime.ReadMemStats(&ms)
	fmt.Println("collections happened:", ms.NumGC > gc0, "heap in use < 128 MiB:", ms.HeapInuse < 128<<20)
	s := make([][]int, 0)
	for i := 0; i < 1000; i++ {
		s = append(s, make([]int, i))
	}
	total := 0
	for _, x := range s {
		total += cap(x)
	}
	fmt.Println("appended slices total cap >= 499500:", total >= 499500)
}
