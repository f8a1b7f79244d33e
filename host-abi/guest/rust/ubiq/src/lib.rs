//! Guest SDK for Ubiq host ABI v1 (import module `"ubiq:v1"`); see `host-abi/docs/abi-v1.md`.
//!
//! No dependencies; builds with rustc 1.63 for `wasm32-wasi`, with or without cargo:
//!
//! ```text
//! rustc --edition 2021 --crate-type rlib --crate-name ubiq --target wasm32-wasi -O -o libubiq.rlib ubiq/src/lib.rs
//! rustc --edition 2021 --crate-type cdylib --target wasm32-wasi -O --extern ubiq=libubiq.rlib -o hello.wasm hello.rs
//! ```
//!
//! A function is a reactor: write a handler and export it with [`handler!`]:
//!
//! ```ignore
//! fn hello(req: &[u8]) -> Vec<u8> {
//!     ubiq::log(ubiq::Level::Info, "hello called");
//!     let n = ubiq::kv_get("hits", b"n").ok().flatten().map(|v| v[0]).unwrap_or(0);
//!     let _ = ubiq::kv_put("hits", b"n", &[n.wrapping_add(1)]);
//!     match ubiq::call("upper", req) {
//!         Ok(shout) => shout,
//!         Err(e) => format!("call failed: {}", e).into_bytes(),
//!     }
//! }
//! ubiq::handler!(hello);
//! ```
//!
//! Expected failures are [`Error`] values, never panics; a pointer the host cannot use traps.

use std::fmt;

/// The raw imports, exactly as in the ABI table. Prefer the safe wrappers.
pub mod raw {
    #[link(wasm_import_module = "ubiq:v1")]
    extern "C" {
        pub fn log(level: i32, msg: *const u8, len: u32) -> i32;
        pub fn clock_monotonic_ns() -> i64;
        pub fn clock_wall_ns() -> i64;
        pub fn random(buf: *mut u8, len: u32) -> i32;
        pub fn config_get(key: *const u8, klen: u32, out: *mut u8, cap: u32) -> i32;
        pub fn kv_get(ns: *const u8, nslen: u32, key: *const u8, klen: u32, out: *mut u8, cap: u32) -> i32;
        pub fn kv_put(ns: *const u8, nslen: u32, key: *const u8, klen: u32, val: *const u8, vlen: u32) -> i32;
        pub fn kv_delete(ns: *const u8, nslen: u32, key: *const u8, klen: u32) -> i32;
        pub fn kv_list(ns: *const u8, nslen: u32, prefix: *const u8, plen: u32, out: *mut u8, cap: u32) -> i32;
        pub fn call(func: *const u8, flen: u32, payload: *const u8, plen: u32, out: *mut u8, cap: u32) -> i32;
        pub fn spawn(func: *const u8, flen: u32, payload: *const u8, plen: u32) -> i32;
        #[link_name = "await"]
        pub fn await_(handle: i32, out: *mut u8, cap: u32) -> i32;
        pub fn channel_send(name: *const u8, nlen: u32, msg: *const u8, mlen: u32, timeout_ms: i32) -> i32;
        pub fn channel_recv(name: *const u8, nlen: u32, out: *mut u8, cap: u32, timeout_ms: i32) -> i32;
        pub fn result_read(out: *mut u8, cap: u32) -> i32;
    }
}

/// An expected failure of a hostcall; the numbers are the ABI's stable codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    NotFound,
    Denied,
    Full,
    Timeout,
    WouldBlock,
    Busy,
    TooLarge,
    Invalid,
    /// The callee trapped or failed; its message.
    CalleeFailed(String),
    DepthExceeded,
    NoResult,
    Unavailable,
    /// A code this SDK does not know (a newer host).
    Other(i32),
}

impl Error {
    /// The error for a negative code.
    pub fn from_code(code: i32) -> Error {
        match code {
            -1 => Error::NotFound,
            -2 => Error::Denied,
            -3 => Error::Full,
            -4 => Error::Timeout,
            -5 => Error::WouldBlock,
            -6 => Error::Busy,
            -7 => Error::TooLarge,
            -8 => Error::Invalid,
            -9 => Error::CalleeFailed(String::new()),
            -10 => Error::DepthExceeded,
            -11 => Error::NoResult,
            -12 => Error::Unavailable,
            c => Error::Other(c),
        }
    }

