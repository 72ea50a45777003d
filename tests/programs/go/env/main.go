// env: os.Getenv, os.LookupEnv, os.Environ (sorted), os.ExpandEnv, Setenv/Unsetenv.
package main

import (
	"fmt"
	"os"
	"sort"
)

func main() {
	fmt.Printf("USER=%q\n", os.Getenv("USER"))
	for _, k := range []string{"EMPTY", "MISSING", "X"} {
		v, ok := os.LookupEnv(k)
		fmt.Printf("lookup %s: %q %v\n", k, v, ok)
	}
	env := os.Environ()
	sort.Strings(env)
	fmt.Println(len(env), env)
	fmt.Println(os.ExpandEnv(os.Getenv("GREETING") + " from ${USER}, home=[$HOME]"))
	os.Setenv("NEW", "1")
	os.Unsetenv("USER")
	_, ok := os.LookupEnv("USER")
	fmt.Println("NEW:", os.Getenv("NEW"), "USER still set:", ok)
}
