;; trivial_reactor.wat -- smallest possible Ubiq reactor. No imports, no WASI.
;;   memory       1 page, exported (grown on demand in ubiq_alloc)
;;   ubiq_alloc   always returns offset 1024 (one request at a time)
;;   ubiq_handle  echoes the request back without copying:
;;                returns (i64(ptr) << 32) | i64(len)
;;   noop         returns 42 (raw-call benchmark)
(module
  (memory (export "memory") 1)

  (func (export "ubiq_alloc") (param $len i32) (result i32)
    (local $need i32)
    ;; pages needed to hold [1024, 1024+len): ceil((1024 + len) / 65536)
    (local.set $need
      (i32.shr_u (i32.add (i32.add (local.get $len) (i32.const 1024)) (i32.const 65535))
                 (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then unreachable))))
    (i32.const 1024))

  (func (export "ubiq_handle") (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func (export "noop") (result i32)
    (i32.const 42))
)
