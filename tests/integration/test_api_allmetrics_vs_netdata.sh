#!/usr/bin/env bash
# /api/v1/allmetrics in every format has the shape of Netdata 1.37.1: a real
# child (hostname with a quote) streams into a tributary parent; the child's
# own answer and the parent's /host/<child>/ answer must have the same lines
# once numbers are masked (values differ by when each was read):
#   * format=shell (and filter=), format=json (parsed: same charts, names,
#     families, contexts, units, dimensions);
#   * format=prometheus with default options and with help, types,
#     names=no, timestamps=no, source=sum, oldunits, hideunits, prefix,
#     and source=as-collected (raw values: counters as _total, charts
#     whose dimensions differ as one metric per dimension);
#   * format=prometheus_all_hosts: the child's lines carry instance=, and
#     the parent's own netdata_info is there too;
#   * every Prometheus answer is valid exposition text (h_promtool and
#     metrics and a strict line check) although the hostname has a '"';
#   * an unknown format answers 400 with Netdata's message.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$H_HARNESS/tribconf.sh"

command -v promtool > /dev/null || h_fail "promtool is missing (.ci/install-deps.sh)"
KEY=$(cat /proc/sys/kernel/random/uuid)
GUID=$(cat /proc/sys/kernel/random/uuid)
TPORT=$(h_free_port)
CPORT=$(h_free_port)
T=$(h_tmpdir)
CHILD='q"uote-'$$

tc_instance "$T/trib" trib-parent-$$ "127.0.0.1:$TPORT"
cat > "$T/trib/conf/stream.conf" <<CONF
[$KEY]
    enabled = yes
    default memory mode = ram
CONF
tc_start parent "$T/trib"
h_wait_http "$TPORT" /api/v1/info 20

NDPEER_HOSTNAME=$CHILD h_ndpeer child "$CPORT" "$T/child" "127.0.0.1:$TPORT" "$KEY" "$GUID"
bash "$H_NDPEER" wait-http "$CPORT" 30 || h_fail "the Netdata child did not come up"

has_rows() { # CHART
  h_http_get "http://127.0.0.1:$TPORT/host/$GUID/api/v1/data?chart=$1&after=-15&format=json" \
    | python3 -c 'import json,sys; sys.exit(0 if any(r[1] is not None for r in json.load(sys.stdin)["data"]) else 1)'
}
h_wait_for -t 40 -m "the child's system.cpu on tributary" has_rows system.cpu
# Both sides know the same charts once every chart has a row: system.load,
# collected every 5 s, is the last to get one (a fixed sleep missed it).
h_wait_for -t 30 -m "the child's system.load on tributary" has_rows system.load

python3 - "$CPORT" "$TPORT" "$GUID" "$CHILD" "$T" > "$T/compare.log" 2>&1 <<'PY' || { cat "$T/compare.log"; h_fail "allmetrics differs from Netdata 1.37.1"; }
import json, re, sys, urllib.error, urllib.request
cport, tport, guid, child, tmp = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(url):
    try:
        with opener.open(url, timeout=20) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()
def both(query):
    nd = get(f"http://127.0.0.1:{cport}/api/v1/allmetrics?{query}")
    tr = get(f"http://127.0.0.1:{tport}/host/{guid}/api/v1/allmetrics?{query}")
    assert nd[0] == tr[0] == 200, f"{query}: status {nd[0]} / {tr[0]}"
    assert nd[1] == tr[1], f"{query}: content type {nd[1]!r} / {tr[1]!r}"
    return nd[2], tr[2]
failures = []
answers = 0
def same(query, nd, tr):
    # Charts come in each one's own order (Netdata: as created; tributary:
    # by id), so the lines are compared as multisets.
    if sorted(nd) != sorted(tr):
        a, b = set(nd), set(tr)
        failures.append(f"{query}: only Netdata: {sorted(a - b)[:5]} only tributary: {sorted(b - a)[:5]}"
                        if a != b else f"{query}: same lines, other counts")
