#!/usr/bin/env bash
# Brings the platform up on this machine: builds, starts a PostgreSQL cluster of its own in
# .run/pgdata (loopback port 54329), migrates, makes a throwaway CA and certificates in .run/pki
# (scripts/pki.sh; kept while valid) and a sample access policy (.run/access-policy.json, kept
# once written), starts loyalty-command and loyalty-query with mutual TLS and loyalty-worker,
# loads the demo organisation as the operator, and prints how to call it. Ctrl-C stops
# everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
readonly PG_PORT=${LOYALTY_PG_PORT:-54329}
readonly COMMAND_ADDRESS=${LOYALTY_COMMAND_ADDRESS:-127.0.0.1:50051}
readonly METRICS_ADDRESS=${LOYALTY_METRICS_ADDRESS:-127.0.0.1:9464}
readonly WORKER_METRICS_ADDRESS=${LOYALTY_WORKER_METRICS_ADDRESS:-127.0.0.1:9466}
readonly QUERY_ADDRESS=${LOYALTY_QUERY_ADDRESS:-127.0.0.1:50052}
readonly QUERY_METRICS_ADDRESS=${LOYALTY_QUERY_METRICS_ADDRESS:-127.0.0.1:9465}
readonly DATA_DIR=$root/.run/pgdata
readonly DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/loyalty"
readonly PKI_DIR=.run/pki
readonly POLICY=.run/access-policy.json

bash scripts/build.sh

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash scripts/pg-local.sh stop "$DATA_DIR" || true
  echo "stopped."
}
trap stop_all INT TERM EXIT

bash scripts/pg-local.sh start "$DATA_DIR" "$PG_PORT"
psql_run() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [[ -z $(psql_run -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'loyalty'") ]]; then
  psql_run -d postgres -c "CREATE DATABASE loyalty"
fi
build/services/command/loyalty-command migrate --database_url="$DATABASE_URL"

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

build/services/command/loyalty-command serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen="$METRICS_ADDRESS" "${tls[@]}" &
pids+=($!)
build/services/query/loyalty-query --database_url="$DATABASE_URL" \
  --listen="$QUERY_ADDRESS" --metrics_listen="$QUERY_METRICS_ADDRESS" "${tls[@]}" &
pids+=($!)
build/services/worker/loyalty-worker --database_url="$DATABASE_URL" \
  --metrics_listen="$WORKER_METRICS_ADDRESS" &
pids+=($!)

operator_tls=(--tls_cert="$PKI_DIR/operator.crt" --tls_key="$PKI_DIR/operator.key"
  --tls_ca="$PKI_DIR/ca.crt")
bash scripts/demo.sh --target="$COMMAND_ADDRESS" "${operator_tls[@]}" \
  build/tools/loyaltyctl/loyaltyctl

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
  ctl="build/tools/loyaltyctl/loyaltyctl --target=$COMMAND_ADDRESS --query_target=$QUERY_ADDRESS"
  ctl+=" ${operator_tls[*]}"
  \$ctl balances --org=demo --member=ann
  \$ctl member show --org=demo --member=ann
  \$ctl points accrue --org=demo --member=ben --order=o-42 --amount=5000 --currency=USD
  \$ctl --json points redeem --org=demo --member=ann --points=25 --reward=coffee
  \$ctl program show --org=demo --program=shop
As a shop (earn, burn and read on demo only; anything else is PERMISSION_DENIED):
  shop="build/tools/loyaltyctl/loyaltyctl --target=$COMMAND_ADDRESS --query_target=$QUERY_ADDRESS"
  shop+=" --tls_cert=$PKI_DIR/shop.crt --tls_key=$PKI_DIR/shop.key --tls_ca=$PKI_DIR/ca.crt"
  \$shop balances --org=demo --member=ben

Press Ctrl-C to stop everything.
INFO
wait "${pids[0]}"
