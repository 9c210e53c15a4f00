#!/usr/bin/env python3
"""Storage crash/disk tests: snapshot a host's stored rows through
/api/v1/data and compare snapshots.

  storage_check.py snap BASE HOST AFTER BEFORE OUT CHART...
      every row of each CHART between AFTER and BEFORE (absolute seconds) into
      OUT (JSON {chart: {time: [values]}}); null values are left out.
  storage_check.py check BASE HOST AFTER BEFORE PRE CUTOFF CHART...
      snap into PRE.post, then compare PRE with it (one process).
  storage_check.py compare PRE POST CUTOFF
      every value of PRE at time <= CUTOFF must be in POST, equal; prints
      "lost=<max values missing per dimension among times > CUTOFF>
      checked=<n>" and exits 1 naming the first missing or changed value.
"""
import json
import sys
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def snap(base, host, after, before, out, charts):
    res = {}
    for c in charts:
        d = fetch("%s/host/%s/api/v1/data?chart=%s&after=%s&before=%s&format=json"
                  % (base, host, c, after, before))
        labels = d["labels"][1:]
        rows = {}
        for r in d["data"]:
            vals = {labels[i]: v for i, v in enumerate(r[1:]) if v is not None}
            if vals:
                rows[str(r[0])] = vals
        res[c] = rows
    json.dump(res, open(out, "w"))


def compare(pre_f, post_f, cutoff):
    pre = json.load(open(pre_f))
    post = json.load(open(post_f))
    checked = 0
    lost = {}
    for c, rows in pre.items():
        prow = post.get(c, {})
        for t, vals in rows.items():
            for d, v in vals.items():
                got = prow.get(t, {}).get(d)
                if int(t) <= cutoff:
                    checked += 1
                    if got is None:
                        print("%s.%s: the value at %s (%s before the cut) is gone"
                              % (c, d, t, cutoff - int(t)), file=sys.stderr)
                        sys.exit(1)
                    if abs(got - v) > 1e-9 * max(1.0, abs(v)):
                        print("%s.%s at %s: %r became %r" % (c, d, t, v, got),
                              file=sys.stderr)
                        sys.exit(1)
                elif got is None:
                    lost[(c, d)] = lost.get((c, d), 0) + 1
    print("lost=%d checked=%d" % (max(lost.values()) if lost else 0, checked))


if __name__ == "__main__":
    if sys.argv[1] == "snap":
        snap(*sys.argv[2:7], sys.argv[7:])
    elif sys.argv[1] == "check":
        base, host, after, before, pre, cutoff = sys.argv[2:8]
        snap(base, host, after, before, pre + ".post", sys.argv[8:])
        compare(pre, pre + ".post", int(cutoff))
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: see the docstring")
