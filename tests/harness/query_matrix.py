#!/usr/bin/env python3
"""Sends the same API requests to a Netdata 1.37.1 parent and a tributary
parent fed the same stream, and compares the answers.

usage: query_matrix.py NETDATA_PORT TRIBUTARY_PORT CHILD_HOST CHILD_GUID [LOADGEN_HOST...]

Prints one "differs <request>: <why>" line per request whose answers differ
("accepted ..." when docs/api.md lists the difference as accepted, "open ..."
when it lists it as a known bug not fixed yet) and a last line "N of M
requests differ". Exits 1 on any difference docs/api.md does not list.

Comparison:
  * status code and Content-Type must be equal;
  * JSON (and JSONP once the callback is stripped) is compared as parsed
    structures; text formats line by line, cell by cell;
  * numbers agree within one step of Netdata's 32-bit storage number
    (relative 1/1677721) plus 1e-7 for the printed 7th decimal; groups
    computed in floating point (stddev, cv, ses, des, median, percentages)
    use the same bound, which covers the order of summation;
  * masked, because they legitimately differ: the "version" of each
    parent, first_entry/last_entry/duration of /chart(s) (when each parent
    read its clock), rrd_memory_bytes of /charts (each parent's own memory), "now"-relative windows are asked up to three times before a
    difference counts (the two requests may straddle a second).
"""
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

NPORT, TPORT, CHILD, GUID, *LOADGENS = sys.argv[1:]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "api.md")

MASKED_KEYS = {"version", "first_entry", "last_entry", "duration", "rrd_memory_bytes"}
MODE = os.environ.get("QM_MODE", "ram")


def get(port, path):
    try:
        with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8", "replace")
    except Exception as e:  # a stalled or closed connection is a difference too
        return -1, None, f"{type(e).__name__}: {e}"