    /// The stable numeric code.
    pub fn code(&self) -> i32 {
        match self {
            Error::NotFound => -1,
            Error::Denied => -2,
            Error::Full => -3,
            Error::Timeout => -4,
            Error::WouldBlock => -5,
            Error::Busy => -6,
            Error::TooLarge => -7,
            Error::Invalid => -8,
            Error::CalleeFailed(_) => -9,
            Error::DepthExceeded => -10,
            Error::NoResult => -11,
            Error::Unavailable => -12,
            Error::Other(c) => *c,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::CalleeFailed(m) => write!(f, "CALLEE_FAILED: {}", m),
            Error::Other(c) => write!(f, "error {}", c),
            e => write!(f, "{:?}", e),
        }
    }
}

/// Log levels.
#[derive(Clone, Copy, Debug)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

const FIRST_TRY: usize = 4096;

/// Runs a hostcall that writes into `(out, cap)` and fetches a larger result with `result_read`.
fn fetch(f: impl FnOnce(*mut u8, u32) -> i32) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; FIRST_TRY];
    let n = f(buf.as_mut_ptr(), FIRST_TRY as u32);
    if n == -9 {
        return Err(Error::CalleeFailed(String::from_utf8_lossy(&pending()).into_owned()));
    }
    if n < 0 {
        return Err(Error::from_code(n));
    }
    let n = n as usize;
    if n > FIRST_TRY {
        buf = vec![0u8; n];
        let r = unsafe { raw::result_read(buf.as_mut_ptr(), n as u32) };
        if r < 0 {
            return Err(Error::from_code(r));
        }
    }
    buf.truncate(n);
    Ok(buf)
}

/// The pending result (the callee's message after CALLEE_FAILED); empty when there is none.
fn pending() -> Vec<u8> {
    let mut buf = vec![0u8; FIRST_TRY];
    let n = unsafe { raw::result_read(buf.as_mut_ptr(), FIRST_TRY as u32) };
    if n < 0 {
        return Vec::new();
    }
    let n = n as usize;
    if n > FIRST_TRY {
        buf = vec![0u8; n];
        if unsafe { raw::result_read(buf.as_mut_ptr(), n as u32) } < 0 {
            return Vec::new();
        }
    }
    buf.truncate(n);
    buf
}

fn status(code: i32) -> Result<(), Error> {
    if code < 0 { Err(Error::from_code(code)) } else { Ok(()) }
}

/// Writes a line to the function's log.
pub fn log(level: Level, msg: &str) {
    unsafe { raw::log(level as i32, msg.as_ptr(), msg.len() as u32) };
}

/// Monotonic nanoseconds (arbitrary origin).
pub fn monotonic_ns() -> i64 {
    unsafe { raw::clock_monotonic_ns() }
}

/// Nanoseconds since the Unix epoch.
pub fn wall_ns() -> i64 {
    unsafe { raw::clock_wall_ns() }
}

/// Fills `buf` with random bytes from the host.
pub fn random(buf: &mut [u8]) -> Result<(), Error> {
    status(unsafe { raw::random(buf.as_mut_ptr(), buf.len() as u32) })
}

