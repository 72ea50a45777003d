// Floating point in Go: spectral norm (a matrix-free power iteration) and a Mandelbrot escape count.
package main

import (
	"fmt"
	"math"

	"wasmcbench/internal/bench"
)

func a(i, j int) float64 { return 1.0 / float64((i+j)*(i+j+1)/2+i+1) }

func mulAv(v, out []float64) {
	for i := range out {
		s := 0.0
		for j := range v {
			s += a(i, j) * v[j]
		}
		out[i] = s
	}
}

func mulAtv(v, out []float64) {
	for i := range out {
		s := 0.0
		for j := range v {
			s += a(j, i) * v[j]
		}
		out[i] = s
	}
}

func mulAtAv(v, out, tmp []float64) { mulAv(v, tmp); mulAtv(tmp, out) }

func spectral(n int) float64 {
	u, v, t := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range u {
		u[i] = 1
	}
	for i := 0; i < 10; i++ {
		mulAtAv(u, v, t)
		mulAtAv(v, u, t)
	}
	var vbv, vv float64
	for i := range v {
		vbv += u[i] * v[i]
		vv += v[i] * v[i]
	}
	return math.Sqrt(vbv / vv)
}

func mandel(size int) int {
	count := 0
	for y := 0; y < size; y++ {
		ci := 2*float64(y)/float64(size) - 1
		for x := 0; x < size; x++ {
			cr := 2*float64(x)/float64(size) - 1.5
			zr, zi := 0.0, 0.0
			i := 0
			for ; i < 50 && zr*zr+zi*zi <= 4; i++ {
				zr, zi = zr*zr-zi*zi+cr, 2*zr*zi+ci
			}
			count += i
		}
	}
	return count
}

func main() {
	n := bench.Scaled(2200)
	fmt.Printf("floatgo %d %.9f %d\n", n, spectral(n), mandel(bench.Scaled(1700)))
}
