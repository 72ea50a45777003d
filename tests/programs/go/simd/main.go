// simd: simd/archsimd (GOEXPERIMENT=simd), which the Go compiler lowers to Wasm's v128 operators on
// GOARCH=wasm: lane arithmetic, comparisons and masks, shifts, widening, float rounding and a dot
// product and a byte count over slices, printed with the vectors' own String methods.
package main

import (
	"fmt"
	"simd/archsimd"
)

func dot(a, b []float32) float32 {
	acc := archsimd.BroadcastFloat32x4(0)
	i := 0
	for ; i+4 <= len(a); i += 4 {
		acc = acc.Add(archsimd.LoadFloat32x4(a[i:]).Mul(archsimd.LoadFloat32x4(b[i:])))
	}
	var lanes [4]float32
	acc.StoreArray(&lanes)
	sum := lanes[0] + lanes[1] + lanes[2] + lanes[3]
	for ; i < len(a); i++ {
		sum += a[i] * b[i]
	}
	return sum
}

func countByte(text []byte, c byte) int {
	want := archsimd.BroadcastUint8x16(c)
	one := archsimd.BroadcastInt8x16(1)
	count := 0
	i := 0
	for ; i+16 <= len(text); i += 16 {
		eq := archsimd.LoadUint8x16(text[i:]).Equal(want)
		hits := one.Masked(eq)
		var lanes [16]int8
		hits.StoreArray(&lanes)
		for _, l := range lanes {
			count += int(l)
		}
	}
	for ; i < len(text); i++ {
		if text[i] == c {
			count++
		}
	}
	return count
}

func main() {
	a := archsimd.LoadInt32x4Array(&[4]int32{1, -2, 3, -2147483648})
	b := archsimd.LoadInt32x4Array(&[4]int32{10, 20, -30, -1})
	fmt.Println("add", a.Add(b))
	fmt.Println("mul", a.Mul(b))
	fmt.Println("min", a.Min(b), "max", a.Max(b))
	fmt.Println("abs", a.Abs(), "neg", a.Neg())
	fmt.Println("less", a.Less(b), "equal", a.Equal(a))
	fmt.Println("shl", a.ShiftAllLeft(3), "shr", a.ShiftAllRight(1))
	fmt.Println("rotl", a.RotateAllLeft(8))
	fmt.Println("widen", a.MulWidenLo(b), a.MulWidenHi(b))
	fmt.Println("ifelse", a.IfElse(a.Greater(b), b))
	fmt.Println("lane", a.GetElem(2), a.SetElem(1, 99))

	u := archsimd.LoadUint8x16Array(&[16]uint8{0, 1, 2, 3, 250, 251, 252, 253, 254, 255, 128, 127, 7, 8, 9, 10})
	v := archsimd.BroadcastUint8x16(200)
	fmt.Println("addsat", u.AddSaturated(v), "subsat", u.SubSaturated(v))
	fmt.Println("avg", u.Average(v))
	fmt.Println("ext", u.ExtendLo8ToUint16(), u.ExtendHi8ToUint16())
	fmt.Println("popcnt", u.OnesCount())

	f := archsimd.LoadFloat32x4Array(&[4]float32{1.5, -2.5, 0.25, 1e30})
	g := archsimd.LoadFloat32x4Array(&[4]float32{-0.5, 3, 0, 2})
	fmt.Println("fadd", f.Add(g), "fdiv", f.Div(g))
	fmt.Println("fmin", f.Min(g), "fmax", f.Max(g))
	fmt.Println("round", f.Round(), "floor", f.Floor(), "ceil", f.Ceil(), "trunc", f.Trunc())
	fmt.Println("sqrt", f.Abs().Sqrt())
	fmt.Println("toint", f.ConvertToInt32(), "bits", f.ToBits())
	fmt.Println("madd", f.MulAdd(g, f))

	xs := make([]float32, 1003)
	ys := make([]float32, 1003)
	for i := range xs {
		xs[i] = float32(i%17) * 0.5
		ys[i] = float32(i%5) - 2
	}
	fmt.Println("dot", dot(xs, ys))
	text := make([]byte, 5000)
	seed := uint32(7)
	for i := range text {
		seed = seed*1664525 + 1013904223
		text[i] = byte('a' + seed>>24%26)
	}
	fmt.Println("count", countByte(text, 'q'), countByte(text, 'z'))
}
