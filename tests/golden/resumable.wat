;; The shape Go gives every function (lower/resumable.py): a loop around a br_table on parameter 0 (the
;; resume switch), jumps as `i32.const K; local.set 0; br $top`, and `call; br_if` unwinding. Lowered as
;; a pair: the direct-call copy with parameter 0 fixed to 0, and the general function forwarding to it.
(module
  (global $sp (mut i32) (i32.const 1024))
  (func $callee (param i32) (result i32) (i32.const 0))
  (func $go (export "go") (param i32) (result i32) (local i32)
    (global.get $sp) (local.set 1)
    (loop $top
      (block $resume1
        (block $start
          (local.get 0)
          (br_table $start $resume1 $start))
        ;; resume point 0: a call passing 0 (to the direct-call copy), unwinding with 1 if it returns 1
        (i32.const 1)
        (call $callee (i32.const 0))
        (br_if 2)
        (drop)
        ;; a jump to resume point 1, threaded past the switch
        (i32.const 1) (local.set 0) (br $top)))
    ;; resume point 1
    (global.set $sp (local.get 1))
    (i32.const 0)))
