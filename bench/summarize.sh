#!/usr/bin/env bash
# Prints one table from the JSON files bench/run.sh wrote (<scenario>-<target>.json).
set -euo pipefail
RESULTS="$1"
value() { # scenario target jq-expression: the median over rounds (lower median for an even count)
  local files=("$RESULTS/$1-$2"-r*.json)
  [[ -f "${files[0]}" ]] || return 0
  jq -s -r "[.[] | $3 | select(. != null)] | sort | if length == 0 then empty else .[((length - 1) / 2 | floor)] end" "${files[@]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "") print "-"; else printf f, v }'; }
row() { # label scenario jq-expression format
  local full ceiling js
  full="$(value "$2" full "$3")"; ceiling="$(value "$2" ceiling "$3")"; js="$(value "$2" grpc-js "$3")"
  printf '| %-44s | %10s | %10s | %10s | %12s | %12s |\n' "$1" "$(fmt "$full" "$4")" "$(fmt "$ceiling" "$4")" "$(fmt "$js" "$4")" \
    "$(ratio "$full" "$ceiling")" "$(ratio "$full" "$js")"
}
errors() { # scenario
  local out="" target
  for target in full ceiling grpc-js; do
    local files=("$RESULTS/$1-$target"-r*.json)
    [[ -f "${files[0]}" ]] || continue
    local e; e="$(jq -s -r '[.[].errors | to_entries[]] | group_by(.key) | map("\(.[0].key)=\(map(.value) | add)") | join(",")' "${files[@]}")"
    [[ -n "$e" ]] && out+=" $target:$e"
  done
  [[ -n "$out" ]] && echo "errors in scenario $1:$out"
  return 0
}

printf '| %-44s | %10s | %10s | %10s | %12s | %12s |\n' "scenario / figure" "full" "ceiling" "grpc-js" "full/ceiling" "full/grpc-js"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "------------" "------------" "------------" "--------------" "--------------"
row "(a) 64 conns GetSandboxPolicy calls/s" a .callsPerSecond "%.0f"
row "(a) p99 ms" a .latencyMs.p99 "%.2f"
row "(a) server CPU us/call" a .serverCpuMicrosecondsPerCall "%.0f"
row "(b) 1,000 conns paced calls/s" b .callsPerSecond "%.0f"
row "(b) p99 ms" b .latencyMs.p99 "%.2f"
row "(b) server peak RSS MiB" b .serverPeakRssMib "%.0f"
row "(c) new connection per call: handshakes/s" c .callsPerSecond "%.0f"
row "(c) p99 ms" c .latencyMs.p99 "%.2f"
row "(c) server CPU us/handshake+call" c .serverCpuMicrosecondsPerCall "%.0f"
row "(d) PushSandboxLogs lines/s" d .linesPerSecond "%.0f"
row "(d) p99 ms per stream" d .latencyMs.p99 "%.2f"
row "(d) server CPU us/stream" d .serverCpuMicrosecondsPerCall "%.0f"
for scenario in a b c d; do errors "$scenario"; done

# Per round: full and ceiling side by side (targets alternate within a round, so a round's ratio compares
# like with like), then the ratio's median and spread over rounds. For (a) and (c) the CPU ratio is the headline.
rounds() { # scenario
  local f r
  for f in "$RESULTS/$1-full"-r*.json; do
    [[ -f "$f" ]] || continue
    r="${f##*-r}"; r="${r%.json}"
    if [[ -f "$RESULTS/$1-ceiling-r$r.json" ]]; then echo "$r"; fi
  done | sort -n
}
field() { jq -r "$2 // empty" "$1"; }
spread() { # label ratios...: "label: median M (min–max A–B over N rounds)"
  local label="$1"; shift
  [[ $# -gt 0 ]] || return 0
  printf '%s\n' "$@" | sort -g | awk -v label="$label" '{ v[NR] = $1 } END {
    printf "%s: median %.2f (min-max %.2f-%.2f over %d rounds)\n", label, v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}
per_round() { # scenario title
  local scenario="$1" r full ceiling ratios=() rss_ratios=() full_kib=() ceiling_kib=()
  local list; list="$(rounds "$scenario")"
  [[ -n "$list" ]] || return 0
  echo
  echo "$2, per round (full vs ceiling):"
  if [[ "$scenario" == b ]]; then
    printf '| %5s | %9s | %24s | %24s | %11s | %17s | %9s |\n' round "load avg" "full RSS idle/open/peak" "ceiling RSS idle/open/peak" "peak ratio" "KiB/conn full/ceil" "CPU ratio"
  else
    printf '| %5s | %9s | %19s | %22s | %22s | %9s |\n' round "load avg" "calls/s full/ceiling" "full CPU us/call" "ceiling CPU us/call" "CPU ratio"
  fi
  for r in $list; do
    full="$RESULTS/$scenario-full-r$r.json"; ceiling="$RESULTS/$scenario-ceiling-r$r.json"
    local cpu_ratio; cpu_ratio="$(ratio "$(field "$full" .serverCpuMicrosecondsPerCall)" "$(field "$ceiling" .serverCpuMicrosecondsPerCall)")"
    [[ "$cpu_ratio" != "-" ]] && ratios+=("$cpu_ratio")
    local load; load="$(fmt "$(field "$full" .loadAverage1m)" %.1f)/$(fmt "$(field "$ceiling" .loadAverage1m)" %.1f)"
    if [[ "$scenario" == b ]]; then
      local peak_ratio; peak_ratio="$(ratio "$(field "$full" .serverPeakRssMib)" "$(field "$ceiling" .serverPeakRssMib)")"
      [[ "$peak_ratio" != "-" ]] && rss_ratios+=("$peak_ratio")
      local fk ck; fk="$(field "$full" .serverRssKibPerConnection)"; ck="$(field "$ceiling" .serverRssKibPerConnection)"
      [[ -n "$fk" ]] && full_kib+=("$fk"); [[ -n "$ck" ]] && ceiling_kib+=("$ck")
      printf '| %5s | %9s | %24s | %24s | %11s | %17s | %9s |\n' "$r" "$load" \
        "$(jq -r '[.serverIdleRssMib, .serverOpenRssMib, .serverPeakRssMib] | map(if . == null then "-" else (. | round | tostring) end) | join("/")' "$full")" \
        "$(jq -r '[.serverIdleRssMib, .serverOpenRssMib, .serverPeakRssMib] | map(if . == null then "-" else (. | round | tostring) end) | join("/")' "$ceiling")" \
        "$peak_ratio" "$(fmt "$fk" %.0f)/$(fmt "$ck" %.0f)" "$cpu_ratio"
    else
      printf '| %5s | %9s | %19s | %22s | %22s | %9s |\n' "$r" "$load" \
        "$(fmt "$(field "$full" .callsPerSecond)" %.0f)/$(fmt "$(field "$ceiling" .callsPerSecond)" %.0f)" \
        "$(fmt "$(field "$full" .serverCpuMicrosecondsPerCall)" %.1f)" "$(fmt "$(field "$ceiling" .serverCpuMicrosecondsPerCall)" %.1f)" "$cpu_ratio"
    fi
  done
  spread "($scenario) server CPU per call, full/ceiling" "${ratios[@]}"
  if [[ "$scenario" == b ]]; then
    spread "(b) peak RSS (fresh server), full/ceiling" "${rss_ratios[@]}"
    spread "(b) full RSS KiB per open connection" "${full_kib[@]}"
    spread "(b) ceiling RSS KiB per open connection" "${ceiling_kib[@]}"
  fi
}
per_round a "(a) 64 conns GetSandboxPolicy"
per_round b "(b) 1,000 conns held open, paced (fresh server per round)"
per_round c "(c) new connection per call"
per_round d "(d) PushSandboxLogs"
if compgen -G "$RESULTS/e-full-defaults-r*.json" >/dev/null; then
  e() { fmt "$(value e full-defaults "$1")" "$2"; }
  echo
  echo "(e) one sandbox floods PushSandboxLogs on $(e .floodStreams %.0f) streams; full with default limits; victims alone -> during the flood:"
  printf '| %-44s | %10s | %10s |\n' "figure" "alone" "flooded"
  printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "------------" "------------"
  printf '| %-44s | %10s | %10s |\n' "ReportPolicyStatus (other sandboxes) p50 ms" "$(e .alone.report.p50 %.1f)" "$(e .flooded.report.p50 %.1f)"
  printf '| %-44s | %10s | %10s |\n' "ReportPolicyStatus (other sandboxes) p99 ms" "$(e .alone.report.p99 %.1f)" "$(e .flooded.report.p99 %.1f)"
  printf '| %-44s | %10s | %10s |\n' "UpdateSandboxPolicy (ADMIN) p50 ms" "$(e .alone.update.p50 %.1f)" "$(e .flooded.update.p50 %.1f)"
  printf '| %-44s | %10s | %10s |\n' "UpdateSandboxPolicy (ADMIN) p99 ms" "$(e .alone.update.p99 %.1f)" "$(e .flooded.update.p99 %.1f)"
  printf '| %-44s | %10s | %10s |\n' "flooder accepted lines/s" "-" "$(e .flooded.floodLinesPerSecond %.0f)"
fi
