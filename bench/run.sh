#!/usr/bin/env bash
# Runs every benchmark target (full SandboxControl, bare Kestrel ceiling, grpc-js peer) through the
# same scenarios with the same certificates, on 127.0.0.1 only, and prints one table.
# Durations and sizes come from environment variables (see bench/README.md); everything stops by itself.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="${SANDBOXCONTROL_REPO:-$(dirname "$BENCH_DIR")}"   # where the server's sources are built from
DURATION="${BENCH_DURATION:-10}"          # measured seconds per scenario and target
WARMUP="${BENCH_WARMUP:-2}"               # unmeasured seconds before each measurement
WARM_PASS="${BENCH_WARM_PASS:-8}"         # unmeasured seconds per target before round 1 (JIT tier-up of the paths used)
SCENARIOS="${BENCH_SCENARIOS:-a b c d}"   # subset, e.g. "a"
ROUNDS="${BENCH_ROUNDS:-1}"               # targets alternate within each round; the table shows the median round
TARGETS="${BENCH_TARGETS-full ceiling grpc-js}"   # may be empty (BENCH_TARGETS= with BENCH_SCENARIOS=e)
STORE_SANDBOXES="${BENCH_STORE_SANDBOXES:-10000}"   # sandboxes seeded into the full server's store
A_CONNECTIONS="${BENCH_A_CONNECTIONS:-64}"
A_CONCURRENCY="${BENCH_A_CONCURRENCY:-4}"
A_RATE="${BENCH_A_RATE:-}"                # empty: closed loop; else calls/s in total (every target at the same load)
B_CONNECTIONS="${BENCH_B_CONNECTIONS:-1000}"
B_RATE="${BENCH_B_RATE:-1000}"            # total calls/s across the held-open connections ("moderate")
B_WARMUP="${BENCH_B_WARMUP:-2}"           # after all 1,000 connections are open (not measured)
C_CONNECTIONS="${BENCH_C_CONNECTIONS:-16}"
D_CONNECTIONS="${BENCH_D_CONNECTIONS:-16}"
D_LINES="${BENCH_D_LINES_PER_MESSAGE:-100}"
D_MESSAGES="${BENCH_D_MESSAGES_PER_STREAM:-10}"
POLICY_BYTES="${BENCH_POLICY_BYTES:-512}"
E_STREAMS="${BENCH_E_STREAMS:-16}"        # flooding PushSandboxLogs streams of one sandbox
E_VICTIMS="${BENCH_E_VICTIMS:-8}"         # other sandboxes reporting policy status meanwhile
E_LINES="${BENCH_E_LINES_PER_MESSAGE:-10}"
SERVER_GC="${BENCH_SERVER_GC:-1}"         # DOTNET_gcServer for full and ceiling (1 = the Web SDK default)
TRUST_DOMAIN="bench.test"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sandboxcontrol-bench.XXXXXX")"
RESULTS="${BENCH_RESULTS:-$WORK/results}"
mkdir -p "$RESULTS"

PIDS=()
FAILED=0
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -z "${BENCH_KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_port() { # pid port name
  for _ in $(seq 1 600); do
    if ! kill -0 "$1" 2>/dev/null; then log "$3 exited during start-up; its log:"; cat "$WORK/$3.log" >&2; exit 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "$3 did not open port $2 within 60 s"; exit 1
}

log "building (Release)"
dotnet build "$REPO/src/SandboxControl.Server/SandboxControl.Server.csproj" -c Release -o "$WORK/build/server" -nologo -v q >"$WORK/build-server.log" 2>&1 || { cat "$WORK/build-server.log"; exit 1; }
if [[ " $TARGETS " == *" full-base "* ]]; then
  [[ -n "${BENCH_BASE_REPO:-}" ]] || { log "target full-base needs BENCH_BASE_REPO (a checkout to compare with)"; exit 1; }
  dotnet build "$BENCH_BASE_REPO/src/SandboxControl.Server/SandboxControl.Server.csproj" -c Release -o "$WORK/build/server-base" -nologo -v q >"$WORK/build-server-base.log" 2>&1 || { cat "$WORK/build-server-base.log"; exit 1; }
fi
dotnet build "$BENCH_DIR/Ceiling/Ceiling.csproj" -c Release -o "$WORK/build/ceiling" -nologo -v q >"$WORK/build-ceiling.log" 2>&1 || { cat "$WORK/build-ceiling.log"; exit 1; }
dotnet build "$BENCH_DIR/SandboxControl.Bench/SandboxControl.Bench.csproj" -c Release -o "$WORK/build/bench" -nologo -v q >"$WORK/build-bench.log" 2>&1 || { cat "$WORK/build-bench.log"; exit 1; }
if [[ " $TARGETS " == *" grpc-js "* ]]; then
  (cd "$BENCH_DIR/peers/grpc-js" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1) || { cat "$WORK/npm.log"; exit 1; }
