;; table_grow.wat -- reactor whose handler tries table.grow by 100,000,000 elements (over a
;; gigabyte of host heap if allowed) and then by 10 elements, and responds with the two results
;; of table.grow as "A B" (-1 = refused). Also exports table_size() -> i32.
(module
  (memory (export "memory") 1)
  (table $t 1 funcref)
  (func (export "ubiq_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "table_size") (result i32) (table.size $t))
  (func $digits (param $v i32) (param $end i32) (result i32)
    ;; writes $v (>= -1) in decimal ending at $end, returns the start offset
    (local $pos i32) (local $neg i32)
    (local.set $pos (local.get $end))
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then (local.set $neg (i32.const 1)) (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (loop $d
      (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
      (i32.store8 (local.get $pos) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $d (local.get $v)))
    (if (local.get $neg)
      (then (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
            (i32.store8 (local.get $pos) (i32.const 45))))
    (local.get $pos))
  (func (export "ubiq_handle") (param i32 i32) (result i64)
    (local $a i32) (local $b i32) (local $start i32)
    (local.set $a (table.grow $t (ref.null func) (i32.const 100000000)))
    (local.set $b (table.grow $t (ref.null func) (i32.const 10)))
    ;; "B" ends at 64, a space at the byte before it, "A" before that
    (local.set $start (call $digits (local.get $b) (i32.const 64)))
    (i32.store8 (i32.sub (local.get $start) (i32.const 1)) (i32.const 32))
    (local.set $start (call $digits (local.get $a) (i32.sub (local.get $start) (i32.const 1))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $start)) (i64.const 32))
            (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $start))))))
