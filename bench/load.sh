#!/usr/bin/env bash
# bench/load.sh — sustained load over the lesson routes.
#
#   bench/load.sh                 # 60 s at 256 connections (the issue's run)
#   DURATION=10 CONNS=64 bench/load.sh
#   GOLDFISH_ARGS='--loops 2' bench/load.sh     # another configuration
#
# Starts a release goldfish on a free loopback port (--quiet), runs
#   wrk -t2 -c$CONNS -d${DURATION}s --timeout 5s --latency -s bench/load.lua
# rotating over 15 lesson routes with a fav_color cookie and a real session
# cookie, then prints req/s, p50/p99, socket errors, responses >= 400, and
# the server's peak RSS (VmHWM). Exits 1 on any socket error or any status
# >= 400 (every route answers this client with 200, so that covers 5xx).
# Needs wrk (Debian: apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-60}"
CONNS="${CONNS:-256}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { echo "load.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SECRET_KEY=load-test-key ./target/release/goldfish --quiet --port "$port" --max-connections 4096 ${GOLDFISH_ARGS:-} 2>/tmp/goldfish-load.log &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
session=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/some-route" | sed -n 's/^Set-Cookie: \(session=[^;]*\).*/\1/p' | tr -d '\r')
echo "load: goldfish pid $pid on 127.0.0.1:$port; wrk -t$THREADS -c$CONNS -d${DURATION}s over bench/load.lua"
out=$(SESSION_COOKIE="$session" wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency -s bench/load.lua "http://127.0.0.1:$port")
echo "$out" | grep -E "Requests/sec|Latency|Socket errors|Non-2xx" || true
line=$(echo "$out" | grep '^LOADTSV')
read -r _ reqs _ rps p50 p99 bad sock <<<"$line"
hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status")
threads=$(awk '/^Threads:/{print $2}' "/proc/$pid/status")
printf 'load: %s requests, %s req/s, p50 %.2f ms, p99 %.2f ms, socket errors %s, responses >= 400: %s, peak RSS %.1f MiB, threads now %s\n' \
  "$reqs" "$rps" "$(echo "$p50/1000" | bc -l)" "$(echo "$p99/1000" | bc -l)" "$sock" "$bad" "$(echo "$hwm/1024" | bc -l)" "$threads"
# Still healthy afterwards?
curl -sf "http://127.0.0.1:$port/hello" >/dev/null && echo "load: the server still answers /hello"
if [ "$sock" != 0 ]; then echo "load: FAIL: $sock socket errors"; exit 1; fi
if [ "$bad" != 0 ]; then echo "load: FAIL: $bad responses with status >= 400 (every route should answer 200)"; exit 1; fi
echo "load: ok"
