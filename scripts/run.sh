#!/usr/bin/env bash
# Brings the platform up on this machine: builds, starts a PostgreSQL cluster of its own in
# .run/pgdata (loopback port 54329), migrates, starts loyalty-command, loads the demo
# organisation, and prints how to call it. Ctrl-C stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
readonly PG_PORT=${LOYALTY_PG_PORT:-54329}
readonly COMMAND_ADDRESS=${LOYALTY_COMMAND_ADDRESS:-127.0.0.1:50051}
readonly METRICS_ADDRESS=${LOYALTY_METRICS_ADDRESS:-127.0.0.1:9464}
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
  --listen="$COMMAND_ADDRESS" --metrics_listen="$METRICS_ADDRESS" &
pids+=($!)

/usr/bin/python3 scripts/demo.py --target "$COMMAND_ADDRESS" --protos "$root/protos"

cat <<INFO

The loyalty platform is running:
  command + admin gRPC   $COMMAND_ADDRESS   (health, reflection on)
  Prometheus metrics     http://$METRICS_ADDRESS/metrics
  PostgreSQL             $DATABASE_URL

Demo organisation "demo": programs "shop" (default) and "travel", members "ann" and "ben".
Try it from Python (stubs are generated from protos/):
  /usr/bin/python3 scripts/demo.py --target $COMMAND_ADDRESS --protos protos --show ann

Press Ctrl-C to stop everything.
INFO
wait "${pids[0]}"
