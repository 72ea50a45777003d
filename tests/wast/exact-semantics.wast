;; Issue 11: places where a wasm rule could be lost to LLVM's optimizer, checked at every level.

;; NaN bits survive select, copysign, abs, neg and reinterpretation (none of them quiets a NaN).
(module
  (func (export "select") (param i32) (result f32)
    (select (f32.const nan:0x200001) (f32.const 1) (local.get 0)))
  (func (export "copysign") (result f32) (f32.copysign (f32.const nan:0x200001) (f32.const -1)))
  (func (export "abs") (result f64) (f64.abs (f64.const -nan:0x4000000000001)))
  (func (export "neg") (result f64) (f64.neg (f64.const nan:0x4000000000001)))
  (func (export "reinterpret") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
  (func (export "roundtrip") (param f32) (result f32) (f32.reinterpret_i32 (i32.reinterpret_f32 (local.get 0)))))
(assert_return (invoke "select" (i32.const 1)) (f32.const nan:0x200001))
(assert_return (invoke "copysign") (f32.const -nan:0x200001))
(assert_return (invoke "abs") (f64.const nan:0x4000000000001))
(assert_return (invoke "neg") (f64.const -nan:0x4000000000001))
(assert_return (invoke "reinterpret") (f32.const nan:0x200001))
(assert_return (invoke "roundtrip" (f32.const -nan:0x1)) (f32.const -nan:0x1))

;; Integer to float rounds to nearest, ties to even, from 64-bit sources too.
(module
  (func (export "u64") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
  (func (export "s64") (param i64) (result f64) (f64.convert_i64_s (local.get 0))))
(assert_return (invoke "u64" (i64.const 0xffffffffffffffff)) (f32.const 0x1p+64))
(assert_return (invoke "u64" (i64.const 0x8000008000000001)) (f32.const 0x1.000002p+63))
(assert_return (invoke "u64" (i64.const 0x8000008000000000)) (f32.const 0x1p+63))
(assert_return (invoke "s64" (i64.const 0x0020000000000001)) (f64.const 0x1p+53))
(assert_return (invoke "s64" (i64.const 0x0020000000000003)) (f64.const 0x1.0000000000002p+53))

;; A caller that read memory before a callee grew it sees the new size (no stale bound).
(module (memory 1 2)
  (func $grow (drop (memory.grow (i32.const 1))))
  (func (export "f") (result i32)
    (drop (i32.load (i32.const 0)))
    (call $grow)
    (i32.load (i32.const 65536)))
  (func (export "g") (result i32) (i32.load (i32.const 131068))))
(assert_return (invoke "f") (i32.const 0))
(assert_return (invoke "g") (i32.const 0))

;; call_indirect keeps its checks when the table and the callee are known (and would inline).
(module
  (type $i (func (result i32)))
  (type $l (func (result i64)))
  (table funcref (elem $one))
  (func $one (type $i) (i32.const 1))
  (func (export "right") (result i32) (call_indirect (type $i) (i32.const 0)))
  (func (export "wrong") (result i64) (call_indirect (type $l) (i32.const 0)))
  (func (export "past") (result i32) (call_indirect (type $i) (i32.const 1))))
(assert_return (invoke "right") (i32.const 1))
(assert_trap (invoke "wrong") "indirect call type mismatch")
(assert_trap (invoke "past") "undefined element")

;; Runaway recursion through a small function LLVM could inline still exhausts the stack.
(module
  (func $a (param i32) (result i32) (call $b (i32.add (local.get 0) (i32.const 1))))
  (func $b (param i32) (result i32) (call $a (local.get 0)))
  (func (export "run") (result i32) (call $a (i32.const 0))))
(assert_exhaustion (invoke "run") "call stack exhausted")

;; Several float results keep a signalling NaN's bits: found by the fuzzer, where x86-64's return
;; convention put the third float on the x87 stack, whose load quiets it. Returned to the host, through
;; a call (and a call_indirect) inside the module, and from a block.
(module
  (type $r (func (result f32 f32 f64 i64)))
  (table funcref (elem $three))
  (func $three (type $r)
    (f32.const -nan:0x200001) (f32.const nan:0x1) (f64.const -nan:0x7ffffffffffff) (i64.const 1))
  (func (export "host") (type $r) (call $three))
  (func (export "direct") (result i64) (local $bits i64)
    (call $three) (drop) (local.set $bits (i64.reinterpret_f64)) (drop) (drop) (local.get $bits))
  (func (export "indirect") (result i32)
    (call_indirect (type $r) (i32.const 0)) (drop) (drop) (drop) (i32.reinterpret_f32))
  (func (export "many") (result f64 f64 f64 f64 f32 f32)
    (f64.const nan:0x1) (f64.const -nan:0x2) (f64.const nan:0x3) (f64.const nan:0x4)
    (f32.const nan:0x5) (f32.const -nan:0x6)))
(assert_return (invoke "host")
  (f32.const -nan:0x200001) (f32.const nan:0x1) (f64.const -nan:0x7ffffffffffff) (i64.const 1))
(assert_return (invoke "direct") (i64.const 0xfff7ffffffffffff))
(assert_return (invoke "indirect") (i32.const 0xffa00001))
(assert_return (invoke "many") (f64.const nan:0x1) (f64.const -nan:0x2) (f64.const nan:0x3)
  (f64.const nan:0x4) (f32.const nan:0x5) (f32.const -nan:0x6))
