#!/usr/bin/env python3
"""bench/models.py — goldfish's two ways of serving connections, side by side
with axum, in one run.

    AXUM_CMD='/path/to/goldfish-peer-axum --port {port}' python3 bench/models.py
    python3 bench/models.py --no-axum            # the two models only
    python3 bench/models.py --perf               # + context switches per request
    python3 bench/models.py --idle 1000          # + threads and RSS at 1000 idle connections

Servers: goldfish (the default, --io epoll), goldfish --io threads, and axum
(`AXUM_CMD`, `{port}` replaced by the port). The axum server is not part of
goldfish: build the peer of goldfish's benchmark harness (axum 0.8 + tokio,
one worker per core; `cargo build --release` in its directory), or any
server that answers the same three routes:

    GET /hello          200 text/plain "Hello, World!"
    GET /later-cookie   200 text/html, echoing the fav_color cookie (sent: blue)
    GET /my-route       200 "Favorite number is 42" with the session cookie that
                        GET /some-route set (fetched once per server start)

Each cell (server x route x connections) starts the server afresh on a free
127.0.0.1 port, warms up for 1 s, then runs
`wrk -t1 -cN -d5s --timeout 5s --latency`; the server's peak RSS is its
VmHWM after the cell. The servers of one route and connection count run
back to back (in an order that rotates from round to round), so the
ratios compare servers measured within seconds of each other: a shared
virtual machine's speed drifts by 20-40 % over minutes, which a ratio of
numbers taken minutes apart would mistake for a difference between the
servers. The table gives each server's median round (by req/s), and each
ratio as the median of the per-round ratios, with their range. The `oth%`
column is the CPU that something else on the machine used meanwhile:
rerun when it is high (a neighbour on the host does not show there).

Standard library only (plus wrk, curl, and perf for --perf).
"""

