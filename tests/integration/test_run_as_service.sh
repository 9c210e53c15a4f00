#!/usr/bin/env bash
# tributary started as root, the way a service manager starts it:
#   * `[global] run as user` names a system user this test creates
#     (useradd --system, userdel at exit): after binding its port the daemon
#     runs as that user (/proc/PID/status Uid and Gid lines, "running as
#     user" in error.log), still serves the API and accepts a stream (from a
#     loadgen child); a root-owned [directories] cache is named as not
#     writable by that user; the error.log it created is the user's, so a
#     logrotate rename + SIGHUP gets a new error.log;
#   * RLIMIT_NOFILE: started with soft 1024 / hard 4096 it runs with 4096
#     and logs "allowed file descriptors: soft = 4096, max = 4096";
#   * a `run as user` that does not exist: exit 1 naming the user, before
#     anything listens;
#   * SIGTERM of the unprivileged daemon: exit 0.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

[ "$(id -u)" = 0 ] || { h_log "needs root (useradd, setuid): skipped"; h_pass; }

SVC=tribsvc$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC"
# Stop our processes before the user goes (userdel refuses a user with
# processes), then the harness's own cleanup.
trap 'rc=$?; for p in "${H_PIDS[@]}"; do h_stop "$p" 5; done; userdel "$SVC" 2>/dev/null || true; h__cleanup $rc' EXIT
SVC_UID=$(id -u "$SVC")
SVC_GID=$(id -g "$SVC")

KEY=$(cat /proc/sys/kernel/random/uuid)
PORT=$(h_free_port)
T=$(h_tmpdir)
chmod 755 "$T"

# ------------------------------------------------------------ run as a user that does not exist
tc_instance "$T/nouser" svc-nouser-$$ "127.0.0.1:$PORT"
sed -i "s|^\[global\]|[global]\n    run as user = no-such-user-$$|" "$T/nouser/conf/netdata.conf"
rc=0
timeout 20 "$TRIBUTARY_BIN" run --config-dir "$T/nouser/conf" > "$T/nouser.out" 2> "$T/nouser.err" || rc=$?
h_assert_eq 1 "$rc" "exit code with a missing run as user"
h_assert_contains "$(cat "$T/nouser.err")" "user 'no-such-user-$$' is not present" "the missing user is named"

# ------------------------------------------------------------ run as the service user
D=$T/svc
tc_instance "$D" svc-parent-$$ "127.0.0.1:$PORT"
sed -i "s|^\[global\]|[global]\n    run as user = $SVC|" "$D/conf/netdata.conf"
cat > "$D/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    default memory mode = ram
CONF
chmod -R a+rX "$D/conf"
chown "$SVC:$SVC" "$D/lib"
rmdir "$D/log"            # made by the daemon as root, then handed over
chmod 755 "$D/cache"      # stays root's: reported
h_start parent bash -c "ulimit -Sn 1024 && ulimit -Hn 4096 && exec \"\$0\" run --config-dir \"\$1\"" \
  "$TRIBUTARY_BIN" "$D/conf"
PARENT=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 20
TLOG=$D/log/error.log
h_wait_log "$TLOG" "MAIN: running as user '$SVC' \(uid $SVC_UID, gid $SVC_GID\)" 5

status_ids() { awk -v k="$1:" '$1 == k { print $2, $3, $4, $5 }' "/proc/$PARENT/status"; }
h_assert_eq "$SVC_UID $SVC_UID $SVC_UID $SVC_UID" "$(status_ids Uid)" "Uid (real, effective, saved, fs) of the daemon"
h_assert_eq "$SVC_GID $SVC_GID $SVC_GID $SVC_GID" "$(status_ids Gid)" "Gid (real, effective, saved, fs) of the daemon"
groups_line=$(awk '$1 == "Groups:"' "/proc/$PARENT/status")
case " $groups_line " in *" 0 "*) h_fail "the daemon kept root's group: $groups_line" ;; esac
h_assert_eq "$SVC" "$(stat -c %U "$D/log/error.log")" "owner of the error.log the daemon created"
h_wait_log "$TLOG" "\[directories\] cache = $D/cache: not writable by user '$SVC'" 2

# file descriptors
h_wait_log "$TLOG" "resources control: allowed file descriptors: soft = 4096, max = 4096" 2
h_assert_eq "4096 4096" "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$PARENT/limits")" "open files limit of the daemon"

# it still works: a stream is accepted and stored
"$TRIBUTARY_BIN" loadgen --destination "127.0.0.1:$PORT" --api-key "$KEY" --children 1 \
  --charts 1 --dims 1 --duration 4 --hostname-prefix svc-lg-$$ > "$T/lg.out" 2>&1 || true
h_wait_log "$TLOG" "STREAM svc-lg-$$-0000 \[receive from .*\]: receiving metrics\.\.\." 5
h_http_get "http://127.0.0.1:$PORT/host/svc-lg-$$-0000/api/v1/chart?chart=lg.c0" > /dev/null \
  || h_fail "the loadgen child's chart is not on the parent"
H_PASSED=$((H_PASSED + 1))

# logrotate as the unprivileged user: the log directory is the user's
mv "$TLOG" "$TLOG.1"
kill -HUP "$PARENT"
h_wait_log "$TLOG" "SIGHUP received: log file reopened" 10
h_assert_eq "$SVC" "$(stat -c %U "$TLOG")" "owner of the reopened error.log"

kill -TERM "$PARENT"
rc=0
wait "$PARENT" || rc=$?
h_assert_eq 0 "$rc" "exit code of the unprivileged daemon on SIGTERM"
h_wait_log "$TLOG" "databases flushed, exiting" 2
h_pass
