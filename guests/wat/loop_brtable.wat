;; loop_brtable.wat -- run() never returns: the loop's back edge is a
;; `br_table` whose every target (including the default) is the loop label.
;; No imports. Also reactor-shaped (memory, ubiq_alloc, ubiq_handle -> run).
(module
  (memory (export "memory") 1)

  (func $run (export "run") (result i32)
    (local $i i32)
    (loop $l (result i32)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_table $l $l $l $l
        (i32.and (local.get $i) (i32.const 7)))))

  (func (export "ubiq_alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "ubiq_handle") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $run))
    (i64.const 0))
)
