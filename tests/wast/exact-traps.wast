;; Issue 11: every out-of-bounds access traps, used or not, and at the trap memory and globals hold what
;; the program wrote before it and nothing after it (lower/memory.py).

;; A load whose value is never used: discarded by br, return, unreachable, br_table, a dead local, or
;; dead arithmetic.
(module (memory 0 1)
  (func (export "br") (block i32.const 0 i32.load br 0))
  (func (export "ret") (block i32.const 0 i32.load return))
  (func (export "unr") (block i32.const 0 i32.load unreachable))
  (func (export "table") (block (block i32.const 0 i32.load i32.const 0 br_table 0 1)))
  (func (export "local") (local i32) (local.set 0 (i32.load (i32.const 0))))
  (func (export "eqz") (drop (i32.eqz (i32.load (i32.const 0)))))
  (func (export "select") (drop (select (i32.load8_u (i32.const 0)) (i32.const 1) (i32.const 1))))
  (func $loads (result i32) (i32.load16_s (i32.const 0)))
  (func (export "inlined") (drop (call $loads)))
  (func (export "store") (i64.store (i32.const 0) (i64.const 1))))
(assert_trap (invoke "br") "out of bounds memory access")
(assert_trap (invoke "ret") "out of bounds memory access")
(assert_trap (invoke "unr") "out of bounds memory access")
(assert_trap (invoke "table") "out of bounds memory access")
(assert_trap (invoke "local") "out of bounds memory access")
(assert_trap (invoke "eqz") "out of bounds memory access")
(assert_trap (invoke "select") "out of bounds memory access")
(assert_trap (invoke "inlined") "out of bounds memory access")
(assert_trap (invoke "store") "out of bounds memory access")

;; A global updated in a loop that traps: the global holds the value of the trapping iteration.
(module (memory 1) (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "run")
    (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1)))
             (drop (i32.load (i32.mul (global.get $g) (i32.const 10000)))) (br $l))))
(assert_trap (invoke "run") "out of bounds memory access")
(assert_return (get "g") (i32.const 7))

;; The first trap in program order is the one reported: a load before a trapping conversion.
(module (memory 1)
  (func (export "run") (param f32) (result i32) (local i32)
    (local.set 1 (i32.load (i32.const 70000)))
    (i32.add (local.get 1) (i32.trunc_f32_s (local.get 0)))))
(assert_trap (invoke "run" (f32.const nan)) "out of bounds memory access")

;; Stores before the trapping access are done, stores after it are not (an access straddling the end; a
;; loop whose second iteration traps).
(module (memory 1)
  (func (export "st")
    (i32.store (i32.const 0) (i32.const 1))
    (drop (i32.load (i32.const 65534)))
    (i32.store (i32.const 4) (i32.const 2)))
  (func (export "loop") (local i32)
    (loop $l
      (i32.store8 (local.get 0) (i32.const 9))
      (local.set 0 (i32.add (local.get 0) (i32.const 16384)))
      (drop (i32.load (i32.mul (local.get 0) (i32.const 2))))
      (br $l)))
  (func (export "get") (param i32) (result i32) (i32.load (local.get 0))))
(assert_trap (invoke "st") "out of bounds memory access")
(assert_return (invoke "get" (i32.const 0)) (i32.const 1))
(assert_return (invoke "get" (i32.const 4)) (i32.const 0))
(assert_trap (invoke "loop") "out of bounds memory access")
(assert_return (invoke "get" (i32.const 0)) (i32.const 9))
(assert_return (invoke "get" (i32.const 16384)) (i32.const 9))
(assert_return (invoke "get" (i32.const 32768)) (i32.const 0))
