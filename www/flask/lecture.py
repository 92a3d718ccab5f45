"""The lessons in Flask: the same routes, written the way the lecture
writes them. goldfish shows each section beside its lesson (a line
`# lesson: NAME` starts a section), and tests/flask_lessons.rs runs this
very file in the real Flask to record the bytes it sends
(www/flask/exchanges.txt), so the pages cannot drift from Flask.

    pip install flask && flask --app lecture run
"""
from flask import Flask, redirect, request, session
from markupsafe import escape

app = Flask(__name__)
app.secret_key = "SHHHHHHHHHHH SEEKRIT"

# lesson: goldfish
@app.route("/goldfish", methods=["GET", "POST"])
def goldfish():
    if request.method == "POST":
        # The name is in this request's body, and nowhere else.
        return f"<p>Hello, <strong>{escape(request.form['name'])}</strong>!</p>"
    return '<form method="post"><input name="name"><button>Tell me</button></form>'

# lesson: query
@app.route("/step-one")
def step_one():
    color = request.args.get("fav-color")
    if not color:
        return "This step needs ?fav-color=", 400
    return (f"<p>Your favourite colour is {escape(color)}.</p>"
            f'<a href="/step-two?fav-color={escape(color)}">Continue</a>')

# lesson: hidden
@app.route("/form/step-one", methods=["POST"])
def form_step_one():
    color = request.form["fav-color"]
    return (f"<p>Your favourite colour is {escape(color)}.</p>"
            '<form method="post" action="/form/step-two">'
            f'<input type="hidden" name="fav-color" value="{escape(color)}">'
            "<button>Continue</button></form>")

# lesson: path
@app.route("/fav-color/<color>/step-one")
def path_step_one(color):
    return (f"<p>Your favourite colour is {escape(color)}.</p>"
            f'<a href="/fav-color/{escape(color)}/step-two">Continue</a>')

# lesson: cookie-form
@app.route("/handle-form-cookie")
def handle_form_cookie():
    color = request.args["fav_color"]
    resp = app.make_response(f"<p>Your favourite colour is {escape(color)}.</p>")
    resp.set_cookie("fav_color", color)
    return resp

@app.route("/later-cookie")
def later_cookie():
    color = request.cookies.get("fav_color", "<unset>")
    return f"<p>Your favourite colour, from the cookie: {escape(color)}</p>"

# lesson: signed-session
@app.route("/some-route")
def some_route():
    session["fav_number"] = 42
    return "Ok, I put that in the session."

@app.route("/my-route")
def my_route():
    return f"Favorite number is {session['fav_number']}"

# lesson: responses
@app.route("/responses", methods=["POST"])
def add_response():
    responses = session.get("responses", [])
    responses.append(request.form["answer"])
    session["responses"] = responses  # reassign, or Flask never notices
    return redirect("/responses")
