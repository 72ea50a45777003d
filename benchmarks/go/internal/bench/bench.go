// Package bench holds what the Go benchmarks share: the work scale (os.Args[1], percent of the full
// run; default 100) and a checksum mixer.
package bench

import (
	"os"
	"strconv"
)

// Scale is the work scale in percent.
func Scale() int {
	if len(os.Args) > 1 {
		if s, err := strconv.Atoi(os.Args[1]); err == nil && s > 0 {
			return s
		}
	}
	return 100
}

// Scaled returns n*Scale()/100, at least 1.
func Scaled(n int) int {
	v := n * Scale() / 100
	if v < 1 {
		return 1
	}
	return v
}

// Mix folds v into the checksum h.
func Mix(h, v uint64) uint64 {
	return h ^ (v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2))
}
