;; SIMD lanes and memory: v128 parameters in the canonical <4 x float>, a shuffle, a swizzle (zero for an
;; index of 16 or more), a shift taking its count modulo 8, a lane load through memory.address, a v128 global.
(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "shuffle") (param v128 v128) (result v128)
    (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 0) (local.get 1)))
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "shl") (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
  (func (export "load_lane") (param i32 v128) (result v128) (v128.load16_lane offset=2 3 (local.get 0) (local.get 1)))
  (func (export "bump") (result i32)
    (global.set $g (i32x4.add (global.get $g) (v128.const i32x4 1 1 1 1)))
    (i32x4.extract_lane 3 (global.get $g))))
