;; abi_fuzz.wat -- a reactor that calls any ubiq:v1 hostcall with raw arguments from the request,
;; for HostcallFuzzTest. Request (little-endian i32s): which hostcall (modulo 15, in the order of
;; the imports below), then six arguments. Response: the hostcall's
;; result as 8 bytes (i32 results sign-extended). Data at 100: "p", at 110: "ns", at 120: "ch",
;; at 130: "fuzz", so in-range names are likely.
(module
  (import "ubiq:v1" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "ubiq:v1" "clock_monotonic_ns" (func $clock_monotonic_ns  (result i64)))
  (import "ubiq:v1" "clock_wall_ns" (func $clock_wall_ns  (result i64)))
  (import "ubiq:v1" "random" (func $random (param i32 i32) (result i32)))
  (import "ubiq:v1" "config_get" (func $config_get (param i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "kv_get" (func $kv_get (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "kv_put" (func $kv_put (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "kv_delete" (func $kv_delete (param i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "kv_list" (func $kv_list (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "call" (func $call (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "spawn" (func $spawn (param i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "await" (func $await (param i32 i32 i32) (result i32)))
  (import "ubiq:v1" "channel_send" (func $channel_send (param i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "channel_recv" (func $channel_recv (param i32 i32 i32 i32 i32) (result i32)))
  (import "ubiq:v1" "result_read" (func $result_read (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 100) "p")
  (data (i32.const 110) "ns")
  (data (i32.const 120) "ch")
  (data (i32.const 130) "fuzz")
  (func (export "ubiq_alloc") (param i32) (result i32) (i32.const 1024))
  (func $arg (param $p i32) (param $i i32) (result i32)
    (i32.load (i32.add (local.get $p) (i32.mul (i32.add (local.get $i) (i32.const 1)) (i32.const 4)))))
  (func (export "ubiq_handle") (param $p i32) (param $len i32) (result i64)
    (local $r i64)
    (if (i32.lt_s (local.get $len) (i32.const 28)) (then (return (i64.const 0))))
    (block $b15 (block $b14 (block $b13 (block $b12 (block $b11 (block $b10 (block $b9 (block $b8 (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0 
    (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $b10 $b11 $b12 $b13 $b14 $b15 (i32.rem_u (i32.load (local.get $p)) (i32.const 15))))
    (local.set $r (i64.extend_i32_s (call $log (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2))))) (br $b15))  ;; 0: log
    (local.set $r (call $clock_monotonic_ns )) (br $b15))  ;; 1: clock_monotonic_ns
    (local.set $r (call $clock_wall_ns )) (br $b15))  ;; 2: clock_wall_ns
    (local.set $r (i64.extend_i32_s (call $random (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1))))) (br $b15))  ;; 3: random
    (local.set $r (i64.extend_i32_s (call $config_get (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3))))) (br $b15))  ;; 4: config_get
    (local.set $r (i64.extend_i32_s (call $kv_get (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4)) (call $arg (local.get $p) (i32.const 5))))) (br $b15))  ;; 5: kv_get
    (local.set $r (i64.extend_i32_s (call $kv_put (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4)) (call $arg (local.get $p) (i32.const 5))))) (br $b15))  ;; 6: kv_put
    (local.set $r (i64.extend_i32_s (call $kv_delete (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3))))) (br $b15))  ;; 7: kv_delete
    (local.set $r (i64.extend_i32_s (call $kv_list (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4)) (call $arg (local.get $p) (i32.const 5))))) (br $b15))  ;; 8: kv_list
    (local.set $r (i64.extend_i32_s (call $call (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4)) (call $arg (local.get $p) (i32.const 5))))) (br $b15))  ;; 9: call
    (local.set $r (i64.extend_i32_s (call $spawn (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3))))) (br $b15))  ;; 10: spawn
    (local.set $r (i64.extend_i32_s (call $await (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2))))) (br $b15))  ;; 11: await
    (local.set $r (i64.extend_i32_s (call $channel_send (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4))))) (br $b15))  ;; 12: channel_send
    (local.set $r (i64.extend_i32_s (call $channel_recv (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1)) (call $arg (local.get $p) (i32.const 2)) (call $arg (local.get $p) (i32.const 3)) (call $arg (local.get $p) (i32.const 4))))) (br $b15))  ;; 13: channel_recv
    (local.set $r (i64.extend_i32_s (call $result_read (call $arg (local.get $p) (i32.const 0)) (call $arg (local.get $p) (i32.const 1))))) (br $b15))  ;; 14: result_read
    (i64.store (i32.const 512) (local.get $r))
    (i64.const 0x0000020000000008)))
