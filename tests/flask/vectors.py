"""Prints rows for tests/fixtures/session-vectors.tsv, made by the real Flask.

    python vectors.py

Each row is: kind, name, secret, timestamp, the JSON Flask wrote (its tagged
JSON, sorted, compact, ASCII), and the cookie value itsdangerous signed at
that timestamp (time.time is patched). Kinds: 'valid' (SHA-256, as goldfish
signs by default), 'valid-sha1' (a stock Flask app). Python values that JSON
lacks come out as Flask writes them: tuples as {" t": [...]}, bytes as
{" b": base64}, and so on; ints of any size, lone surrogates, NaN.
"""
import datetime
import hashlib
import uuid
from unittest import mock

from flask import Flask
from flask.sessions import session_json_serializer
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup

SECRET = "SHHHHHHHHHHH SEEKRIT"
WHEN = 1764098723

SHAPES = {
    "compressed": {"responses": ["Yes", "No", "Maybe"] * 4},
    "big_ints": {"big": 10**30, "neg": -(2**63) - 1},
    "surrogates": {"s": "\ud800", "\udc00k": 1, "pair": "a\ud83d\ud83d\udc1fb"},
    "nan_inf": {"x": float("nan"), "y": [float("inf"), float("-inf")]},
    "tags": {
        "b": b"\x00\xffbytes",
        "d": datetime.datetime(2025, 11, 25, 19, 25, 23, tzinfo=datetime.timezone.utc),
        "di": {" t": "a dict whose key looks like a tag"},
        "m": Markup("<b>bold</b>"),
        "t": (1, "two"),
        "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    },
}

app = Flask(__name__)


def row(kind, name, data, digest):
    s = URLSafeTimedSerializer(
        SECRET,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )
    with app.app_context(), mock.patch("time.time", return_value=WHEN):
        cookie = s.dumps(data)
        json = session_json_serializer.dumps(data)
    print("\t".join([kind, name, SECRET, str(WHEN), json, cookie]))


for name, data in SHAPES.items():
    row("valid", name, data, hashlib.sha256)
row("valid-sha1", "compressed", SHAPES["compressed"], hashlib.sha1)
