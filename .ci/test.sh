#!/usr/bin/env bash
# The whole test suite: install, release build + every ctest (unit, actor,
# integration against a real Netdata 1.37.1), an ASan+UBSan build running the
# unit and actor tests, and short libFuzzer runs of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
start=$(date +%s)
stage() { echo; echo "== $* ($(( $(date +%s) - start )) s)"; }

stage "install dependencies"
bash .ci/install-deps.sh
bash tests/harness/ndpeer.sh install

stage "format (.clang-format)"
bash .ci/format-check.sh

stage "release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_ENABLE_WERROR=ON >/dev/null
cmake --build build -j"$jobs"

stage "clang-tidy (.clang-tidy, CAF-free layers and actors)"
bash .ci/tidy.sh build

stage "tests (release)"
ctest --test-dir build --output-on-failure -j"$jobs" -LE 'integration|deploy'
ctest --test-dir build --output-on-failure -j"$jobs" -L integration

stage "deploy checks (helm lint/template, Kubernetes schemas, Dockerfile; tools by npm ci)"
ctest --test-dir build --output-on-failure -L deploy

stage "sanitizer build (ASan+UBSan)"
# -g1: line tables are enough for sanitizer reports; full debug info of
# CAF's template-heavy translation units costs build time we do not need.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DTRIBUTARY_ENABLE_ASAN=ON -DTRIBUTARY_ENABLE_UBSAN=ON >/dev/null
cmake --build build-asan -j"$jobs" --target base_tests protocol_tests config_tests storage_tests tls_tests health_tests api_tests collectors_tests log_tests actors_tests
stage "tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'base|protocol|config|storage|tls|health|api|collectors|log'
# Leak checking is off for the actor tests only: on CAF 0.17's test
# coordinator, the connection/receiver actors of a finished test case are
# still referenced when the system goes away and LeakSanitizer reports them
# (a known open point, see the issue notes). Every other ASan/UBSan check
# stays on.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L actors

stage "fuzz build (clang, libFuzzer)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTRIBUTARY_ONLY_LOWER_LAYERS=ON -DTRIBUTARY_ENABLE_TESTS=OFF \
  -DTRIBUTARY_ENABLE_FUZZERS=ON -DTRIBUTARY_ENABLE_ASAN=ON >/dev/null
cmake --build build-fuzz -j"$jobs"
stage "fuzz runs"
bash tests/fuzz/run.sh build-fuzz "${FUZZ_RUNS:-20000}"

stage "done"
