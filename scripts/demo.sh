#!/usr/bin/env bash
# Loads the demo organisation through loyaltyctl. Idempotent: every call has a fixed --key, so
# running it again replays the same requests (no second effect). A request already done under an
# older key is refused with *_ALREADY_EXISTS, which counts as done here.
#   scripts/demo.sh [loyaltyctl options: --target=HOST:PORT, --tls_* or --insecure_plaintext ...]
#                   [path/to/loyaltyctl]
set -euo pipefail
cd "$(dirname "$0")/.."
options=()
ctl=build/tools/loyaltyctl/loyaltyctl
for arg in "$@"; do
  case $arg in
    --*) options+=("$arg") ;;
    *) ctl=$arg ;;
  esac
done

# Waits up to 30 s for the service to answer (exit 3 = not reachable yet).
for _ in $(seq 1 60); do
  status=0
  "$ctl" "${options[@]}" --timeout_ms=1000 org show --org=demo >/dev/null 2>&1 || status=$?
  [[ $status -ne 3 ]] && break
  sleep 0.5
done

# Runs loyaltyctl quietly; an "already exists" refusal is fine, anything else stops the script.
ctl() {
  local err
  if ! err=$("$ctl" "${options[@]}" "$@" 2>&1 >/dev/null); then
    if [[ $err == *_ALREADY_EXISTS* ]]; then return 0; fi
    echo "demo: loyaltyctl $*" >&2
    echo "$err" >&2
    return 1
  fi
}

ctl org create --org=demo --name="Demo Retail Group" --key=demo-org

ctl program create --org=demo --program=shop --name="Demo shop" --currency=USD \
  --earn_points=1 --earn_per_minor=100 --ratio_points=1 --ratio_value_minor=1 --key=demo-shop
ctl point-type add --org=demo --program=shop --code=base --redeemable --counts_toward_tier \
  --key=demo-shop-base
ctl point-type add --org=demo --program=shop --code=status --counts_toward_tier \
  --key=demo-shop-status
ctl subtype add --org=demo --program=shop --subtype=purchase --key=demo-shop-subtype
ctl tier add --org=demo --program=shop --tier=silver --threshold=0 --multiplier_permille=1000 \
  --key=demo-tier-silver
ctl tier add --org=demo --program=shop --tier=gold --threshold=1000 --multiplier_permille=1500 \
  --key=demo-tier-gold
ctl program activate --org=demo --program=shop --key=demo-shop-activate

ctl program create --org=demo --program=travel --name="Demo travel" --currency=USD \
  --earn_points=2 --earn_per_minor=100 --ratio_points=1 --ratio_value_minor=1 --key=demo-travel
ctl point-type add --org=demo --program=travel --code=miles --redeemable --expiry=fixed-days \
  --expiry_days=365 --key=demo-travel-miles
ctl subtype add --org=demo --program=travel --subtype=purchase --key=demo-travel-subtype
ctl program activate --org=demo --program=travel --key=demo-travel-activate

for member in ann ben; do
  ctl member create --org=demo --member="$member" --programs=shop,travel --key="demo-$member"
done

"$ctl" "${options[@]}" points accrue --org=demo --member=ann --order=demo-order-1 \
  --amount=12500 --currency=USD --key=demo-ann-order