import argparse
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUTES = {
    "hello": ("/hello", None),
    "later-cookie": ("/later-cookie", "fav_color=blue"),
    "my-route": ("/my-route", "SESSION"),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_field(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def machine_ticks():
    """(busy, total) clock ticks of the whole machine."""
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return sum(cpu) - idle, sum(cpu)


class Server:
    """A server started from a command template; stopped on exit."""

    def __init__(self, name, template):
        self.name = name
        self.port = free_port()
        cmd = template.replace("{port}", str(self.port))
        self.proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/hello", timeout=1).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit(f"{name} exited at start: {cmd}")
                time.sleep(0.05)
        sys.exit(f"{name} did not answer /hello: {cmd}")

    def session_cookie(self):
        """The session cookie GET /some-route sets."""
        with urllib.request.urlopen(self.base + "/some-route", timeout=5) as r:
            for value in r.headers.get_all("Set-Cookie") or []:
                if value.startswith("session="):
                    return value.split(";", 1)[0]
        sys.exit(f"{self.name}: /some-route set no session cookie")

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def wrk(url, conns, seconds, cookie):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, (errors.group(1) if errors else ""), (
        int(non2xx.group(1)) if non2xx else 0)


def cell(name, template, route, conns, args):
    """One measured cell on a fresh server."""
    server = Server(name, template)
    try:
        path, cookie = ROUTES[route]
        if cookie == "SESSION":
            cookie = server.session_cookie()
        url = server.base + path
        if args.warmup:
            wrk(url, conns, args.warmup, cookie)
        t0, busy0 = cpu_ticks(server.proc.pid), machine_ticks()
        rps, p99, errors, bad = wrk(url, conns, args.duration, cookie)
        t1, busy1 = cpu_ticks(server.proc.pid), machine_ticks()
        hz = os.sysconf("SC_CLK_TCK")
        srv = (t1 - t0) / hz
        span = (busy1[1] - busy0[1]) / hz / os.cpu_count()
        return {
            "rps": rps, "p99": p99, "errors": errors, "bad": bad,
            "rss": proc_field(server.proc.pid, "VmHWM") / 1024,
            "us_req": srv * 1e6 / max(rps * args.duration, 1),
            "srv%": 100 * srv / args.duration,
            "busy%": 100 * (busy1[0] - busy0[0]) / hz / args.duration,
            "span": span,
        }
    finally:
        server.stop()


def paired(results, name, route, c):
    """`name` against axum in one cell: the median of the rounds' ratios,
    each round's two numbers taken seconds apart, and their range."""
    ratios = sorted(m["rps"] / a["rps"] for m, a in
                    zip(results[(name, route, c)], results[("axum", route, c)]))
    median = statistics.median(ratios)
    if len(ratios) == 1:
        return f"{median:.2f}x"
    return f"{median:.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"


def perf_switches(name, template, args):
    """Context switches and instructions per request for /hello at c=50."""
    server = Server(name, template)
    try:
        pid = server.proc.pid
        perf = subprocess.Popen(
            ["perf", "stat", "-x,", "-e", "context-switches,instructions",
             "-p", str(pid), "--", "sleep", str(args.duration)],
            stderr=subprocess.PIPE, text=True)
        rps, _, _, _ = wrk(server.base + "/hello", 50, args.duration, None)
        err = perf.communicate()[1]
    finally:
        server.stop()
    counts = {}
    for line in err.splitlines():
        parts = line.split(",")
        if len(parts) > 2 and parts[0].strip().isdigit():
            counts[parts[2]] = int(parts[0])
    requests = rps * args.duration
    if "context-switches" not in counts:
        return f"{name}: perf stat gave no numbers here:\n{err.strip()}"
    ins = counts.get("instructions")
    ins_text = f", {ins / requests:,.0f} instructions" if ins else " (instructions: not counted here)"
    return (f"{name:24} /hello c=50: {rps:9.0f} req/s, "
            f"{counts['context-switches'] / requests:.3f} context switches{ins_text} per request")


def idle(name, template, n):
    """Threads and RSS while `n` keep-alive connections sit idle."""
    server = Server(name, template)
    socks = []
    try:
        rss0 = proc_field(server.proc.pid, "VmRSS") / 1024
        for i in range(n):
            # Four source addresses: goldfish lets one address hold 512.
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10,
                                         source_address=(f"127.0.0.{1 + i % 4}", 0))
            s.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while not data.endswith(b"Hello, World!"):
                chunk = s.recv(4096)
                if not chunk:
                    sys.exit(f"{name}: connection {i} closed")
                data += chunk
            socks.append(s)
        pid = server.proc.pid
        return (f"{name:24} {n} idle connections: {proc_field(pid, 'Threads'):5} threads, "
                f"RSS {rss0:.1f} -> {proc_field(pid, 'VmRSS') / 1024:.1f} MiB")
    finally:
        for s in socks:
            s.close()
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--conns", default="1,50,500")
    ap.add_argument("--routes", default="hello,later-cookie,my-route")
    ap.add_argument("--no-axum", action="store_true")
    ap.add_argument("--perf", action="store_true", help="context switches per request")
    ap.add_argument("--idle", type=int, default=0, help="threads and RSS at N idle connections")
    ap.add_argument("--no-table", action="store_true", help="skip the wrk table")
    args = ap.parse_args()
    # Killed: unwind, so that the server of the current cell is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/models.py: terminated"))

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    gf = os.path.join(ROOT, "target/release/goldfish") + " --quiet --port {port}"
    servers = [("goldfish", gf), ("goldfish --io threads", gf + " --io threads")]
    if not args.no_axum:
        axum = os.environ.get("AXUM_CMD")
        if not axum:
            sys.exit("set AXUM_CMD (see the top of this file), or pass --no-axum")
        servers.append(("axum", axum))
    # The servers run with a high open-files limit, like the load.
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}, {os.cpu_count()} cores, "
          f"{os.uname().sysname} {os.uname().release}; wrk -t1 --timeout 5s, "
          f"{args.duration} s per cell after {args.warmup} s warm-up, median of {args.rounds} rounds")
    if not args.no_table:
        conns = [int(c) for c in args.conns.split(",")]
        routes = args.routes.split(",")
        results = {}
        for r in range(args.rounds):
            # Each server takes each place in the order in turn.
            order = servers[r % len(servers):] + servers[:r % len(servers)]
            for route in routes:
                for c in conns:
                    for name, template in order:
                        m = cell(name, template, route, c, args)
                        results.setdefault((name, route, c), []).append(m)
                        oth = max(0.0, m["busy%"] - m["srv%"] - 100)  # wrk takes about one core
                        print(f"round {r + 1}  {name:22} {route:13} c={c:<4} {m['rps']:9.0f} req/s  "
                              f"p99 {m['p99']:8.2f} ms  RSS {m['rss']:5.1f} MiB  "
                              f"{m['us_req']:5.1f} us/req  srv {m['srv%']:3.0f}%  oth~{oth:3.0f}%"
                              f"{'  errors: ' + m['errors'] if m['errors'] else ''}"
                              f"{'  non-2xx: ' + str(m['bad']) if m['bad'] else ''}", flush=True)
        median = {k: sorted(v, key=lambda m: m["rps"])[len(v) // 2] for k, v in results.items()}
        print()
        names = [n for n, _ in servers]
        head = "| route | c | " + " | ".join(f"{n} req/s" for n in names)
        if "axum" in names:
            head += " | goldfish / axum | threads / axum | p99 ms (goldfish / threads / axum) | peak RSS MiB (goldfish / threads / axum)"
        print(head + " |")
        print("|" + " --- |" * (head.count("|")))
        for route in routes:
            for c in conns:
                ms = [median[(n, route, c)] for n in names]
                row = f"| `/{route}` | {c} | " + " | ".join(f"{m['rps']:,.0f}" for m in ms)
                if "axum" in names:
                    row += (f" | {paired(results, names[0], route, c)} | "
                            f"{paired(results, names[1], route, c)} | "
                            + " / ".join(f"{m['p99']:.2f}" for m in ms) + " | "
                            + " / ".join(f"{m['rss']:.1f}" for m in ms))
                print(row + " |")
    if args.perf:
        print()
        for name, template in servers:
            print(perf_switches(name, template, args), flush=True)
    if args.idle:
        print()
        for name, template in servers:
            print(idle(name, template, args.idle), flush=True)


if __name__ == "__main__":
    main()
