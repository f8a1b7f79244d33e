#!/usr/bin/env bash
# build.sh -- builds every Ubiq guest test program from source into out/.
#
#   guests/out/NAME.wasm        one module per program (see README.md)
#   guests/out/native/fib       native (gcc -O2) benchmark baselines
#   guests/out/native/matmul
#   guests/out/TOOLCHAINS.txt   exact tool versions used for this build
#
# Toolchains (Debian 12 packages; versions used when this was written):
#   C    : clang 14.0.6 + lld 14 (wasm-ld) --target=wasm32-wasi, wasi-libc 0.0~git20220510,
#          libclang-rt-14-dev-wasm32 (compiler-rt builtins)        apt: clang lld wasi-libc libclang-rt-14-dev-wasm32
#   Rust : Debian rustc 1.63.0 (/usr/bin/rustc, NOT rustup's) with the
#          wasm32-wasi std from libstd-rust-dev-wasm32              apt: rustc libstd-rust-dev-wasm32
#   WAT  : wabt 1.0.32 (wat2wasm, wasm-validate, wasm-objdump)     apt: wabt
#   native baselines: gcc -O2 (Debian 12.2)                         apt: gcc
#   generator: python3 (wat/gen_huge_function.py)                   apt: python3
#
# Overrides: CLANG=..., RUSTC=... (default /usr/bin/rustc), CC_NATIVE=...,
#            WASI_SYSROOT=... (default: /usr/share/wasi-sysroot if present,
#            otherwise clang's built-in Debian multiarch paths /usr/{include,lib}/wasm32-wasi).
# Idempotent: every run rebuilds everything from source.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/out"
CLANG="${CLANG:-clang}"
RUSTC="${RUSTC:-/usr/bin/rustc}"
GO="${GO:-/usr/lib/go-1.23/bin/go}"
CC_NATIVE="${CC_NATIVE:-gcc}"
PYTHON="${PYTHON:-python3}"

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }
need() { # need TOOL APT-PACKAGE
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found -- install it with: apt-get install -y $2"
}

# ---------------------------------------------------------------- tool checks
need "$CLANG" clang
need wasm-ld lld
need wat2wasm wabt
need wasm-validate wabt
need wasm-objdump wabt
need "$CC_NATIVE" gcc
need "$PYTHON" python3
[ -x "$RUSTC" ] || die "'$RUSTC' not found -- install Debian's rustc with: apt-get install -y rustc libstd-rust-dev-wasm32 (rustup's rustc has no wasm32-wasi target here)"

SYSROOT_FLAGS=()
if [ -n "${WASI_SYSROOT:-}" ]; then
    SYSROOT_FLAGS=(--sysroot="$WASI_SYSROOT")
elif [ -d /usr/share/wasi-sysroot ]; then
    SYSROOT_FLAGS=(--sysroot=/usr/share/wasi-sysroot)
elif [ ! -f /usr/lib/wasm32-wasi/libc.a ]; then
    die "wasi-libc not found (no /usr/lib/wasm32-wasi/libc.a) -- install it with: apt-get install -y wasi-libc"
fi
RTLIB="$("$CLANG" --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null || true)"
[ -f "$RTLIB" ] || die "compiler-rt builtins for wasm32 not found ($RTLIB) -- install with: apt-get install -y libclang-rt-14-dev-wasm32"
RUST_WASI_STD="$("$RUSTC" --print sysroot)/lib/rustlib/wasm32-wasi"
[ -d "$RUST_WASI_STD" ] || die "Rust std for wasm32-wasi missing ($RUST_WASI_STD) -- install with: apt-get install -y libstd-rust-dev-wasm32"

mkdir -p "$OUT/native"

# ---------------------------------------------------------------- versions
{
    # no date here: the build is reproducible and .ci/run checks the committed binaries match
    echo "# Toolchains used by guests/build.sh"
    echo "## $CLANG --version";            "$CLANG" --version
    echo "## wasm-ld --version";           wasm-ld --version
    echo "## wasi-libc";                   dpkg-query -W -f='${Package} ${Version}\n' wasi-libc 2>/dev/null || echo "(dpkg info unavailable)"
    echo "## $RUSTC --version --verbose";  "$RUSTC" --version --verbose
    echo "## wat2wasm --version";          wat2wasm --version
    echo "## $CC_NATIVE --version";        "$CC_NATIVE" --version | head -n1
    echo "## $PYTHON --version";           "$PYTHON" --version
    if [ -x "$GO" ]; then echo "## $GO version"; "$GO" version; fi
} > "$OUT/TOOLCHAINS.txt" 2>&1

