#!/usr/bin/env bash
# Brings the platform up on this machine: builds, starts a PostgreSQL cluster of its own in
# .run/pgdata (loopback port 54329), migrates, makes a throwaway CA and certificates in .run/pki
# (scripts/pki.sh; kept while valid) and a sample access policy (.run/access-policy.json, kept
# once written), starts loyalty-command and loyalty-query with mutual TLS and loyalty-worker,
# loads the demo organisation as the operator, and prints how to call it. Ctrl-C (or SIGTERM,
# SIGHUP) stops everything cleanly, PostgreSQL included, also when the output went to a pipe that
# is gone (`| head`, `| tee log` interrupted): docs/operations.md lists the environment variables.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly PG_PORT=${LOYALTY_PG_PORT:-54329}
readonly COMMAND_ADDRESS=${LOYALTY_COMMAND_ADDRESS:-127.0.0.1:50051}
readonly METRICS_ADDRESS=${LOYALTY_METRICS_ADDRESS:-127.0.0.1:9464}
readonly WORKER_METRICS_ADDRESS=${LOYALTY_WORKER_METRICS_ADDRESS:-127.0.0.1:9466}
readonly QUERY_ADDRESS=${LOYALTY_QUERY_ADDRESS:-127.0.0.1:50052}
readonly QUERY_METRICS_ADDRESS=${LOYALTY_QUERY_METRICS_ADDRESS:-127.0.0.1:9465}
# Where the cluster, the certificates and the policy live.
readonly RUN_DIR=${LOYALTY_RUN_DIR:-.run}
# Set: the binaries already built there are run, and nothing is built.
readonly BUILD_DIR=${LOYALTY_BUILD_DIR:-build}
readonly CTL=$BUILD_DIR/tools/loyaltyctl/loyaltyctl
readonly DATA_DIR=$RUN_DIR/pgdata
readonly DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/loyalty"
readonly PKI_DIR=$RUN_DIR/pki
readonly POLICY=$RUN_DIR/access-policy.json
# How long the services get to stop on SIGTERM before they are killed.
readonly STOP_SECONDS=30

# Output that must not stop the script when nobody reads it any more.
say() { printf '%s\n' "$@" 2>/dev/null || true; }

# A process of ours that has not exited (a zombie waiting to be reaped has).
alive() {
  local state
  state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || true
  [[ -n $state && $state != Z ]]
}

