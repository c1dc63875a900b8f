"""Add the search index and fill it with every published article's live text.

SQLite: an FTS5 virtual table ``article_search`` (title, summary, body, and the
body's first 5,000 characters again as ``excerpt`` for snippets; rowid is the
article's id; Porter stemming). PostgreSQL: a table ``article_search`` of the
same text with a generated ``tsvector`` column ``document`` (title A, summary B,
body D, 'english') under a GIN index. The body is indexed as plain text taken
from the stored HTML. Downgrading drops the table.

Revision ID: f45aa389eaa7
Revises: d713ae4602ce
Create Date: 2026-11-27 15:00:00

"""
from html.parser import HTMLParser

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f45aa389eaa7'
down_revision = 'd713ae4602ce'
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE article_search USING fts5("
    "title, summary, body, excerpt, tokenize = 'porter unicode61 remove_diacritics 2')",
)
POSTGRESQL = (
    "CREATE TABLE article_search ("
    " article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL,"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('english', title), 'A')"
    "  || setweight(to_tsvector('english', summary), 'B')"
    "  || setweight(to_tsvector('english', body), 'D')) STORED)",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
)
BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th hr section "
    "figure figcaption dt dd".split()
)
BATCH = 500
# The body's beginning, kept again on SQLite for snippets.
EXCERPT_LENGTH = 5_000


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def _tidy(value):
    for marker in ("\x00", "\x02", "\x03"):
        value = value.replace(marker, " ")
    return "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())


def _plain_text(html):
    reader = _Text()
    reader.feed(html)
    reader.close()
    return _tidy("".join(reader.parts))


def upgrade():
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for statement in SQLITE if sqlite else POSTGRESQL:
        op.execute(statement)
    if sqlite:
        insert = sa.text(
            "INSERT INTO article_search (rowid, title, summary, body, excerpt)"
            " VALUES (:id, :title, :summary, :body, :excerpt)"
        )
    else:
        insert = sa.text(
            "INSERT INTO article_search (article_id, title, summary, body)"
            " VALUES (:id, :title, :summary, :body)"
        )
    rows = connection.execute(
        sa.text(
            "SELECT id, title, summary, body_html FROM articles"
            " WHERE status = 'published' AND deleted_at IS NULL ORDER BY id"
        )
    ).all()
    for start in range(0, len(rows), BATCH):
        batch = []
        for id_, title, summary, html in rows[start : start + BATCH]:
            body = _plain_text(html)
            batch.append(
                {"id": id_, "title": _tidy(title), "summary": _tidy(summary), "body": body,
                 "excerpt": body[:EXCERPT_LENGTH]}
            )
        connection.execute(insert, batch)


def downgrade():
    op.execute("DROP TABLE article_search")
