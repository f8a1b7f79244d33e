#!/usr/bin/env bash
# smoke-node.sh -- checks the built modules in out/ against their README
# expectations using Node 20's node:wasi (run-node.mjs). Needs `node`.
# Not a Ubiq test; a sanity check that the guests themselves behave.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/out"
command -v node >/dev/null || { echo "smoke-node.sh: node not found (apt-get install -y nodejs)"; exit 1; }
R=(node ../run-node.mjs)
fail=0
check() { # DESC EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2] got [$3]"; fail=1; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf abc > "$tmp/in"

check hello            $'hello from wasm\necho: abc'   "$("${R[@]}" cmd hello.wasm --stdin "$tmp/in")"
check hello-empty      'hello from wasm'               "$("${R[@]}" cmd hello.wasm --stdin /dev/null)"
check env_args         $'arg[0]=env_args.wasm\narg[1]=x\nUBIQ_TEST=1\nREQUEST_METHOD=(unset)' \
                       "$("${R[@]}" cmd env_args.wasm --env UBIQ_TEST=1 -- x)"
set +e
"${R[@]}" cmd exit_code.wasm 2>/dev/null;        check exit_code-default 3 $?
"${R[@]}" cmd exit_code.wasm -- 42 2>/dev/null;  check exit_code-42 42 $?
"${R[@]}" cmd memhog.wasm -- 16 >/dev/null;      check memhog-16 0 $?
set -e
mkdir "$tmp/data"; echo 'Hi there' > "$tmp/data/in.txt"
check files            $'ok\nescape denied'            "$("${R[@]}" cmd files.wasm --dir "$tmp/data:/data")"
check files-out        'HI THERE'                      "$(cat "$tmp/data/out.txt")"
check hello_rust       $'hello from rust\nstdin bytes: 3\nUBIQ_TEST=v' \
                       "$("${R[@]}" cmd hello_rust.wasm --stdin "$tmp/in" --env UBIQ_TEST=v)"
check trivial_reactor  'ping'                          "$("${R[@]}" reactor trivial_reactor.wasm ping)"
check noop             42                              "$("${R[@]}" call trivial_reactor.wasm noop)"
check fib-handle       6765                            "$("${R[@]}" reactor fib.wasm 20)"
check fib-export       832040                          "$("${R[@]}" call fib.wasm fib 30)"
check matmul-handle    79902720                        "$("${R[@]}" reactor matmul.wasm 256)"
check matmul-export    4798200                         "$("${R[@]}" call matmul.wasm matmul 100)"
check echo_reactor     $'echo:x\necho:x'               "$("${R[@]}" reactor echo_reactor.wasm --times 2 x 2>/dev/null)"
check counter_reactor  $'1\n2\n3'                      "$("${R[@]}" reactor counter_reactor.wasm --times 3)"
check huge-small       7                               "$("${R[@]}" call huge_function.wasm small)"
check huge-sum         5325                            "$("${R[@]}" call huge_function.wasm huge_sum)"
for t in "call loop_br.wasm run" "call loop_brif.wasm run" "call loop_brtable.wasm run" \
         "reactor loop_br.wasm" "call huge_function.wasm run" "cmd spin.wasm" "reactor spin_reactor.wasm"; do
    set +e; timeout 1 "${R[@]}" $t >/dev/null 2>&1; rc=$?; set -e
    check "loops-forever: $t" 124 "$rc"
done
set +e
"${R[@]}" cmd trap.wasm >/dev/null 2>&1;           check trap-nonzero 1 $?
"${R[@]}" cmd start_trap.wasm >/dev/null 2>&1;     check start_trap-fails 1 $?
"${R[@]}" cmd unknown_import.wasm >/dev/null 2>&1; check unknown_import-fails 1 $?
set -e
[ $fail = 0 ] && echo "smoke-node.sh: all ok" || { echo "smoke-node.sh: FAILURES"; exit 1; }
