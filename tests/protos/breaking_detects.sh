#!/usr/bin/env bash
# The breaking check is not vacuous: on a copy of protos/ with a field removed from a request,
# and with a method removed, `buf breaking` against the release baseline fails and names it.
# usage: breaking_detects.sh BUF PROTOS_DIR BASELINE_IMAGE
set -euo pipefail
buf=$1 protos=$2 baseline=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BUF_CACHE_DIR="$work/cache"
passed=0 failed=0

# expect_break NAME SED_SCRIPT FILE EXPECTED: the edited copy must fail with EXPECTED in the report.
expect_break() {
  rm -rf "$work/protos" && cp -r "$protos" "$work/protos"
  sed -i "$2" "$work/protos/$3"
  if cmp -s "$protos/$3" "$work/protos/$3"; then
    echo "FAIL: $1: the edit changed nothing"; failed=$((failed + 1)); return
  fi
  if report=$("$buf" breaking "$work/protos" --against "$baseline" 2>&1); then
    echo "FAIL: $1: buf breaking passed"; failed=$((failed + 1))
  elif grep -qF "$4" <<<"$report"; then
    echo "ok: $1"; passed=$((passed + 1))
  else
    echo "FAIL: $1: the report does not say '$4':"; echo "$report"; failed=$((failed + 1))
  fi
}

expect_break "a removed field" '/int64 min_position = 3;/d' loyalty/v1/query.proto \
  'with name "min_position" on message "GetBalancesRequest" was deleted'
expect_break "a renamed field" 's/string order_ref = 1;/string order_reference = 1;/' \
  loyalty/v1/command.proto 'Field "1" with name "order_reference" on message "Purchase"'
expect_break "a removed method" '/rpc GetHousehold(/d' loyalty/v1/query.proto \
  'RPC "GetHousehold" on service "QueryService" was deleted'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
