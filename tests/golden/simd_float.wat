;; SIMD floats: min as both-order selects with the NaN lanes canonical, pmin as one select, saturating
;; truncation as selects around fptosi, and a constant 1.0 hidden from the optimizer (x * 1.0 must quiet a
;; signalling NaN).
(module
  (func (export "min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func (export "pmin") (param v128 v128) (result v128) (f64x2.pmin (local.get 0) (local.get 1)))
  (func (export "trunc_sat") (param v128) (result v128) (i32x4.trunc_sat_f32x4_s (local.get 0)))
  (func (export "mul1") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1))))
