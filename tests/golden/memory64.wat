;; memory64: the overflow-safe check (addr > size - (offset + width)), a u64 offset beyond 2**63, and the
;; i64 memory.size/grow; table64: an i64 index compared with the zero-extended size, a clamped grow.
(module
  (memory i64 1 4)
  (table i64 2 funcref)
  (func (export "copy") (param i64 i64)
    (i64.store offset=8 (local.get 1) (i64.load16_s offset=2 (local.get 0)))
    (drop (i32.load8_u offset=0xffff_ffff_ffff_fff0 (local.get 0))))
  (func (export "grow") (param i64) (result i64)
    (drop (memory.grow (local.get 0)))
    (memory.size))
  (func (export "table") (param i64) (result i64)
    (drop (table.get (local.get 0)))
    (table.grow (ref.null func) (local.get 0))))
