;; bigmem.wat -- memory of a chosen size, for the snapshot benchmarks.
;;   memory     1 page, exported, grows on demand
;;   fill(p)    grows memory to p pages and writes one non-zero byte into every 4 KiB chunk
;;              (like an init that builds a heap of p pages); returns the page count
;;   touch(n)   writes one byte into each of the first n 4 KiB chunks (n dirty chunks)
;;   sum()      reads one byte of every 4 KiB chunk and returns their sum
;;   grow(p)    grows memory to p pages without writing; returns the page count
(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))

  (func (export "fill") (param $p i32) (result i32)
    (local $a i32) (local $end i32)
    (if (i32.gt_u (local.get $p) (memory.size))
      (then (drop (memory.grow (i32.sub (local.get $p) (memory.size))))))
    (local.set $end (i32.shl (memory.size) (i32.const 16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (i32.store8 (local.get $a) (i32.add (i32.const 1) (i32.and (i32.shr_u (local.get $a) (i32.const 12)) (i32.const 127))))
        (local.set $a (i32.add (local.get $a) (i32.const 4096)))
        (br $next)))
    (memory.size))

  (func (export "touch") (param $n i32)
    (local $i i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (i32.shl (local.get $i) (i32.const 12)) (i32.const 8)) (global.get $calls))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "grow") (param $p i32) (result i32)
    (if (i32.gt_u (local.get $p) (memory.size))
      (then (drop (memory.grow (i32.sub (local.get $p) (memory.size))))))
    (memory.size))

  (func (export "sum") (result i32)
    (local $a i32) (local $end i32) (local $s i32)
    (local.set $end (i32.shl (memory.size) (i32.const 16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 4096)))
        (br $next)))
    (local.get $s))
)
