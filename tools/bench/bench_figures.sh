# shellcheck shell=bash
# scripts/bench.sh: arithmetic on the figures: medians, ratios, loyalty-bench JSON reports, CPU shares, memory and cache counts.
# Sourced by scripts/bench.sh; the functions read its settings and state ($work, $bin, ...).

failed_calls() {  # the runs whose calls failed, with their codes, from the JSON reports
  python3 - "$work" <<'PY'
import glob, json, os, sys
runs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    try:
        overall = json.load(open(path))["overall"]
    except (OSError, ValueError, KeyError, TypeError):
        continue
    if overall.get("errors", 0) > 0:
        codes = ", ".join(f"{code} {n}" for code, n in overall["errors_by_code"].items())
        runs.append(f"{os.path.basename(path)[:-5]} {overall['errors']} ({codes})")
print("; ".join(runs) + "." if runs else "none.")
PY
}

ratio() { python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
try: print(f"{float(a) / float(b):.2f}")
except (ValueError, ZeroDivisionError): print("n/a")' "$1" "$2"; }

value() { [[ -s $1 ]] && cat "$1" || echo n/a; }

median() { sort -g | awk '{v[NR] = $1} END {print (NR == 0 ? "n/a" : v[int((NR + 1) / 2)])}'; }

json_number() {  # json_number FILE KEY: overall[KEY] of a loyalty-bench JSON report
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["overall"][sys.argv[2]])' \
    "$1" "$2"
}

json_p99() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"]["latency_us"]["p99"])' "$1"
}

half() { python3 -c 'import sys
try: print(max(1, round(float(sys.argv[1]) / 2)))
except ValueError: print("n/a")' "$1"; }

# cpu_share NAME DELAY_S SECONDS: in the background, the CPU each program uses from DELAY_S into
# the run for SECONDS into $work/NAME.cpu; its pid in $cpu_pid. The window must end before the
# run's processes do (pgbench's backends exit with it), or their time is not counted.
cpu_share() {
  timeout $((DURATION_S + 30)) python3 tools/bench/cpu_share.py "$2" "$3" "$(date +%s.%N)" \
    >"$work/$1.cpu" 2>/dev/null &
  cpu_pid=$!
}

rss() { [[ -n $1 && -r /proc/$1/status ]] && awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' \
  "/proc/$1/status" || echo "n/a"; }
add() { python3 -c 'import sys
try: print(int(sys.argv[1]) + int(sys.argv[2]))
except ValueError: print("n/a")' "$1" "$2"; }

cache_lookups() {  # cache_lookups RESULT: hit, shared or miss, GetBalances calls since the first scrape
  prom counter "$work/cache.metrics.before" "$work/cache.metrics.after" \
    loyalty_query_balance_cache_lookups_total result="$1" 2>/dev/null | sed 's/\.0*$//' || echo n/a
}

met() { python3 -c 'import sys
try: print("met" if float(sys.argv[1]) >= float(sys.argv[2]) else "**missed**")
except ValueError: print("not measured")' "$1" "$2"; }

met_at_most() { python3 -c 'import sys
try: print("met" if float(sys.argv[1]) <= float(sys.argv[2]) else "**missed**")
except ValueError: print("not measured")' "$1" "$2"; }

rss_met() { met_at_most "$(echo "$1" | cut -d' ' -f1)" 99.999; }
