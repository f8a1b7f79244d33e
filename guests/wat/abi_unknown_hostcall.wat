;; abi_unknown_hostcall.wat -- a reactor importing a hostcall ubiq:v1 does not have; deploy must
;; fail as unlinkable, naming the import.
(module
  (import "ubiq:v1" "teleport" (func $teleport (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "ubiq_alloc") (param i32) (result i32) i32.const 0)
  (func (export "ubiq_handle") (param i32 i32) (result i64)
    (drop (call $teleport (i32.const 0)))
    i64.const 0))
