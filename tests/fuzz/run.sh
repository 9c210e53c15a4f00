#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for RUNS executions on its corpus
# (tests/fuzz/corpus/<target>, seeded from tests/data). Fails on any finding.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [RUNS]}
runs=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$here/corpus/$name"
  work=$(mktemp -d)
  cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  if "$bin" -runs="$runs" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
    passed=$((passed + 1))
    echo "fuzz $name: $(grep -o 'Done [0-9]* runs.*' "$work.log" | tail -1)"
  else
    failed=$((failed + 1))
    echo "fuzz $name FAILED:"; tail -40 "$work.log"
  fi
  rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
