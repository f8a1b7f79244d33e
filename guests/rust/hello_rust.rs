//! hello_rust.rs -- WASI command (_start), built with Debian's rustc for
//! wasm32-wasi. Prints "hello from rust\n", reads all of stdin and prints
//! "stdin bytes: N\n", then "UBIQ_TEST=<value>\n" only if UBIQ_TEST is set.
//! Exit code 0.
use std::env;
use std::io::{self, Read, Write};

fn main() {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(b"hello from rust\n").unwrap();

    let mut input = Vec::new();
    // A failing/closed stdin counts as empty.
    let n = io::stdin().read_to_end(&mut input).unwrap_or(0);
    writeln!(out, "stdin bytes: {}", n).unwrap();

    if let Ok(v) = env::var("UBIQ_TEST") {
        writeln!(out, "UBIQ_TEST={}", v).unwrap();
    }
    out.flush().unwrap();
}
