;; Float to integer: the trapping form checks NaN and range first; the saturating form is an intrinsic.
(module
  (func (export "trunc_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_u") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "sat_u") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0))))
