;; simd_reactor.wat -- reactor whose handler uses a v128 constant and i32x4.extract_lane: Chicory 1.7.5
;; cannot execute SIMD, so Ubiq must refuse it at deploy with a message naming SIMD.
(module
  (memory (export "memory") 1)
  (func (export "ubiq_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ubiq_handle") (param i32 i32) (result i64)
    (drop (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4)))
    (i64.const 0)))
