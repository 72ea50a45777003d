// exit: os.Exit with the code in os.Args[1]; deferred calls do not run and earlier output is not lost.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	defer fmt.Println("deferred: must not print")
	code, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: exit CODE")
		os.Exit(2)
	}
	fmt.Println("exiting with", code)
	fmt.Fprintln(os.Stderr, "to stderr before exit")
	os.Exit(code)
}
