#!/usr/bin/env bash
# build.sh -- builds every WASI conformance case from its source into the case's own folder:
#
#   cases/NAME/main.c  -> cases/NAME/NAME.wasm   clang --target=wasm32-wasi -O2
#   cases/NAME/main.rs -> cases/NAME/NAME.wasm   Debian rustc --target wasm32-wasi -C opt-level=2
#   TOOLCHAINS.txt                               the exact tool versions that built them
#
# Toolchains (Debian 12 packages, the same as guests/build.sh):
#   C    : clang 14 + lld 14 + wasi-libc + libclang-rt-14-dev-wasm32   apt: clang lld wasi-libc libclang-rt-14-dev-wasm32
#   Rust : Debian rustc 1.63 (/usr/bin/rustc, NOT rustup's) + libstd-rust-dev-wasm32
#   check: wabt (wasm-validate)
# Reproducible: no timestamps or paths end up in the modules (--strip-debug, -C strip=debuginfo,
# --remap-path-prefix), so a rebuild with the same toolchain gives the same bytes.
# Overrides: CLANG=..., RUSTC=... (default /usr/bin/rustc). Idempotent: rebuilds everything.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${CLANG:-clang}"
RUSTC="${RUSTC:-/usr/bin/rustc}"

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }
command -v "$CLANG" >/dev/null 2>&1 || die "'$CLANG' not found -- apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"
command -v wasm-validate >/dev/null 2>&1 || die "wasm-validate not found -- apt-get install -y wabt"
[ -x "$RUSTC" ] || die "'$RUSTC' not found -- apt-get install -y rustc libstd-rust-dev-wasm32 (rustup's rustc has no wasm32-wasi target here)"

{
    echo "# Toolchains used by conformance-tests/wasi/build.sh"
    echo "## $CLANG --version";           "$CLANG" --version | head -n1
    echo "## wasi-libc";                  dpkg-query -W -f='${Package} ${Version}\n' wasi-libc 2>/dev/null || echo "(dpkg info unavailable)"
    echo "## $RUSTC --version";           "$RUSTC" --version
} > "$HERE/TOOLCHAINS.txt" 2>&1

CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-debug "-ffile-prefix-map=$HERE=.")
count=0
for dir in "$HERE"/cases/*/; do
    name="$(basename "$dir")"
    out="$dir/$name.wasm"
    if [ -f "$dir/main.c" ]; then
        echo "  C     $name"
        (cd "$dir" && "$CLANG" "${CFLAGS[@]}" -o "$name.wasm" main.c)
    elif [ -f "$dir/main.rs" ]; then
        echo "  Rust  $name"
        (cd "$dir" && "$RUSTC" --edition 2021 --target wasm32-wasi -C opt-level=2 -C strip=debuginfo -D warnings \
            --remap-path-prefix "$HERE=." -o "$name.wasm" main.rs)
        rm -f "$dir"/*.d
    else
        die "$name has neither main.c nor main.rs"
    fi
    wasm-validate "$out" || die "$name.wasm failed wasm-validate"
    count=$((count + 1))
done
echo "build.sh: OK ($count cases)"
