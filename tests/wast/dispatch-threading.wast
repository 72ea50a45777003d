;; Go's shape: a loop whose header is `local.get $pc; br_table`, and jumps written as
;; `i32.const K; local.set $pc; br $top`. The lowering sends such a jump straight to case K
;; (control.threaded_target); these check that it still lands where the br_table would.

(module
  (func $machine (export "machine") (param $pc i32) (param $n i32) (result i32)
    (local $acc i32) (local $i i32)
    (block $exit
      (loop $top
        (block $s3
          (block $s2
            (block $s1
              (block $s0
                (br_table $s0 $s1 $s2 $s3 $exit (local.get $pc)))
              ;; state 0: start
              (local.set $i (i32.const 0))
              (local.set $acc (i32.const 0))
              (local.set $pc (i32.const 1))
              (br $top))
            ;; state 1: loop test
            (if (i32.ge_u (local.get $i) (local.get $n))
              (then (local.set $pc (i32.const 3)) (br $top)))
            ;; the set sits in a block that ends by falling through: still the same LLVM block
            (block (local.set $pc (i32.const 2)))
            (br $top))
          ;; state 2: body
          (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $pc (i32.const 1))
          (br $top))
        ;; state 3: an index past the table goes to the default, $exit
        (local.set $pc (i32.const 99))
        (br $top)))
    (local.get $acc))

  ;; A constant stored by local.set and then overwritten by local.tee: the tee's value decides.
  (func (export "tee_after_set") (param $pc i32) (result i32)
    (local $r i32)
    (block $exit
      (loop $top
        (block $s1
          (block $s0
            (br_table $s0 $s1 $exit (local.get $pc)))
          (local.set $r (i32.add (local.get $r) (i32.const 10)))
          (local.set $pc (i32.const 1))
          (drop (local.tee $pc (i32.const 2)))
          (br $top))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $pc (i32.const 2))
        (br $top)))
    (local.get $r))

  ;; A negative constant is a huge unsigned index: the default target.
  (func (export "negative_index") (param $pc i32) (result i32)
    (local $r i32)
    (block $exit
      (loop $top
        (block $s1
          (block $s0
            (br_table $s0 $s1 $exit (local.get $pc)))
          (local.set $r (i32.const 5))
          (local.set $pc (i32.const -1))
          (br $top))
        (local.set $r (i32.const 6))
        (local.set $pc (i32.const 2))
        (br $top)))
    (local.get $r))

  ;; The header reads a different local than the one set: no shortcut, same answer.
  (func (export "other_local") (param $pc i32) (result i32)
    (local $other i32) (local $r i32)
    (block $exit
      (loop $top
        (block $s1
          (block $s0
            (br_table $s0 $s1 $exit (local.get $pc)))
          (local.set $r (i32.add (local.get $r) (i32.const 100)))
          (local.set $pc (i32.const 1))
          (local.set $other (i32.const 2))
          (br $top))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $pc (i32.const 2))
        (br $top)))
    (local.get $r))

  ;; A direct call passing 0 goes to the copy specialised to 0 (from -O2); any other value, and calls
  ;; from the host, to the general function.
  (func (export "call_machine") (result i32)
    (i32.add (call $machine (i32.const 0) (i32.const 4)) (call $machine (i32.const 1) (i32.const 2))))
)
(assert_return (invoke "machine" (i32.const 0) (i32.const 10)) (i32.const 285))
(assert_return (invoke "call_machine") (i32.const 15))
(assert_return (invoke "machine" (i32.const 0) (i32.const 0)) (i32.const 0))
(assert_return (invoke "machine" (i32.const 1) (i32.const 3)) (i32.const 5))
(assert_return (invoke "machine" (i32.const 3) (i32.const 5)) (i32.const 0))
(assert_return (invoke "machine" (i32.const 4) (i32.const 5)) (i32.const 0))
(assert_return (invoke "machine" (i32.const -1) (i32.const 5)) (i32.const 0))
(assert_return (invoke "tee_after_set" (i32.const 0)) (i32.const 10))
(assert_return (invoke "tee_after_set" (i32.const 1)) (i32.const 1))
(assert_return (invoke "negative_index" (i32.const 0)) (i32.const 5))
(assert_return (invoke "negative_index" (i32.const 1)) (i32.const 6))
(assert_return (invoke "other_local" (i32.const 0)) (i32.const 101))
