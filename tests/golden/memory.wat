;; Loads and stores with offsets, a dropped load (kept), memory.size and memory.grow.
(module
  (memory 1 4)
  (func (export "copy") (param i32 i32)
    (i64.store offset=8 (local.get 1) (i64.load16_s offset=2 (local.get 0)))
    (drop (i32.load (local.get 0))))
  (func (export "grow") (param i32) (result i32)
    (drop (memory.grow (local.get 0)))
    (memory.size)))
