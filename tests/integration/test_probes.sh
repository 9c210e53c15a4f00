#!/usr/bin/env bash
# /alive and /ready, the probes of deploy/helm/tributary and the image's
# HEALTHCHECK: a parent and a child on loopback answer 200 with the probe's
# name once started (every listener bound: both of a parent's two `bind to`
# addresses answer), and the same daemon answers unknown paths with 404.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

T=$(h_tmpdir)
KEY=$(cat /proc/sys/kernel/random/uuid)
P1=$(h_free_port); P2=$(h_free_port); CP=$(h_free_port)
tc_instance "$T/p" probes-parent "127.0.0.1:$P1 127.0.0.1:$P2" dbengine
printf '[%s]\n    enabled = yes\n' "$KEY" > "$T/p/conf/stream.conf"
tc_instance "$T/c" probes-child "127.0.0.1:$CP"
printf '[stream]\n    enabled = yes\n    destination = 127.0.0.1:%s\n    api key = %s\n' "$P1" "$KEY" \
  > "$T/c/conf/stream.conf"

code() { curl -s -o "$T/body" -w '%{http_code}' --noproxy '*' --max-time 5 "$1" || true; }
tc_start parent "$T/p"
h_wait_http "$P1" /ready 20
tc_start child "$T/c"
h_wait_http "$CP" /ready 20
for port in "$P1" "$P2" "$CP"; do
  for probe in alive ready; do
    h_assert_eq 200 "$(code "http://127.0.0.1:$port/$probe")" "/$probe on port $port"
    h_assert_eq "$probe" "$(cat "$T/body")" "/$probe body"
  done
  h_assert_eq 200 "$(code "http://127.0.0.1:$port/ready?probe=kubelet")" "/ready with a query"
  h_assert_eq 404 "$(code "http://127.0.0.1:$port/readyz")" "/readyz is not a probe"
done
# The probes answer while the parent works: the child's stream is on.
has_child() { h_http_get "http://127.0.0.1:$P1/api/v1/info" | grep -q probes-child; }
h_wait_for -t 20 -m "the child on the parent" has_child
h_assert_eq 200 "$(code "http://127.0.0.1:$P1/alive")" "/alive with a child streaming"
h_pass
