// fmtdemo: fmt verbs over the common types, a Stringer, wrapped errors, maps (printed sorted by fmt),
// strconv and strings, unicode text.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

type Point struct {
	X, Y int
	Tag  string
}

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

func main() {
	p := Point{3, -4, "p"}
	fmt.Printf("%v | %+v | %#v | %T\n", p, p, p, p)
	fmt.Printf("%d %5d %-5d| %x %X %o %b %c %q %U\n", 42, 42, 42, 255, 255, 8, 5, 'λ', 'λ', 'λ')
	fmt.Printf("%f %.3f %e %g %g %g %v\n", math.Pi, math.E, 123456.789, 1e21, 1e-7, math.Inf(-1), math.NaN())
	fmt.Printf("%s %q %x % x %10s|%-10s|\n", "go", "tab\there", "hi", "hi", "right", "left")
	fmt.Printf("%t %v %p\n", true, nil, nil)
	fmt.Println(Celsius(21.55), []Celsius{-40, 100})
	m := map[string]int{"zeta": 26, "alpha": 1, "mu": 12, "beta": 2}
	fmt.Println(m, len(m))
	fmt.Printf("%v %d %s\n", []int{1, 2, 3}, [3]uint8{7, 8, 9}, []string{"a", "b"})
	var ip *int
	fmt.Printf("%v %v\n", ip == nil, struct{ A []int }{})
	err := fmt.Errorf("open config: %w", fs.ErrNotExist)
	fmt.Println(err, errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrExist))
	n, convErr := strconv.Atoi("12a")
	fmt.Println(n, convErr)
	f, _ := strconv.ParseFloat("6.02214076e23", 64)
	fmt.Println(f, strconv.FormatInt(-255, 16), strconv.Quote("naïve\n"), strconv.Itoa(math.MaxInt64))
	s := "Hello, 世界! Γειά σου"
	fmt.Println(len(s), utf8.RuneCountInString(s), strings.ToUpper(s), strings.Fields(s))
	fmt.Println(strings.Repeat("ab", 3), strings.Split("a,b,,c", ","), strings.Title("go wasm"), strings.Map(func(r rune) rune {
		if r == 'o' {
			return '0'
		}
		return r
	}, "foo bar boo"))
	var b strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "[%d:%s]", i, strings.Repeat("*", i))
	}
	fmt.Println(b.String())
	fmt.Fprintln(os.Stderr, "fmtdemo done")
}
