;; v128 values through control flow and state: block parameters and results (phis), loop-carried values,
;; br_table and br_if carrying a v128, select, zero-initialized locals, globals initialized from imported
;; globals and v128.const, and a dropped v128 load that must still trap.

(module $m
  (global (export "g") v128 (v128.const i32x4 10 20 30 40)))
(register "m" $m)

(module
  (import "m" "g" (global $base v128))
  (global $copy v128 (global.get $base))
  (global $acc (mut v128) (v128.const i64x2 -1 1))
  (memory 1)

  (func (export "zero_local") (result v128) (local v128) (local.get 0))

  (func (export "copy") (result v128) (global.get $copy))

  (func (export "bump") (result v128)
    (global.set $acc (i64x2.add (global.get $acc) (v128.const i64x2 1 1)))
    (global.get $acc))

  ;; Sums i32x4 lanes of (n, n-1, ..., 1) splats in a loop whose value is a block parameter.
  (func (export "loop_sum") (param $n i32) (result v128)
    (v128.const i32x4 0 0 0 0)
    (loop $l (param v128) (result v128)
      (i32x4.add (i32x4.splat (local.get $n)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l)))

  ;; A v128 carried to one of three block ends by br_table, each end changing it differently.
  (func (export "pick") (param $k i32) (result v128)
    (block $b2 (result v128)
      (block $b1 (result v128)
        (block $b0 (result v128)
          (v128.const i32x4 1 2 3 4)
          (local.get $k)
          (br_table $b0 $b1 $b2))
        (return (i32x4.mul (v128.const i32x4 10 10 10 10))))
      (return (i32x4.neg)))
    (i32x4.shl (i32.const 4)))

  (func (export "choose") (param $c i32) (result v128)
    (select (v128.const i64x2 1 2) (v128.const i64x2 3 4) (local.get $c)))

  (func (export "swap_pair") (param v128 v128) (result v128 v128)
    (local.get 1) (local.get 0))

  (func (export "if_else") (param $c i32) (param v128) (result v128)
    (local.get 1)
    (if (param v128) (result v128) (local.get $c)
      (then (f32x4.abs))
      (else (f32x4.neg))))

  (func (export "dropped_load") (param i32)
    (drop (v128.load (local.get 0)))))

(assert_return (invoke "zero_local") (v128.const i64x2 0 0))
(assert_return (invoke "copy") (v128.const i32x4 10 20 30 40))
(assert_return (invoke "bump") (v128.const i64x2 0 2))
(assert_return (invoke "bump") (v128.const i64x2 1 3))
(assert_return (invoke "loop_sum" (i32.const 4)) (v128.const i32x4 10 10 10 10))
(assert_return (invoke "pick" (i32.const 0)) (v128.const i32x4 10 20 30 40))
(assert_return (invoke "pick" (i32.const 1)) (v128.const i32x4 -1 -2 -3 -4))
(assert_return (invoke "pick" (i32.const 2)) (v128.const i32x4 16 32 48 64))
(assert_return (invoke "pick" (i32.const 7)) (v128.const i32x4 16 32 48 64))
(assert_return (invoke "choose" (i32.const 1)) (v128.const i64x2 1 2))
(assert_return (invoke "choose" (i32.const 0)) (v128.const i64x2 3 4))
(assert_return (invoke "swap_pair" (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))
               (v128.const i32x4 5 6 7 8) (v128.const i32x4 1 2 3 4))
(assert_return (invoke "if_else" (i32.const 1) (v128.const f32x4 -1 2 -nan inf))
               (v128.const f32x4 1 2 nan inf))
(assert_return (invoke "if_else" (i32.const 0) (v128.const f32x4 -1 2 -nan inf))
               (v128.const f32x4 1 -2 nan -inf))
(assert_return (invoke "dropped_load" (i32.const 65520)))
(assert_trap (invoke "dropped_load" (i32.const 65521)) "out of bounds memory access")
