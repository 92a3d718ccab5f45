#!/usr/bin/env python3
"""bench/hostile.py — hostile clients against a real goldfish, with numbers.

    python3 bench/hostile.py            # builds and starts target/release/goldfish
    python3 bench/hostile.py --quick    # smaller counts, ~3 min
    python3 bench/hostile.py --io threads   # against the threads model

Scenarios, each followed by a health check (a normal client's /hello):
  1. slowloris: 300 connections trickle one header byte per second while a
     normal client keeps asking for /hello; goldfish's 10 s header timeout
     must end them with 408.
  2. idle: 1000 keep-alive connections (from 127.0.0.1-127.0.0.4: one
     address may hold 512) sit idle after one request; a normal client must
     still be served; the 5 s idle timeout must close them.
  3. vanishing: clients that close mid-request, and clients that reset the
     connection mid-response (SO_LINGER 0) while a large page is written.
  4. oversized: a 100 KB request line, 100 KB of headers, a 10 MB body.
  5. garbage: random bytes.
  6. one address: 2048 half-open connections from 127.0.0.1, each reopened
     as soon as it is closed, while a client on 127.0.0.2 asks for /hello
     every 0.5 s; it must get 200 every time (per-client cap: 512).
  7. many addresses: half-open connections from 127.0.0.1-127.0.0.8, more
     than the whole cap (2048); a client on 127.0.0.9 must still get 200
     (connections only waiting for a request are closed to make room).
  8. fast then drip: 200 connections declare a 1 MiB body, send all but
     100 bytes at once, then drip a byte every 7 s; each must get 408 about
     10 s after its fast part (the body's deadline cannot be stretched).
  9. declared, not sent: 1000 connections declare a 1 MiB body and send 5
     bytes of it; the server's memory must grow by what arrived, not 1 GiB.
 10. session flood (each against a goldfish of its own): 10,000 cookie-less
     POST /server-session from one address with the defaults (60 new
     sessions a minute per client): 429s, and a victim who came back keeps
     the session; then, with the per-client limit off, 15,000 past the
     memory store's cap of 10,000 (the victim, in use, survives), into a
     file store and into a Redis capped at 10,000 (503 past the cap, the
     directory and DBSIZE stop there), and a file store's sweep, which no
     request waits for.
Afterwards: the server answers normally, every worker thread has gone idle
and exited (the pool lets idle workers linger 30 s), and resident memory has
settled: what glibc's malloc keeps after the first wave is reused by a second
identical wave instead of growing. Prints one line per measurement.

Standard library only. Load tests go to 127.0.0.1 only.
"""

import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK = "--quick" in sys.argv
# `--io MODEL` is passed on to goldfish.
IO = sys.argv[sys.argv.index("--io") + 1:][:1] if "--io" in sys.argv else []
SLOW_CLIENTS = 100 if QUICK else 300
IDLE_CLIENTS = 300 if QUICK else 1000
failures = []


def say(msg):
    print(msg, flush=True)


