//! Example function on the Rust SDK: a handler, a call to another function, kv use.
//!
//! request "alice" -> response "Hello, ALICE! (visit N)", counting visits per name in kv
//! namespace "greeter" and asking function "upper" to shout the name.
//! Manifest: capabilities = ["kv:greeter", "call:upper"]; optional [config] greeting = "...".

fn greet(req: &[u8]) -> Vec<u8> {
    let visits = match ubiq::kv_get("greeter", req) {
        Ok(Some(v)) => String::from_utf8_lossy(&v).parse::<u64>().unwrap_or(0),
        Ok(None) => 0,
        Err(e) => return fail("kv_get", e),
    } + 1;
    if let Err(e) = ubiq::kv_put("greeter", req, visits.to_string().as_bytes()) {
        return fail("kv_put", e);
    }
    let shouted = match ubiq::call("upper", req) {
        Ok(s) => s,
        Err(e) => return fail("call upper", e),
    };
    let word = ubiq::config("greeting").unwrap_or_else(|| "Hello".to_string());
    ubiq::log(ubiq::Level::Info, "greeted");
    format!("{}, {}! (visit {})", word, String::from_utf8_lossy(&shouted), visits).into_bytes()
}

fn fail(what: &str, e: ubiq::Error) -> Vec<u8> {
    let msg = format!("{} failed: {}", what, e);
    ubiq::log(ubiq::Level::Error, &msg);
    msg.into_bytes()
}

ubiq::handler!(greet);
