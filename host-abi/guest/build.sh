#!/usr/bin/env bash
# build.sh -- builds the guest SDK examples of host ABI v1 into host-abi/guest/out/.
#
#   out/upper.wasm          C     (c/examples/upper.c + c/ubiq.c)          callee: upper-cases the request
#   out/greeter_c.wasm      C     (c/examples/greeter.c + c/ubiq.c)        handler + call("upper") + kv
#   out/greeter_rust.wasm   Rust  (rust/examples/greeter_rust.rs + rust/ubiq crate)
#   out/greeter_as.wasm     AssemblyScript (assemblyscript/examples/greeter_as.ts + assemblyscript/assembly)
#   out/TOOLCHAINS.txt      exact tool versions
# It also compiles the "start a new function" examples of README.md (C, Rust, AssemblyScript), so
# they cannot go stale.
#
# Toolchains: clang 14 --target=wasm32-wasi + wasi-libc (apt: clang lld wasi-libc libclang-rt-14-dev-wasm32);
# Debian rustc 1.63 /usr/bin/rustc with the wasm32-wasi std (apt: rustc libstd-rust-dev-wasm32), no cargo;
# AssemblyScript 0.27.37 from the npm registry (pinned in assemblyscript/package-lock.json; needs node + npm,
# `npm ci` runs when assemblyscript/node_modules is missing).
# Overrides: CLANG=..., RUSTC=..., NPM=... Reproducible: identical bytes in any checkout folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/out"
CLANG="${CLANG:-clang}"
RUSTC="${RUSTC:-/usr/bin/rustc}"
NPM="${NPM:-npm}"

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }
command -v "$CLANG" >/dev/null || die "'$CLANG' not found -- apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32"
[ -x "$RUSTC" ] || die "'$RUSTC' not found -- apt-get install -y rustc libstd-rust-dev-wasm32"
command -v "$NPM" >/dev/null || die "'$NPM' not found -- install node and npm (AssemblyScript comes from the npm registry)"
command -v wasm-validate >/dev/null || die "wasm-validate not found -- apt-get install -y wabt"

mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- AssemblyScript deps first (toolchain record needs asc)
AS="$HERE/assemblyscript"
if [ ! -x "$AS/node_modules/.bin/asc" ]; then
    echo "[npm ci] assemblyscript"
    (cd "$AS" && "$NPM" ci --no-audit --no-fund >/dev/null)
fi

{
    echo "# Toolchains used by host-abi/guest/build.sh"
    echo "## $CLANG --version";           "$CLANG" --version | head -n1
    echo "## wasi-libc";                  dpkg-query -W -f='${Package} ${Version}\n' wasi-libc 2>/dev/null || echo "(dpkg info unavailable)"
    echo "## $RUSTC --version";           "$RUSTC" --version
    echo "## asc --version";              "$AS/node_modules/.bin/asc" --version
    echo "## node --version";             node --version
} > "$OUT/TOOLCHAINS.txt" 2>&1

# ---------------------------------------------------------------- C
echo "[C]"
CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror -mexec-model=reactor -Wl,--strip-debug
        -ffile-prefix-map="$HERE=guest" -I"$HERE/c")
[ -d /usr/share/wasi-sysroot ] && CFLAGS+=(--sysroot=/usr/share/wasi-sysroot)
"$CLANG" "${CFLAGS[@]}" -o "$OUT/upper.wasm" "$HERE/c/examples/upper.c" "$HERE/c/ubiq.c"
"$CLANG" "${CFLAGS[@]}" -o "$OUT/greeter_c.wasm" "$HERE/c/examples/greeter.c" "$HERE/c/ubiq.c"

# ---------------------------------------------------------------- Rust (no cargo: the crate has no dependencies)
echo "[Rust]"
RFLAGS=(--edition 2021 --target wasm32-wasi -C opt-level=2 -C strip=debuginfo --remap-path-prefix="$HERE=guest"
        --remap-path-prefix="$TMP=tmp")
"$RUSTC" "${RFLAGS[@]}" --crate-type rlib --crate-name ubiq -o "$TMP/libubiq.rlib" "$HERE/rust/ubiq/src/lib.rs"
"$RUSTC" "${RFLAGS[@]}" --crate-type cdylib --extern ubiq="$TMP/libubiq.rlib" -L "$TMP" \
    -o "$OUT/greeter_rust.wasm" "$HERE/rust/examples/greeter_rust.rs"

# ---------------------------------------------------------------- AssemblyScript
echo "[AssemblyScript]"
(cd "$AS" && ./node_modules/.bin/asc examples/greeter_as.ts --outFile "$OUT/greeter_as.wasm" \
    --optimizeLevel 2 --shrinkLevel 1 --noAssert --use abort= --runtime incremental)

# ---------------------------------------------------------------- README examples compile (not kept)
echo "[README examples]"
README_EX="$TMP/readme"
mkdir -p "$README_EX"
python3 - "$HERE/README.md" "$README_EX" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```(\w+)\n(.*?)```", text, re.S)
for lang, ext in (("c", "c"), ("rust", "rs"), ("ts", "ts")):
    body = [b for l, b in blocks if l == lang][0]
    open(f"{sys.argv[2]}/hello.{ext}", "w").write(body.replace("@ubiq/guest/assembly/index", "./assembly/index"))
PY
"$CLANG" "${CFLAGS[@]}" -o "$README_EX/hello_c.wasm" "$README_EX/hello.c" "$HERE/c/ubiq.c"
"$RUSTC" "${RFLAGS[@]}" --crate-type cdylib --extern ubiq="$TMP/libubiq.rlib" -L "$TMP" \
    -o "$README_EX/hello_rs.wasm" "$README_EX/hello.rs"
cp "$README_EX/hello.ts" "$AS/.readme_hello.ts"
(cd "$AS" && ./node_modules/.bin/asc .readme_hello.ts --outFile "$README_EX/hello_as.wasm" -O2 --use abort= \
    --runtime incremental) || { rm -f "$AS/.readme_hello.ts"; die "README AssemblyScript example does not compile"; }
rm -f "$AS/.readme_hello.ts"
for w in "$README_EX"/*.wasm; do wasm-validate "$w" || die "README example $(basename "$w") invalid"; done

echo "[validate]"
for w in "$OUT"/*.wasm; do
    wasm-validate "$w" || die "$(basename "$w") failed wasm-validate"
    printf "  %8d  %s\n" "$(stat -c %s "$w")" "$(basename "$w")"
done
echo "build.sh: OK"
