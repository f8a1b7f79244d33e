;; grow_loop.wat -- reactor that grows memory until the host refuses.
;; memory starts at 1 page with NO declared maximum; ubiq_handle calls
;; memory.grow 1 until it returns -1, then responds with memory.size (pages
;; reached) as a decimal ASCII string. Without a host limit that is 65536
;; pages (4 GiB), so the host's memory limit decides the answer.
;; Layout: response digits are written into [0, 16); requests go at 1024.
;; No imports.
(module
  (memory (export "memory") 1)

  (func (export "ubiq_alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "ubiq_handle") (param $ptr i32) (param $len i32) (result i64)
    (local $pages i32)
    (local $pos i32)
    ;; grow one page at a time until refused
    (block $done
      (loop $grow
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $grow)))
    (local.set $pages (memory.size))
    ;; write decimal digits backwards ending at offset 16
    (local.set $pos (i32.const 16))
    (loop $digit
      (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
      (i32.store8 (local.get $pos)
        (i32.add (i32.const 48) (i32.rem_u (local.get $pages) (i32.const 10))))
      (local.set $pages (i32.div_u (local.get $pages) (i32.const 10)))
      (br_if $digit (local.get $pages)))
    ;; (pos << 32) | (16 - pos)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $pos)) (i64.const 32))
      (i64.extend_i32_u (i32.sub (i32.const 16) (local.get $pos)))))
)
