;; start_trap.wat -- the module's `start` function executes `unreachable`, so
;; instantiation itself traps. Also exports memory and a no-op `_start`, which
;; must never run. No imports.
(module
  (memory (export "memory") 1)
  (func $boom unreachable)
  (start $boom)
  (func (export "_start"))
)
