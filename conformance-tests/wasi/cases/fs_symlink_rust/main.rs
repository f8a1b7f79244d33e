// The fs_symlink_c case through Rust's std::fs: symlinks pointing outside are not followed.
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

fn main() {
    println!("-- symlinks made by the host");
    try_read("/sandbox/link_out/secret.txt");
    try_read("/sandbox/link_abs/secret.txt");
    try_read("/sandbox/link_file");
    try_stat("/sandbox/link_out/secret.txt");
    try_opendir("/sandbox/link_out");
    try_create("/sandbox/link_out/new.txt");
    try_create("/sandbox/link_abs/new.txt");

    println!("-- still allowed");
    try_read("/sandbox/inside.txt");
    try_read("/sandbox/link_in");
}