NUM = re.compile(r"-?\d+(\.\d+)?")
def shell_lines(text):
    return [re.sub(r'="[^"]*"', '="N"', l) for l in text.split("\n")]
def prom_lines(text):
    out = []
    for l in text.split("\n"):
        if l.startswith("netdata_info{") or re.match(r"^\w+_info\{", l):
            # 1.37.1 adds the host's configured labels; tributary does not keep
            # a label's source, so it sends none (docs/api.md).
            l = re.sub(r'(version="[^"]*")[^}]*\}', r"\1}", l)
        if l.startswith("#"):
            l = NUM.sub("N", l)
        elif l:
            name, _, rest = l.rpartition("} ")
            l = name + "} " + " ".join("N" for _ in rest.split())
        out.append(l)
    return out
def valid_exposition(text, what):
    # promtool reads it after this script (h_promtool); a strict line check here.
    global answers
    answers += 1
    with open(f"{tmp}/prom-{answers:02d}.txt", "w") as f:
        f.write(f"# {what}\n" + text)
    label = r'[a-zA-Z_]\w*="(?:[^"\\\n]|\\[\\"n])*"'
    sample = re.compile(r'^[a-zA-Z_:][\w:]*\{' + label + r'(?:,' + label + r')*\} -?\d+(?:\.\d+)?(?: \d+)?$')
    for l in text.split("\n"):
        if l and not l.startswith("#") and not sample.match(l):
            failures.append(f"{what}: not an exposition line: {l!r}")
            return

for q in ("format=shell", "format=shell&filter=system.cpu"):
    nd, tr = both(q)
    same(q, shell_lines(nd), shell_lines(tr))

nd, tr = both("format=json")
def shape(text):
    return {c: {k: v for k, v in x.items() if k not in ("last_updated", "dimensions")} |
               {"dims": {d: y["name"] for d, y in x["dimensions"].items()}}
            for c, x in json.loads(text).items()}
if shape(nd) != shape(tr):
    failures.append(f"format=json: charts differ: "
                    f"{sorted(set(shape(nd)) ^ set(shape(tr)))[:5]} or their fields")
if re.sub(r": (-?\d+(\.\d+)?|null)", ": N", nd.replace("\"value\": null", "\"value\": N")).count("\n") \
   != tr.count("\n"):
    failures.append("format=json: line layout differs")

server = 0
for opts in ("", "&help=yes&types=yes", "&names=no&timestamps=no", "&source=sum&types=yes",
             "&oldunits=yes&help=yes", "&hideunits=yes", "&prefix=zz&timestamps=no",
             "&source=as-collected&help=yes&types=yes", "&data=as-collected&names=no"):
    server += 1
    q = f"format=prometheus&server=s{server}{opts}"
    nd, tr = both(q)
    same(q, prom_lines(nd), prom_lines(tr))
    valid_exposition(tr, q)

q = "format=prometheus_all_hosts&server=all"
nd, tr = both(q)
esc = child.replace("\\", "\\\\").replace('"', '\\"')
mine = [l for l in prom_lines(tr) if f'instance="{esc}"' in l]
same(q, [l for l in prom_lines(nd) if l], mine)
if not re.search(r'^netdata_info\{instance="trib-parent-\d+",application="tributary",version="v1.37.1"\}', tr, re.M):
    failures.append(f"{q}: no netdata_info of the parent itself")
valid_exposition(tr, q)

code, ctype, body = get(f"http://127.0.0.1:{tport}/api/v1/allmetrics?format=bogus")
ncode, _, nbody = get(f"http://127.0.0.1:{cport}/api/v1/allmetrics?format=bogus")
if (code, body) != (ncode, nbody):
    failures.append(f"format=bogus: {code} {body!r} / Netdata {ncode} {nbody!r}")

for f in failures:
    print(f)
print(f"{len(failures)} differences")
sys.exit(1 if failures else 0)
PY
for f in "$T"/prom-*.txt; do h_promtool "$f" "$(head -1 "$f")"; done
tail -1 "$T/compare.log"
h_pass
