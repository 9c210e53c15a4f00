#!/usr/bin/env bash
# A child that defines a chart again sends all its CLABELs again, then
# CLABEL_COMMIT: the commit makes them the chart's labels. A label re-sent
# is not listed twice, a changed value replaces the old one, and a label the
# child no longer sends is gone (docs/protocol.md, "Commands").
# A fake 1.37.1 child (ndfakechild.py) defines chart lab.c with labels
# a=1, b=2, sends rows, defines it again with a=3 and c=4 only; the parent's
# /api/v1/charts must list exactly a=3 and c=4, each once.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
. "$(dirname "$0")/../harness/tribconf.sh"

FAKE=$H_HARNESS/ndfakechild.py
KEY=$(cat /proc/sys/kernel/random/uuid)
GUID=$(cat /proc/sys/kernel/random/uuid)
PORT=$(h_free_port)
T=$(h_tmpdir)

tc_instance "$T" "clabel-parent-$$" "127.0.0.1:$PORT"
tc_no_proc "$T"
tc_accept_key "$T" "$KEY"
tc_start parent "$T"
h_wait_http "$PORT" /api/v1/info 20

python3 - "$T/define.txt" "$T/round.txt" <<'PY'
import sys, time
now = int(time.time())
def chart(labels):
    b = b'CHART "lab.c" "" "Labels" "units" "fam" "lab.ctx" "line" 1000 1 "" "plugin" "module"\n'
    for k, v in labels:
        b += b'CLABEL "%s" "%s" 1\n' % (k.encode(), v.encode())
    b += b'CLABEL_COMMIT\n'
    b += b'DIMENSION "d" "d" "absolute" 1 1 ""\n'
    b += b'CHART_DEFINITION_END %d %d %d\n' % (now, now, now)
    return b
row = b'BEGIN "lab.c"\nSET "d" = 5\nEND\n'
b = chart([('a', '1'), ('b', '2')]) + row
b += chart([('a', '1'), ('b', '2')]) + row   # the same again: nothing doubles
b += chart([('a', '3'), ('c', '4')]) + row   # a changed, b gone, c new
open(sys.argv[1], 'wb').write(b)
open(sys.argv[2], 'wb').write(row)
PY
h_start child python3 "$FAKE" --dest "127.0.0.1:$PORT" --key "$KEY" --guid "$GUID" \
  --hostname clabelchild --raw-after "$T/define.txt" --raw-rounds "$T/round.txt" \
  --iterations 240 --interval 1 --timeout 10

labels_final() {
  curl -s --noproxy '*' --max-time 10 -o "$T/charts.json" \
    "http://127.0.0.1:$PORT/host/clabelchild/api/v1/charts" || return 1
  python3 - "$T/charts.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))['charts'].get('lab.c')
sys.exit(0 if c and c.get('chart_labels', {}).get('c') == '4' else 1)
PY
}
h_wait_for -t 30 -m "the redefined chart's labels in /api/v1/charts" labels_final

python3 - "$T/charts.json" <<'PY' || h_fail "chart labels after the redefinition: $(head -c 2000 "$T/charts.json")"
import json, sys
def pairs_once(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), 'a label listed twice: %r' % pairs
    return dict(pairs)
doc = json.load(open(sys.argv[1]), object_pairs_hook=pairs_once)
labels = doc['charts']['lab.c']['chart_labels']
assert labels == {'a': '3', 'c': '4'}, labels
PY
H_PASSED=$((H_PASSED + 1))
h_pass
