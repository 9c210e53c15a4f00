#!/usr/bin/env bash
# Netdata's web files served by a tributary parent from `[directories] web`:
# `/` is the folder's index.html, files carry their content type, /host/<h>/
# serves the same files, and no path leaves the folder: `..`, encoded
# `%2e%2e` and `%2f`, and symlinks pointing out are refused. Then a parent
# pointed at Debian's netdata-web folder (when installed) serves Netdata's
# dashboard at `/`, and a parent without a web folder sends `/` to /console.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

T=$(h_tmpdir)
PORT=$(h_free_port)
BASE=http://127.0.0.1:$PORT
WEB=$T/web
mkdir -p "$WEB/js" "$T/outside"
echo '<html><title>web root</title></html>' > "$WEB/index.html"
echo 'app();' > "$WEB/js/app.js"
echo 'top secret' > "$T/secret.txt"
echo 'outside index' > "$T/outside/index.html"
ln -s ../secret.txt "$WEB/leak.txt"
ln -s "$T/outside" "$WEB/outdir"
ln -s js/app.js "$WEB/alias.js"

tc_instance "$T/d" web-files-$$ "127.0.0.1:$PORT"
echo "    web = $WEB" >> "$T/d/conf/netdata.conf"
tc_start daemon "$T/d"
h_wait_http "$PORT" /api/v1/info 20

code() { curl -sS --noproxy '*' --max-time 5 --path-as-is -o /dev/null -w '%{http_code}' "$BASE$1"; }
ctype() { curl -sS --noproxy '*' --max-time 5 -o /dev/null -w '%{content_type}' "$BASE$1"; }

h_assert_contains "$(h_http_get "$BASE/")" "<title>web root</title>" "/ is the folder's index.html"
h_assert_contains "$(ctype /)" "text/html" "index.html is text/html"
h_assert_eq "app();" "$(h_http_get "$BASE/js/app.js")" "a file below the root"
h_assert_contains "$(ctype /js/app.js)" "application/javascript" "a .js file's type"
h_assert_eq "app();" "$(h_http_get "$BASE/alias.js")" "a symlink inside the folder"
h_assert_contains "$(h_http_get "$BASE/host/web-files-$$/")" "<title>web root</title>" "/host/<h>/ serves the same files"
h_assert_eq 404 "$(code /missing.js)" "a missing file"
h_assert_eq 200 "$(code /console)" "/console stays the console"
h_assert_eq 200 "$(code /api/v1/info)" "the API stays the API"

for path in /../secret.txt /js/../../secret.txt /%2e%2e/secret.txt /js/%2e%2e/%2e%2e/secret.txt \
            /js%2f..%2f..%2fsecret.txt /%2E%2E%2Fsecret.txt /leak.txt /outdir/index.html /outdir/ \
            /host/web-files-$$/../../secret.txt /js/..%5c..%5csecret.txt; do
  c=$(code "$path")
  case $c in 403|404) ;; *) h_fail "$path answered $c, not 403/404" ;; esac
  if curl -sS --noproxy '*' --max-time 5 --path-as-is "$BASE$path" | grep -q 'top secret\|outside index'; then
    h_fail "$path leaked a file from outside the web folder"
  fi
done
h_assert_eq 403 "$(code /%2e%2e/secret.txt)" "encoded .. is refused"
h_assert_eq 403 "$(code /leak.txt)" "a symlink out is refused"
h_assert_eq 404 "$(code /%252e%252e/secret.txt)" "double encoding is a literal (missing) name"
h_stop "$H_LAST_PID"

# Without a web folder, / sends the browser to the console.
PORT=$(h_free_port)
BASE=http://127.0.0.1:$PORT
tc_instance "$T/n" no-web-$$ "127.0.0.1:$PORT"
echo "    web = $T/no-such-folder" >> "$T/n/conf/netdata.conf"
tc_start daemon-noweb "$T/n"
h_wait_http "$PORT" /api/v1/info 20
head=$(curl -sS --noproxy '*' --max-time 5 -o /dev/null -D - "$BASE/")
h_assert_contains "$head" "Location: /console" "/ without web files goes to /console"
h_assert_eq 404 "$(code /index.html)" "no web folder, no files"
h_stop "$H_LAST_PID"

# Debian's netdata-web: Netdata's own dashboard at /.
if [ -f /usr/share/netdata/web/index.html ]; then
  PORT=$(h_free_port)
  BASE=http://127.0.0.1:$PORT
  tc_instance "$T/s" stock-web-$$ "127.0.0.1:$PORT"
  echo "    web = /usr/share/netdata/web" >> "$T/s/conf/netdata.conf"
  tc_start daemon-stock "$T/s"
  h_wait_http "$PORT" /api/v1/info 20
  h_assert_eq "$(cat /usr/share/netdata/web/index.html)" "$(h_http_get "$BASE/")" "/ is Netdata's index.html"
  h_assert_eq 200 "$(code /dashboard.js)" "Netdata's dashboard.js"
  h_assert_eq 200 "$(code /dashboard-react.js)" "Netdata's dashboard-react.js"
else
  h_log "no /usr/share/netdata/web: the stock dashboard part is skipped"
fi
h_pass