fi
BENCH=(dotnet "$WORK/build/bench/sandboxcontrol-bench.dll")

CERTS="$WORK/certs"
"${BENCH[@]}" certs --out "$CERTS" --trust-domain "$TRUST_DOMAIN" >/dev/null
(umask 077 && head -c 32 /dev/urandom | base64 >"$WORK/secrets.key")

declare -A PORT PID
start_target() { # name
  local name="$1" port; port="$(free_port)"
  case "$name" in
    full|full-defaults|full-nofsync|full-base)
      # full-defaults (scenario e) keeps the default rate limits: fairness is measured as shipped.
      # full-nofsync (opt-in via BENCH_TARGETS): the same build with the audit's fsync off, to measure in one
      # run what durable audit costs. full-base (opt-in): the server built from BENCH_BASE_REPO, to measure a
      # change before and after in one run. Each has its own data directory.
      local limits=(--RateLimit:Enabled=false) data="$WORK/data-$name" fsync=true build="$WORK/build/server"
      [[ "$name" == full-base ]] && build="$WORK/build/server-base"
      [[ "$name" == full-defaults ]] && limits=()
      [[ "$name" == full-nofsync ]] && fsync=false
      mkdir -p "$data"
      # Started from its own directory: the content root is the working directory, and without the
      # shipped appsettings.json the server logs four Information lines per request.
      (cd "$build" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_gcServer="$SERVER_GC" SANDBOXCONTROL_STAGE_TIMING="${BENCH_STAGE_TIMING:-}" dotnet "$build/SandboxControl.Server.dll" \
        --Server:ListenAddress=127.0.0.1 --Server:Port="$port" \
        --Tls:ServerCertificatePath="$CERTS/server.crt" --Tls:ServerKeyPath="$CERTS/server.key" --Tls:ClientCaPath="$CERTS/ca.crt" \
        --Identity:TrustDomain="$TRUST_DOMAIN" --Authorization:Operators:bench=Admin --Authorization:Operators:bench-issuer=Issuer \
        --Issuance:CaCertificatePath="$CERTS/ca.crt" --Issuance:CaKeyPath="$CERTS/ca.key" \
        --Storage:SqlitePath="$data/sandboxcontrol.db" --Secrets:KeyPath="$WORK/secrets.key" \
        --Audit:Path="$data/audit.log" --Audit:Fsync="$fsync" "${limits[@]}") >"$WORK/$name.log" 2>&1 &
      ;;
    ceiling)
      DOTNET_gcServer="$SERVER_GC" dotnet "$WORK/build/ceiling/sandboxcontrol-ceiling.dll" --Ceiling:Port="$port" \
        --Ceiling:ServerCertificatePath="$CERTS/server.crt" --Ceiling:ServerKeyPath="$CERTS/server.key" \
        --Ceiling:ClientCaPath="$CERTS/ca.crt" --Ceiling:PolicyBytes="$POLICY_BYTES" >"$WORK/ceiling.log" 2>&1 &
      ;;
    grpc-js)
      node "$BENCH_DIR/peers/grpc-js/server.js" --port "$port" --cert "$CERTS/server.crt" --key "$CERTS/server.key" \
        --ca "$CERTS/ca.crt" --trust-domain "$TRUST_DOMAIN" --policy-bytes "$POLICY_BYTES" >"$WORK/grpc-js.log" 2>&1 &
      ;;
  esac
  PID[$name]=$!; PORT[$name]=$port; PIDS+=("$!")
  wait_port "${PID[$name]}" "$port" "$name"
  log "$name listening on 127.0.0.1:$port (pid ${PID[$name]})"
}

# Scenario b on a freshly started process each round, so its peak RSS (VmHWM) is b's alone, not what
# scenario a and earlier rounds left behind. full keeps its data directory (store, seeded sandboxes).
restart_target() { # name
  local name="$1"
  kill "${PID[$name]}" 2>/dev/null || true
  wait "${PID[$name]}" 2>/dev/null || true
  start_target "$name"
}

# The full server accepts only sandbox certificates it issued and recorded (its allow list): it issues them.
issue_args() { # target
  if [[ "$1" == full* ]]; then echo --issuer-cert "$CERTS/issuer.crt" --issuer-key "$CERTS/issuer.key"; else echo --ca-key "$CERTS/ca.key"; fi
}

# Issues scenario b's certificates before the restart, so the fresh process's peak RSS is the connections' alone.
issue_then_restart() { # target
  local target="$1" dir="$WORK/identities-b-$1-r$round"
  # shellcheck disable=SC2046
  "${BENCH[@]}" issue --target "https://127.0.0.1:${PORT[$target]}" --ca-cert "$CERTS/ca.crt" $(issue_args "$target") \
    --trust-domain "$TRUST_DOMAIN" --sandboxes "$B_CONNECTIONS" --identities "$dir" >&2
  restart_target "$target"
  B_IDENTITIES=(--identities "$dir")
}

