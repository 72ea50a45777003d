// args: os.Args and the flag package.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Printf("%d args: %q\n", len(os.Args), os.Args)
	n := flag.Int("n", 1, "repetitions")
	name := flag.String("name", "world", "who to greet")
	verbose := flag.Bool("v", false, "verbose")
	flag.Parse()
	for i := 0; i < *n; i++ {
		fmt.Printf("hello, %s (%d)\n", *name, i+1)
	}
	fmt.Println("verbose:", *verbose, "rest:", strings.Join(flag.Args(), "|"), "NArg:", flag.NArg())
}
