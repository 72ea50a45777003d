;; Regressions found while bringing up the lowering. Each case failed before its fix.

;; An `if` without `else` whose then-arm ends in a branch: code after it is reachable again.
(module
  (func (export "if_then_br") (param i32) (result i32)
    (block $out
      (if (local.get 0) (then (br $out)))
      (return (i32.const 7)))
    (i32.const 9))
)
(assert_return (invoke "if_then_br" (i32.const 0)) (i32.const 7))
(assert_return (invoke "if_then_br" (i32.const 1)) (i32.const 9))

;; A dropped load must still trap out of bounds (LLVM deletes unused loads).
(module
  (memory 1)
  (func (export "dropped_load") (param i32) (drop (i32.load (local.get 0))))
  (func (export "dropped_load8") (param i32) (drop (i64.load8_s (local.get 0))))
)
(assert_return (invoke "dropped_load" (i32.const 0)))
(assert_trap (invoke "dropped_load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "dropped_load8" (i32.const 65536)) "out of bounds memory access")

;; Wasm quiets a signalling NaN operand even where LLVM would fold the operation away.
(module
  (func (export "sub_zero") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.sub (f32.reinterpret_i32 (local.get 0)) (f32.const 0))))
  (func (export "mul_one") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.mul (f64.reinterpret_i64 (local.get 0)) (f64.const 1))))
  (func (export "min_snan") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.min (f32.reinterpret_i32 (local.get 0)) (f32.const 0))))
)
(assert_return (invoke "sub_zero" (i32.const 0x7fa00000)) (i32.const 0x7fe00000))
(assert_return (invoke "mul_one" (i64.const 0x7ff4000000000000)) (i64.const 0x7ffc000000000000))
(assert_return (invoke "min_snan" (i32.const 0x7fa00000)) (i32.const 0x7fe00000))

;; Self-recursion must exhaust the stack, not become a loop (tail-recursion elimination).
(module
  (func $forever (export "forever") (param i32) (result i32) (call $forever (local.get 0)))
)
(assert_exhaustion (invoke "forever" (i32.const 1)) "call stack exhausted")

;; demote(promote(x)) must quiet a signalling NaN; LLVM folds the pair to x.
(module
  (func (export "promote_demote") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.demote_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0))))))
)
(assert_return (invoke "promote_demote" (i32.const 0x7fa00000)) (i32.const 0x7fe00000))
