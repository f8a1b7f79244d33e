// AssemblyScript guest SDK for Ubiq host ABI v1 (import module "ubiq:v1").
// Reference: host-abi/docs/abi-v1.md. A function is a reactor:
//
//   import { handle, log, Level } from "@ubiq/guest/assembly";
//   export { ubiq_alloc } from "@ubiq/guest/assembly";
//   function hello(req: Uint8Array): Uint8Array {
//     log(Level.Info, "hello called");
//     return req;                                   // echo
//   }
//   export function ubiq_handle(ptr: usize, len: i32): i64 { return handle(ptr, len, hello); }
//
// Expected failures come back as a Result with a negative code (see Err), never as a trap.

// ---- raw imports: exactly the ABI table ----
@external("ubiq:v1", "log") declare function _log(level: i32, ptr: usize, len: u32): i32;
@external("ubiq:v1", "clock_monotonic_ns") declare function _clock_monotonic_ns(): i64;
@external("ubiq:v1", "clock_wall_ns") declare function _clock_wall_ns(): i64;
@external("ubiq:v1", "random") declare function _random(ptr: usize, len: u32): i32;
@external("ubiq:v1", "config_get") declare function _config_get(k: usize, kl: u32, out: usize, cap: u32): i32;
@external("ubiq:v1", "kv_get") declare function _kv_get(ns: usize, nsl: u32, k: usize, kl: u32, out: usize, cap: u32): i32;
@external("ubiq:v1", "kv_put") declare function _kv_put(ns: usize, nsl: u32, k: usize, kl: u32, v: usize, vl: u32): i32;
@external("ubiq:v1", "kv_delete") declare function _kv_delete(ns: usize, nsl: u32, k: usize, kl: u32): i32;
@external("ubiq:v1", "kv_list") declare function _kv_list(ns: usize, nsl: u32, p: usize, pl: u32, out: usize, cap: u32): i32;
@external("ubiq:v1", "call") declare function _call(f: usize, fl: u32, p: usize, pl: u32, out: usize, cap: u32): i32;
@external("ubiq:v1", "spawn") declare function _spawn(f: usize, fl: u32, p: usize, pl: u32): i32;
@external("ubiq:v1", "await") declare function _await(h: i32, out: usize, cap: u32): i32;
@external("ubiq:v1", "channel_send") declare function _channel_send(n: usize, nl: u32, m: usize, ml: u32, t: i32): i32;
@external("ubiq:v1", "channel_recv") declare function _channel_recv(n: usize, nl: u32, out: usize, cap: u32, t: i32): i32;
@external("ubiq:v1", "result_read") declare function _result_read(out: usize, cap: u32): i32;

/** Stable error codes of ABI v1. */
export namespace Err {
  export const NOT_FOUND: i32 = -1;
  export const DENIED: i32 = -2;
  export const FULL: i32 = -3;
  export const TIMEOUT: i32 = -4;
  export const WOULD_BLOCK: i32 = -5;
  export const BUSY: i32 = -6;
  export const TOO_LARGE: i32 = -7;
  export const INVALID: i32 = -8;
  export const CALLEE_FAILED: i32 = -9;
  export const DEPTH_EXCEEDED: i32 = -10;
  export const NO_RESULT: i32 = -11;
  export const UNAVAILABLE: i32 = -12;
}

const NAMES: string[] = ["OK", "NOT_FOUND", "DENIED", "FULL", "TIMEOUT", "WOULD_BLOCK", "BUSY", "TOO_LARGE",
  "INVALID", "CALLEE_FAILED", "DEPTH_EXCEEDED", "NO_RESULT", "UNAVAILABLE"];

/** A short name for a code ("DENIED"). */
export function errorName(code: i32): string {
  return code <= 0 && code >= -12 ? NAMES[-code] : "UNKNOWN";
}

export enum Level { Debug = 0, Info = 1, Warn = 2, Error = 3 }

/** A hostcall's outcome: code >= 0 and value on success; a negative code otherwise (value = callee message for CALLEE_FAILED). */
export class Result {
  constructor(public code: i32, public value: Uint8Array) {}
  get ok(): bool { return this.code >= 0; }
  text(): string { return String.UTF8.decode(this.value.buffer.slice(this.value.byteOffset, this.value.byteOffset + this.value.length)); }
}

const FIRST_TRY: i32 = 4096;
const EMPTY = new Uint8Array(0);

function pending(): Uint8Array {
  let buf = new Uint8Array(FIRST_TRY);
  const n = _result_read(buf.dataStart, FIRST_TRY);
  if (n < 0) return EMPTY;
  if (n > FIRST_TRY) {
    buf = new Uint8Array(n);
    if (_result_read(buf.dataStart, n) < 0) return EMPTY;
  }
  return buf.subarray(0, n);
}

function finish(n: i32, buf: Uint8Array): Result {
  if (n == Err.CALLEE_FAILED) return new Result(n, pending());
  if (n < 0) return new Result(n, EMPTY);
  if (n > FIRST_TRY) {
    const big = new Uint8Array(n);
    const r = _result_read(big.dataStart, n);
    return r < 0 ? new Result(r, EMPTY) : new Result(n, big);
  }
  return new Result(n, buf.subarray(0, n));
}

