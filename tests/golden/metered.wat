;; Lowered with fuel metering and interrupt checks (wasmtime's -W fuel and -W timeout): the entry check,
;; costs added at control-flow boundaries, vmctx->fuel written before calls and returns and read after.
(module
  (func $callee (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (call $callee (local.get $i)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (if (result i32) (local.get $n) (then (nop) (local.get $i)) (else (i32.const 0)))))
