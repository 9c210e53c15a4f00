#!/usr/bin/env bash
# The Debian package, installed on this machine the way an operator would:
#  * `cpack -G DEB` in the build directory makes tributary_<version>_<arch>.deb
#    with the binary, both conffiles, the unit, the man page, the completion
#    and the logrotate file, and dependencies from dpkg-shlibdeps;
#  * `dpkg -i` (and postinst once more: it is idempotent) makes the system user
#    `tributary` and /var/{lib,cache,log}/tributary owned by it;
#  * `systemd-analyze verify` passes on the installed unit and
#    `systemd-analyze security --offline=true` rates it <= 4.0; its
#    ReadWritePaths are exactly the [directories] of the shipped netdata.conf;
#  * the man page documents exactly the options each subcommand's --help
#    lists; the completion completes subcommands and options;
#  * the unit's ExecStart (`tributary run`, no options: /etc/tributary) runs
#    as the service user (setpriv, as systemd switches users) with the unit's
#    LimitNOFILE (or the hard limit, if this machine caps it lower), after the operator
#    moved it to a free loopback port and enabled the stream.conf API key
#    template; a tributary child from the build directory streams into it and
#    every chart of the child appears in the parent's API with data; the
#    daemon's files land in the package's directories, owned by the user;
#  * logrotate rotates /var/log/tributary/error.log with the shipped file;
#  * `dpkg --purge` removes everything the package and its scripts made
#    (user, group, directories with data and logs, edited conffiles, the
#    unit's enable state): the machine is as before.
# Needs root (dpkg). A package left installed by an interrupted run is purged
# first; the EXIT trap purges whatever this run installed.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

[ "$(id -u)" = 0 ] || h_fail "needs root: it installs the package with dpkg -i"
for tool in cpack dpkg-deb systemd-analyze setpriv prlimit logrotate groff; do
  command -v "$tool" > /dev/null || h_fail "$tool is missing (.ci/install-deps.sh)"
done

BUILD=${TRIBUTARY_BUILD_DIR:-$(dirname "$(dirname "$TRIBUTARY_BIN")")}
[ -f "$BUILD/CPackConfig.cmake" ] || h_fail "no CPackConfig.cmake in $BUILD (set TRIBUTARY_BUILD_DIR)"
T=$(h_tmpdir)
UNIT=/lib/systemd/system/tributary.service
MAN=/usr/share/man/man1/tributary.1.gz
COMPLETION=/usr/share/bash-completion/completions/tributary
CATPAGE=/var/cache/man/cat1/tributary.1.gz
DIRS="/var/lib/tributary /var/cache/tributary /var/log/tributary"

# Everything the package and its scripts may touch, as text.
snapshot() {
  {
    local p
    for p in /etc/tributary /etc/logrotate.d/tributary $UNIT /usr/sbin/tributary $MAN \
             $COMPLETION $DIRS; do
      if [ -e "$p" ]; then find "$p" -printf '%p %u:%g %m\n'; else echo "absent $p"; fi
    done
    find /etc /lib/systemd /usr/sbin /usr/share/man /usr/share/bash-completion /var/lib/systemd \
      -xdev -name '*tributary*' -printf 'found %p\n' 2>/dev/null || true
    echo "passwd: $(getent passwd tributary || true)"
    echo "group: $(getent group tributary || true)"
    echo "dpkg: $(dpkg-query -W -f='${db:Status-Abbrev}' tributary 2>/dev/null || true)"
  } | sort
}

installed() { dpkg-query -W -f='${db:Status-Abbrev}' tributary 2>/dev/null | grep -q '^i'; }
known() { dpkg-query -W tributary > /dev/null 2>&1; }

if known; then
  h_log "tributary is installed or half-removed (an interrupted run?): purging it first"
  dpkg --purge tributary > "$T/purge-first.out" 2>&1 || { cat "$T/purge-first.out" >&2; h_fail "cannot purge the old package"; }
fi
if getent passwd tributary > /dev/null; then
  h_fail "a user 'tributary' exists without the package: refusing to test over it"
fi
BEFORE=$(snapshot)
HAD_CATPAGE=no
[ -e "$CATPAGE" ] && HAD_CATPAGE=yes