def check(ok, what):
    say(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def rss_mib(pid):
    return proc_status(pid, "VmRSS") / 1024


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(port, timeout=5.0, source="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    return s


def read_response(s):
    """Reads one response (head + Content-Length body). Returns (status, bytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None, data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, head + b"\r\n\r\n" + rest


def hello_latency_ms(port, source="127.0.0.1"):
    t0 = time.perf_counter()
    with connect(port, source=source) as s:
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        status, _ = read_response(s)
    return (time.perf_counter() - t0) * 1000, status


def wait_ready(port):
    """Waits (up to 5 s) until a goldfish just started answers /hello."""
    for _ in range(100):
        try:
            hello_latency_ms(port)
            return
        except OSError:
            time.sleep(0.05)


def normal_client(port, n=20):
    lat = []
    for _ in range(n):
        ms, status = hello_latency_ms(port)
        if status != 200:
            return None
        lat.append(ms)
        time.sleep(0.02)
    return statistics.median(lat), max(lat)


def slowloris(port):
    say(f"-- slowloris: {SLOW_CLIENTS} connections, one header byte per second")
    socks = []
    for _ in range(SLOW_CLIENTS):
        s = connect(port, timeout=30)
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        socks.append(s)
    stop = time.time() + 12
    answered = {}

    def trickle():
        i = 0
        while time.time() < stop:
            for idx, s in enumerate(socks):
                if idx in answered:
                    continue
                try:
                    s.sendall(b"X"[: 1] if i % 2 == 0 else b"-")
                except OSError:
                    answered[idx] = "closed"
            i += 1
            time.sleep(1)

    t = threading.Thread(target=trickle)
    t.start()
    time.sleep(2)
    result = normal_client(port)
    check(result is not None and result[0] < 100,
          f"slowloris: normal /hello while {SLOW_CLIENTS} slow clients trickle: "
          f"median {result[0]:.2f} ms, max {result[1]:.2f} ms" if result else "slowloris: normal client failed")
    t.join()
    got408 = 0
    for s in socks:
        try:
            s.settimeout(2)
            data = s.recv(4096)
            if data.startswith(b"HTTP/1.1 408"):
                got408 += 1
        except OSError:
            pass
        s.close()
    check(got408 == SLOW_CLIENTS, f"slowloris: {got408}/{SLOW_CLIENTS} slow clients got 408 after the 10 s header timeout")


def idle(port, pid):
    say(f"-- idle: {IDLE_CLIENTS} keep-alive connections from 4 addresses, idle after one request")
    socks = []
    for i in range(IDLE_CLIENTS):
        s = connect(port, timeout=10, source=f"127.0.0.{1 + i % 4}")
        s.sendall(b"GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, _ = read_response(s)
        if status != 200:
            check(False, f"idle: a keep-alive request got {status}")
            break
        socks.append(s)
    say(f"     {len(socks)} idle connections open; server threads {proc_status(pid, 'Threads')}, RSS {rss_mib(pid):.1f} MiB")
    result = normal_client(port)
    check(result is not None and result[0] < 100,
          f"idle: normal /hello beside {len(socks)} idle connections: median {result[0]:.2f} ms, max {result[1]:.2f} ms"
          if result else "idle: normal client failed")
    time.sleep(6)
    closed = 0
    for s in socks:
        try:
            s.settimeout(1)
            if s.recv(1) == b"":
                closed += 1
        except OSError:
            closed += 1
        s.close()
    check(closed == len(socks), f"idle: {closed}/{len(socks)} idle connections closed by the 5 s idle timeout")


def vanishing(port):
    say("-- vanishing clients: close mid-request, reset mid-response")
    for i in range(200):
        s = connect(port)
        s.sendall(b"POST /goldfish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nname=")
        s.close()
    for i in range(200):
        s = connect(port)
        # SO_LINGER 0: close() sends RST, as a crashed client would.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b"GET /compare HTTP/1.1\r\nHost: localhost\r\n\r\n" * 20)
        s.recv(100)
        s.close()
    ms, status = hello_latency_ms(port)
    check(status == 200, f"vanishing: 400 vanished clients later, /hello answers 200 in {ms:.2f} ms")


def oversized(port):
    say("-- oversized requests")
    cases = [
        ("100 KB request line", b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
        ("100 KB of headers", b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"X-Big: " + b"b" * 100_000 + b"\r\n\r\n", 431),
        ("10 MB body", b"POST /goldfish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n" + b"c" * 100_000, 413),
        ("200 header fields", b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(200)) + b"\r\n", 431),
    ]
    for what, raw, want in cases:
        s = connect(port)
        try:
            s.sendall(raw)
        except OSError:
            pass  # the server may close before we finish: that is the point
        try:
            status, _ = read_response(s)
        except OSError:
            status = None
        s.close()
        check(status == want, f"oversized: {what} -> {status} (want {want})")


def garbage(port):
    say("-- random garbage")
    rng = random.Random(7)
    answered = 0
    for _ in range(200):
        s = connect(port, timeout=12)
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        try:
            s.sendall(blob + b"\r\n\r\n")
            data = s.recv(200)
            if data.startswith(b"HTTP/1.1 4") or data.startswith(b"HTTP/1.1 5"):
                answered += 1
        except OSError:
            pass
        s.close()
    check(answered == 200, f"garbage: {answered}/200 random blobs got a 4xx/5xx status line (never a hang)")


def probe_while(port, source, seconds):
    """Asks for /hello from `source` every 0.5 s for `seconds`; returns
    (status counts, latencies in ms)."""
    counts, lat = {}, []
    end = time.time() + seconds
    while time.time() < end:
        try:
            ms, status = hello_latency_ms(port, source)
            lat.append(ms)
        except OSError as e:
            status = type(e).__name__
        counts[status] = counts.get(status, 0) + 1
        time.sleep(0.5)
    return counts, lat


def half_open_flood(port, sources, per_source, seconds):
    """Holds `per_source` half-open connections from each source address,
    reopening each one the server closes, for `seconds`. Returns the
    number of connections opened."""
    stop = time.time() + seconds
    opened = [0]

    def hold(source):
        socks = []
        while time.time() < stop:
            while len(socks) < per_source and time.time() < stop:
                try:
                    s = connect(port, timeout=2, source=source)
                    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                    s.setblocking(False)
                    socks.append(s)
                    opened[0] += 1
                except OSError:
                    time.sleep(0.01)
            alive = []
            for s in socks:
                try:
                    if s.recv(4096) == b"":
                        s.close()
                        continue
                    s.close()  # it was answered (503): the server refused it
                except BlockingIOError:
                    alive.append(s)
                except OSError:
                    s.close()
            socks = alive
            time.sleep(0.1)
        for s in socks:
            s.close()

    threads = [threading.Thread(target=hold, args=(src,)) for src in sources]
    for t in threads:
        t.start()
    return threads, opened


def checker_bombs(port, pid):
    """security review #1: one POST /cookies/check with a 1 MiB Set-Cookie
    line of `a=b;x;x;x...` once answered 97 MB. Eight at once now."""
    say("-- eight 1 MiB cookie-checker bombs at once (POST /cookies/check, line=a=b;x;x;...)")
    prefix = b"url=http%3A%2F%2Fa%2F&line=a=b"
    # As big as a form body may be (1 MiB): any more is refused with 413.
    body = prefix + b";x" * (((1 << 20) - len(prefix)) // 2)
    raw = (b"POST /cookies/check HTTP/1.1\r\nHost: localhost\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
    before = proc_status(pid, "VmHWM") / 1024
    results = []

    def bomb():
        try:
            with connect(port, timeout=30) as s:
                s.sendall(raw)
                results.append(read_response(s))
        except OSError as e:
            results.append((None, str(e).encode()))

    start = time.monotonic()
    threads = [threading.Thread(target=bomb) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    statuses = sorted(r[0] for r in results if r[0] is not None)
    biggest = max(len(r[1]) for r in results)
    after = proc_status(pid, "VmHWM") / 1024
    check(len(statuses) == 8 and biggest < 64 * 1024,
          f"checker bombs: statuses {statuses}, largest answer {biggest / 1024:.1f} KiB, "
          f"all eight in {took:.2f} s; peak RSS {before:.1f} -> {after:.1f} MiB")


def never_reads(port, pid):
    """A client that pipelines 8 MB of answers and reads none of them: only
    the write timeout (10 s without progress) ends it. It once stopped the
    whole event loop (and held a thread of the threads model for good)."""
    say("-- never reads: 500 pipelined GET /compare (about 8 MB of answers), none read")
    s = connect(port, timeout=5)
    s.setblocking(False)
    req = b"GET /compare HTTP/1.1\r\nHost: localhost\r\n\r\n" * 500
    sent, t0, lat, closed_at = 0, time.monotonic(), [], None
    while time.monotonic() - t0 < 45:
        if sent < len(req):
            try:
                sent += s.send(req[sent:])
            except BlockingIOError:
                pass
        try:
            lat.append(hello_latency_ms(port)[0])
        except OSError:
            lat.append(float("inf"))
        mine = f"sport = :{port} and dport = :{s.getsockname()[1]}"
        out = subprocess.run(["ss", "-tn", mine], capture_output=True, text=True).stdout
        if "ESTAB" not in out:
            closed_at = time.monotonic() - t0
            break
        time.sleep(0.5)
    s.close()
    check(closed_at is not None and max(lat) < 1000,
          f"never reads: closed by goldfish after {closed_at or 0:.1f} s; meanwhile /hello "
          f"answered {len(lat)} times, median {statistics.median(lat):.2f} ms, max {max(lat):.2f} ms")


def one_address(port, pid):
    seconds = 6 if QUICK else 15
    say(f"-- one address: 2048 half-open connections from 127.0.0.1 for {seconds} s, "
        "a client on 127.0.0.2 asks for /hello every 0.5 s")
    threads, opened = half_open_flood(port, ["127.0.0.1"], 2048, seconds)
    time.sleep(1)
    held_threads = proc_status(pid, "Threads")
    counts, lat = probe_while(port, "127.0.0.2", seconds - 2)
    for t in threads:
        t.join()
    ok = set(counts) == {200}
    check(ok, f"one address: 127.0.0.2 got {counts} "
              f"(median {statistics.median(lat):.2f} ms, max {max(lat):.2f} ms) while 127.0.0.1 "
              f"opened {opened[0]} connections; the server ran {held_threads} threads")


def many_addresses(port, pid):
    seconds = 6 if QUICK else 15
    sources = [f"127.0.0.{i}" for i in range(1, 9)]
    say(f"-- many addresses: 512 half-open connections from each of {len(sources)} addresses "
        f"(4096 > the cap of 2048) for {seconds} s, a client on 127.0.0.9 asks for /hello")
    threads, opened = half_open_flood(port, sources, 512, seconds)
    time.sleep(2)
    counts, lat = probe_while(port, "127.0.0.9", seconds - 3)
    for t in threads:
        t.join()
    check(set(counts) == {200},
          f"many addresses: 127.0.0.9 got {counts} "
          f"(median {statistics.median(lat):.2f} ms, max {max(lat):.2f} ms) while the flood "
          f"opened {opened[0]} connections")


def fast_then_drip(port, pid):
    n = 50 if QUICK else 200
    say(f"-- fast then drip: {n} connections declare 1 MiB, send all but 100 bytes, then drip")
    rss0 = rss_mib(pid)
    head = b"POST /goldfish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n"
    body = b"n" * (1048576 - 100)
    socks, sent_at = [], []
    t0 = time.time()
    for _ in range(n):
        s = connect(port, timeout=30)
        s.sendall(head + body)
        socks.append(s)
        sent_at.append(time.time())
    sent = time.time() - t0
    rss1 = rss_mib(pid)
    answered = {}

    def drip():
        while len(answered) < n and time.time() - t0 < 60:
            for i, s in enumerate(socks):
                if i not in answered:
                    try:
                        s.sendall(b"n")
                    except OSError:
                        pass
            time.sleep(7)

    t = threading.Thread(target=drip, daemon=True)
    t.start()
    times = []
    for i, s in enumerate(socks):
        try:
            s.settimeout(60)
            data = s.recv(100)
            if data.startswith(b"HTTP/1.1 408"):
                times.append(time.time() - sent_at[i])
        except OSError:
            pass
        answered[i] = True
        s.close()
    time.sleep(1)
    rss2 = rss_mib(pid)
    check(len(times) == n and max(times) < 20,
          f"fast then drip: {len(times)}/{n} got 408, {min(times, default=0):.1f}-"
          f"{max(times, default=0):.1f} s after each one's fast part (all sent in {sent:.1f} s); "
          f"RSS {rss0:.0f} -> {rss1:.0f} MiB with the bodies held -> {rss2:.0f} MiB after")


def declared_not_sent(port, pid):
    n = 300 if QUICK else 1000
    say(f"-- declared, not sent: {n} connections declare a 1 MiB body and send 5 bytes")
    rss0, data0 = rss_mib(pid), proc_status(pid, "VmData") / 1024
    socks = []
    for _ in range(n):
        s = connect(port, timeout=30)
        s.sendall(b"POST /goldfish HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\nname=")
        socks.append(s)
    time.sleep(1)
    rss1, data1 = rss_mib(pid), proc_status(pid, "VmData") / 1024
    for s in socks:
        s.close()
    grown = rss1 - rss0
    check(grown * 1024 < n * 64,
          f"declared, not sent: {n} bodies of 1 MiB declared: RSS {rss0:.1f} -> {rss1:.1f} MiB "
          f"({grown * 1024 / n:+.0f} KiB per connection: its buffers"
          f"{', and its thread' if IO and IO[0] == 'threads' else ''}); "
          f"VmData {data1 - data0:+.0f} MiB (where thread stacks are reserved)")


# --- 10. session flood --------------------------------------------------


def start_goldfish(*args):
    """A release goldfish of its own on a free port; returns (process, port)."""
    port = free_port()
    proc = subprocess.Popen(
        [os.path.join(ROOT, "target/release/goldfish"), "--quiet", "--port", str(port), *args],
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SECRET_KEY": "hostile-bench"},
    )
    wait_ready(port)
    return proc, port


def post_colour(s, colour, sid=None):
    """POST /server-session on an open connection; returns (status, sid set or None)."""
    body = f"fav_color={colour}".encode()
    cookie = f"Cookie: sid={sid}\r\n".encode() if sid else b""
    s.sendall(b"POST /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\n" + cookie +
              b"Content-Type: application/x-www-form-urlencoded\r\n" +
              f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    status, raw = read_response(s)
    new = None
    for line in raw.split(b"\r\n"):
        if line.lower().startswith(b"set-cookie: sid="):
            new = line.split(b"=", 1)[1].split(b";")[0].decode()
    return status, new


def remembers(port, sid, colour):
    with connect(port) as s:
        s.sendall(f"GET /server-session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid={sid}\r\n"
                  "Connection: close\r\n\r\n".encode())
        _, raw = read_response(s)
    return f"as the store remembers it: {colour}.".encode() in raw


def flood(port, n, threads=4):
    """n cookie-less posts over `threads` keep-alive connections; returns
    ({status: count}, seconds, p50 ms, p99 ms)."""
    counts, lat, lock = {}, [], threading.Lock()

    def worker(k):
        mine, times = {}, []
        with connect(port, timeout=30) as s:
            for _ in range(k):
                t0 = time.perf_counter()
                status, _ = post_colour(s, "x")
                times.append((time.perf_counter() - t0) * 1000)
                mine[status] = mine.get(status, 0) + 1
        with lock:
            for k2, v in mine.items():
                counts[k2] = counts.get(k2, 0) + v
            lat.extend(times)

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(n // threads,)) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.perf_counter() - t0
    lat.sort()
    return counts, took, lat[len(lat) // 2], lat[int(len(lat) * 0.99)]


def victim(port):
    """A visitor who stores a colour and comes back (the redirect's GET)."""
    with connect(port) as s:
        _, sid = post_colour(s, "victim")
    remembers(port, sid, "victim")
    return sid


def session_flood():
    n = 2000 if QUICK else 10000
    say(f"-- session flood: {n} new sessions from one address, default limits (memory store)")
    proc, port = start_goldfish()
    try:
        sid = victim(port)
        counts, took, p50, p99 = flood(port, n)
        say(f"   {n} posts in {took:.1f} s ({n / took:.0f}/s), p50 {p50:.2f} ms, p99 {p99:.2f} ms: "
            f"{counts.get(303, 0)} stored, {counts.get(429, 0)} got 429")
        check(counts.get(429, 0) >= n - 100, "session flood: past 60 a minute, one client gets 429")
        check(remembers(port, sid, "victim"), "session flood: the victim keeps the session")
    finally:
        proc.kill()

    cap, n = 10000, (12000 if QUICK else 15000)
    say(f"-- session flood, no per-client limit: {n} new sessions into a cap of {cap}")
    proc, port = start_goldfish("--new-sessions-per-minute", "0")
    try:
        sid = victim(port)
        counts, took, p50, p99 = flood(port, n)
        say(f"   memory: {n / took:.0f}/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; RSS {rss_mib(proc.pid):.1f} MiB")
        check(counts.get(303, 0) == n - n % 4, f"memory: every new session is stored ({counts})")
        check(remembers(port, sid, "victim"), "memory: the victim, in use, survives the flood past the cap "
              "(sessions nobody came back for are evicted first)")
    finally:
        proc.kill()

    d = os.path.join(ROOT, "target", f"hostile-sessions-{os.getpid()}")
    subprocess.run(["rm", "-rf", d])
    proc, port = start_goldfish("--new-sessions-per-minute", "0", "--session-store", f"file:{d}")
    try:
        sid = victim(port)
        counts, took, p50, p99 = flood(port, n)
        files = len(os.listdir(d))
        du = subprocess.run(["du", "-sh", d], capture_output=True, text=True).stdout.split()[0]
        say(f"   file: {n / took:.0f}/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; {counts.get(303, 0)} stored, "
            f"{counts.get(503, 0)} got 503; {files} files, {du}")
        check(files <= cap, f"file: the directory stops at the cap ({files} files, the victim's included)")
        check(remembers(port, sid, "victim"), "file: the victim keeps the session")
        if not QUICK:
            # Review #4: the first save after a minute swept 48,000 files inside
            # the request (1.1 s). Now a thread sweeps: over the next 65 s, a
            # visitor changing the colour every 0.2 s never waits for it.
            times = []
            stop = time.time() + 65
            with connect(port, timeout=30) as s:
                while time.time() < stop:
                    t0 = time.perf_counter()
                    post_colour(s, "still-here", sid)
                    times.append((time.perf_counter() - t0) * 1000)
                    time.sleep(0.2)
            times.sort()
            check(times[-1] < 1000, f"file: {len(times)} saves over 65 s, in which a sweep read all {files} files "
                  f"on its own thread: median {times[len(times) // 2]:.2f} ms, slowest {times[-1]:.1f} ms "
                  "(the review's in-request sweep of 48,003 files: 1,088 ms)")
    finally:
        proc.kill()
        subprocess.run(["rm", "-rf", d])

    try:
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
    except OSError:
        say("   redis: redis-server is not installed; skipped")
        return
    try:
        time.sleep(0.5)
        proc, port = start_goldfish("--new-sessions-per-minute", "0", "--session-store", f"redis://127.0.0.1:{redis_port}")
        try:
            counts, took, p50, p99 = flood(port, n)
            dbsize = subprocess.run(["redis-cli", "-p", str(redis_port), "dbsize"], capture_output=True, text=True).stdout.strip()
            mem = subprocess.run(["redis-cli", "-p", str(redis_port), "info", "memory"], capture_output=True, text=True).stdout
            used = next((l.split(":")[1].strip() for l in mem.splitlines() if l.startswith("used_memory_human")), "?")
            say(f"   redis: {n / took:.0f}/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms; {counts.get(303, 0)} stored, "
                f"{counts.get(503, 0)} got 503; DBSIZE {dbsize}, used_memory {used}")
            # The DBSIZE check and the SET are two commands: parallel requests
            # may pass the check together (documented in src/store/redis.rs).
            check(int(dbsize or 0) <= cap + 4, f"redis: DBSIZE stops at the cap, give or take the 4 flooders ({dbsize})")
        finally:
            proc.kill()
    finally:
        redis.kill()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(ROOT, "target/release/goldfish"), "--quiet", "--port", str(port)]
        + (["--io"] + IO if IO else []),
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard)),
    )
    try:
        wait_ready(port)
        pid = server.pid
        normal_client(port)
        base_rss, base_threads = rss_mib(pid), proc_status(pid, "Threads")
        say(f"goldfish --io {IO[0] if IO else 'epoll (the default)'}")
        say(f"start: RSS {base_rss:.1f} MiB, {base_threads} threads")
        slowloris(port)
        idle(port, pid)
        vanishing(port)
        oversized(port)
        garbage(port)
        checker_bombs(port, pid)
        never_reads(port, pid)
        one_address(port, pid)
        many_addresses(port, pid)
        declared_not_sent(port, pid)
        fast_then_drip(port, pid)
        session_flood()
        peak = proc_status(pid, "VmHWM") / 1024
        say(f"peak RSS during the run: {peak:.1f} MiB")
        result = normal_client(port)
        check(result is not None, "after: /hello answers normally" +
              (f" (median {result[0]:.2f} ms)" if result else ""))
        say("waiting 35 s for idle workers to exit (they linger 30 s)...")
        time.sleep(35)
        threads, rss = proc_status(pid, "Threads"), rss_mib(pid)
        check(threads <= base_threads + 2, f"after: {threads} threads (started with {base_threads}): no worker stuck")
        say(f"after: RSS {rss:.1f} MiB (started at {base_rss:.1f} MiB, peak {peak:.1f} MiB)")
        # What stays is memory glibc's malloc keeps for reuse (freed buffers
        # in its per-thread arenas), not a leak: the same workload twice
        # must not make it grow the second time.
        say("-- the idle and vanishing scenarios twice, to see the kept memory reused")
        waves = []
        for _ in range(2):
            idle(port, pid)
            vanishing(port)
            time.sleep(35)
            waves.append(rss_mib(pid))
        check(waves[1] < waves[0] + 2,
              f"again: RSS {waves[0]:.1f} MiB after one wave, {waves[1]:.1f} MiB after the same "
              f"wave again: reused, not leaked")
    finally:
        server.kill()
    if failures:
        say(f"{len(failures)} check(s) failed")
        sys.exit(1)
    say("all hostile-client checks passed")


if __name__ == "__main__":
    main()
