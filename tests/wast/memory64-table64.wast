;; memory64 and table64 edge cases: i64 addresses past 2**32, offsets that make addr + offset + size wrap
;; in 64 bits, bulk operands that wrap, failed grows, and i64 indices that a 32-bit truncation would
;; turn into valid ones.

(module
  (memory i64 1 3)
  (data (i64.const 0) "\01\02\03\04\05\06\07\08")
  (data $p "abcd")
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_max_offset") (param i64) (result i32)
    (i32.load8_u offset=0xffff_ffff_ffff_ffff (local.get 0)))
  (func (export "load32_offset4") (param i64) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "store_dead") (param i64) (i64.store (local.get 0) (i64.const 7)))
  (func (export "load_dead") (param i64) (drop (i64.load (local.get 0))))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
)
(assert_return (invoke "load" (i64.const 7)) (i32.const 8))
(assert_return (invoke "load" (i64.const 0xffff)) (i32.const 0))
(assert_trap (invoke "load" (i64.const 0x10000)) "out of bounds memory access")
;; Above 2**32: a truncation to 32 bits would read address 0.
(assert_trap (invoke "load" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const -1)) "out of bounds memory access")
;; addr + offset wraps to 0 (and to 3 below): both must trap, not read the start of memory.
(assert_trap (invoke "load_max_offset" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "load_max_offset" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load32_offset4" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load32_offset4" (i64.const -4)) "out of bounds memory access")
(assert_return (invoke "load32_offset4" (i64.const 0xfff8)) (i32.const 0))
(assert_trap (invoke "load32_offset4" (i64.const 0xfff9)) "out of bounds memory access")
;; Accesses whose value is unused still trap.
(assert_trap (invoke "store_dead" (i64.const 0xfff9)) "out of bounds memory access")
(assert_trap (invoke "load_dead" (i64.const 0x1_0000_0000)) "out of bounds memory access")

;; memory.grow: i64 sizes; -1 past the maximum and for a delta that would wrap the page count.
(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "grow" (i64.const 3)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "load" (i64.const 0x1ffff)) (i32.const 0))
(assert_trap (invoke "load" (i64.const 0x20000)) "out of bounds memory access")

;; Bulk operators: dst + n wrapping in 64 bits traps before anything is written.
(assert_trap (invoke "fill" (i64.const -16) (i32.const 0xaa) (i64.const 32)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 8) (i32.const 0xaa) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load" (i64.const 0)) (i32.const 1))
(assert_trap (invoke "copy" (i64.const 0) (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0x1_0000_0000) (i64.const 0) (i64.const 1)) "out of bounds memory access")
(assert_return (invoke "copy" (i64.const 0x1fff8) (i64.const 0) (i64.const 8)))
(assert_return (invoke "load" (i64.const 0x1ffff)) (i32.const 8))
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "init" (i64.const 0x1fffc) (i32.const 0) (i32.const 4)))
(assert_return (invoke "load" (i64.const 0x1ffff)) (i32.const 100))
(assert_return (invoke "fill" (i64.const 0x20000) (i32.const 0) (i64.const 0)))
(assert_trap (invoke "fill" (i64.const 0x20001) (i32.const 0) (i64.const 0)) "out of bounds memory access")

;; A maximum far beyond the 8 GiB reservation instantiates; growing past the reservation fails cleanly.
(module
  (memory i64 0 0x1_0000_0000_0000)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 0))

;; Data segment offsets are i64 constant expressions (extended ones too); out of bounds traps at
;; instantiation, including an offset whose sum with the length wraps.
(module
  (global $base i64 (i64.const 0x100))
  (memory i64 1)
  (data (i64.add (global.get $base) (i64.const 1)) "z")
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
)
(assert_return (invoke "load" (i64.const 0x101)) (i32.const 122))
(assert_trap (module (memory i64 1) (data (i64.const -1) "ab")) "out of bounds memory access")
(assert_trap (module (memory i64 1) (data (i64.const 0x1_0000_0000) "")) "out of bounds memory access")

(assert_invalid (module (memory i64 1) (func (drop (i32.load (i32.const 0))))) "type mismatch")
(assert_invalid (module (memory 1) (func (drop (i32.load (i64.const 0))))) "type mismatch")
(assert_invalid (module (memory i64 1) (data (i32.const 0) "")) "type mismatch")
(assert_invalid (module (memory i64 1) (func (drop (memory.grow (i32.const 0))))) "type mismatch")
(assert_invalid (module (memory i64 1) (func (result i32) (memory.size))) "type mismatch")

;; table64: i64 indices; above 2**32 they trap (a truncation would hit element 0 or 1).
(module
  (type $f (func (result i32)))
  (table $t i64 2 10 funcref)
  (elem (table $t) (i64.const 0) func $zero $one)
  (func $zero (type $f) (i32.const 0))
  (func $one (type $f) (i32.const 1))
  (func (export "call") (param i64) (result i32) (call_indirect $t (type $f) (local.get 0)))
  (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set_null") (param i64) (table.set $t (local.get 0) (ref.null func)))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "copy") (param i64 i64 i64) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
)
(assert_return (invoke "call" (i64.const 1)) (i32.const 1))
(assert_trap (invoke "call" (i64.const 2)) "undefined element")
(assert_trap (invoke "call" (i64.const 0x1_0000_0001)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")
(assert_return (invoke "is_null" (i64.const 0)) (i32.const 0))
(assert_trap (invoke "is_null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_trap (invoke "set_null" (i64.const 0x1_0000_0001)) "out of bounds table access")
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 2))
(assert_return (invoke "size") (i64.const 3))
(assert_trap (invoke "fill" (i64.const 0) (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i64.const 0)) "out of bounds table access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0x1_0000_0000) (i64.const 1)) "out of bounds table access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 1) (i64.const 0x1_0000_0001)) "out of bounds table access")
(assert_return (invoke "call" (i64.const 1)) (i32.const 1))
(assert_return (invoke "fill" (i64.const 1) (i64.const 1)))
(assert_trap (invoke "call" (i64.const 1)) "uninitialized element")

(assert_trap (module (table i64 1 funcref) (elem (i64.const 0x1_0000_0000) func)) "out of bounds table access")
(assert_invalid (module (table i64 1 funcref) (elem (i32.const 0) func)) "type mismatch")
(assert_invalid
  (module (type $f (func)) (table i64 1 funcref) (func (call_indirect (type $f) (i32.const 0))))
  "type mismatch")

;; An i32 memory or table does not satisfy an i64 import, nor the reverse.
(module $M
  (memory (export "m64") i64 1)
  (table (export "t64") i64 1 funcref)
)
(register "M" $M)
(module (import "M" "m64" (memory i64 1)) (import "M" "t64" (table i64 1 funcref)))
(assert_unlinkable (module (import "M" "m64" (memory 1))) "incompatible import type")
(assert_unlinkable (module (import "M" "t64" (table 1 funcref))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "memory" (memory i64 1))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "table" (table i64 1 funcref))) "incompatible import type")
(module (import "spectest" "table64" (table i64 10 funcref)))
