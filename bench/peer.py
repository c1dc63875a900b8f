"""The peer: a small blog in the shape of Flask's tutorial, written here for the benchmark.

What a tutorial-sized Flask blog does for each request to its index, and nothing more:
a per-request SQLite connection, the logged-in user looked up from the session in a
before-request hook, one query joining posts to their authors, a Jinja template that
extends a base layout. Its database (``PEER_DATABASE``, 20 posts) is made on first start.
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, render_template, session

DATABASE = os.environ.get("PEER_DATABASE", "/tmp/blog-bench-peer.sqlite3")
POSTS = 20

app = Flask(__name__, template_folder=str(Path(__file__).with_name("peer_templates")))
app.config["SECRET_KEY"] = "peer"


def connection() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_connection(_error: BaseException | None) -> None:
    opened = g.pop("db", None)
    if opened is not None:
        opened.close()


@app.before_request
def load_user() -> None:
    user_id = session.get("user_id")
    g.user = (
        None
        if user_id is None
        else connection().execute("SELECT * FROM person WHERE id = ?", (user_id,)).fetchone()
    )


@app.get("/")
def index() -> str:
    posts = (
        connection()
        .execute(
            "SELECT entry.id, heading, text, written, person_id, name"
            " FROM entry JOIN person ON person.id = entry.person_id ORDER BY written DESC"
        )
        .fetchall()
    )
    return render_template("index.html", posts=posts)


def create_database() -> None:
    with sqlite3.connect(DATABASE) as made:
        made.executescript(
            "DROP TABLE IF EXISTS entry; DROP TABLE IF EXISTS person;"
            "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);"
            "CREATE TABLE entry (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL"
            " REFERENCES person (id), written TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
            " heading TEXT NOT NULL, text TEXT NOT NULL);"
        )
        made.execute("INSERT INTO person (name) VALUES ('bench')")
        made.executemany(
            "INSERT INTO entry (person_id, heading, text) VALUES (1, ?, ?)",
            [(f"Entry {n}", "A few sentences of text for the index page.") for n in range(POSTS)],
        )
    made.close()


if __name__ == "__main__":
    create_database()
