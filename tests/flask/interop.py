"""The real Flask, for tests/flask_interop.rs: does it read goldfish's session
cookies, and does goldfish read its?

    python interop.py lecture DIGEST GOLDFISH_COOKIE
        The lecture's app: prints what /my-route answers with goldfish's
        cookie, then the cookie Flask's /some-route sets.
    python interop.py shapes DIGEST
        For every session shape below, Flask signs it now; prints
        "name<TAB>json<TAB>cookie" per shape (json is the JSON Flask wrote).
    python interop.py check DIGEST FILE    (FILE: lines "name<TAB>signed<TAB>written")
        signed:  the shape's JSON, signed by goldfish;
        written: Flask's cookie after goldfish's POST /responses answer=gf.
        Flask loads both and compares them with the shape's Python value
        (and that value with "gf" appended to session['responses']),
        types included; then Flask changes the written session (adds
        "flask": "again") and signs it. Prints per line
        "name<TAB>ok-or-error<TAB>json<TAB>cookie" of that last session.
    python interop.py decide DIGEST FILE   (FILE: JSON texts, one per line)
        Prints "yes N" or "no N" per line: would itsdangerous compress it,
        and how many bytes zlib.compress makes of it.

DIGEST is sha256 (Flask configured as goldfish signs by default) or sha1
(a stock Flask app). SECRET_KEY comes from the environment, as goldfish's does.
"""
import datetime
import hashlib
import math
import os
import random
import sys
import uuid
import zlib

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup


class Sha256Sessions(SecureCookieSessionInterface):
    # Flask signs with SHA-1 by default; goldfish with SHA-256. Everything
    # else (salt, key derivation, JSON, base64url, timestamp) is the same.
    digest_method = staticmethod(hashlib.sha256)


def nested(depth):
    value = "bottom"
    for i in range(depth):
        value = [value] if i % 2 else {"level": value}
    return value


random.seed(14)
NOISE = "".join(random.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(1800))

# Every shape a Flask session can take: Python's values as Flask writes them.
SHAPES = {
    "empty": {},
    "fav_number": {"fav_number": 42},
    "neg_zero": {"z": -0.0, "i": 0},
    "bool_none": {"t": True, "f": False, "n": None},
    "empty_str": {"s": ""},
    "key_order": {"b": 1, "a": 2, "B": 3, "_": 4, "é": 5, "\ue000": 6, "\U0001d11e": 7},
    "responses": {"responses": ["Yes", "No", "🐟"]},
    "permanent": {"_permanent": True, "fav_color": "blue"},
    "ints": {"max": 2**63 - 1, "min": -(2**63), "zero": 0},
    "big_ints": {"a": 2**63, "b": -(2**63) - 1, "c": 10**30, "d": -(10**100), "e": 10**4299},
    "floats": {"a": 0.1, "b": 1e16, "c": 1e-05, "d": 5e-324, "e": 1.7976931348623157e308, "f": 1e22, "g": 1.5},
    "nan_inf": {"nan": float("nan"), "inf": float("inf"), "minf": float("-inf")},
    "unicode": {"name": "Zoë ☃ 🐟", "private": "\ue000\uf8ff", "seps": "\u2028\u2029", "del": "\x7f"},
    "surrogates": {"lone": "\ud800", "low": "\udfff", "pair_after_lone": "\ud83d\U0001f41f", "\udc00key": 1},
    "escapes": {"s": "quote\" backslash\\ tab\t newline\n nul\x00 <tag> &amp;"},
    "tuple": {"t": (1, "two", (3.0, None))},
    "bytes": {"b": b"\x00\x01\xfe\xffbytes"},
    "datetime": {"d": datetime.datetime(2025, 11, 25, 19, 25, 23, tzinfo=datetime.timezone.utc)},
    "markup": {"m": Markup("<b>bold</b> &amp;")},
    "uuid": {"u": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    "tag_key_dict": {"d": {" t": "a dict whose only key looks like a tag"}, "e": {" di": 1}},
    "nested": {"cart": {"items": [1, 2, [3, {"deep": [4]}]], "coupon": "TACO"}, "deep": nested(60)},
    "nested_tagged": {"x": [(1, b"\x00"), {"when": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)}]},
    "large_compressible": {"responses": ["I like goldfish"] * 200},
    "large_incompressible": {"noise": NOISE},
}

digest = sys.argv[2] if len(sys.argv) > 2 else "sha256"
app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
if digest == "sha256":
    app.session_interface = Sha256Sessions()


@app.route("/some-route")
def some_route():
    session["fav_number"] = 42
    return "Ok, I put that in the session."


@app.route("/my-route")
def my_route():
    if "fav_number" not in session:
        return "no fav_number in the session", 400
    return f"Favorite number is {session['fav_number']}"


def serializer():
    return app.session_interface.get_signing_serializer(app)


def same(a, b):
    """Equal, types included: a tuple is not a list, bytes are not str,
    Markup is not str, an int is not a float (True is not 1), and unlike
    ==, nan equals nan. Dictionaries compare without regard to order, as
    Python's do (the JSON is sorted anyway)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)  # -0.0 is not 0.0
    return a == b


def appended(value):
    value = dict(value)
    value["responses"] = list(value.get("responses", [])) + ["gf"]
    return value


def lecture(goldfish_cookie):
    reader = app.test_client()
    reader.set_cookie("session", goldfish_cookie)
    print(reader.get("/my-route").get_data(as_text=True))
    writer = app.test_client()
    set_cookie = writer.get("/some-route").headers["Set-Cookie"]
    print(set_cookie.split(";", 1)[0].split("=", 1)[1])


def shapes():
    s = serializer()
    for name, value in SHAPES.items():
        print("\t".join([name, s.serializer.dumps(value), s.dumps(value)]))


def lines():
    with open(sys.argv[3], encoding="utf-8") as f:
        return f.read().splitlines()


def check():
    s = serializer()
    for line in lines():
        name, signed, written = line.split("\t")
        value = SHAPES[name]
        errors = []
        got = s.loads(signed)
        if not same(got, value):
            errors.append(f"goldfish's signed JSON reads as {got!r}, not {value!r}")
        after = s.loads(written)
        if not same(after, appended(value)):
            errors.append(f"after goldfish's write: {after!r}, not {appended(value)!r}")
        after["flask"] = "again"
        print("\t".join([name, "; ".join(errors) or "ok", s.serializer.dumps(after), s.dumps(after)]))


def decide():
    for json in lines():
        data = json.encode()
        compressed = len(zlib.compress(data))
        print("yes" if compressed < len(data) - 1 else "no", compressed)


with app.test_request_context():
    {"lecture": lambda: lecture(sys.argv[3]), "shapes": shapes, "check": check, "decide": decide}[sys.argv[1]]()
