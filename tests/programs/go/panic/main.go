// panic: a recovered runtime error, then an unrecovered panic with a wrapped error inside a goroutine-free
// call chain: Go prints "panic: ..." and the goroutine trace on stderr and exits with code 2.
package main

import (
	"errors"
	"fmt"
	"os"
)

type config struct{ limits []int }

func lookup(c *config, i int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return c.limits[i], nil
}

func validate(n int) {
	if n > 2 {
		panic(fmt.Errorf("validate(%d): %w", n, errors.New("limit exceeded")))
	}
}

func main() {
	c := &config{limits: []int{10, 20, 30}}
	v, err := lookup(c, 1)
	fmt.Println(v, err)
	v, err = lookup(c, 5)
	fmt.Println(v, err)
	var m map[string]int
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		m["x"] = 1
	}()
	fmt.Fprintln(os.Stderr, "about to panic")
	for i := 0; i < 5; i++ {
		validate(i)
		fmt.Println("validated", i)
	}
}
