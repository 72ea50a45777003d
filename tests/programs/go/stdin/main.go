// stdin: reads stdin to the end with bufio.Scanner, counts lines, words and bytes, prints word
// frequencies sorted by count then word.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	lines, bytes, total := 0, 0, 0
	freq := map[string]int{}
	for sc.Scan() {
		lines++
		bytes += len(sc.Bytes()) + 1
		for _, w := range strings.Fields(sc.Text()) {
			freq[strings.ToLower(w)]++
			total++
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Println("error:", err)
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if freq[words[i]] != freq[words[j]] {
			return freq[words[i]] > freq[words[j]]
		}
		return words[i] < words[j]
	})
	fmt.Printf("%d lines, %d words (%d distinct), ~%d bytes\n", lines, total, len(freq), bytes)
	for _, w := range words {
		fmt.Printf("%-6s %d\n", w, freq[w])
	}
	n, err := os.Stdin.Read(make([]byte, 10))
	fmt.Println("read after EOF:", n, err)
}
