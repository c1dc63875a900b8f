"""The search index: the live text of every published article, kept in step by the write side.

One table, ``article_search``, outside the SQLAlchemy models because each
database keeps it its own way:

- SQLite: an FTS5 virtual table (title, summary, body; rowid = the article's id)
  with the Porter stemmer over the unicode61 tokenizer, and the body's beginning
  again as ``excerpt``, weighing nothing, for snippets.
- PostgreSQL: a table of the same text plus a generated ``tsvector`` column
  (title weight A, summary B, body D, 'english' configuration) under a GIN index.

``update(article)`` is the one way in: ``publishing._finish`` calls it, in the
same transaction as the change, for every action. It indexes an article that is
published and not deleted (a scheduled one too: queries filter with
``Article.is_visible_at(now)``, so it appears exactly when due) and removes any
other. Pending changes never reach it: they are not in the article's live
columns. The body is indexed as plain text taken from the cleaned HTML, so no
Markdown syntax or link address is searched or shown in a snippet.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from sqlalchemy import Connection, TextClause, event, select, text

from .extensions import db
from .models import PUBLISHED, Article
from .rules import MAX_SNIPPET_SOURCE_LENGTH

TABLE = "article_search"
# Marks a snippet's matched words while it is still plain text; they cannot occur in
# indexed text (they are stripped from it), so only the database's snippet puts them in.
MATCH_START = "\x02"
MATCH_END = "\x03"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "title, summary, body, excerpt, tokenize = 'porter unicode61 remove_diacritics 2')",
)
POSTGRESQL_DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL,"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('english', title), 'A')"
    "  || setweight(to_tsvector('english', summary), 'B')"
    "  || setweight(to_tsvector('english', body), 'D')) STORED)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING gin (document)",
)

# Elements after which the text runs on in a new block, so words never fuse.
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th hr section "
    "figure figcaption dt dd".split()
)


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the words of cleaned ``html`` as plain text: tags gone, entities decoded."""
    reader = _TextOf()
    reader.feed(html)
    reader.close()
    return indexable("".join(reader.parts))


def indexable(value: str) -> str:
    """Return ``value`` without the snippet markers and with its whitespace tidied."""
    value = value.replace(MATCH_START, " ").replace(MATCH_END, " ").replace("\x00", " ")
    return "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())


def is_indexed(article: Article) -> bool:
    """Whether ``article`` belongs in the index: published (perhaps not yet due), not deleted."""
    return article.status == PUBLISHED and article.deleted_at is None


def update(article: Article) -> None:
    """Put ``article``'s live text in the index, or take it out, in the caller's transaction."""
    db.session.flush()
    connection = db.session.connection()
    remove(article.id, connection)
    if not is_indexed(article):
        return
    row = _row(article.id, article.title, article.summary, article.body_html)
    connection.execute(_insert(connection), row)


def _row(article_id: int, title: str, summary: str, body_html: str) -> dict[str, object]:
    body = plain_text(body_html)
    return {
        "id": article_id,
        "title": indexable(title),
        "summary": indexable(summary),
        "body": body,
        "excerpt": body[:MAX_SNIPPET_SOURCE_LENGTH],
    }


def _insert(connection: Connection) -> TextClause:
    if connection.dialect.name == "sqlite":
        return text(
            f"INSERT INTO {TABLE} (rowid, title, summary, body, excerpt)"
            " VALUES (:id, :title, :summary, :body, :excerpt)"
        )
    return text(
        f"INSERT INTO {TABLE} (article_id, title, summary, body)"
        " VALUES (:id, :title, :summary, :body)"
    )


def remove(article_id: int, connection: Connection) -> None:
    key = "rowid" if connection.dialect.name == "sqlite" else "article_id"
    connection.execute(text(f"DELETE FROM {TABLE} WHERE {key} = :id"), {"id": article_id})


def rebuild(batch: int = 1000) -> int:
    """Index every article again from its live text (after a bulk load); return how many."""
    connection = db.session.connection()
    connection.execute(text(f"DELETE FROM {TABLE}"))
    insert = _insert(connection)
    selection = (
        select(Article.id, Article.title, Article.summary, Article.body_html)
        .where(Article.status == PUBLISHED, Article.deleted_at.is_(None))
        .order_by(Article.id)
    )
    count = 0
    rows = db.session.execute(selection).all()
    for start in range(0, len(rows), batch):
        values = [_row(*row) for row in rows[start : start + batch]]
        connection.execute(insert, values)
        count += len(values)
    db.session.commit()
    return count


def create(connection: Connection) -> None:
    """Create the index's table on ``connection``'s database (tests and ``create_all``)."""
    ddl = SQLITE_DDL if connection.dialect.name == "sqlite" else POSTGRESQL_DDL
    for statement in ddl:
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def is_index_table(name: str | None) -> bool:
    """Whether ``name`` is the index or one of FTS5's shadow tables behind it."""
    return name is not None and (name == TABLE or name.startswith(f"{TABLE}_"))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: the index lives outside the models, so autogenerate leaves it alone."""
    if type_ == "table":
        return not is_index_table(name)
    table = getattr(obj, "table", None)
    return not (table is not None and is_index_table(table.name))


@event.listens_for(db.metadata, "after_create")
def _created(target: Any, connection: Connection, **kwargs: Any) -> None:
    create(connection)


@event.listens_for(db.metadata, "before_drop")
def _dropping(target: Any, connection: Connection, **kwargs: Any) -> None:
    drop(connection)
