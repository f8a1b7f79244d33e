// The fs_ops_c case through Rust's std::fs: the same operations, the same output.
use std::fs;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

fn print_file(label: &str, path: &str) {
    match fs::read(path) {
        Ok(b) => {
            let s = String::from_utf8_lossy(&b);
            print!("{}: {} bytes: {}", label, b.len(), s);
            if !s.ends_with('\n') {
                println!();
            }
        }
        Err(e) => println!("{}: cannot open ({})", label, if e.kind() == ErrorKind::NotFound { "not found" } else { "other error" }),
    }
}

fn write_file(path: &str, append: bool, text: &str) {
    let f = if append {
        fs::OpenOptions::new().append(true).create(true).open(path)
    } else {
        fs::File::create(path)
    };
    let ok = f.and_then(|mut f| f.write_all(text.as_bytes())).is_ok();
    println!("write {} ({}): {}", path, if append { "a" } else { "w" }, if ok { "ok" } else { "failed" });
}

fn stat_of(path: &str) {
    match fs::metadata(path) {
        Ok(m) => println!("stat {}: {}, {} bytes", path,
            if m.is_dir() { "directory" } else if m.is_file() { "regular file" } else { "other" },
            if m.is_dir() { 0 } else { m.len() }),
        Err(e) => println!("stat {}: failed ({})", path, if e.kind() == ErrorKind::NotFound { "not found" } else { "other error" }),
    }
}

fn list(path: &str) {
    let rd = match fs::read_dir(path) {
        Ok(rd) => rd,
        Err(_) => {
            println!("readdir {}: failed", path);
            return;
        }
    };
    let mut names: Vec<String> = rd
        .map(|e| {
            let e = e.unwrap();
            let kind = match fs::metadata(e.path()) {
                Ok(m) if m.is_dir() => "dir",
                Ok(m) if m.is_file() => "file",
                Ok(_) => "other",
                Err(_) => "?",
            };
            format!("{} ({})", e.file_name().to_string_lossy(), kind)
        })
        .collect();
    names.sort();
    println!("readdir {}: {} entries", path, names.len());
    for n in names {
        println!("  {}", n);
    }
}

fn ok(r: std::io::Result<()>) -> &'static str {
    if r.is_ok() { "ok" } else { "failed" }
}

fn main() {
    print_file("read /sandbox/input.txt", "/sandbox/input.txt");
    print_file("read /sandbox/existing/../input.txt", "/sandbox/existing/../input.txt");
    print_file("read /sandbox/missing.txt", "/sandbox/missing.txt");
    stat_of("/sandbox/input.txt");
    stat_of("/sandbox/existing");
    stat_of("/sandbox/missing.txt");

    let mut f = fs::File::open("/sandbox/input.txt").unwrap();
    f.seek(SeekFrom::Start(6)).unwrap();
    let mut part = [0u8; 4];
    let r = f.read(&mut part).unwrap();
    println!("read 4 bytes at offset 6: {} [{}]", r, String::from_utf8_lossy(&part[..r]));

    write_file("/sandbox/out.txt", false, "written by the guest\n");
    write_file("/sandbox/out.txt", true, "appended by the guest\n");
    stat_of("/sandbox/out.txt");
    print_file("read back /sandbox/out.txt", "/sandbox/out.txt");

    println!("mkdir /sandbox/made: {}", ok(fs::create_dir("/sandbox/made")));
    println!("mkdir /sandbox/made again: {}", match fs::create_dir("/sandbox/made") {
        Ok(_) => "ok",
        Err(e) if e.kind() == ErrorKind::AlreadyExists => "exists",
        Err(_) => "failed",
    });
    write_file("/sandbox/made/inner.txt", false, "inner file\n");


    println!("unlink to-delete.txt: {}", ok(fs::remove_file("/sandbox/to-delete.txt")));
    stat_of("/sandbox/to-delete.txt");

    println!("mkdir /sandbox/tmpdir: {}", ok(fs::create_dir("/sandbox/tmpdir")));
    println!("rmdir /sandbox/tmpdir: {}", ok(fs::remove_dir("/sandbox/tmpdir")));
    println!("rmdir /sandbox/existing (not empty): {}", if fs::remove_dir("/sandbox/existing").is_ok() { "REMOVED" } else { "refused" });

    list("/sandbox");
    list("/sandbox/made");
}