/// A value of the manifest's `[config]` table; `None` when absent.
pub fn config(key: &str) -> Option<String> {
    fetch(|p, c| unsafe { raw::config_get(key.as_ptr(), key.len() as u32, p, c) })
        .ok()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// Reads a key; `Ok(None)` when it is absent.
pub fn kv_get(ns: &str, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    match fetch(|p, c| unsafe { raw::kv_get(ns.as_ptr(), ns.len() as u32, key.as_ptr(), key.len() as u32, p, c) }) {
        Ok(v) => Ok(Some(v)),
        Err(Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Stores a value.
pub fn kv_put(ns: &str, key: &[u8], value: &[u8]) -> Result<(), Error> {
    status(unsafe {
        raw::kv_put(ns.as_ptr(), ns.len() as u32, key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32)
    })
}

/// Deletes a key (`Err(NotFound)` when absent).
pub fn kv_delete(ns: &str, key: &[u8]) -> Result<(), Error> {
    status(unsafe { raw::kv_delete(ns.as_ptr(), ns.len() as u32, key.as_ptr(), key.len() as u32) })
}

/// The keys starting with `prefix`, in byte order.
pub fn kv_list(ns: &str, prefix: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let bytes = fetch(|p, c| unsafe {
        raw::kv_list(ns.as_ptr(), ns.len() as u32, prefix.as_ptr(), prefix.len() as u32, p, c)
    })?;
    let mut keys = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let n = u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        i += 4;
        keys.push(bytes[i..i + n].to_vec());
        i += n;
    }
    Ok(keys)
}

/// Calls another function on this node directly and returns its response.
pub fn call(function: &str, payload: &[u8]) -> Result<Vec<u8>, Error> {
    fetch(|p, c| unsafe {
        raw::call(function.as_ptr(), function.len() as u32, payload.as_ptr(), payload.len() as u32, p, c)
    })
}

/// A spawned sub-invocation; [`Handle::wait`] gathers it.
#[derive(Debug)]
pub struct Handle(i32);

/// Starts a sub-invocation that runs while this one continues.
pub fn spawn(function: &str, payload: &[u8]) -> Result<Handle, Error> {
    let h = unsafe { raw::spawn(function.as_ptr(), function.len() as u32, payload.as_ptr(), payload.len() as u32) };
    status(h).map(|_| Handle(h))
}

impl Handle {
    /// Waits for the response (bounded by this invocation's deadline).
    pub fn wait(self) -> Result<Vec<u8>, Error> {
        fetch(|p, c| unsafe { raw::await_(self.0, p, c) })
    }
}

/// Sends a message; `timeout_ms` 0 returns `Err(Full)` at once when the channel is full.
pub fn channel_send(name: &str, msg: &[u8], timeout_ms: i32) -> Result<(), Error> {
    status(unsafe { raw::channel_send(name.as_ptr(), name.len() as u32, msg.as_ptr(), msg.len() as u32, timeout_ms) })
}

/// Receives a message; `timeout_ms` 0 returns `Err(WouldBlock)` at once when empty.
pub fn channel_recv(name: &str, timeout_ms: i32) -> Result<Vec<u8>, Error> {
    fetch(|p, c| unsafe { raw::channel_recv(name.as_ptr(), name.len() as u32, p, c, timeout_ms) })
}

#[doc(hidden)]
pub mod rt {
    use std::cell::RefCell;

    thread_local! {
        static RESPONSE: RefCell<Vec<u8>> = RefCell::new(Vec::new());
    }

    pub fn alloc(len: i32) -> i32 {
        let mut v: Vec<u8> = Vec::with_capacity(len.max(1) as usize);
        let p = v.as_mut_ptr();
        std::mem::forget(v);
        p as i32
    }

    pub fn handle(f: fn(&[u8]) -> Vec<u8>, ptr: i32, len: i32) -> i64 {
        let len = len.max(0) as usize;
        let req: Vec<u8> = if ptr == 0 { Vec::new() } else { unsafe { Vec::from_raw_parts(ptr as *mut u8, len, len.max(1)) } };
        let resp = f(&req);
        drop(req);
        RESPONSE.with(|r| {
            *r.borrow_mut() = resp;
            let r = r.borrow();
            ((r.as_ptr() as u32 as i64) << 32) | (r.len() as u32 as i64)
        })
    }
}

/// Exports `ubiq_alloc` and `ubiq_handle` around `fn(&[u8]) -> Vec<u8>`. The response is kept
/// until the next request.
#[macro_export]
macro_rules! handler {
    ($f:path) => {
        #[no_mangle]
        pub extern "C" fn ubiq_alloc(len: i32) -> i32 {
            $crate::rt::alloc(len)
        }

        #[no_mangle]
        pub extern "C" fn ubiq_handle(ptr: i32, len: i32) -> i64 {
            $crate::rt::handle($f, ptr, len)
        }
    };
}
