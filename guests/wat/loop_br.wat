;; loop_br.wat -- run() never returns: a `loop` whose back edge is an
;; unconditional `br 0` at its end. No imports.
;; Also reactor-shaped (memory, ubiq_alloc, ubiq_handle -> calls run) so the
;; same infinite loop can be driven through the Ubiq reactor ABI.
(module
  (memory (export "memory") 1)

  (func $run (export "run") (result i32)
    (local $i i32)
    (loop $l (result i32)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))

  (func (export "ubiq_alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "ubiq_handle") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $run))
    (i64.const 0))
)
