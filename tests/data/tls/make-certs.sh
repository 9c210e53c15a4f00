#!/usr/bin/env bash
# Regenerates every TLS test fixture in this directory (see README.md).
# Needs the openssl CLI of OpenSSL 3.0; each run makes new keys.
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# `openssl ca` rather than `x509 -req`: openssl 3.0 can set a start date
# only there, and a start in the past keeps the fixtures valid on hosts whose
# clock is behind the one that made them.
start=20200101000000Z
days=36500
export SAN="DNS:localhost,IP:127.0.0.1,IP:::1"

touch "$tmp/index.txt"
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
authorityKeyIdentifier = keyid
[selfsigned]
basicConstraints = critical,CA:TRUE
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
CNF
openssl rand -hex 16 > "$tmp/serial"

# sign NAME CN EXTENSIONS [ca args...]: NAME.key (new P-256) and NAME.pem.
sign() {
  local name=$1 cn=$2 ext=$3
  shift 3
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$tmp/$name.csr"
  openssl ca -batch -config "$tmp/ca.cnf" -in "$tmp/$name.csr" -notext \
    -extensions "$ext" -out "$name.pem" "$@" 2>/dev/null
}

rm -rf capath
rm -f ./*.pem ./*.key

sign ca "tributary test CA" root -selfsign -keyfile ca.key \
  -startdate "$start" -days "$days"
ca=(-cert ca.pem -keyfile ca.key)
sign server localhost leaf "${ca[@]}" -startdate "$start" -days "$days"
SAN="DNS:wrong.example" sign wrong wrong.example leaf "${ca[@]}" \
  -startdate "$start" -days "$days"
sign expired localhost leaf "${ca[@]}" \
  -startdate "$start" -enddate 20200201000000Z
sign selfsigned localhost selfsigned -selfsign -keyfile selfsigned.key \
  -startdate "$start" -days "$days"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
  -out mismatch.key 2>/dev/null

# A hashed directory; the link is replaced by a copy so git stores a file.
mkdir capath
cp ca.pem capath/ca.pem
openssl rehash capath
for link in capath/*.0; do
  cp --remove-destination "$(readlink -f "$link")" "$link"
done
