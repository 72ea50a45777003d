// hostcalls calls functions of the host module "env" through //go:wasmimport: integers, floats and a
// string passed as a pointer into the guest's memory.
package main

import (
	"fmt"
	"os"
	"unsafe"
)

//go:wasmimport env add
func add(a, b int32) int32

//go:wasmimport env scale
func scale(x float64, k int64) float64

//go:wasmimport env log
func hostLog(ptr unsafe.Pointer, n int32)

func say(s string) {
	hostLog(unsafe.Pointer(unsafe.StringData(s)), int32(len(s)))
}

func main() {
	fmt.Println("add(2, 3) =", add(2, 3))
	fmt.Println("add(-7, 4) =", add(-7, 4))
	fmt.Println("scale(1.5, 4) =", scale(1.5, 4))
	say("hello from Go memory")
	os.Exit(int(add(1, 2)))
}