pids=()
# Runs once, on every way out (EXIT; the signals below exit through it): the services get
# SIGTERM, then SIGKILL after STOP_SECONDS, then the cluster is stopped. Writing to a closed pipe
# fails here without stopping anything (SIGPIPE is ignored), and further signals wait.
stop_all() {
  local status=$?
  trap '' INT TERM HUP
  trap - EXIT
  set +e
  say "" "stopping..."
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  local deadline=$((SECONDS + STOP_SECONDS))
  for pid in "${pids[@]}"; do
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if alive "$pid"; then
      say "pid $pid did not stop within ${STOP_SECONDS}s: killed"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  bash scripts/pg-local.sh stop "$DATA_DIR"
  say "stopped."
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 143' TERM
# A closed stdout makes writes fail (EPIPE; set -e then exits through stop_all) instead of
# killing the script before it stopped anything. The services inherit it: their log lines to a
# closed pipe are dropped.
trap '' PIPE

if [[ -z ${LOYALTY_BUILD_DIR:-} ]]; then bash scripts/build.sh; fi


bash scripts/pg-local.sh start "$DATA_DIR" "$PG_PORT"
psql_run() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [[ -z $(psql_run -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'loyalty'") ]]; then
  psql_run -d postgres -c "CREATE DATABASE loyalty"
fi
"$BUILD_DIR"/services/command/loyalty-command migrate --database_url="$DATABASE_URL"

# The CA, the services' certificate (localhost, 127.0.0.1), the operator's and a shop's; made
# again when one is missing or expires within a day.
certificates_valid() {
  for name in ca server operator shop; do
    [[ -f $PKI_DIR/$name.key ]] || return 1
    openssl x509 -checkend 86400 -noout -in "$PKI_DIR/$name.crt" >/dev/null 2>&1 || return 1
  done
}
if ! certificates_valid; then
  rm -rf "$PKI_DIR"
  bash scripts/pki.sh local "$PKI_DIR"
  bash scripts/pki.sh issue "$PKI_DIR" shop --spiffe=spiffe://loyalty.local/shop/demo-pos
fi
# The operator may do everything (loyaltyctl); every shop identity earns, burns and reads on
# "demo". Edit it while the services run: they re-read it (docs/security.md).
if [[ ! -f $POLICY ]]; then
  cat >"$POLICY" <<'JSON'
{"grants": [
  {"identity": "spiffe://loyalty.local/operator", "roles": ["operator"], "all_orgs": true},
  {"identity_prefix": "spiffe://loyalty.local/shop/", "roles": ["earn_burn", "read"],
   "org_ids": ["demo"]}
]}
JSON
fi
tls=(--tls_cert="$PKI_DIR/server.crt" --tls_key="$PKI_DIR/server.key"
  --tls_client_ca="$PKI_DIR/ca.crt" --access_policy="$POLICY")

"$BUILD_DIR"/services/command/loyalty-command serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen="$METRICS_ADDRESS" "${tls[@]}" &
pids+=($!)
"$BUILD_DIR"/services/query/loyalty-query --database_url="$DATABASE_URL" \
  --listen="$QUERY_ADDRESS" --metrics_listen="$QUERY_METRICS_ADDRESS" "${tls[@]}" &
pids+=($!)
"$BUILD_DIR"/services/worker/loyalty-worker --database_url="$DATABASE_URL" \
  --metrics_listen="$WORKER_METRICS_ADDRESS" &
pids+=($!)

operator_tls=(--tls_cert="$PKI_DIR/operator.crt" --tls_key="$PKI_DIR/operator.key"
  --tls_ca="$PKI_DIR/ca.crt")
bash scripts/demo.sh --target="$COMMAND_ADDRESS" "${operator_tls[@]}" \
  "$CTL"

cat <<INFO

The loyalty platform is running, with mutual TLS on its gRPC ports:
  command + admin gRPC   $COMMAND_ADDRESS   (health, reflection on)
  query gRPC             $QUERY_ADDRESS   (balances, redemptions, tiers, history)
  certificates           $PKI_DIR/ (ca.crt; server, operator and shop .crt/.key; throwaway)
  access policy          $POLICY (operator: every role; shops: earn_burn, read on demo)
  Prometheus metrics     http://$METRICS_ADDRESS/metrics (command)
                         http://$QUERY_METRICS_ADDRESS/metrics (query, projector)
  worker (expiry, tiers) http://$WORKER_METRICS_ADDRESS/metrics
  PostgreSQL             $DATABASE_URL

Demo organisation "demo": programs "shop" (default) and "travel", members "ann" and "ben".
Try it with the operator CLI and the operator's certificate (docs/operator-guide.md; --help
lists every command):
  ctl="$CTL --target=$COMMAND_ADDRESS --query_target=$QUERY_ADDRESS"
  ctl+=" ${operator_tls[*]}"
  \$ctl balances --org=demo --member=ann
  \$ctl member show --org=demo --member=ann
  \$ctl points accrue --org=demo --member=ben --order=o-42 --amount=5000 --currency=USD
  \$ctl --json points redeem --org=demo --member=ann --points=25 --reward=coffee
  \$ctl program show --org=demo --program=shop
As a shop (earn, burn and read on demo only; anything else is PERMISSION_DENIED):
  shop="$CTL --target=$COMMAND_ADDRESS --query_target=$QUERY_ADDRESS"
  shop+=" --tls_cert=$PKI_DIR/shop.crt --tls_key=$PKI_DIR/shop.key --tls_ca=$PKI_DIR/ca.crt"
  \$shop balances --org=demo --member=ben

Press Ctrl-C to stop everything.
INFO
wait "${pids[0]}"
