"""The W3C Feed Validation Service's own code passes our RSS feeds with no errors or warnings.

The validator (rubys/feedvalidator, kept in the shared tools as ``validate-feed``) runs under
Python 2.7 and fetches each feed itself, so this test serves the app over real HTTP with
``SITE_URL`` equal to the address it listens on; otherwise the validator warns that the
``self`` link does not match the document location.

It runs once, on SQLite: it checks the documents, which do not depend on the database.
The JSON feeds are not validated here: the validator knows RSS, Atom and RDF only, not
JSON Feed; tests/test_feeds.py checks those against the JSON Feed 1.1 rules instead.
"""

import glob
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from blog import create_app, library
from blog.extensions import db
from blog.models import Article, Author
from blog.publishing import ArticleInput, save_article
from blog.topics import create_topic
from tests.helpers import START
from tests.images import photo

REPO_ROOT = Path(__file__).resolve().parent.parent
TOPIC = "treatment-resistant-depression"
RSS_FEEDS = ["/feed.xml", f"/topics/{TOPIC}/feed.xml"]


def validator_candidates() -> list[Path]:
    """Where the validator may be, in the order it is looked for."""
    candidates = []
    if os.environ.get("FEED_VALIDATOR"):
        candidates.append(Path(os.environ["FEED_VALIDATOR"]))
    candidates.append(REPO_ROOT.parent / "shared" / "tools" / "validate-feed")
    candidates.append(Path("/work/shared/tools/validate-feed"))
    return candidates


def find_python_2_7() -> str | None:
    """Find Python 2.7 the way validate-feed does: $PY2, else pyenv's newest 2.7."""
    if os.environ.get("PY2"):
        return os.environ["PY2"]
    pyenv_root = None
    if shutil.which("pyenv"):
        found = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        pyenv_root = found.stdout.strip() or None
    pyenv_root = pyenv_root or os.path.expanduser("~/.pyenv")
    pythons = sorted(glob.glob(os.path.join(pyenv_root, "versions", "2.7*", "bin", "python")))
    return pythons[-1] if pythons else None


@pytest.fixture(scope="module")
def validator() -> Path:
    candidates = validator_candidates()
    script = next((p for p in candidates if p.is_file() and os.access(p, os.X_OK)), None)
    if script is None:
        tried = ", ".join(str(path) for path in candidates)
        pytest.skip(f"the W3C feed validator (validate-feed) is not installed; looked in {tried}")
    python = find_python_2_7()
    if not python or not os.access(python, os.X_OK):
        pytest.skip(f"{script} needs Python 2.7 (pyenv install 2.7.18, or set PY2)")
    return script


@pytest.fixture(scope="module")
def site_url(validator: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a small published site over HTTP on a free port; yield its address."""
    served: dict = {}

    def application(environ, start_response):
        return served["app"](environ, start_response)

    # Bind first: the port has to be known before the app, whose SITE_URL names it.
    server = make_server("127.0.0.1", 0, application, threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, name="feed-validator-server")
    try:
        database = tmp_path_factory.mktemp("validator") / "blog.sqlite3"
        served["app"] = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test secret",
                "SITE_URL": url,
                "SERVER_NAME": None,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            }
        )
        with served["app"].app_context():
            db.create_all()
            fill()
        thread.start()
        yield url
    finally:
        if thread.is_alive():
            server.shutdown()
            thread.join()
        server.server_close()
        if "app" in served:
            with served["app"].app_context():
                db.session.remove()
                db.engine.dispose()


def fill() -> None:
    """One topic, three published articles: one plain, one with everything that needs care,
    one with a lead image and a library image in its text (media:content, <picture>).

    The topic is a mental-health one, so items end with both safety notices; the
    second article has references and a material update, whose line heads its item.
    """
    topic = create_topic(
        TOPIC, "Treatment-Resistant Depression", "About *this*.", now=START, is_mental_health=True
    )
    author = Author(username="zoe", display_name="Zoë O'Brien & Co")
    db.session.add(author)
    db.session.commit()
    save_article(
        None,
        ArticleInput("A first guide", "What it covers.", "Some **careful** text.", topic.id),
        by=author,
        publish=True,
        now=START + timedelta(days=1),
    )
    save_article(
        None,
        ArticleInput(
            'Salt & pepper < 10 mg "quoted" – café — 💊',
            "Bread & butter < 5 'single' é — 🙂",
            (
                "## Before you start\n\n"
                "Fish & chips <b>bold</b> é. See [the topic](/topics/" + TOPIC + "), "
                "[dosing](#dosing) and [the NHS](https://www.nhs.uk/).\n\n"
                "![The site's icon & mark](/static/favicon.svg)\n\n"
                "MAOIs help[^1].\n\n[^1]: Shulman KI. doi:10.1007/s40263-013-0097-3. PMID: 1\n"
            ),
            topic.id,
        ),
        by=author,
        publish=True,
        now=START + timedelta(days=2),
    )
    edited = db.session.scalars(select(Article).order_by(Article.id.desc())).first()
    save_article(
        edited,
        ArticleInput.of(edited),
        by=author,
        publish=True,
        material_update="Dose guidance updated after the 2026 guideline & café notes",
        now=START + timedelta(days=3),
    )
    chart = library.upload(photo((1200, 900)), "A chart of doses", decorative=False, by=author)
    save_article(
        None,
        ArticleInput(
            "Reading a food label",
            "What to look for.",
            f"The chart:\n\n![A chart of doses](/media/{chart.hash}-1200.jpg)\n",
            topic.id,
            lead_image_id=chart.id,
        ),
        by=author,
        publish=True,
        now=START + timedelta(days=4),
    )


@pytest.mark.parametrize("path", RSS_FEEDS)
def test_the_w3c_validator_passes_the_rss_feed(validator, site_url, path):
    url = f"{site_url}{path}"
    env = {**os.environ, "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
    result = subprocess.run(
        [str(validator), url], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    output = result.stdout + result.stderr
    if result.returncode == 2 and "Python 2.7" in output:
        pytest.skip(output.strip())
    assert result.returncode == 0, f"the W3C validator found problems in {url}:\n{output}"
    assert f"PASS {url}" in result.stdout
