// Maps and sorting: word counts in map[string]int, an int-keyed map with deletes, then sorting the
// entries with sort.Slice and slices.SortFunc.
package main

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"wasmcbench/internal/bench"
)

type kv struct {
	k string
	v int
}

func main() {
	reps := bench.Scaled(4)
	var h uint64
	x := uint32(2463534242)
	next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
	for r := 0; r < reps; r++ {
		words := map[string]int{}
		for i := 0; i < 200000; i++ {
			words["w"+strconv.Itoa(int(next()%50000))]++
		}
		ints := map[int]int{}
		for i := 0; i < 200000; i++ {
			ints[int(next()%100000)] += i
		}
		for k := range ints {
			if k%3 == 0 {
				delete(ints, k)
			}
		}
		entries := make([]kv, 0, len(words))
		for k, v := range words {
			entries = append(entries, kv{k, v})
		}
		sort.Slice(entries, func(i, j int) bool {
			if entries[i].v != entries[j].v {
				return entries[i].v > entries[j].v
			}
			return entries[i].k < entries[j].k
		})
		keys := make([]int, 0, len(ints))
		for k := range ints {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b int) int { return cmp.Compare(ints[a], ints[b])*2 + cmp.Compare(a, b) })
		nums := make([]uint32, 300000)
		for i := range nums {
			nums[i] = next()
		}
		slices.Sort(nums)
		h = bench.Mix(h, uint64(entries[0].v)<<32|uint64(len(entries)))
		h = bench.Mix(h, uint64(len(entries[0].k)+len(entries[len(entries)-1].k)))
		h = bench.Mix(h, uint64(keys[0])<<32|uint64(keys[len(keys)-1]))
		h = bench.Mix(h, uint64(nums[len(nums)/2]))
	}
	fmt.Printf("mapsort %d %016x\n", reps, h)
}
