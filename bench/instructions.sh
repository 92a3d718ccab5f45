#!/usr/bin/env bash
# bench/instructions.sh — user-space instructions per request, counted by
# valgrind's callgrind: the one performance number that does not move with
# the machine's load, so it can compare two commits on a shared machine.
#
#   bench/instructions.sh                      # goldfish (this checkout)
#   AXUM_CMD='/path/to/goldfish-peer-axum --port {port}' bench/instructions.sh
#   BIN=/other/build/goldfish bench/instructions.sh   # another build
#
# For each route (/hello, /later-cookie with fav_color=blue, /some-route,
# which writes a signed session cookie, and /my-route with the session
# cookie /some-route sets) it starts the server under callgrind,
# warms it up for 1 s with `wrk -c1`, zeroes the counters, runs `wrk -t1
# -c1 -d3s`, and divides every instruction the process ran (all threads,
# the kernel's share not included) by the requests served. Start-up and
# the first request's lazy work (compiling templates) are left out.
#
# Needs valgrind, wrk and curl. A run takes about a minute.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    BIN="$ROOT/target/release/goldfish"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# count NAME CMD PATH COOKIE — prints one line.
count() {
    local name=$1 cmd=$2 path=$3 cookie=$4 port out pid n total
    port=$(free_port)
    out="$WORK/callgrind.$port"
    # shellcheck disable=SC2086 # the command is words
    valgrind --tool=callgrind --callgrind-out-file="$out" ${cmd//\{port\}/$port} \
        >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break
        sleep 0.2
    done
    if [ "$cookie" = SESSION ]; then
        cookie=$(curl -s -D- -o /dev/null "http://127.0.0.1:$port/some-route" |
            awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}')
    fi
    wrk -t1 -c1 -d1s -H "Cookie: $cookie" "http://127.0.0.1:$port$path" >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    n=$(wrk -t1 -c1 -d3s -H "Cookie: $cookie" "http://127.0.0.1:$port$path" |
        awk '/requests in/ {print $1}')
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    total=$(callgrind_annotate "$(ls -t "$out".* | head -1)" 2>/dev/null |
        awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    printf '| %s | `%s` | %s | %s |\n' "$name" "$path" "$n" "$((total / n))"
}

echo "| server | route | requests counted | instructions per request |"
echo "| --- | --- | ---: | ---: |"
servers=("goldfish|$BIN --quiet --port {port}")
if [ -n "${AXUM_CMD:-}" ]; then
    servers+=("axum|$AXUM_CMD")
fi
for server in "${servers[@]}"; do
    name=${server%%|*}
    cmd=${server#*|}
    count "$name" "$cmd" /hello x=y
    count "$name" "$cmd" /later-cookie fav_color=blue
    count "$name" "$cmd" /some-route x=y
    count "$name" "$cmd" /my-route SESSION
done
