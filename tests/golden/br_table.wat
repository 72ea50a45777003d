;; br_table with block results (one phi entry per switch edge) and a branch out of the function.
(module
  (func (export "pick") (param i32) (result i32)
    (block $b2 (result i32)
      (block $b1 (result i32)
        (block $b0 (result i32)
          (i32.const 10) (local.get 0) (br_table $b0 $b1 $b2 2))
        (i32.const 1) (i32.add))
      (i32.const 2) (i32.add))))
