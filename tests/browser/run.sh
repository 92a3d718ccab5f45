#!/usr/bin/env bash
# The browser test: build goldfish, start it on a free loopback port, walk
# Debian's headless Chromium through the lessons (check.mjs), stop goldfish.
# Exits with the checks' status: 0 when every check passed.
#
#   tests/browser/run.sh                      # the checks
#   tests/browser/run.sh --screenshots docs   # also write docs/{index,cookies,session}.png
#
# Needs: cargo, node >= 20 with npm, and Chromium at /usr/bin/chromium
# (Debian's `chromium` package; set CHROMIUM=/path to use another).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
caller="$PWD"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser: no Chromium at $chromium (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "browser: playwright-core needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

echo "browser: cargo build"
(cd "$root" && cargo build --quiet --bin goldfish)
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
bin="$target/debug/goldfish"

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  echo "browser: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --port 0: the OS picks a free port, and goldfish's banner says which, so
# no other process can take it between choosing and binding.
log="$(mktemp)"
# --also-port 0: a second port of the same goldfish, for sites.mjs's ports check.
"$bin" --host 127.0.0.1 --port 0 --also-port 0 --quiet 2>"$log" &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT
url=""
also=""
for _ in $(seq 100); do
  url="$(grep -o 'Serving on http://127\.0\.0\.1:[0-9]*' "$log" | grep -o 'http.*' || true)"
  also="$(grep -o 'Also serving on http://127\.0\.0\.1:[0-9]*' "$log" | grep -o 'http.*' || true)"
  [ -n "$url" ] && [ -n "$also" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "browser: goldfish did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ] || [ -z "$also" ]; then
  echo "browser: goldfish printed no address (or no --also-port address) within 10 s" >&2
  exit 1
fi
echo "browser: goldfish at $url/, Chromium at $chromium"

rc=0
(cd "$caller" && CHROMIUM="$chromium" node "$here/check.mjs" "$url" "$@") || rc=$?
# The course walked end to end: rel=next from / to /compare, the questions
# answered by observing, axe-core on every page, 375 px, the C-items.
(cd "$caller" && CHROMIUM="$chromium" GOLDFISH_ALSO="$also" node "$here/course.mjs" "$url" "$@") || rc=$?
# Cross-site attacks from a page on another site (localhost vs 127.0.0.1).
(cd "$caller" && CHROMIUM="$chromium" node "$here/csrf.mjs" "$url") || rc=$?
# The cookie jar model against Chromium (jar.mjs runs its own tiny server).
echo "browser: the cookie jar conversations (tests/fixtures/chromium-jar-cases.txt)"
CHROMIUM="$chromium" node "$here/jar.mjs" "$bin" "$root/tests/fixtures/chromium-jar-cases.txt" || rc=$?
# Many sites on one machine: the same goldfish under its *.localhost names
# (sites.mjs; about two minutes, most of it Chromium's Lax+POST window).
(cd "$caller" && CHROMIUM="$chromium" node "$here/sites.mjs" "$url" "$also") || rc=$?
exit "$rc"
