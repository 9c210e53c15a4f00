#!/usr/bin/env bash
# The tributary executable as an operator uses it: --help and --version on
# every subcommand, `decode` on real captures, `check-config` on Debian's
# stock Netdata files, on the fixtures' configs and on a misspelt key.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"

T=$(h_tmpdir)
D=$TRIBUTARY_TEST_DATA/netdata-1.37.1

for sub in "" run check-config decode; do
  "$TRIBUTARY_BIN" $sub --help > "$T/help" || h_fail "tributary $sub --help failed"
  h_assert_contains "$(cat "$T/help")" "Usage" "tributary $sub --help"
  h_assert_eq "tributary 0.1.0" "$("$TRIBUTARY_BIN" $sub --version)" "tributary $sub --version"
done

# decode: lz4 auto-detected and forced, plain; byte-exact against the
# reference decoding made with an independent (Python) lz4 decoder.
"$TRIBUTARY_BIN" decode "$D/stream-lz4.bin" > "$T/auto.txt"
cmp "$T/auto.txt" "$D/stream-lz4.decoded.txt" || h_fail "decode (auto) differs from stream-lz4.decoded.txt"
"$TRIBUTARY_BIN" decode --lz4 "$D/stream-lz4.bin" > "$T/lz4.txt"
cmp "$T/lz4.txt" "$D/stream-lz4.decoded.txt" || h_fail "decode --lz4 differs"
"$TRIBUTARY_BIN" decode --plain "$D/stream-plain.bin" > "$T/plain.txt"
cmp "$T/plain.txt" "$D/stream-plain.bin" || h_fail "decode --plain is not the input"
head -c 5000 "$D/stream-lz4.bin" > "$T/cut.bin"
if "$TRIBUTARY_BIN" decode "$T/cut.bin" > /dev/null 2> "$T/cut.err"; then
  h_fail "decode of a truncated lz4 capture exited 0"
fi
h_assert_contains "$(cat "$T/cut.err")" "cut.bin" "the truncation error names the file"

# check-config: Debian's stock files (installed by the netdata package).
mkdir -p "$T/stock"
cp /etc/netdata/netdata.conf "$T/stock/netdata.conf"
cp /usr/lib/netdata/conf.d/stream.conf "$T/stock/stream.conf"
"$TRIBUTARY_BIN" check-config --config-dir "$T/stock" > "$T/stock.out" 2>&1 \
  || { cat "$T/stock.out"; h_fail "check-config rejects Debian's stock files"; }

# the configs of the capture sessions (parent and child)
for role in parent child; do
  mkdir -p "$T/$role"
  cp "$D/configs/$role-netdata.conf" "$T/$role/netdata.conf"
  cp "$D/configs/$role-stream.conf" "$T/$role/stream.conf"
  "$TRIBUTARY_BIN" check-config --config-dir "$T/$role" > "$T/$role.out" 2>&1 \
    || { cat "$T/$role.out"; h_fail "check-config rejects the $role fixture config"; }
done

# the example deployments under deploy/ are valid configurations
for d in parent proxy child; do
  "$TRIBUTARY_BIN" check-config --config-dir "$TRIBUTARY_SOURCE_DIR/deploy/multi-tier/$d" \
    > "$T/deploy-$d.out" 2>&1 || { cat "$T/deploy-$d.out"; h_fail "deploy/multi-tier/$d does not check clean"; }
done

# a misspelt key alone is a warning at its line: exit 0, but 1 with --strict
mkdir -p "$T/typo-only"
printf '[stream]\n    enabled = no\n    destinaton = 127.0.0.1\n' > "$T/typo-only/stream.conf"
"$TRIBUTARY_BIN" check-config --config-dir "$T/typo-only" > "$T/typo-only.out" 2>&1 \
  || { cat "$T/typo-only.out"; h_fail "check-config failed on a warning without --strict"; }
h_assert_contains "$(cat "$T/typo-only.out")" \
  "stream.conf:3: warning: [stream] destinaton: unknown key; did you mean \`destination\`?" \
  "the typo is a warning at its line"
