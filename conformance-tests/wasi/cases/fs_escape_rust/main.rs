// The fs_escape_c case through Rust's std::fs: every way out of /sandbox must fail.
use std::fs;
use std::io::Write;

fn try_read(path: &str) {
    match fs::read(path) {
        Ok(b) => println!("read {}: ALLOWED ({} bytes)", path, b.len()),
        Err(_) => println!("read {}: denied", path),
    }
}

fn try_create(path: &str) {
    match fs::File::create(path) {
        Ok(mut f) => {
            let _ = f.write_all(b"escaped\n");
            println!("create {}: ALLOWED", path);
        }
        Err(_) => println!("create {}: denied", path),
    }
}

fn try_stat(path: &str) {
    println!("stat {}: {}", path, if fs::metadata(path).is_ok() { "ALLOWED" } else { "denied" });
}

fn try_opendir(path: &str) {
    println!("opendir {}: {}", path, if fs::read_dir(path).is_ok() { "ALLOWED" } else { "denied" });
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ALLOWED" } else { "denied" }
}

fn main() {
    println!("-- dot-dot");
    try_read("/sandbox/../outside/secret.txt");
    try_read("/sandbox/inside/../../outside/secret.txt");
    try_stat("/sandbox/../outside/secret.txt");
    try_opendir("/sandbox/..");
    try_create("/sandbox/../outside/new.txt");
    println!("mkdir /sandbox/../escaped: {}", verdict(fs::create_dir("/sandbox/../escaped").is_ok()));
    println!("unlink /sandbox/../outside/secret.txt: {}", verdict(fs::remove_file("/sandbox/../outside/secret.txt").is_ok()));
    println!("rename inside.txt -> ../outside/moved.txt: {}",
        verdict(fs::rename("/sandbox/inside.txt", "/sandbox/../outside/moved.txt").is_ok()));

    println!("-- absolute paths outside every preopen");
    try_read("/outside/secret.txt");
    try_read("/etc/passwd");
    try_create("/tmp/escaped.txt");
    try_opendir("/");

    println!("-- still allowed");
    try_read("/sandbox/inside.txt");
}
