"""Plays raw requests against the lessons in Flask (www/flask/lecture.py),
served by Werkzeug's development server (what `flask run` starts), and
prints the response heads exactly as they come off the socket.

    python record.py www/flask/lecture.py < requests

stdin: raw requests, separated by a line `=====`. stdout: one response
head per request (status line and fields, up to the empty line), in the
same order, separated the same way. For repeatable bytes, itsdangerous'
clock is frozen at 1764098723 (Tue, 25 Nov 2025 19:25:23 GMT), so a
session cookie is the same on every run; Werkzeug's Date field still
says when the request was served.
"""
import importlib.util
import socket
import sys
import threading
import types

import itsdangerous.timed
from werkzeug.serving import make_server

SEP = b"\n=====\n"
FROZEN = 1764098723

# itsdangerous signs `int(time.time())`: give it a clock that stands still.
itsdangerous.timed.time = types.SimpleNamespace(time=lambda: FROZEN)

spec = importlib.util.spec_from_file_location("lecture", sys.argv[1])
lecture = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lecture)

# threaded=True, as `flask run` does: Werkzeug then speaks HTTP/1.1.
server = make_server("127.0.0.1", 0, lecture.app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()


def head_of(raw):
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as s:
        s.sendall(raw)
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    return got.split(b"\r\n\r\n", 1)[0] + b"\r\n"


requests = [r for r in sys.stdin.buffer.read().split(SEP) if r.strip()]
heads = [head_of(r) for r in requests]
server.shutdown()
sys.stdout.buffer.write(SEP.join(heads))