if "$TRIBUTARY_BIN" check-config --strict --config-dir "$T/typo-only" > /dev/null 2>&1; then
  h_fail "check-config --strict accepted a misspelt key"
fi

# a misspelt key that leaves a needed value missing: an error, exit 1
mkdir -p "$T/typo"
printf '[stream]\n    enabled = yes\n    destinaton = 127.0.0.1\n' > "$T/typo/stream.conf"
if "$TRIBUTARY_BIN" check-config --config-dir "$T/typo" > "$T/typo.out" 2>&1; then
  h_fail "check-config accepted a misspelt key"
fi
h_assert_contains "$(cat "$T/typo.out")" "stream.conf:3:" "the typo is reported at its line"

# `run` refuses a config with errors and says why.
if timeout 10 "$TRIBUTARY_BIN" run --config-dir "$T/typo" > "$T/run.out" 2>&1; then
  h_fail "run started with a misspelt key"
fi
h_assert_contains "$(cat "$T/run.out")" "stream.conf:3:" "run names the typo"

# top: the actor console of a running daemon
PORT=$(h_free_port)
mkdir -p "$T/daemon"
cat > "$T/daemon/netdata.conf" <<CONF
[global]
    hostname = cli-node
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:$PORT
[directories]
    log = $T/daemon/log
    cache = $T/daemon/cache
    lib = $T/daemon/lib
CONF
h_start daemon "$TRIBUTARY_BIN" run --config-dir "$T/daemon"
h_wait_http "$PORT" /api/v1/info 20
"$TRIBUTARY_BIN" top --address "127.0.0.1:$PORT" --once > "$T/top.out" || h_fail "top --once failed"
h_assert_contains "$(cat "$T/top.out")" "registry" "top lists the registry"
h_assert_contains "$(grep -E '^host ' "$T/top.out")" "cli-node" "top lists the localhost host"
if "$TRIBUTARY_BIN" top --address "127.0.0.1:1" --once 2> "$T/top.err"; then
  h_fail "top against a closed port exited 0"
fi
h_assert_contains "$(cat "$T/top.err")" "cannot reach the daemon at 127.0.0.1:1" "top says why it failed"
# a host name (localhost resolves to ::1 and 127.0.0.1: the one that answers)
"$TRIBUTARY_BIN" top --address "localhost:$PORT" --once --sort rate > "$T/top-name.out" \
  || h_fail "top --address localhost:PORT failed"
h_assert_contains "$(cat "$T/top-name.out")" "HANDLED/S" "top shows rates"
h_assert_contains "$(cat "$T/top-name.out")" "UPTIME" "top shows uptime"
# handling time: sorted by p99, the first actor has a number once a second
# of rows went by since the last status read (the localhost host's rows from
# the /proc collector are timed, every 16th)
p99_first() {
  "$TRIBUTARY_BIN" top --address "127.0.0.1:$PORT" --once --sort p99 > "$T/top-p99.out" || return 1
  [[ "$(sed -n 2p "$T/top-p99.out" | awk '{print $(NF-2)}')" =~ ^[0-9.]+$ ]]
}
h_wait_for -t 20 -m "top --sort p99 shows a number first" p99_first
h_assert_contains "$(head -1 "$T/top-p99.out")" "P99_US" "top shows p99"
h_log "top --sort p99: $(sed -n 2p "$T/top-p99.out")"
"$TRIBUTARY_BIN" top --address "127.0.0.1:$PORT" --once --host cli-node > "$T/top-host.out" \
  || h_fail "top --host failed"
h_assert_contains "$(grep -E '^host-db ' "$T/top-host.out")" "cli-node" "one host's actors carry its name"
if grep -qE '^registry ' "$T/top-host.out"; then h_fail "top --host lists the registry"; fi
if "$TRIBUTARY_BIN" top --address "no-such-host.invalid:$PORT" --once 2> "$T/top-dns.err"; then
  h_fail "top against an unknown host name exited 0"
fi
h_assert_contains "$(cat "$T/top-dns.err")" "cannot resolve 'no-such-host.invalid'" "top names the unknown host"

h_pass
