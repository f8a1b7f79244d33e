// std::process::exit(42): proc_exit straight away (Rust flushes stdout only on a line end here).
use std::io::Write;

fn main() {
    println!("calling std::process::exit(42)");
    std::io::stdout().flush().unwrap();
    std::process::exit(42);
}
