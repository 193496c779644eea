#!/usr/bin/env bash
# A few-second smoke of bench/run.sh for CI: one short scenario against the full server only, so the
# benchmark cannot rot. Asserts that calls succeeded, never a timing.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RESULTS="$(mktemp -d "${TMPDIR:-/tmp}/sandboxcontrol-bench-smoke.XXXXXX")"
trap 'rm -rf "$RESULTS"' EXIT
BENCH_SCENARIOS=a BENCH_TARGETS=full BENCH_DURATION=2 BENCH_WARMUP=1 BENCH_WARM_PASS=1 BENCH_STORE_SANDBOXES=16 \
  BENCH_A_CONNECTIONS=4 BENCH_A_CONCURRENCY=2 BENCH_RESULTS="$RESULTS" "$BENCH_DIR/run.sh"
jq -e '.calls > 0 and (.errors | length) == 0' "$RESULTS/a-full-r1.json" >/dev/null \
  || { echo "bench smoke: no successful calls or errors reported" >&2; cat "$RESULTS/a-full-r1.json" >&2; exit 1; }
echo "bench smoke: ok"
