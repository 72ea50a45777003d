;; Extended constant expressions (Wasm 3.0): integer add/sub/mul and global.get of any earlier
;; immutable global, in global initializers and segment offsets; wrapping follows the operand width.

(module
  (global $base (import "spectest" "global_i32") i32)          ;; 666
  (global $a i32 (i32.const 10))
  (global $b i32 (i32.mul (global.get $a) (i32.add (global.get $base) (i32.const 1))))
  (global $wrap32 i32 (i32.add (i32.const 0x7fffffff) (i32.const 1)))
  (global $wrap64 i64 (i64.mul (i64.const 0x4000000000000000) (i64.const 4)))
  (global $neg i64 (i64.sub (i64.const 0) (i64.const 1)))
  (memory 1)
  (data (i32.sub (global.get $b) (i32.const 6664)) "\2a")        ;; at 6670 - 6664 = 6
  (table 4 funcref)
  (elem (i32.add (global.get $a) (i32.const -8)) func $f)       ;; at 2
  (func $f (result i32) (i32.const 77))
  (func (export "b") (result i32) (global.get $b))
  (func (export "wrap32") (result i32) (global.get $wrap32))
  (func (export "wrap64") (result i64) (global.get $wrap64))
  (func (export "neg") (result i64) (global.get $neg))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
)
(assert_return (invoke "b") (i32.const 6670))
(assert_return (invoke "wrap32") (i32.const 0x80000000))
(assert_return (invoke "wrap64") (i64.const 0))
(assert_return (invoke "neg") (i64.const -1))
(assert_return (invoke "byte" (i32.const 6)) (i32.const 42))
(assert_return (invoke "call" (i32.const 2)) (i32.const 77))

;; An offset computed past the memory's end is an instantiation trap, not a write.
(assert_trap
  (module (memory 1) (data (i32.mul (i32.const 0x100) (i32.const 0x100)) "x"))
  "out of bounds memory access")

(assert_invalid
  (module (global $g i32 (global.get $h)) (global $h i32 (i32.const 0)))
  "unknown global")
(assert_invalid
  (module (global $g i32 (global.get $g)))
  "unknown global")
(assert_invalid
  (module (global $m (mut i32) (i32.const 0)) (global i32 (global.get $m)))
  "constant expression required")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1) (i64.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i64 (i32.add (i32.const 1) (i32.const 2))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (global i32 (i32.div_u (i32.const 1) (i32.const 1))))
  "constant expression required")
