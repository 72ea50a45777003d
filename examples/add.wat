;; A WASI reactor for README's examples: `_initialize` prints a line through WASI, then its exports can be
;; called: wat2wasm examples/add.wat -o examples/add.wasm && wasmc run --invoke add examples/add.wasm 2 3
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "initialized\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16))      ;; one iovec: 12 bytes at 16, to stdout
    (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
