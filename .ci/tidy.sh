#!/usr/bin/env bash
# clang-tidy (Debian's clang-tidy 14, checks in .clang-tidy) over every
# translation unit of the CAF-free layers and of actors/, using
# BUILD/compile_commands.json (without g++'s precompiled header, which clang
# cannot read). Name folders to check only those.
#   .ci/tidy.sh [BUILD] [FOLDER...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(base protocol config storage health model api collectors log service net access tls actors loadgen bin)
files=()
for f in "${folders[@]}"; do
  [ -d "$f" ] || continue
  while IFS= read -r x; do files+=("$x"); done < <(find "$f" -name '*.cpp' | sort)
done
db=$build/compile_commands.json
[ -f "$db" ] || { echo "tidy: $db not found (configure $build first)" >&2; exit 2; }
# the g++ precompiled header (-include cmake_pch.hxx) is not for clang
tidy_db=$(mktemp -d)
trap 'rm -rf "$tidy_db"' EXIT
python3 - "$db" "$tidy_db/compile_commands.json" <<'PY'
import json, re, sys
cmds = json.load(open(sys.argv[1]))
for c in cmds:
    c["command"] = re.sub(r"-include \S*cmake_pch\.hxx", "", c["command"])
    c["command"] = re.sub(r"-Winvalid-pch", "", c["command"])
json.dump(cmds, open(sys.argv[2], "w"))
PY
echo "tidy: ${#files[@]} files in ${folders[*]}"
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$tidy_db" --quiet 2>/dev/null \
  > "$tidy_db/out.txt" || status=$?
if grep -q "warning:\|error:" "$tidy_db/out.txt"; then
  grep -A3 "warning:\|error:" "$tidy_db/out.txt"
  echo "tidy: findings above" >&2
  exit 1
fi
[ "${status:-0}" -eq 0 ] || { cat "$tidy_db/out.txt"; exit 1; }
echo "tidy: no findings"
