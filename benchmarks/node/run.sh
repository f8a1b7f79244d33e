#!/usr/bin/env bash
# The node over HTTP, on loopback, beside a bare-Netty ceiling (docs/benchmarks.md, "Node over HTTP").
#
#   benchmarks/node/run.sh                      # everything: about 5 minutes on 2 cores, MAX_S (6) at most
#   SKIP_BUILD=1 DURATION=10s benchmarks/node/run.sh
#
# 1. wrk from apt if missing; 2. builds host-abi, wasm-runtime, node (install) and benchmarks (compile);
# 3. NettyHelloServer (same Netty, event loops and JVM flags as the node; fixed body on the event loop):
#    wrk warm-up, then `wrk -t2 -c64 -d20s --latency` POSTing 11 bytes;
# 4. NodeMain on a fresh data dir, trivial_reactor deployed as "hello" with max_concurrency = 64
#    (multipart TOML manifest), the same wrk load on POST /v1/functions/hello/invoke;
# 5. idle memory: a restarted node (function restored, one invoke, 5 s idle): VmRSS and
#    ubiq_jvm_heap_used_bytes, under JAVA_OPTS and a few -Xmx variants;
# 6. fork-to-first-200 of a restarted node, STARTS times each: plain, with a JDK 25 AOT cache
#    (-XX:AOTCacheOutput training run, then -XX:AOTCache), and with -XX:TieredStopAtLevel=1; and
#    bin/ubiq serve as shipped: its first run, its second, then with its AOT cache and with UBIQ_AOT=0;
#    plus a short wrk run at TieredStopAtLevel=1 (information only).
#
# Environment: JAVA_HOME (Java 25; default /usr/lib/jvm/temurin-25-jdk-amd64), JAVA_OPTS (both
# servers; default none), DIAG=1 (instead of steps 5-6, three more servers that take the node
# apart: NettyHelloServer --handoff / --invoke, see its javadoc), NODE_VARIANTS ('|'-separated JVM
# option sets: one more node each, measured beside the others), QUICK=1 (the load steps 3-4 only), DURATION (20s), WARMUP (30s: the node needs ~30-40 s of load before C2 settles on this machine), ROUNDS (2), CONNS (64), THREADS (2), STARTS (5),
# PORT (18480; PORT+1 is the baseline's), SKIP_BUILD=1, MAX_S (360: the whole run is stopped after).
# Output: benchmarks/target/node/ (wrk-*.txt, metrics-*.txt, machine.txt, summary.md).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [[ -z "${JAVA_HOME:-}" && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-30s}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
STARTS="${STARTS:-5}"
ROUNDS="${ROUNDS:-2}"
PORT="${PORT:-18480}"
BPORT=$((PORT + 1))
MAX_S="${MAX_S:-360}"
read -r -a OPTS <<< "${JAVA_OPTS:-}"
OUT="$ROOT/benchmarks/target/node"
GUEST="$ROOT/guests/out/trivial_reactor.wasm"
BODY="hello, ubiq"   # post.lua sends the same bytes
TICK=$(getconf CLK_TCK)

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.md "$OUT"/*.aot "$OUT"/*.log
WORK="$(mktemp -d)"
PIDS=()
DIAG_NAMES=()
DIAG_PIDS=()
DIAG_URLS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    [[ -n "${WATCHDOG:-}" ]] && kill "$WATCHDOG" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "run.sh: stopped (over MAX_S=${MAX_S}s or interrupted)" >&2; exit 124' TERM INT
( trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep "$MAX_S" & s=$!; wait "$s"; kill -TERM $$ ) 2>/dev/null &
WATCHDOG=$!

log() { echo "== [${SECONDS}s] $*"; }
left() { echo $((MAX_S - SECONDS)); }

# ---------------------------------------------------------------- 1, 2: tools and build
if ! command -v wrk >/dev/null; then
    log "installing wrk"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo -n"
    $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
[[ -f "$GUEST" ]] || { echo "no $GUEST: run guests/build.sh" >&2; exit 1; }
cd "$ROOT"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "build"
    # -o first (no network needed when ~/.m2 is warm), online as a fallback
    mvn -q -o -DskipTests install -pl host-abi,wasm-runtime,node,tools 2>/dev/null \
        || mvn -q -DskipTests install -pl host-abi,wasm-runtime,node,tools
    mvn -q -o compile -pl benchmarks 2>/dev/null || mvn -q compile -pl benchmarks
    mvn -q -o dependency:build-classpath -pl node -DincludeScope=runtime -Dmdep.outputFile="$ROOT/benchmarks/target/node.cp" 2>/dev/null \
        || mvn -q dependency:build-classpath -pl node -DincludeScope=runtime -Dmdep.outputFile="$ROOT/benchmarks/target/node.cp"
fi
# Private copies: other builds in this tree (or in ~/.m2) may rewrite a jar under a running JVM,
# which then fails to load a class; and an AOT cache needs the very same jars. Jars only on the
# node's class path (an AOT cache refuses directories); the baseline adds its classes dir.
mkdir -p "$WORK/lib"
NODE_CP="$WORK/lib/ubiq-node.jar"
cp "$ROOT/node/target/ubiq-node-0.1.0-SNAPSHOT.jar" "$NODE_CP"
for j in $(tr ':' ' ' < "$ROOT/benchmarks/target/node.cp"); do
    cp "$j" "$WORK/lib/"
    NODE_CP="$NODE_CP:$WORK/lib/$(basename "$j")"
done
cp -r "$ROOT/benchmarks/target/classes" "$WORK/classes"
BASE_CP="$WORK/classes:$NODE_CP"

{
    echo "nproc: $(nproc)"
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Hypervisor|MHz' || true
    grep MemTotal /proc/meminfo
    "$JAVA" -version 2>&1
    "$JAVA" "${OPTS[@]}" -XX:+PrintCommandLineFlags -version 2>&1 | head -1
    echo "wrk: $(wrk -v 2>&1 | head -1)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) $(git -C "$ROOT" status --porcelain -- node wasm-runtime host-abi | wc -l) changed files under node/ wasm-runtime/ host-abi/"
    echo "JAVA_OPTS: ${JAVA_OPTS:-(none)}; DURATION=$DURATION WARMUP=$WARMUP CONNS=$CONNS THREADS=$THREADS"
} > "$OUT/machine.txt"
log "machine"; cat "$OUT/machine.txt"

# ---------------------------------------------------------------- helpers
# start NAME LOGFILE JAVA-ARGS...: launches, waits for "listening on", sets $SERVER_PID
start() {
    local name=$1 logf=$2; shift 2
    "$JAVA" "$@" > "$logf" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for _ in $(seq 300); do
        grep -q '^listening on' "$logf" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "$name exited:" >&2; cat "$logf" >&2; exit 1; }
        sleep 0.1
    done
    echo "$name did not start in 30 s" >&2; exit 1
}
stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# wrk OUTFILE WRK-ARGS...: runs wrk (bounded) and sets WRK_CPU_S, its user+system CPU seconds
# (from a wrapper shell's `times`, so no /usr/bin/time is needed)
wrk_run() {
    local out=$1; shift
    UBIQ_TOKEN="${TOKEN:-}" bash -c 'timeout 120 wrk "$@"; rc=$?; times > "'"$WORK/wrk.times"'"; exit $rc' _ "$@" > "$out"
    WRK_CPU_S=$(awk 'NR==2 { s=0; for (i=1;i<=2;i++) { split($i,a,/[ms]/); s+=a[1]*60+a[2] } printf "%.2f", s }' "$WORK/wrk.times")
}
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
metric() { awk -v m="$1" '$1==m{print $2}' "$2"; }

# warm NAME URL: an unmeasured wrk run of WARMUP
warm() {
    wrk_run "$OUT/wrk-$1-warmup.txt" -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$HERE/post.lua" "$2"
}
# measure NAME URL PID: the measured wrk run; CPU split into server / wrk / everything else
measure() {
    local name=$1 url=$2 pid=$3
    local b0 p0 b1 p1 t0 t1
    b0=$(busy_ticks); p0=$(proc_ticks "$pid"); t0=$(date +%s%N)
    wrk_run "$OUT/wrk-$name.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$HERE/post.lua" "$url"
    b1=$(busy_ticks); p1=$(proc_ticks "$pid"); t1=$(date +%s%N)
    awk -v b=$((b1 - b0)) -v p=$((p1 - p0)) -v w="$WRK_CPU_S" -v t=$((t1 - t0)) -v k="$TICK" \
        -v n="$(awk '/requests in/{print $1}' "$OUT/wrk-$name.txt")" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
        'BEGIN { t/=1e9; printf "cpu_cores server=%.2f wrk=%.2f other=%.2f total=%.2f server_us_per_request=%.1f wrk_us_per_request=%.1f loadavg=%s\n",
                 p/k/t, w/t, (b-p)/k/t - w/t, b/k/t, p/k/n*1e6, w/n*1e6, l }' \
        >> "$OUT/wrk-$name.txt"
    echo "-- $name: $(grep -E '^Requests/sec' "$OUT/wrk-$name.txt"), p99 $(awk '$1=="99%"{print $2}' "$OUT/wrk-$name.txt"), $(tail -1 "$OUT/wrk-$name.txt")"
}

# ---------------------------------------------------------------- 3, 4: Netty ceiling and the node, alternating
# Both servers stay up (the idle one costs no CPU) and are measured in turn, ROUNDS times, so a
# neighbour's load on this shared machine hits both sides alike rather than one of them.
log "Netty baseline: NettyHelloServer on $BPORT"
start baseline "$OUT/baseline.log" "${OPTS[@]}" -cp "$BASE_CP" dev.ubiq.benchmarks.http.NettyHelloServer --port "$BPORT" --body "$BODY"
BASE_PID=$SERVER_PID
BASE_URL="http://127.0.0.1:$BPORT/"

DATA="$WORK/data"
NODE=(-cp "$NODE_CP" dev.ubiq.node.NodeMain --port "$PORT" --data-dir "$DATA")
URL="http://127.0.0.1:$PORT/v1/functions/hello/invoke"
log "node: NodeMain on $PORT, data dir $DATA"
start node "$OUT/node.log" "${OPTS[@]}" "${NODE[@]}"
NODE_PID=$SERVER_PID
ADMIN=$(tr -d '\n' < "$DATA/admin.token")
TOKEN=$(tr -d '\n' < "$DATA/invoke.token")
# the default max_concurrency (16) would turn 64 connections into 429s: ask for 64, the node's invoker count
printf 'max_concurrency = 64\n' > "$WORK/manifest.toml"
curl -sf -X PUT -H "Authorization: Bearer $ADMIN" -F "module=@$GUEST" -F "manifest=@$WORK/manifest.toml" \
    "http://127.0.0.1:$PORT/v1/functions/hello" > "$OUT/deploy.json"
[[ "$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" --data-binary "$BODY" "$URL")" == "$BODY" ]] \
    || { echo "the invoke does not echo its body" >&2; exit 1; }

if [[ -n "${DIAG:-}" ]]; then
    # DIAG=1: the node taken apart with the baseline's diagnostic modes (one extra server each),
    # instead of the memory and start-up steps
    DIAG_NAMES=(handoff invoke-inline invoke-handoff)
    DIAG_ARGS=("--handoff 64" "--invoke $GUEST" "--invoke $GUEST --handoff 64")
    for i in "${!DIAG_NAMES[@]}"; do
        read -r -a A <<< "${DIAG_ARGS[$i]}"
        start "${DIAG_NAMES[$i]}" "$OUT/diag-${DIAG_NAMES[$i]}.log" "${OPTS[@]}" -cp "$BASE_CP" \
            dev.ubiq.benchmarks.http.NettyHelloServer --port $((BPORT + 1 + i)) --body "$BODY" "${A[@]}"
        DIAG_PIDS+=("$SERVER_PID")
        DIAG_URLS+=("http://127.0.0.1:$((BPORT + 1 + i))/")
    done
fi
if [[ -n "${NODE_VARIANTS:-}" ]]; then
    # NODE_VARIANTS="-Dx=1|-Dy=2 -Dz=3": one more node per '|'-separated set of JVM options (after
    # JAVA_OPTS), on a copy of the data dir, measured in the same rounds as node-vN
    IFS='|' read -r -a VARIANT_OPTS <<< "$NODE_VARIANTS"
    for i in "${!VARIANT_OPTS[@]}"; do
        read -r -a A <<< "${VARIANT_OPTS[$i]}"
        cp -r "$DATA" "$WORK/data-v$((i + 1))"
        vport=$((PORT + 10 + i))
        start "node-v$((i + 1))" "$OUT/node-v$((i + 1)).log" "${OPTS[@]}" "${A[@]}" -cp "$NODE_CP" dev.ubiq.node.NodeMain \
            --port "$vport" --data-dir "$WORK/data-v$((i + 1))"
        DIAG_NAMES+=("node-v$((i + 1))")
        DIAG_PIDS+=("$SERVER_PID")
        DIAG_URLS+=("http://127.0.0.1:$vport/v1/functions/hello/invoke")
        echo "node-v$((i + 1)): ${VARIANT_OPTS[$i]}" >> "$OUT/machine.txt"
    done
fi

log "warm-up ($WARMUP each), then $ROUNDS rounds of $DURATION each"
warm netty "$BASE_URL"
for i in "${!DIAG_PIDS[@]}"; do warm "${DIAG_NAMES[$i]}" "${DIAG_URLS[$i]}"; done
warm node "$URL"
for r in $(seq "$ROUNDS"); do
    measure "netty-r$r" "$BASE_URL" "$BASE_PID"
    for i in "${!DIAG_PIDS[@]}"; do
        measure "${DIAG_NAMES[$i]}-r$r" "${DIAG_URLS[$i]}" "${DIAG_PIDS[$i]}"
    done
    measure "node-r$r" "$URL" "$NODE_PID"
done
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" > "$OUT/metrics-after-load.txt"
LOADED_RSS=$(rss_kb "$NODE_PID")
stop "$BASE_PID"
for p in "${DIAG_PIDS[@]}"; do stop "$p"; done
stop "$NODE_PID"

# ---------------------------------------------------------------- 5: idle memory
: > "$OUT/memory.txt"
: > "$OUT/aot.txt"
if [[ -z "${DIAG:-}" && -z "${QUICK:-}" ]]; then
log "idle memory (restarted node, one invoke, 5 s idle)"
: > "$OUT/memory.txt"
for variant in "${JAVA_OPTS:-}" "-Xmx64m" "-Xmx64m -XX:+UseSerialGC"; do
    read -r -a V <<< "$variant"
    start node "$OUT/node-mem.log" "${V[@]}" "${NODE[@]}"
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" --data-binary "$BODY" "$URL"
    sleep 5
    curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" > "$WORK/m.txt"
    echo "flags='${variant:-(default)}' rss_kb=$(rss_kb "$SERVER_PID") heap_used_bytes=$(metric ubiq_jvm_heap_used_bytes "$WORK/m.txt") heap_max_bytes=$(metric ubiq_jvm_heap_max_bytes "$WORK/m.txt")" \
        | tee -a "$OUT/memory.txt"
    stop "$SERVER_PID"
done
echo "after-load rss_kb=$LOADED_RSS (the loaded node of step 4, flags='${JAVA_OPTS:-(default)}')" | tee -a "$OUT/memory.txt"

# ---------------------------------------------------------------- 6: start-up
# AOT training run: the JVM writes the cache when it exits (JEP 514's one-step workflow)
log "AOT cache: training run (-XX:AOTCacheOutput)"
start node "$OUT/node-aot-train.log" "${OPTS[@]}" -XX:AOTCacheOutput="$OUT/node.aot" "${NODE[@]}"
wrk_run "$WORK/wrk-train.txt" -t1 -c4 -d3s -s "$HERE/post.lua" "$URL"
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics"
stop "$SERVER_PID"
VARIANTS=(plain c1)
if [[ -f "$OUT/node.aot" ]]; then
    echo "aot cache: $(du -h "$OUT/node.aot" | cut -f1)" | tee "$OUT/aot.txt"
    VARIANTS=(plain aot c1)
else
    echo "no AOT cache was written: see $OUT/node-aot-train.log" | tee "$OUT/aot.txt"
fi
# bin/ubiq serve as shipped, with a private cache dir: its first run records the AOT configuration,
# the second builds the cache in the background (waited for here), later runs use it (serve-aot);
# serve-cds is UBIQ_AOT=0, the dynamic CDS archive every other ubiq command uses
export UBIQ_CACHE_DIR="$WORK/ubiq-cache"
SERVE=("$ROOT/bin/ubiq" serve --port "$PORT" --data-dir "$DATA")
if [[ -x "$ROOT/bin/ubiq" && -d "$ROOT/tools/target/lib" ]]; then
    log "bin/ubiq serve: first run (records), second run (builds the AOT cache in the background)"
    echo "serve-first $(python3 "$HERE/startup_probe.py" "$PORT" "$TOKEN" hello -- "${SERVE[@]}")" | tee -a "$OUT/startup-serve-first.txt"
    echo "serve-second $(python3 "$HERE/startup_probe.py" "$PORT" "$TOKEN" hello -- "${SERVE[@]}")" | tee -a "$OUT/startup-serve-second.txt"
    for _ in $(seq 120); do compgen -G "$UBIQ_CACHE_DIR/serve-*.aot" >/dev/null && break; sleep 0.5; done
    if compgen -G "$UBIQ_CACHE_DIR/serve-*.aot" >/dev/null; then
        echo "bin/ubiq serve AOT cache: $(du -h "$UBIQ_CACHE_DIR"/serve-*.aot | cut -f1)" | tee -a "$OUT/aot.txt"
        VARIANTS+=(serve-aot serve-cds)
    else
        echo "bin/ubiq serve made no AOT cache in 60 s: $(ls "$UBIQ_CACHE_DIR")" | tee -a "$OUT/aot.txt"
    fi
fi
# The variants take turns (plain, aot, c1, plain, ...) so a neighbour's burst hits them alike.
log "start-up, restart case (code cache warm): ${VARIANTS[*]}, $STARTS runs each"
for i in $(seq "$STARTS"); do
    if (( $(left) < 40 )); then
        echo "stopping the start-up runs after $((i - 1)) rounds: MAX_S is near" | tee -a "$OUT/aot.txt"
        break
    fi
    for v in "${VARIANTS[@]}"; do
        X=()
        [[ $v == aot ]] && X=(-XX:AOTCache="$OUT/node.aot")
        [[ $v == c1 ]] && X=(-XX:TieredStopAtLevel=1)
        CMD=("$JAVA" "${OPTS[@]}" "${X[@]}" "${NODE[@]}")
        [[ $v == serve-aot ]] && CMD=("${SERVE[@]}")
        [[ $v == serve-cds ]] && CMD=(env UBIQ_AOT=0 "${SERVE[@]}")
        echo "$v $(python3 "$HERE/startup_probe.py" "$PORT" "$TOKEN" hello -- "${CMD[@]}")" \
            | tee -a "$OUT/startup-$v.txt"
    done
done

if (( $(left) > 45 )); then
    log "information only: throughput at -XX:TieredStopAtLevel=1"
    start node "$OUT/node-c1.log" "${OPTS[@]}" -XX:TieredStopAtLevel=1 "${NODE[@]}"
    DURATION=10s WARMUP=5s warm node-c1 "$URL"
    DURATION=10s measure node-c1 "$URL" "$SERVER_PID"
    stop "$SERVER_PID"
else
    log "skipped the TieredStopAtLevel=1 throughput run: MAX_S is near"
fi
fi # DIAG

# ---------------------------------------------------------------- summary
ms() { # a wrk latency like 812.00us / 3.84ms / 1.02s, in ms
    awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}
rps() { awk '/^Requests\/sec/{print $2}' "$1"; }
pct() { ms "$(awk -v p="$2%" '$1==p{print $2}' "$1")"; echo; }
non2xx() { awk '/Non-2xx/{n=$NF} END{print n+0}' "$1"; }
sockerr() { grep -h 'Socket errors' "$1" || echo "none"; }
median() { sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
field() { grep -o "$2=[0-9.]*" "$1" | cut -d= -f2; }

sum_rps() { for f in "$@"; do rps "$f"; done | awk '{s+=$1} END{printf "%.0f", s/NR}'; }
NETTY_FILES=(); NODE_FILES=()
for r in $(seq "$ROUNDS"); do NETTY_FILES+=("$OUT/wrk-netty-r$r.txt"); NODE_FILES+=("$OUT/wrk-node-r$r.txt"); done
N_RPS=$(sum_rps "${NETTY_FILES[@]}"); U_RPS=$(sum_rps "${NODE_FILES[@]}")
NODE_P99=$(for f in "${NODE_FILES[@]}"; do pct "$f" 99; done | median)
NODE_NON2XX=$(for f in "${NODE_FILES[@]}"; do non2xx "$f"; done | awk '{s+=$1} END{print s+0}')
{
    echo "# Node over HTTP: $(date -u +%FT%TZ)"
    echo
    echo '```'; cat "$OUT/machine.txt"; echo '```'
    echo
    echo "Ratio: to the Netty run of the same round (node-c1: to the mean Netty rate). CPU: cores used during the run by the server, by wrk, and by everything else on the machine."
    echo
    echo "| run | requests/s | ratio to Netty | p50 ms | p90 ms | p99 ms | non-2xx | socket errors | CPU (cores) | server CPU µs/request |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---|---:|"
    for n in $(for r in $(seq "$ROUNDS"); do echo "netty-r$r"; for d in "${DIAG_NAMES[@]}"; do echo "$d-r$r"; done; echo "node-r$r"; done) node-c1; do
        f="$OUT/wrk-$n.txt"
        [[ -f "$f" ]] || continue
        r=$(rps "$f")
        base="$N_RPS"
        [[ $n == *-r[0-9]* && $n != netty-r* ]] && base=$(rps "$OUT/wrk-netty-r${n##*-r}.txt")
        [[ $n == netty-r* ]] && base=$r
        echo "| $n | $r | $(awk -v a="$r" -v b="$base" 'BEGIN{printf "%.2f", a/b}') | $(pct "$f" 50) | $(pct "$f" 90) | $(pct "$f" 99) | $(non2xx "$f") | $(sockerr "$f" | sed 's/^ *//') | $(grep cpu_cores "$f" | cut -d' ' -f2-5) | $(field "$f" server_us_per_request) |"
    done
    echo
    cpu_per_req() { for f in "$@"; do echo "$(field "$f" server_us_per_request) $(field "$f" wrk_us_per_request)"; done | awk '{s+=$1+$2} END{printf "%.1f", s/NR}'; }
    NC=$(cpu_per_req "${NETTY_FILES[@]}"); UC=$(cpu_per_req "${NODE_FILES[@]}")
    echo "CPU per request, server + wrk (mean of rounds): Netty $NC µs, node $UC µs. If the 2 cores were this benchmark's alone and"
    echo "CPU-bound, the node would reach about $(awk -v a="$NC" -v b="$UC" 'BEGIN{printf "%.0f%%", 100*a/b}') of the Netty ceiling (a projection, not a measurement)."
    echo
    echo "node counters after the load: rejected=$(metric ubiq_node_rejected_total "$OUT/metrics-after-load.txt")" \
        "busy=$(awk '/^ubiq_invocations_total\{function="hello",outcome="busy"\}/{print $2}' "$OUT/metrics-after-load.txt")" \
        "ok=$(awk '/^ubiq_invocations_total\{function="hello",outcome="ok"\}/{print $2}' "$OUT/metrics-after-load.txt")"
    echo
    echo "## idle memory"; echo '```'; cat "$OUT/memory.txt"; echo '```'
    echo
    echo "## start-up (restart case), median of up to $STARTS: fork → /healthz 200, fork → first invoke 200, CPU time at that point"
    for n in plain aot c1 serve-first serve-second serve-aot serve-cds; do
        f="$OUT/startup-$n.txt"
        grep -q first_invoke_ms "$f" 2>/dev/null || continue
        echo "- $n: healthz $(field "$f" healthz_ms | median) ms, first invoke $(field "$f" first_invoke_ms | median) ms," \
            "CPU $(field "$f" cpu_ms | median) ms (first-invoke runs: $(field "$f" first_invoke_ms | tr '\n' ' '))"
    done
    sed 's/^/- /' "$OUT/aot.txt"
    echo
    echo "## goals"
    echo "- node ≥ 70% of the Netty ceiling (mean of $ROUNDS rounds: $U_RPS / $N_RPS requests/s): $(awk -v a="$U_RPS" -v b="$N_RPS" 'BEGIN{r=a/b; printf "%.0f%% %s", r*100, (r>=0.7?"met":"NOT MET")}')"
    echo "- node p99 ≤ 5 ms (median of rounds): $(awk -v p="$NODE_P99" 'BEGIN{printf "%s ms %s", p, (p<=5?"met":"NOT MET")}')"
    echo "- node non-2xx = 0: $NODE_NON2XX $( [[ $NODE_NON2XX == 0 ]] && echo met || echo 'NOT MET')"
} > "$OUT/summary.md"
log "summary ($OUT/summary.md)"
cat "$OUT/summary.md"
