"""A save killed at any point leaves the article, its versions and its record consistent."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from blog.extensions import db
from blog.models import Article, ArticleEvent, ArticleRevision

# Run in a child process: save a new version of article 1, and die (as kill -9
# would: no cleanup, no rollback sent) at the chosen point of the save.
SAVE_AND_DIE = """
import json, os, sys
from dataclasses import replace
from sqlalchemy import event
from sqlalchemy.orm import Session
from blog import create_app
from blog.extensions import db
from blog.models import Article
from blog.publishing import ArticleInput, save_article

config, point = json.loads(sys.argv[1]), sys.argv[2]
app = create_app(config)
with app.app_context():
    die = lambda *args: os._exit(9)
    if point == "after the rows are written":
        event.listen(Session, "after_flush", die)
    elif point == "just before the commit":
        event.listen(db.engine, "commit", die)
    article = db.session.get(Article, 1)
    data = replace(ArticleInput.of(article), body_markdown="The new text.")
    save_article(article, data, by=article.author, publish=True)
    os._exit(0)
"""


def state(app) -> tuple:
    with app.app_context():
        article = db.session.get(Article, 1)
        latest = db.session.scalar(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == 1)
            .order_by(ArticleRevision.number.desc())
        )
        events = db.session.scalar(select(func.count()).select_from(ArticleEvent))
        return article.body_markdown, latest.body_markdown, latest.number, events


@pytest.mark.parametrize(
    "point, survives",
    [("after the rows are written", False), ("just before the commit", False), ("never", True)],
)
def test_a_save_killed_midway_leaves_the_old_version_whole(
    app, app_config, publish, point, survives
):
    article = publish("A guide", body="The old text.")
    assert article.id == 1
    child = subprocess.run(
        [sys.executable, "-c", SAVE_AND_DIE, json.dumps(app_config), point],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == (0 if survives else 9), child.stderr
    if survives:
        assert state(app) == ("The new text.", "The new text.", 2, 2)
    else:
        assert state(app) == ("The old text.", "The old text.", 1, 1), "nothing half-saved"
