#!/usr/bin/env bash
# bench/stores.sh — what a server-side store costs: GET /server-session with
# a session in memory, in Redis and in PostgreSQL, in the same run.
#
#   bench/stores.sh                      # 10 s per store, 16 connections
#   DURATION=30 CONNS=64 bench/stores.sh
#
# Starts, on free loopback ports: a redis-server (no persistence), a
# throwaway PostgreSQL cluster (initdb into a temporary directory, as
# nobody when run as root, SCRAM password, fsync off), and three release
# goldfish processes, one per store. Stores one colour in each (curl), then
# runs wrk against GET /server-session with that sid cookie: every request
# loads the session from its store (a HashMap lookup, a GET, a SELECT) and
# renders the page. Prints req/s and latency per store, and the ratios.
# Needs wrk, curl, redis-server, PostgreSQL (Debian: apt-get install wrk
# curl redis-server postgresql). Everything started is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CONNS="${CONNS:-16}"
THREADS="${THREADS:-2}"
for tool in wrk curl redis-server; do
  command -v "$tool" >/dev/null || { echo "stores.sh: needs $tool" >&2; exit 2; }
done
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "stores.sh: needs PostgreSQL (apt-get install postgresql)" >&2; exit 2; }
cargo build --release --quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tmp=$(mktemp -d /tmp/goldfish-bench-stores.XXXXXX)
pids=()
pg_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$pg_pid" ]; then kill -INT "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: as nobody, then.
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(setpriv --reuid=65534 --regid=65534 --clear-groups --); chown 65534:65534 "$tmp"; fi
password=bench-password
echo "$password" >"$tmp/pw"
"${as_pg[@]}" "$bin/initdb" -D "$tmp/data" -U goldfish --pwfile="$tmp/pw" --auth-host=scram-sha-256 \
  --auth-local=trust -E UTF8 --locale=C --no-sync >/dev/null
pg_port=$(free_port)
"${as_pg[@]}" "$bin/postgres" -D "$tmp/data" -p "$pg_port" -k "$tmp" -c listen_addresses=127.0.0.1 \
  -c fsync=off >"$tmp/pg.log" 2>&1 &
pg_pid=$!
for _ in $(seq 100); do "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
"$bin/psql" -X -q -h "$tmp" -p "$pg_port" -U goldfish -d postgres -c "CREATE DATABASE goldfish OWNER goldfish"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
  --daemonize no --loglevel warning >/dev/null &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

declare -A url
url[memory]=memory
url[redis]="redis://127.0.0.1:$redis_port"
url[postgres]="postgres://goldfish:$password@127.0.0.1:$pg_port/goldfish"
declare -A rps p50 p99
for store in memory redis postgres; do
  port=$(free_port)
  SECRET_KEY=bench ./target/release/goldfish --quiet --port "$port" --session-store "${url[$store]}" \
    --max-connections 4096 2>"$tmp/goldfish-$store.log" &
  pids+=($!)
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
  sid=$(curl -s -D - -o /dev/null -d fav_color=teal "http://127.0.0.1:$port/server-session" \
    | sed -n 's/^Set-Cookie: \(sid=[^;]*\).*/\1/p' | tr -d '\r')
  page=$(curl -s -H "Cookie: $sid" "http://127.0.0.1:$port/server-session")
  [[ "$page" == *"remembers it: teal"* ]] || { echo "stores.sh: $store did not keep the session" >&2; exit 1; }
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -H "Cookie: $sid" \
    "http://127.0.0.1:$port/server-session")
  rps[$store]=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p50[$store]=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99[$store]=$(echo "$out" | awk '$1=="99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  [ -z "$bad" ] || { echo "stores.sh: $store answered $bad non-2xx responses" >&2; exit 1; }
  printf 'stores: %-8s %10s req/s   p50 %8s   p99 %8s\n' "$store" "${rps[$store]}" "${p50[$store]}" "${p99[$store]}"
done
ratio() { echo "scale=2; $1 / $2" | bc; }
echo "stores: memory/redis $(ratio "${rps[memory]}" "${rps[redis]}"), memory/postgres $(ratio "${rps[memory]}" "${rps[postgres]}"), redis/postgres $(ratio "${rps[redis]}" "${rps[postgres]}") (req/s; GET /server-session, wrk -t$THREADS -c$CONNS -d${DURATION}s)"
