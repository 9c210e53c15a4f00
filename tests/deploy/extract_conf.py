#!/usr/bin/env python3
"""Writes the netdata.conf / stream.conf templates of every ConfigMap in a
manifest rendered by deploy/helm/tributary to OUT/<tier>/, with @NAME@
placeholders filled in as the chart's init container does.

usage: extract_conf.py MANIFEST.yaml OUT NAME=VALUE...

Reads the chart's own output (block scalars `  file: |` under `data:`), so no
YAML library is needed; anything else is an error.
"""
import os
import re
import sys


def configmaps(text):
    for doc in re.split(r"^---\s*$", text, flags=re.M):
        if not re.search(r"^kind: ConfigMap$", doc, flags=re.M):
            continue
        name = re.search(r"^  name: (\S+)$", doc, flags=re.M).group(1)
        files, current = {}, None
        in_data = False
        for line in doc.splitlines():
            if line == "data:":
                in_data = True
                continue
            if not in_data:
                continue
            m = re.match(r"^  (\S+): \|$", line)
            if m:
                current = m.group(1)
                files[current] = []
            elif current and (line.startswith("    ") or not line.strip()):
                files[current].append(line[4:])
            elif line.startswith("  #"):
                continue
            elif line and not line.startswith(" "):
                break
        yield name, {k: "\n".join(v).rstrip("\n") + "\n" for k, v in files.items()}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    manifest, out = sys.argv[1], sys.argv[2]
    subst = dict(a.split("=", 1) for a in sys.argv[3:])
    found = 0
    for name, files in configmaps(open(manifest).read()):
        tier = name.rsplit("-", 1)[-1]
        os.makedirs(os.path.join(out, tier), exist_ok=True)
        for fname, body in files.items():
            for k, v in subst.items():
                body = body.replace("@%s@" % k, v)
            left = re.findall(r"@[A-Z_]+@", body)
            if left:
                sys.exit("%s: %s/%s: no value for %s" % (manifest, name, fname, left[0]))
            with open(os.path.join(out, tier, fname), "w") as f:
                f.write(body)
            found += 1
    if found == 0:
        sys.exit("%s: no ConfigMap with config files" % manifest)


if __name__ == "__main__":
    main()