run_load() { # target scenario extra-args...
  local target="$1" scenario="$2"; shift 2
  log "round $round: scenario $scenario against $target (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local issue; read -r -a issue <<<"$(issue_args "$target")"
  "${BENCH[@]}" run --target "https://127.0.0.1:${PORT[$target]}" --ca-cert "$CERTS/ca.crt" "${issue[@]}" \
    --trust-domain "$TRUST_DOMAIN" --server-pid "${PID[$target]}" --label "$scenario/$target" \
    --json "$RESULTS/$scenario-$target-r$round.json" "$@" | sed 's/^/    /' >&2 || { log "scenario $scenario against $target failed"; FAILED=1; }
}

for target in $TARGETS; do start_target "$target"; done
[[ " $SCENARIOS " == *" e "* ]] && start_target full-defaults
for target in $TARGETS; do
  [[ "$target" == full* ]] || continue
  log "seeding $STORE_SANDBOXES sandboxes into $target"
  "${BENCH[@]}" seed --target "https://127.0.0.1:${PORT[$target]}" --ca-cert "$CERTS/ca.crt" \
    --operator-cert "$CERTS/operator.crt" --operator-key "$CERTS/operator.key" \
    --count "$STORE_SANDBOXES" --policy-bytes "$POLICY_BYTES" >&2
done

# One unmeasured pass per target before round 1: otherwise round 1 catches the ceiling's JIT tier-up while
# full, which has just served the certificate issuance, is already warm (seen as a 0.44 CPU ratio).
# The log path is warmed too when (d) runs: its tier-up alone took about 4 s of CPU in the first 10 s of load.
round=0
for target in $TARGETS; do
  run_load "$target" warm --rpc get-policy --connections "$A_CONNECTIONS" --concurrency-per-connection "$A_CONCURRENCY" \
    --sandboxes "$A_CONNECTIONS" --duration "$WARM_PASS" --warmup 1
  if [[ " $SCENARIOS " == *" d "* ]]; then
    run_load "$target" warm --rpc push-logs --connections "$D_CONNECTIONS" --concurrency-per-connection 1 \
      --sandboxes "$D_CONNECTIONS" --lines-per-message "$D_LINES" --messages-per-stream "$D_MESSAGES" \
      --duration "$WARM_PASS" --warmup 1
  fi
done

for round in $(seq 1 "$ROUNDS"); do
for scenario in $SCENARIOS; do
  if [[ "$scenario" == e ]]; then
    # Victims alone, then with the flood, in one run against the server with default limits.
    log "round $round: scenario e against full-defaults (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "${BENCH[@]}" fairness --target "https://127.0.0.1:${PORT[full-defaults]}" --ca-cert "$CERTS/ca.crt" \
      --issuer-cert "$CERTS/issuer.crt" --issuer-key "$CERTS/issuer.key" \
      --operator-cert "$CERTS/operator.crt" --operator-key "$CERTS/operator.key" --trust-domain "$TRUST_DOMAIN" \
      --connections "$E_STREAMS" --sandboxes "$E_VICTIMS" --lines-per-message "$E_LINES" --messages-per-stream 10 \
      --duration "$DURATION" --warmup "$WARMUP" --label e/full-defaults --json "$RESULTS/e-full-defaults-r$round.json" \
      | sed 's/^/    /' >&2 || { log "scenario e failed"; FAILED=1; }
    continue
  fi
  for target in $TARGETS; do
    case "$scenario" in
      a) run_load "$target" a --rpc get-policy --connections "$A_CONNECTIONS" --concurrency-per-connection "$A_CONCURRENCY" \
           --sandboxes "$A_CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" ${A_RATE:+--rate "$A_RATE"} ;;
      b) issue_then_restart "$target"
         run_load "$target" b "${B_IDENTITIES[@]}" --rpc get-policy --connections "$B_CONNECTIONS" --concurrency-per-connection 1 \
           --sandboxes "$B_CONNECTIONS" --rate "$B_RATE" --duration "$DURATION" --warmup "$B_WARMUP" ;;
      c) run_load "$target" c --rpc get-policy --new-connection-per-call --connections "$C_CONNECTIONS" --concurrency-per-connection 1 \
           --sandboxes 256 --duration "$DURATION" --warmup "$WARMUP" ;;
      d) run_load "$target" d --rpc push-logs --connections "$D_CONNECTIONS" --concurrency-per-connection 1 \
           --sandboxes "$D_CONNECTIONS" --lines-per-message "$D_LINES" --messages-per-stream "$D_MESSAGES" \
           --duration "$DURATION" --warmup "$WARMUP" ;;
    esac
  done
done
done

"$BENCH_DIR/summarize.sh" "$RESULTS"
[[ -n "${BENCH_KEEP:-}" ]] && log "results in $RESULTS"
exit "$FAILED"
