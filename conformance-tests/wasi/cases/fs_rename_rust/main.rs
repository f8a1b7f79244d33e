// The fs_rename_c case through Rust's std::fs::rename: the same operations, the same output.
use std::fs;
use std::io::ErrorKind;

fn show(path: &str) {
    match fs::read(path) {
        Ok(b) => print!("{}: {} bytes: {}", path, b.len(), String::from_utf8_lossy(&b)),
        Err(_) => println!("{}: absent", path),
    }
}

fn mv(from: &str, to: &str) {
    let r = match fs::rename(from, to) {
        Ok(_) => "ok",
        Err(e) if e.kind() == ErrorKind::NotFound => "not found",
        Err(_) => "failed",
    };
    println!("rename {} -> {}: {}", from, to, r);
}

fn main() {
    mv("/sandbox/a.txt", "/sandbox/renamed.txt");
    show("/sandbox/a.txt");
    show("/sandbox/renamed.txt");
    mv("/sandbox/b.txt", "/sandbox/renamed.txt");
    show("/sandbox/b.txt");
    show("/sandbox/renamed.txt");
    mv("/sandbox/dir", "/sandbox/dir2");
    show("/sandbox/dir2/inner.txt");
    mv("/sandbox/missing.txt", "/sandbox/other.txt");
}
