// hostcheck reports what a go_wasip1_wasm_exec host gives a program: one command per run.
//
//	hostcheck args A B...   prints each of os.Args on its own line
//	hostcheck env           prints os.Environ(), one per line
//	hostcheck cwd           prints os.Getwd()
//	hostcheck cat PATH      prints the file at PATH (absolute or relative to the working directory)
//	hostcheck ls DIR        prints the names in DIR, sorted
//	hostcheck exit N        os.Exit(N)
//	hostcheck panic         panics (Go exits with 2)
//	hostcheck deep N        recurses N frames deep and prints N
package main

import (
	"fmt"
	"os"
	"strconv"
)

func deep(n int) int {
	if n == 0 {
		return 0
	}
	return deep(n-1) + 1
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hostcheck COMMAND [ARGS...]")
		os.Exit(64)
	}
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "args":
		for _, a := range os.Args {
			fmt.Println(a)
		}
	case "env":
		for _, e := range os.Environ() {
			fmt.Println(e)
		}
	case "cwd":
		wd, err := os.Getwd()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(wd)
	case "cat":
		data, err := os.ReadFile(args[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.Write(data)
	case "ls":
		entries, err := os.ReadDir(args[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, e := range entries {
			fmt.Println(e.Name())
		}
	case "exit":
		n, _ := strconv.Atoi(args[0])
		fmt.Println("exiting with", n)
		os.Exit(n)
	case "panic":
		panic("hostcheck panics")
	case "deep":
		n, _ := strconv.Atoi(args[0])
		fmt.Println(deep(n))
	default:
		fmt.Fprintln(os.Stderr, "unknown command", cmd)
		os.Exit(64)
	}
}
