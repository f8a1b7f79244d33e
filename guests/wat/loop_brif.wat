;; loop_brif.wat -- run() never returns: a `loop` ending in `br_if 0` whose
;; condition reads a mutable global that nothing ever sets ($stop stays 0).
;; No imports. Also reactor-shaped (memory, ubiq_alloc, ubiq_handle -> run).
(module
  (global $stop (mut i32) (i32.const 0))
  (memory (export "memory") 1)

  (func $run (export "run") (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.eqz (global.get $stop))))
    (local.get $i))

  (func (export "ubiq_alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "ubiq_handle") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $run))
    (i64.const 0))
)