function utf8(s: string): ArrayBuffer { return String.UTF8.encode(s); }
function ptr(b: ArrayBuffer): usize { return changetype<usize>(b); }

/** Bytes of a string, UTF-8. */
export function bytes(s: string): Uint8Array { return Uint8Array.wrap(utf8(s)); }

export function log(level: Level, msg: string): void {
  const b = utf8(msg);
  _log(level, ptr(b), b.byteLength);
}

export function monotonicNs(): i64 { return _clock_monotonic_ns(); }
export function wallNs(): i64 { return _clock_wall_ns(); }

export function random(buf: Uint8Array): i32 { return _random(buf.dataStart, buf.length); }

/** A value of the manifest's [config] table (code NOT_FOUND when absent). */
export function config(key: string): Result {
  const k = utf8(key);
  const buf = new Uint8Array(FIRST_TRY);
  return finish(_config_get(ptr(k), k.byteLength, buf.dataStart, FIRST_TRY), buf);
}

export function kvGet(ns: string, key: Uint8Array): Result {
  const n = utf8(ns);
  const buf = new Uint8Array(FIRST_TRY);
  return finish(_kv_get(ptr(n), n.byteLength, key.dataStart, key.length, buf.dataStart, FIRST_TRY), buf);
}

export function kvPut(ns: string, key: Uint8Array, value: Uint8Array): i32 {
  const n = utf8(ns);
  return _kv_put(ptr(n), n.byteLength, key.dataStart, key.length, value.dataStart, value.length);
}

export function kvDelete(ns: string, key: Uint8Array): i32 {
  const n = utf8(ns);
  return _kv_delete(ptr(n), n.byteLength, key.dataStart, key.length);
}

/** The keys starting with prefix, in byte order (code < 0 on failure: the array is then empty). */
export function kvList(ns: string, prefix: Uint8Array): Uint8Array[] {
  const n = utf8(ns);
  const buf = new Uint8Array(FIRST_TRY);
  const r = finish(_kv_list(ptr(n), n.byteLength, prefix.dataStart, prefix.length, buf.dataStart, FIRST_TRY), buf);
  const keys = new Array<Uint8Array>();
  if (!r.ok) return keys;
  const v = r.value;
  let i = 0;
  while (i + 4 <= v.length) {
    const len = <i32>(<u32>v[i] | (<u32>v[i + 1] << 8) | (<u32>v[i + 2] << 16) | (<u32>v[i + 3] << 24));
    i += 4;
    keys.push(v.slice(i, i + len));
    i += len;
  }
  return keys;
}

/** Calls another function on this node directly. */
export function call(fn: string, payload: Uint8Array): Result {
  const f = utf8(fn);
  const buf = new Uint8Array(FIRST_TRY);
  return finish(_call(ptr(f), f.byteLength, payload.dataStart, payload.length, buf.dataStart, FIRST_TRY), buf);
}

/** Starts a sub-invocation; a handle > 0 or a negative code. */
export function spawn(fn: string, payload: Uint8Array): i32 {
  const f = utf8(fn);
  return _spawn(ptr(f), f.byteLength, payload.dataStart, payload.length);
}

/** Waits for a spawned sub-invocation. */
export function awaitHandle(handle: i32): Result {
  const buf = new Uint8Array(FIRST_TRY);
  return finish(_await(handle, buf.dataStart, FIRST_TRY), buf);
}

export function channelSend(name: string, msg: Uint8Array, timeoutMs: i32): i32 {
  const n = utf8(name);
  return _channel_send(ptr(n), n.byteLength, msg.dataStart, msg.length, timeoutMs);
}

export function channelRecv(name: string, timeoutMs: i32): Result {
  const n = utf8(name);
  const buf = new Uint8Array(FIRST_TRY);
  return finish(_channel_recv(ptr(n), n.byteLength, buf.dataStart, FIRST_TRY, timeoutMs), buf);
}

// ---- reactor entry points ----
// The request buffer and the kept response are raw heap blocks, outside the GC.
let lastResponse: usize = 0;

/** Export this as ubiq_alloc: `export { ubiq_alloc } from "@ubiq/guest/assembly";`. */
export function ubiq_alloc(len: i32): usize {
  return heap.alloc(len > 0 ? <usize>len : 1);
}

/** Call from your exported ubiq_handle: copies the request, runs the handler, keeps the response until the next call. */
export function handle(reqPtr: usize, len: i32, f: (req: Uint8Array) => Uint8Array): i64 {
  const req = new Uint8Array(len > 0 ? len : 0);
  if (len > 0) memory.copy(req.dataStart, reqPtr, <usize>len);
  if (reqPtr != 0) heap.free(reqPtr);
  const resp = f(req);
  if (lastResponse != 0) heap.free(lastResponse);
  lastResponse = heap.alloc(resp.length > 0 ? <usize>resp.length : 1);
  memory.copy(lastResponse, resp.dataStart, <usize>resp.length);
  return (<i64>lastResponse << 32) | <i64>(<u32>resp.length);
}
