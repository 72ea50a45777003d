// reactor is a library module (-buildmode=c-shared): _initialize runs the package inits, then the host
// calls the //go:wasmexport functions. double waits on a goroutine, so its export wrapper has to resume
// the Go scheduler (wasm_pc_f_loop_export) before it can return.
package main

import (
	"fmt"
	"time"
)

var calls int32

func init() {
	fmt.Println("reactor initialized")
}

//go:wasmexport add
func add(a, b int32) int32 {
	calls++
	return a + b
}

//go:wasmexport hello
func hello(n int32) {
	calls++
	for i := int32(1); i <= n; i++ {
		fmt.Printf("hello %d\n", i)
	}
}

//go:wasmexport double
func double(x int64) int64 {
	calls++
	ch := make(chan int64)
	go func() {
		time.Sleep(time.Millisecond)
		ch <- 2 * x
	}()
	return <-ch
}

//go:wasmexport calls
func numCalls() int32 {
	return calls
}

func main() {}
