#!/usr/bin/env bash
# The main job: install, build, then run a tributary parent on
# 127.0.0.1:19999 and a local tributary child that streams its /proc metrics
# into it over a real Netdata stream (lz4). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_ENABLE_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target tributary
run=${TRIBUTARY_QUICKSTART_DIR:-/tmp/tributary-quickstart}
key=11111111-2222-4333-8444-555555555555
mkdir -p "$run/parent" "$run/child"
cat > "$run/parent/netdata.conf" <<CONF
[global]
    hostname = tributary-parent
[db]
    mode = dbengine
[web]
    bind to = 127.0.0.1:19999
[directories]
    log = $run/parent/log
    cache = $run/parent/cache
    lib = $run/parent/lib
CONF
cat > "$run/parent/stream.conf" <<CONF
[$key]
    enabled = yes
    default memory mode = dbengine
CONF
cat > "$run/child/netdata.conf" <<CONF
[global]
    hostname = tributary-child
[db]
    mode = ram
[web]
    bind to = 127.0.0.1:19998
[directories]
    log = $run/child/log
    cache = $run/child/cache
    lib = $run/child/lib
CONF
cat > "$run/child/stream.conf" <<CONF
[stream]
    enabled = yes
    destination = 127.0.0.1:19999
    api key = $key
CONF
./build/bin/tributary run --config-dir "$run/parent" &
parent=$!
./build/bin/tributary run --config-dir "$run/child" 2>"$run/child/stderr.log" &
child=$!
trap 'kill $child $parent 2>/dev/null; wait' EXIT INT TERM
sleep 2
echo
echo "tributary parent: http://127.0.0.1:19999/api/v1/info"
echo "its local child:  http://127.0.0.1:19999/host/tributary-child/api/v1/charts"
echo "                  http://127.0.0.1:19999/host/tributary-child/api/v1/data?chart=system.cpu&after=-60"
echo "                  http://127.0.0.1:19999/host/tributary-child/api/v1/alarms?all  (Netdata's stock alerts, after the 60 s postponement)"
echo "configs and logs under $run (Ctrl-C stops both)"
wait $parent