# Processes first (the user cannot go while it runs something), then the package.
pkg_cleanup() {
  local i
  for ((i = ${#H_PIDS[@]} - 1; i >= 0; i--)); do h_stop "${H_PIDS[i]}" 5; done
  if known; then
    dpkg --purge tributary > "$H_TMP/purge-trap.out" 2>&1 \
      || { echo "trap: dpkg --purge tributary failed" >&2; cat "$H_TMP/purge-trap.out" >&2; }
  fi
  if [ "$HAD_CATPAGE" = no ]; then rm -f "$CATPAGE"; fi
}
trap 'rc=$?; set +e; pkg_cleanup; h__cleanup $rc' EXIT

# ------------------------------------------------------------ build the .deb
VERSION=$("$TRIBUTARY_BIN" --version | awk '{print $2}')
ARCH=$(dpkg --print-architecture)
DEB=$T/pkg/tributary_${VERSION}_${ARCH}.deb
(cd "$BUILD" && cpack -G DEB -B "$T/pkg") > "$T/cpack.out" 2>&1 \
  || { cat "$T/cpack.out" >&2; h_fail "cpack -G DEB failed"; }
[ -f "$DEB" ] || { ls "$T/pkg" >&2; h_fail "cpack did not write $DEB"; }
h_log "built $(basename "$DEB") ($(stat -c %s "$DEB") bytes)"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' > "$T/contents"
for f in /usr/sbin/tributary /etc/tributary/netdata.conf /etc/tributary/stream.conf $UNIT \
         $MAN $COMPLETION /etc/logrotate.d/tributary; do
  grep -qxF "$f" "$T/contents" || h_fail "$f is not in the package"
done
H_PASSED=$((H_PASSED + 1))
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
for dep in adduser libcaf-core0.17 libcaf-io0.17 libssl3 liblz4-1 libyaml-cpp0.7 libzstd1 \
           libhttp-parser2.9 libjemalloc2; do
  h_assert_contains "$DEPENDS" "$dep" "Depends"
done
h_assert_eq "$(printf '/etc/tributary/netdata.conf\n/etc/tributary/stream.conf\n/etc/logrotate.d/tributary')" \
  "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)" "conffiles in the package"

# ------------------------------------------------------------ install (twice)
# --force-unsafe-io: no fsync per file; a loaded test machine takes minutes otherwise.
dpkg --force-unsafe-io -i "$DEB" > "$T/install.out" 2>&1 || { cat "$T/install.out" >&2; h_fail "dpkg -i failed"; }
installed || h_fail "dpkg reports tributary as not installed after dpkg -i"
h_assert_eq "tributary $VERSION" "$(/usr/sbin/tributary --version)" "installed binary"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd tributary) \
  || h_fail "postinst did not make the user tributary"
[ "$uid" -lt 1000 ] || h_fail "tributary is not a system user (uid $uid)"
h_assert_eq "$gid" "$(getent group tributary | cut -d: -f3)" "primary group of tributary"
h_assert_eq /var/lib/tributary "$home" "home of tributary"
h_assert_eq /usr/sbin/nologin "$shell" "shell of tributary"
for d in $DIRS; do
  h_assert_eq "tributary:tributary 750" "$(stat -c '%U:%G %a' "$d")" "owner and mode of $d"
done
dpkg-query -W -f='${Conffiles}\n' tributary | awk 'NF {print $1}' > "$T/conffiles"
h_assert_eq "$(printf '/etc/tributary/netdata.conf\n/etc/tributary/stream.conf\n/etc/logrotate.d/tributary')" \
  "$(cat "$T/conffiles")" "conffiles dpkg registered"

# postinst again, as an upgrade from this version runs it (a second dpkg -i
# costs half a minute on a loaded machine).
DPKG_MAINTSCRIPT_PACKAGE=tributary DPKG_MAINTSCRIPT_NAME=postinst \
  /var/lib/dpkg/info/tributary.postinst configure "$VERSION" > "$T/postinst-again.out" 2>&1 \
  || { cat "$T/postinst-again.out" >&2; h_fail "postinst configure $VERSION over an installed package"; }
h_assert_eq "$uid" "$(id -u tributary)" "uid after postinst again"
h_assert_eq "1" "$(getent passwd | grep -c '^tributary:')" "tributary users after postinst again"
for d in $DIRS; do
  h_assert_eq "tributary:tributary 750" "$(stat -c '%U:%G %a' "$d")" "owner and mode of $d after postinst again"
done

# ------------------------------------------------------------ the unit
systemd-analyze verify "$UNIT" > "$T/verify.out" 2>&1 || { cat "$T/verify.out" >&2; h_fail "systemd-analyze verify $UNIT"; }
h_assert_eq "" "$(cat "$T/verify.out")" "systemd-analyze verify output"
rc=0
systemd-analyze security --offline=true --threshold=40 "$UNIT" > "$T/security.out" 2>&1 || rc=$?
SCORE=$(sed -n 's/.*Overall exposure level for tributary.service: \([0-9.]*\).*/\1/p' "$T/security.out")
[ -n "$SCORE" ] || { cat "$T/security.out" >&2; h_fail "no exposure level from systemd-analyze security"; }
h_log "systemd-analyze security --offline=true: $SCORE"
awk -v s="$SCORE" 'BEGIN { exit !(s <= 4.0) }' || h_fail "exposure level $SCORE > 4.0"
h_assert_eq 0 "$rc" "systemd-analyze security --threshold=40 exit code"
unit_value() { sed -n "s/^$1=//p" "$UNIT"; }
h_assert_eq tributary "$(unit_value User)" "User="
h_assert_eq "/bin/kill -HUP \$MAINPID" "$(unit_value ExecReload)" "ExecReload="
h_assert_eq strict "$(unit_value ProtectSystem)" "ProtectSystem="
grep -qx 'CapabilityBoundingSet=' "$UNIT" || h_fail "the unit does not empty CapabilityBoundingSet="
LIMIT=$(unit_value LimitNOFILE)
[ "$LIMIT" -ge 65536 ] || h_fail "LimitNOFILE=$LIMIT < 65536"
conf_dirs=$(sed -n '/^\[directories\]/,/^\[/s/^\t\(lib\|cache\|log\) = //p' /etc/tributary/netdata.conf | sort)
h_assert_eq "$conf_dirs" "$(unit_value ReadWritePaths | tr ' ' '\n' | sort)" \
  "ReadWritePaths= against [directories] lib/cache/log"

# ------------------------------------------------------------ man page and completion
zcat "$MAN" | groff -man -Tutf8 -ww -z > "$T/groff.out" 2>&1
h_assert_eq "" "$(cat "$T/groff.out")" "groff warnings on the man page"
h_assert_eq "$MAN" "$(man -w tributary)" "man -w tributary"
zcat "$MAN" > "$T/man.roff"
for sub in run check-config decode loadgen top; do
  /usr/sbin/tributary "$sub" --help | awk '/^  -/ {print $1}' | tr ',' '\n' \
    | sed 's/[=:].*//' | grep '^--' | grep -vx -e --help -e --version | sort -u > "$T/help.$sub"
  awk -v want=".SS \"${sub//-/\\\\-}\"" '
      $0 == want { on = 1; next }
      /^\.S[SH]/ { on = 0 }
      on' "$T/man.roff" | grep -o '\\-\\-[a-z]\([a-z0-9]\|\\-\)*' | sed 's/\\//g' | sort -u > "$T/man.$sub"
  [ -s "$T/man.$sub" ] || [ ! -s "$T/help.$sub" ] || h_fail "no options in the man page's $sub section"
  h_assert_eq "$(cat "$T/help.$sub")" "$(cat "$T/man.$sub")" "options of $sub: --help vs man page"
done
complete_words() { # WORDS... -> what the installed completion offers for the last word
  PATH=/usr/sbin:/usr/bin:/bin bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _tributary; echo "${COMPREPLY[*]}"' _ "$COMPLETION" "$@"
}
h_assert_eq "check-config" "$(complete_words tributary ch)" "completion of a subcommand"
h_assert_eq "--config-dir --config" "$(complete_words tributary run --con)" "completion of run options"
h_assert_eq "--no-lz4" "$(complete_words tributary loadgen --no)" "completion of loadgen options"

# ------------------------------------------------------------ configure as an operator
PORT=$(h_free_port)
KEY=$(cat /proc/sys/kernel/random/uuid)
BASE=http://127.0.0.1:$PORT
sed -i "s/^\tbind to = 127.0.0.1$/\tbind to = 127.0.0.1:$PORT/" /etc/tributary/netdata.conf
grep -qx $'\t'"bind to = 127.0.0.1:$PORT" /etc/tributary/netdata.conf || h_fail "no bind to line to edit"
# The stream.conf template, as its comment says: the key in place of API_KEY
# and the lines starting with `#` in the first column uncommented.
sed -i -e "s/^#\[API_KEY\]$/[$KEY]/" -e '/^\['"$KEY"'\]$/,/^$/s/^#\t/\t/' /etc/tributary/stream.conf
/usr/sbin/tributary check-config > "$T/check.out" 2>&1 || { cat "$T/check.out" >&2; h_fail "check-config on /etc/tributary"; }

# ------------------------------------------------------------ ExecStart as the service user
read -r -a EXEC <<< "$(unit_value ExecStart)"
h_assert_eq "/usr/sbin/tributary run" "${EXEC[*]}" "ExecStart="
# systemd sets LimitNOFILE as root; a container may cap the hard limit below it.
NOFILE=$LIMIT
HARD=$(ulimit -Hn)
if [ "$HARD" != unlimited ] && [ "$HARD" -lt "$LIMIT" ] \
   && ! prlimit --nofile="$LIMIT:$LIMIT" true 2> /dev/null; then
  NOFILE=$HARD
  h_log "hard open files limit $HARD here: the daemon runs with $NOFILE instead of LimitNOFILE=$LIMIT"
fi
# As systemd starts it: User=/Group= without a PAM session (runuser's
# pam_limits would reset the limit), the unit's environment, cwd /.
h_start parent prlimit --nofile="$NOFILE:$NOFILE" \
  setpriv --reuid tributary --regid tributary --init-groups -- \
  env -i -C / HOME=/var/lib/tributary USER=tributary LOGNAME=tributary SHELL=/usr/sbin/nologin \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${EXEC[@]}"
DAEMON=$H_LAST_PID
h_wait_http "$PORT" /api/v1/info 30
h_assert_eq /usr/sbin/tributary "$(readlink "/proc/$DAEMON/exe")" "the started program"
h_assert_eq "$uid" "$(awk '/^Uid:/ {print $3}' "/proc/$DAEMON/status")" "effective uid of the daemon"
h_assert_eq "$NOFILE" "$(awk '/^Max open files/ {print $4}' "/proc/$DAEMON/limits")" "open files limit"

tc_instance "$T/child" "pkg-child-$$" "127.0.0.1:$(h_free_port)"
cat > "$T/child/conf/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:$PORT
    api key = $KEY
CONF
tc_start child "$T/child"
CHILD_PORT=$(sed -n 's/^ *bind to = 127.0.0.1://p' "$T/child/conf/netdata.conf")
h_wait_http "$CHILD_PORT" /api/v1/info 30

chart_ids() { # URL -> chart ids, one per line
  h_http_get "$1" | python3 -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin)["charts"])))'
}
parent_has_child_charts() {
  chart_ids "http://127.0.0.1:$CHILD_PORT/api/v1/charts" > "$T/child.charts" 2>/dev/null || return 1
  chart_ids "$BASE/host/pkg-child-$$/api/v1/charts" > "$T/parent.charts" 2>/dev/null || return 1
  grep -qx system.cpu "$T/child.charts" && [ -z "$(comm -23 "$T/child.charts" "$T/parent.charts")" ]
}
h_wait_for -t 60 -m "every chart of the child on the installed parent" parent_has_child_charts
h_log "the parent shows all $(wc -l < "$T/child.charts") charts of the child"
H_PASSED=$((H_PASSED + 1))
has_rows() {
  h_http_get "$BASE/host/pkg-child-$$/api/v1/data?chart=system.cpu&after=-10&format=json" \
    | python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if len(d["data"]) >= 3 else 1)'
}
h_wait_for -t 30 -m "system.cpu rows of the child on the parent" has_rows

