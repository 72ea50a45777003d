// Allocation and garbage collection: binary trees of pointers, plus churn of short-lived slices and
// strings while a long-lived structure keeps the heap busy.
package main

import (
	"fmt"
	"strconv"

	"wasmcbench/internal/bench"
)

type node struct{ l, r *node }

func make_(d int) *node {
	if d == 0 {
		return &node{}
	}
	return &node{make_(d - 1), make_(d - 1)}
}

func (n *node) check() int {
	if n.l == nil {
		return 1
	}
	return 1 + n.l.check() + n.r.check()
}

type record struct {
	id   int
	name string
	tags []string
}

func main() {
	const maxd = 16
	long := make_(maxd)
	var h uint64
	for d := 4; d <= maxd; d += 4 {
		iters := bench.Scaled(1 << (maxd - d + 3))
		c := 0
		for i := 0; i < iters; i++ {
			c += make_(d).check()
		}
		h = bench.Mix(h, uint64(c))
	}
	live := make([]*record, 0, 1024)
	n := bench.Scaled(1600000)
	for i := 0; i < n; i++ {
		r := &record{id: i, name: "rec" + strconv.Itoa(i)}
		for t := 0; t < i%5; t++ {
			r.tags = append(r.tags, r.name[:1+t%len(r.name)])
		}
		if i%64 == 0 {
			if len(live) == cap(live) {
				live = live[:0]
			}
			live = append(live, r)
		}
		h = bench.Mix(h, uint64(len(r.name)+len(r.tags)))
	}
	fmt.Printf("gcalloc %d %d %016x\n", long.check(), len(live), h)
}
