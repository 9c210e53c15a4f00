#!/usr/bin/env bash
# Fails if any C++ file differs from .clang-format (clang-format 14, Debian's).
# Fix with: git ls-files '*.cpp' '*.hpp' '*.h' | grep -v '^tests/data/' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
files() {
  if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    git ls-files '*.cpp' '*.hpp' '*.h'
  else
    find . -path ./tests/data -prune -o -path './build*' -prune -o \
      \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print | sed 's|^\./||'
  fi
}
files | grep -v '^tests/data/' | xargs clang-format --dry-run --Werror
echo "format: every C++ file follows .clang-format"
