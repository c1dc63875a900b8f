"""The yardstick: a bare Flask app that says hello, served the same way as the blog."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
