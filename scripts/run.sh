#!/usr/bin/env bash
# Brings the platform up on this machine: builds, starts a PostgreSQL cluster of its own in
# .run/pgdata (loopback port 54329), migrates, starts loyalty-command, loyalty-query and
# loyalty-worker, loads the demo
# organisation, and prints how to call it. Ctrl-C stops everything cleanly.
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

build/services/command/loyalty-command serve --database_url="$DATABASE_URL" \
  --listen="$COMMAND_ADDRESS" --metrics_listen="$METRICS_ADDRESS" --insecure_plaintext &
pids+=($!)
build/services/query/loyalty-query --database_url="$DATABASE_URL" \
  --listen="$QUERY_ADDRESS" --metrics_listen="$QUERY_METRICS_ADDRESS" --insecure_plaintext &
pids+=($!)
build/services/worker/loyalty-worker --database_url="$DATABASE_URL" \
  --metrics_listen="$WORKER_METRICS_ADDRESS" &
pids+=($!)

bash scripts/demo.sh --target="$COMMAND_ADDRESS" build/tools/loyaltyctl/loyaltyctl

cat <<INFO

The loyalty platform is running:
  command + admin gRPC   $COMMAND_ADDRESS   (health, reflection on)
  query gRPC             $QUERY_ADDRESS   (balances, redemptions, tiers, history)
  Prometheus metrics     http://$METRICS_ADDRESS/metrics (command)
                         http://$QUERY_METRICS_ADDRESS/metrics (query, projector)
  worker (expiry, tiers) http://$WORKER_METRICS_ADDRESS/metrics
  PostgreSQL             $DATABASE_URL

Demo organisation "demo": programs "shop" (default) and "travel", members "ann" and "ben".
Try it with the operator CLI (docs/operator-guide.md; --help lists every command):
  ctl="build/tools/loyaltyctl/loyaltyctl --target=$COMMAND_ADDRESS --query_target=$QUERY_ADDRESS"
  \$ctl balances --org=demo --member=ann
  \$ctl member show --org=demo --member=ann
  \$ctl points accrue --org=demo --member=ben --order=o-42 --amount=5000 --currency=USD
  \$ctl --json points redeem --org=demo --member=ann --points=25 --reward=coffee
  \$ctl program show --org=demo --program=shop

Press Ctrl-C to stop everything.
INFO
wait "${pids[0]}"
