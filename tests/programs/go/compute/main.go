// compute: crypto/sha256, math/big (factorial, Fibonacci, a modular exponentiation), sorting, crypto/rand
// (random_get; only properties of the bytes are printed) and float formatting.
package main

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
)

func main() {
	for _, s := range []string{"", "abc", "The quick brown fox jumps over the lazy dog"} {
		fmt.Printf("sha256(%q) = %x\n", s, sha256.Sum256([]byte(s)))
	}
	f := big.NewInt(1)
	for i := int64(2); i <= 50; i++ {
		f.Mul(f, big.NewInt(i))
	}
	fmt.Println("50! =", f)
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < 300; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	fmt.Println("fib(300) =", a)
	p := new(big.Int).Exp(big.NewInt(2), big.NewInt(127), nil)
	p.Sub(p, big.NewInt(1))
	fmt.Println("2^127-1 prime:", p.ProbablyPrime(20), "3^(p-1) mod p =", new(big.Int).Exp(big.NewInt(3), new(big.Int).Sub(p, big.NewInt(1)), p))

	x := uint64(88172645463325252)
	nums := make([]uint64, 5000)
	for i := range nums {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		nums[i] = x
	}
	slices.Sort(nums)
	fmt.Println("sorted:", sort.SliceIsSorted(nums, func(i, j int) bool { return nums[i] < nums[j] }), nums[0], nums[len(nums)-1])

	buf := make([]byte, 64)
	n, err := rand.Read(buf)
	zero := true
	for _, c := range buf {
		zero = zero && c == 0
	}
	fmt.Println("crypto/rand:", n, err, "all zero:", zero)
	fmt.Printf("%.15f %.15f %v %v\n", math.Sqrt(2), math.Sin(1), math.Float64bits(0.1), float32(1)/3)
}
