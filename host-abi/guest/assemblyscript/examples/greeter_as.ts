// Example function on the AssemblyScript SDK: a handler, a call to another function, kv use.
// request "alice" -> "Hello, ALICE! (visit N)"; counts visits per name in kv namespace "greeter",
// asks function "upper" to shout the name. Manifest: capabilities = ["kv:greeter", "call:upper"].
import { handle, log, Level, kvGet, kvPut, call, config, bytes, errorName, Err, Result } from "../assembly/index";
export { ubiq_alloc } from "../assembly/index";

function fail(what: string, code: i32): Uint8Array {
  const msg = what + " failed: " + errorName(code);
  log(Level.Error, msg);
  return bytes(msg);
}

function greet(req: Uint8Array): Uint8Array {
  let visits: i64 = 0;
  const got = kvGet("greeter", req);
  if (got.ok) {
    visits = I64.parseInt(got.text());
  } else if (got.code != Err.NOT_FOUND) {
    return fail("kv_get", got.code);
  }
  visits++;
  const put = kvPut("greeter", req, bytes(visits.toString()));
  if (put < 0) return fail("kv_put", put);
  const shouted: Result = call("upper", req);
  if (!shouted.ok) return fail("call upper", shouted.code);
  const cfg = config("greeting");
  const word = cfg.ok ? cfg.text() : "Hello";
  log(Level.Info, "greeted");
  return bytes(word + ", " + shouted.text() + "! (visit " + visits.toString() + ")");
}

export function ubiq_handle(ptr: usize, len: i32): i64 {
  return handle(ptr, len, greet);
}
