// encoding/json: marshal a slice of nested structs and unmarshal it back (reflection, strconv,
// allocation), plus decoding into interface{} maps.
package main

import (
	"encoding/json"
	"fmt"
	"hash/crc32"

	"wasmcbench/internal/bench"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    int    `json:"zip"`
}

type Person struct {
	ID      int               `json:"id"`
	Name    string            `json:"name"`
	Email   string            `json:"email"`
	Score   float64           `json:"score"`
	Active  bool              `json:"active"`
	Tags    []string          `json:"tags"`
	Address Address           `json:"address"`
	Attrs   map[string]string `json:"attrs"`
}

func main() {
	reps := bench.Scaled(45)
	people := make([]Person, 1000)
	for i := range people {
		people[i] = Person{
			ID: i, Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.com", i),
			Score: float64(i) * 1.25, Active: i%3 == 0, Tags: []string{"a", "bb", fmt.Sprint(i % 7)},
			Address: Address{Street: fmt.Sprintf("%d Main St", i), City: "Springfield", Zip: 10000 + i},
			Attrs:   map[string]string{"k": "v", "n": fmt.Sprint(i)},
		}
	}
	var h uint64
	for r := 0; r < reps; r++ {
		people[r%len(people)].Score += 0.5
		data, err := json.Marshal(people)
		if err != nil {
			panic(err)
		}
		var back []Person
		if err := json.Unmarshal(data, &back); err != nil {
			panic(err)
		}
		var generic []map[string]any
		if err := json.Unmarshal(data, &generic); err != nil {
			panic(err)
		}
		h = bench.Mix(h, uint64(crc32.ChecksumIEEE(data)))
		h = bench.Mix(h, uint64(len(back))+uint64(back[r%len(back)].Address.Zip))
		h = bench.Mix(h, uint64(generic[7]["score"].(float64)*4))
	}
	fmt.Printf("jsonbench %d %016x\n", reps, h)
}