# The daemon's own files, in the package's directories, as the user.
GUID=$(cat /var/lib/tributary/registry/netdata.public.unique.id)
h_assert_eq tributary "$(stat -c %U /var/lib/tributary/registry/netdata.public.unique.id)" "owner of the machine GUID file"
CHILD_GUID=$(cat "$T/child/lib/registry/netdata.public.unique.id")
h_wait_log /var/log/tributary/error.log "receiving metrics" 10
h_assert_eq tributary "$(stat -c %U /var/log/tributary/error.log)" "owner of error.log"

h_stop "$(h_pid child)"
h_stop "$DAEMON" 30
# SIGTERM flushed both databases (localhost and the child) into the cache dir.
for g in "$GUID" "$CHILD_GUID"; do
  ls /var/cache/tributary/"$g"/dbengine-meta.tdm /var/cache/tributary/"$g"/dbengine-t0-* > /dev/null \
    || { ls -laR /var/cache/tributary >&2; h_fail "no dbengine files for $g in /var/cache/tributary"; }
done
h_assert_eq tributary "$(find /var/cache/tributary -mindepth 1 -printf '%u\n' | sort -u)" \
  "owner of every database file"

# ------------------------------------------------------------ logrotate
logrotate -v -f -s "$T/logrotate.state" /etc/logrotate.d/tributary > "$T/logrotate.out" 2>&1 \
  || { cat "$T/logrotate.out" >&2; h_fail "logrotate with the shipped file"; }
grep -q "running postrotate script" "$T/logrotate.out" || { cat "$T/logrotate.out" >&2; h_fail "no postrotate"; }
[ -s /var/log/tributary/error.log.1 ] || h_fail "error.log was not rotated to error.log.1"
h_assert_eq "tributary:tributary 640" "$(stat -c '%U:%G %a' /var/log/tributary/error.log)" "the new error.log"

# ------------------------------------------------------------ purge
dpkg --purge tributary > "$T/purge.out" 2>&1 || { cat "$T/purge.out" >&2; h_fail "dpkg --purge failed"; }
grep -q "cannot remove" "$T/purge.out" && { cat "$T/purge.out" >&2; h_fail "postrm purge complained"; }
if [ "$HAD_CATPAGE" = no ]; then rm -f "$CATPAGE"; fi
AFTER=$(snapshot)
if [ "$BEFORE" != "$AFTER" ]; then
  diff <(echo "$BEFORE") <(echo "$AFTER") >&2 || true
  h_fail "the machine differs from before the installation"
fi
H_PASSED=$((H_PASSED + 1))
h_pass
