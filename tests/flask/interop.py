"""The lecture's Flask app, configured for SHA-256: does it read goldfish's
session cookie, and does goldfish read its?

    python interop.py GOLDFISH_COOKIE_VALUE

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


app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
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
reader.set_cookie("session", sys.argv[1])
print(reader.get("/my-route").get_data(as_text=True))

writer = app.test_client()
set_cookie = writer.get("/some-route").headers["Set-Cookie"]
print(set_cookie.split(";", 1)[0].split("=", 1)[1])
