#!/usr/bin/env bash
# Builds and runs the Ubiq JMH suite, then the native (gcc -O2) baselines, then prints a summary.
#
#   benchmarks/run.sh                          # everything (about 10 minutes on 2 cores)
#   benchmarks/run.sh WarmCallBench            # JMH args pass through: a regex, -p, -prof, ...
#   SKIP_BUILD=1 benchmarks/run.sh -f 1 -wi 1 -i 1 Compute
#
# Environment: JAVA_HOME (Java 25; default /usr/lib/jvm/temurin-25-jdk-amd64 when present),
# UBIQ_GUESTS (default <repo>/guests/out, built by guests/build.sh), SKIP_BUILD=1 to reuse the jar,
# NATIVE_REPS (default 301) repetitions of each native baseline.
# Output: benchmarks/target/jmh-result.json, jmh-output.txt, native.txt, summary.md
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
if [[ -z "${JAVA_HOME:-}" && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export UBIQ_GUESTS="${UBIQ_GUESTS:-$ROOT/guests/out}"
TARGET="$HERE/target"
JAR="$TARGET/benchmarks.jar"

if [[ ! -f "$UBIQ_GUESTS/trivial_reactor.wasm" ]]; then
    echo "no guest modules in $UBIQ_GUESTS: run guests/build.sh or set UBIQ_GUESTS" >&2
    exit 1
fi

cd "$ROOT"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    echo "== build"
    mvn -q -DskipTests install -pl benchmarks -am
fi

echo "== machine"
{
    echo "nproc: $(nproc)"
    lscpu | head -20
    "$JAVA" -version 2>&1
} | tee "$TARGET/machine.txt"

echo "== JMH"
# -prof gc: allocation per operation (gc.alloc.rate.norm), reported as B/op in the summary
"$JAVA" -Dubiq.guests="$UBIQ_GUESTS" -jar "$JAR" \
    -rf json -rff "$TARGET/jmh-result.json" -prof gc "$@" 2>&1 | tee "$TARGET/jmh-output.txt"

echo "== native baselines (gcc -O2, median of ${NATIVE_REPS:-301} runs)"
{
    "$UBIQ_GUESTS/native/fib" 30 "${NATIVE_REPS:-301}"
    "$UBIQ_GUESTS/native/matmul" 128 "${NATIVE_REPS:-301}"
} | tee "$TARGET/native.txt"

echo "== summary"
"$JAVA" -cp "$JAR" dev.ubiq.benchmarks.Summary "$TARGET/jmh-result.json" "$TARGET/native.txt" \
    | tee "$TARGET/summary.md"
