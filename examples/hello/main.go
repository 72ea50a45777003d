// A Go hello world for wasmc: GOOS=wasip1 GOARCH=wasm go build -o hello.wasm . && wasmc run hello.wasm
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("Hello from Go %s on %s/%s, run by wasmc\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if len(os.Args) > 1 {
		fmt.Println("args:", os.Args[1:])
	}
}
