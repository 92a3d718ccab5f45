"""The lecture's Flask app: does it read goldfish's session cookie, and does
goldfish read its?

    python interop.py sha256|sha1 GOLDFISH_COOKIE_VALUE

sha256 configures Flask as goldfish signs by default; sha1 leaves Flask as
it comes (and goldfish runs with --session-digest sha1).

Prints two lines: what Flask's /my-route answers with goldfish's cookie, and
the session cookie value Flask's /some-route sets (for goldfish to read).
SECRET_KEY comes from the environment, as goldfish's does.
"""
import hashlib
import os
import sys

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface


class Sha256Sessions(SecureCookieSessionInterface):
    # Flask signs with SHA-1 by default; goldfish with SHA-256. Everything
    # else (salt, key derivation, JSON, base64url, timestamp) is the same.
    digest_method = staticmethod(hashlib.sha256)


digest, goldfish_cookie = sys.argv[1], sys.argv[2]
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


reader = app.test_client()
reader.set_cookie("session", goldfish_cookie)
print(reader.get("/my-route").get_data(as_text=True))

writer = app.test_client()
set_cookie = writer.get("/some-route").headers["Set-Cookie"]
print(set_cookie.split(";", 1)[0].split("=", 1)[1])