def close(x, y):
    return x == y or abs(x - y) <= 1e-7 + max(abs(x), abs(y)) / 1677721


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def diff_json(a, b, where="$"):
    """First difference between two parsed JSON values, or None."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else f"{where}: {a!r} != {b!r}"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if close(a, b) else f"{where}: {a!r} != {b!r}"
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} {str(a)[:60]!r} != {type(b).__name__} {str(b)[:60]!r}"
    if isinstance(a, dict):
        ka, kb = set(a) - MASKED_KEYS, set(b) - MASKED_KEYS
        if ka != kb:
            return f"{where}: keys only in netdata {sorted(ka - kb)[:5]}, only in tributary {sorted(kb - ka)[:5]}"
        if list(k for k in a if k in ka) != list(k for k in b if k in kb):
            return f"{where}: key order {list(a)[:6]} != {list(b)[:6]}"
        for k in a:
            if k in ka:
                d = diff_json(a[k], b[k], f"{where}.{k}")
                if d:
                    return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff_json(x, y, f"{where}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{where}: {str(a)[:80]!r} != {str(b)[:80]!r}"


CELL = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[^-\d]+|-")


def diff_text(a, b):
    la, lb = a.split("\n"), b.split("\n")
    if len(la) != len(lb):
        return f"{len(la)} lines != {len(lb)} lines"
    for i, (x, y) in enumerate(zip(la, lb)):
        if x == y:
            continue
        cx, cy = CELL.findall(x), CELL.findall(y)
        if len(cx) == len(cy) and all(
                p == q or (num(p) is not None and num(q) is not None and close(num(p), num(q)))
                for p, q in zip(cx, cy)):
            continue
        return f"line {i + 1}: {x[:100]!r} != {y[:100]!r}"
    return None


def as_json(ctype, body):
    """Parsed JSON of a JSON or JSONP body, or a marker when it is text."""
    text = body.strip()
    m = re.match(r"^([A-Za-z_$][\w$.]*)\((.*)\);?$", text, re.S)
    if m:
        text = m.group(2)
    try:
        return (m.group(1) if m else None), json.loads(text)
    except ValueError:
        return None, ValueError


def compare(nd, tr):
    if nd[0] != tr[0]:
        return f"status {nd[0]} != {tr[0]} ({nd[2][:80]!r} / {tr[2][:80]!r})"
    if nd[1] != tr[1]:
        return f"content type {nd[1]!r} != {tr[1]!r} ({nd[2][:80]!r} / {tr[2][:80]!r})"
    cb_n, jn = as_json(nd[1], nd[2])
    cb_t, jt = as_json(tr[1], tr[2])
    if jn is not ValueError and jt is not ValueError:
        if cb_n != cb_t:
            return f"callback {cb_n!r} != {cb_t!r}"
        return diff_json(jn, jt)
    return diff_text(nd[2], tr[2])


def listed_patterns(kind):
    """`- KIND [MODE] `REGEX`: reason` lines of docs/api.md (accepted or
    open; with a MODE, ram or dbengine, only for that run)."""
    out = []
    with open(DOCS, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^- " + kind + r"(?: (ram|dbengine))? `([^`]+)`: (.*)", line)
            if m and m.group(1) in (None, MODE):
                out.append((re.compile(m.group(2)), m.group(3).strip()))
    return out


def charts(port, host):
    s, _, body = get(port, f"/host/{host}/api/v1/charts")
    return json.loads(body)["charts"] if s == 200 else None


# ------------------------------------------------------------ wait for data
WINDOW = 30
deadline = time.time() + 120
WANTED = ["system.cpu", "system.load", "system.ram", "system.processes", "mem.committed"]
SAMPLE = {}
while True:
    before = int(time.time()) - 12
    after = before - WINDOW + 1
    late = []
    for host in [CHILD] + LOADGENS:
        sets = [charts(p, host) for p in (NPORT, TPORT)]
        if not all(sets):
            late.append(f"{host}: not on both parents")
            continue
        if host not in SAMPLE:
            if host == CHILD:
                SAMPLE[host] = [c for c in WANTED if c in sets[0]][:4]
            elif "-var" in host:  # loadgen --variety: one chart per profile
                SAMPLE[host] = sorted(sets[0])[:4]
            else:
                SAMPLE[host] = sorted(sets[0])[:1]
        for c in SAMPLE.get(host, []):
            for cs in sets:
                e = cs.get(c)
                # Two collections stored before the window: each parent's
                # first points (when its connection began) stay out of it.
                margin = 2 + 2 * (e or {}).get("update_every", 1)
                if not e or e["first_entry"] == 0 or e["first_entry"] > after - margin \
                        or e["last_entry"] < before:
                    late.append(f"{host} {c}: {e and (e['first_entry'], e['last_entry'])}")
    if not late:
        break
    if time.time() > deadline:
        sys.exit(f"no common {WINDOW} s window on both parents within 120 s: {late[:4]}")
    time.sleep(2)

# ------------------------------------------------------------ the matrix
ABS = f"after={after}&before={before}"
requests = []  # (path, relative-to-now)
GROUPS = ["average", "min", "max", "sum", "incremental-sum", "median", "stddev", "cv", "ses", "des"]
OPTIONS = ["nonzero", "null2zero", "absolute", "abs", "percentage", "flip", "reversed", "min2max",
           "seconds", "ms", "unaligned", "match-ids", "match-names",
           "nonzero|flip|absolute", "percentage|absolute", "null2zero|reversed", "min2max|abs",
           "seconds|unaligned", "ms|reversed|nonzero", "percentage|unaligned"]
FORMATS = ["json", "jsonp", "csv", "tsv", "ssv", "ssvcomma", "html", "markdown", "array",
           "csvjsonarray", "datatable", "datasource"]

for host, sample in SAMPLE.items():
    for chart in sample:
        d = f"/host/{host}/api/v1/data?chart={chart}"
        primary = host == CHILD and chart == "system.cpu" or host != CHILD
        for pts in (10, WINDOW, 3 * WINDOW, 0):
            requests.append((f"{d}&{ABS}&points={pts}&format=json", False))
        requests.append((f"{d}&{ABS}&points=10&gtime=5&format=json", False))
        requests.append((f"{d}&after=-{WINDOW}&points=10&format=json", True))
        requests.append((f"{d}&after=-{WINDOW}&before=-10&format=json", True))
        requests.append((f"{d}&after={WINDOW}&format=json", True))
        for g in GROUPS:
            requests.append((f"{d}&{ABS}&points=10&group={g}&format=json", False))
            if primary:
                requests.append((f"{d}&{ABS}&points={3 * WINDOW}&group={g}&format=json", False))
        for o in OPTIONS if primary else OPTIONS[:4]:
            requests.append((f"{d}&{ABS}&points=10&options={urllib.parse.quote(o)}&format=json", False))
        for fmt in FORMATS if primary else FORMATS[:3]:
            requests.append((f"{d}&{ABS}&points=5&format={fmt}", False))
        if primary:
            requests.append((f"{d}&{ABS}&points=5&format=jsonp&callback=cb", False))
            requests.append((f"{d}&{ABS}&points=5&format=datasource&tqx=reqId:7", False))
            requests.append((f"{d}&{ABS}&points=5&format=csv&options=percentage|flip", False))
            requests.append((f"{d}&{ABS}&points=5&format=array&options=reversed|abs", False))

# allmetrics source=as-collected over every variety profile (heterogeneous
# charts, counters as _total, percentages): the raw values both parents
# received; timestamps off (each parent's own clock).
for n, host in enumerate(h for h in SAMPLE if "-var" in h):
    for o in ["&help=yes&types=yes", "&names=no", ""]:
        requests.append((f"/host/{host}/api/v1/allmetrics?format=prometheus&source=as-collected"
                         f"&timestamps=no&server=qm{n}{o.replace('&', '_')}{o}", True))

cpu = f"/host/{CHILD}/api/v1/data?chart=system.cpu&{ABS}&points=5&format=json"
for dims in ["user", "user|system", "us*", "!user|*", "nosuch", "user,system"]:
    for o in ["", "&options=match-ids", "&options=match-names", "&options=nonzero"]:
        requests.append((f"{cpu}&dimensions={urllib.parse.quote(dims)}{o}", False))

for prefix in [f"/host/{CHILD}", f"/host/{GUID}"]:
    for q in ["chart?chart=system.cpu", "chart?chart=system.load", "chart?chart=cpu",
              "chart?chart=no.such", "chart", "charts", "alarms", "alarms?all",
              "alarms?active", "alarm_log", "alarm_log?after=0", "alarm_count",
              "alarm_count?status=WARNING", "alarms_values", "alarms_values?all",
              "data?chart=no.such", "data", "data?chart=system.cpu&after=abc",
              "data?chart=system.cpu&points=abc&" + ABS,
              "data?chart=system.cpu&group=nosuch&points=5&" + ABS,
              "data?chart=system.cpu&format=nosuch&points=5&" + ABS,
              "data?chart=system.cpu&points=-3&" + ABS,
              "data?chart=system.cpu&points=5&after=%d&before=%d" % (before, after),
              "data?chart=system.cpu&options=nosuch&points=5&" + ABS,
              "data?chart=system.cpu&points=99999999999&" + ABS]:
        requests.append((f"{prefix}/api/v1/{q}", q.startswith("alarm")))
for q in ["/host/no-such-host/api/v1/data?chart=system.cpu", "/host/no-such-host/api/v1/charts",
          "/api/v1/data?chart=no.such", "/api/v1/chart?chart=no.such", "/api/v1/nosuch"]:
    requests.append((q, False))

accepted = listed_patterns("accepted")
# Known, not yet fixed differences: reported, and they do not fail the test
# (it guards everything else); docs/api.md lists them under Open.
known_open = listed_patterns("open")
differ = unaccepted = still_open = 0
started = time.time()
for path, relative in requests:
    why = None
    for attempt in range(3 if relative else 1):
        # A Prometheus server seen before gets only what changed since:
        # each attempt is a new server.
        asked = path.replace("&server=", f"&server=a{attempt}") if "/allmetrics?" in path else path
        why = compare(get(NPORT, asked), get(TPORT, asked))
        if why is None:
            break
        time.sleep(0.6)
    if why is None:
        continue
    differ += 1
    if os.environ.get("QM_DUMP"):  # both answers of each difference, for a person to read
        with open(os.path.join(os.environ["QM_DUMP"], f"{differ:03d}.txt"), "w") as f:
            f.write(f"{path}\n--- netdata\n{get(NPORT, path)}\n--- tributary\n{get(TPORT, path)}\n")
    reason = next((r for p, r in accepted if p.search(path)), None)
    open_reason = next((r for p, r in known_open if p.search(path)), None)
    if reason:
        print(f"accepted {path}: {why} [{reason}]")
    elif open_reason:
        still_open += 1
        print(f"open {path}: {why} [{open_reason}]")
    else:
        unaccepted += 1
        print(f"differs {path}: {why}")
print(f"{MODE}: window [{after}, {before}] charts {sum(len(v) for v in SAMPLE.values())}: "
      f"{time.time() - started:.0f} s: "
      f"{differ} of {len(requests)} requests differ "
      f"({differ - unaccepted - still_open} accepted, {still_open} known open)")
sys.exit(1 if unaccepted else 0)
