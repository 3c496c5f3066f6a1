#!/usr/bin/env bash
# A throwaway certificate authority and certificates for mutual TLS, made with openssl (for local
# runs and tests only; production certificates come from the company's own CA or SPIFFE issuer).
#   scripts/pki.sh ca DIR [NAME]          a CA: DIR/NAME.crt, DIR/NAME.key (NAME: ca)
#   scripts/pki.sh issue DIR NAME [options]
#       a certificate signed by the CA: DIR/NAME.crt, DIR/NAME.key
#       --ca=NAME        the signing CA in DIR (default: ca)
#       --cn=NAME        subject common name (default: NAME)
#       --spiffe=URI     a URI SAN, e.g. spiffe://shop.example/pos
#       --dns=NAME       a DNS SAN (repeatable)
#       --ip=ADDRESS     an IP SAN (repeatable)
#       --days=N         validity in days (default 30; negative: already expired)
#   scripts/pki.sh local DIR              a CA, a server certificate for localhost and 127.0.0.1,
#                                         and an operator client certificate
#                                         (spiffe://loyalty.local/operator): what scripts/run.sh
#                                         serves with
set -euo pipefail

key_args=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)

make_ca() {
  local dir=$1 name=${2:-ca}
  mkdir -p "$dir"
  openssl req -x509 "${key_args[@]}" -keyout "$dir/$name.key" -out "$dir/$name.crt" \
    -days 3650 -subj "/CN=$name" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  chmod 600 "$dir/$name.key"
}

issue() {
  local dir=$1 name=$2
  shift 2
  local ca=ca cn=$name days=30 sans=()
  for arg in "$@"; do
    case $arg in
      --ca=*) ca=${arg#*=} ;;
      --cn=*) cn=${arg#*=} ;;
      --spiffe=*) sans+=("URI:${arg#*=}") ;;
      --dns=*) sans+=("DNS:${arg#*=}") ;;
      --ip=*) sans+=("IP:${arg#*=}") ;;
      --days=*) days=${arg#*=} ;;
      *) echo "pki.sh: unknown option $arg" >&2; exit 2 ;;
    esac
  done
  local work
  work=$(mktemp -d)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    if [ "${#sans[@]}" -gt 0 ]; then (IFS=,; echo "subjectAltName=${sans[*]}"); fi
  } > "$work/ext"
  openssl req "${key_args[@]}" -keyout "$work/key" -out "$work/csr" -subj "/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$work/csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" -set_serial \
    "0x$(openssl rand -hex 16)" -days "$days" -extfile "$work/ext" -out "$work/crt" 2>/dev/null
  chmod 600 "$work/key"
  # Key first, certificate second, each by rename: a reader sees an old or a new whole file.
  mv "$work/key" "$dir/$name.key"
  mv "$work/crt" "$dir/$name.crt"
  rm -rf "$work"
}

case ${1:-} in
  ca) make_ca "$2" "${3:-ca}" ;;
  issue) issue "${@:2}" ;;
  local)
    make_ca "$2"
    issue "$2" server --cn=localhost --dns=localhost --ip=127.0.0.1
    issue "$2" operator --spiffe=spiffe://loyalty.local/operator --days=30
    ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
