// crypto/sha256 over buffers of several sizes (and hash chaining).
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"wasmcbench/internal/bench"
)

func main() {
	reps := bench.Scaled(100)
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	var sum [32]byte
	for r := 0; r < reps; r++ {
		sum = sha256.Sum256(buf)
		copy(buf[r%1000:], sum[:])
		for i := 0; i < 2000; i++ {
			sum = sha256.Sum256(sum[:])
		}
	}
	fmt.Printf("sha256 %d %x %d\n", reps, sum, binary.LittleEndian.Uint64(sum[:8])%1000)
}
