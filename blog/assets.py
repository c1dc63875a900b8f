"""Static files with fingerprinted URLs, so browsers and proxies may keep them for a year.

``url_for('static', filename='site.css')`` gives ``/static/site.css?v=<hash of
the file>``; a request carrying the current hash is answered as immutable.
"""

import hashlib
import os
from typing import Any

from flask import Flask, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

YEAR_SECONDS = 365 * 24 * 60 * 60


def init_app(app: Flask) -> None:
    fingerprints: dict[str, str | None] = {}

    def fingerprint(filename: str) -> str | None:
        # Files change only with a deploy, except on a developer's machine.
        if app.debug or filename not in fingerprints:
            fingerprints[filename] = _file_hash(app.static_folder, filename)
        return fingerprints[filename]

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values:
            values["v"] = fingerprint(values["filename"])

    def static(filename: str) -> Response:
        response = app.send_static_file(filename)
        version = request.args.get("v")
        if response.status_code == 200 and version and version == fingerprint(filename):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_SECONDS
            response.cache_control.immutable = True
        return response

    app.view_functions["static"] = static


def _file_hash(folder: str | None, filename: str) -> str | None:
    path = safe_join(folder, filename) if folder else None
    if path is None or not os.path.isfile(path):
        return None
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]
