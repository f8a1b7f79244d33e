;; unknown_import.wat -- imports `env.does_not_exist` (a func no host provides)
;; and exports `_start`, which calls it. Linking/instantiation must fail with a
;; clear "unknown import" error.
(module
  (import "env" "does_not_exist" (func $missing))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $missing))
)