# ---------------------------------------------------------------- C
# -Wl,--strip-debug: Debian's libc.a carries DWARF; drop it to keep modules small.
CFLAGS=(--target=wasm32-wasi "${SYSROOT_FLAGS[@]}" -O2 -Wall -Wextra -Werror -Wl,--strip-debug -ffile-prefix-map="$HERE=guests")

c_command() { # NAME  -> WASI command exporting _start
    echo "  C command  $1"
    "$CLANG" "${CFLAGS[@]}" -o "$OUT/$1.wasm" "$HERE/c/$1.c"
}
c_reactor() { # NAME  -> reactor: _initialize + memory + exports from export_name attributes
    echo "  C reactor  $1"
    "$CLANG" "${CFLAGS[@]}" -mexec-model=reactor -I"$HERE/c" -o "$OUT/$1.wasm" "$HERE/c/$1.c"
}
c_native() { # NAME  -> native benchmark baseline
    echo "  native     $1"
    "$CC_NATIVE" -O2 -Wall -Wextra -Werror -DUBIQ_NATIVE -o "$OUT/native/$1" "$HERE/c/$1.c"
}

echo "[C]"
for p in hello env_args exit_code files spin memhog trap wizer_command; do c_command "$p"; done
for p in spin_reactor fib matmul echo_reactor counter_reactor snap_reactor heavy_init; do c_reactor "$p"; done
for p in fib matmul; do c_native "$p"; done
# reactors on the ubiq:v1 host ABI, built with the C guest SDK (host-abi/guest/c)
SDK_C="$HERE/../host-abi/guest/c"
for p in abi_probe abi_bench; do
    echo "  C abi      $p"
    "$CLANG" "${CFLAGS[@]}" -ffile-prefix-map="$(cd "$SDK_C" && pwd)=sdk" -mexec-model=reactor -I"$SDK_C" \
        -o "$OUT/$p.wasm" "$HERE/c/$p.c" "$SDK_C/ubiq.c"
done
for p in abi_command; do
    echo "  C abi cmd  $p"
    "$CLANG" "${CFLAGS[@]}" -ffile-prefix-map="$(cd "$SDK_C" && pwd)=sdk" -I"$SDK_C" \
        -o "$OUT/$p.wasm" "$HERE/c/$p.c" "$SDK_C/ubiq.c"
done

# ---------------------------------------------------------------- WAT
echo "[WAT]"
"$PYTHON" "$HERE/wat/gen_huge_function.py" "$HERE/wat/gen/huge_function.wat" >/dev/null
for src in "$HERE"/wat/*.wat "$HERE"/wat/gen/*.wat; do
    name="$(basename "$src" .wat)"
    echo "  wat2wasm   $name"
    wat2wasm "$src" -o "$OUT/$name.wasm"
done
huge_size=$(stat -c %s "$OUT/huge_function.wasm")
[ "$huge_size" -lt 1048576 ] || die "huge_function.wasm is $huge_size bytes (must stay < 1 MiB)"

# ---------------------------------------------------------------- Rust
echo "[Rust]"
for src in "$HERE"/rust/*.rs; do
    name="$(basename "$src" .rs)"
    echo "  rustc      $name"
    # --remap-path-prefix: panic messages embed source paths; the build must not depend on the checkout's folder
    "$RUSTC" --edition 2021 --target wasm32-wasi -C opt-level=2 -C strip=debuginfo \
        --remap-path-prefix="$HERE=guests" \
        -o "$OUT/$name.wasm" "$src"
done
rm -f "$OUT"/*.d

# ---------------------------------------------------------------- Go
# Go 1.23 (Debian bookworm-backports: golang-1.23-go) builds GOOS=wasip1 commands. Optional:
# without it the committed hello_go.wasm stays as it is.
echo "[Go]"
if [ -x "$GO" ]; then
    for src in "$HERE"/go/*.go; do
        name="$(basename "$src" .go)"
        echo "  go         $name"
        (cd "$HERE/go" && GOOS=wasip1 GOARCH=wasm GOCACHE="${GOCACHE:-/tmp/ubiq-gocache}" GOFLAGS=-trimpath \
            "$GO" build -buildvcs=false -o "$OUT/$name.wasm" "$src")
    done
else
    echo "  skipped: $GO not found (apt-get install -t bookworm-backports golang-1.23-go)"
fi

# ---------------------------------------------------------------- validate
echo "[validate]"
for w in "$OUT"/*.wasm; do
    wasm-validate "$w" || die "$(basename "$w") failed wasm-validate"
done
ls -l "$OUT"/*.wasm "$OUT"/native/* | awk '{printf "  %9d  %s\n", $5, $NF}'
echo "build.sh: OK ($(ls "$OUT"/*.wasm | wc -l) modules in $OUT)"
