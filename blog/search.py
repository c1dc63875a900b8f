"""Full-text search: what a reader typed, read into a small query, run alike on both databases.

A query is read here, never handed to the database's own query syntax: words,
"quoted phrases" and ``-excluded`` words or phrases; everything else (punctuation,
operators, SQL) is only a separator. Words the glossary links are widened to all
of their names. The parsed query then becomes an FTS5 MATCH string in which every
token is quoted (SQLite), or a ``tsquery`` combined from ``plainto_tsquery`` and
``phraseto_tsquery`` of single words and phrases (PostgreSQL): neither can fail
on any text. Ranking is BM25 on SQLite and cover density on PostgreSQL, title and
summary counting for more than the body, and a newer article wins a tie.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from . import glossary
from .extensions import db
from .models import Article
from .rules import (
    MAX_SEARCH_CANDIDATES,
    MAX_SEARCH_PHRASE_WORDS,
    MAX_SEARCH_QUERY_LENGTH,
    MAX_SEARCH_SYNONYMS,
    MAX_SEARCH_TERMS,
    MAX_SNIPPET_SOURCE_LENGTH,
)
from .search_index import MATCH_END, MATCH_START, TABLE

# A chunk of the query: an optional "-", then a quoted phrase (its closing quote
# optional) or a run of anything but spaces and quotes.
_CHUNK = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
# A word: letters and digits, as both databases' tokenizers see them.
_WORD = re.compile(r"[^\W_]+")
# Within an unquoted chunk, words joined by these ("5-HT", "don't", "i.v.") stay
# together as a phrase; anything else between them ("<b>x</b>", "a*b") separates.
_JOINED = re.compile(r"[^\W_]+(?:[-'’./][^\W_]+)*")

# Words too common to search for, as PostgreSQL's 'english' configuration drops
# them; dropped on SQLite too, so both give the same answers.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()
)

# How much each column weighs in SQLite's BM25: the title most, then the summary;
# the excerpt (the body's beginning again, for snippets) not at all.
BM25_WEIGHTS = (10.0, 4.0, 1.0, 0.0)
# Words of context around a match in a snippet.
SNIPPET_WORDS = 24
ELLIPSIS = "…"

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """Something to find: any one of its phrases (a single word is a phrase of one)."""

    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """A reader's query: every included term must match, no excluded term may."""

    included: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def searchable(self) -> bool:
        return bool(self.included)


def words_of(value: str) -> Phrase:
    """Return the words in ``value``, lower-cased: what both tokenizers would find."""
    normal = unicodedata.normalize("NFKC", value).lower()
    return tuple(_WORD.findall(normal))


def parse(value: str) -> ParsedQuery:
    """Read what a reader typed into terms; nothing in it is ever an operator."""
    value = unicodedata.normalize("NFKC", value)[:MAX_SEARCH_QUERY_LENGTH]
    included: list[Phrase] = []
    excluded: list[Phrase] = []
    for match in _CHUNK.finditer(value):
        minus, quoted, bare = match.groups()
        pieces = [quoted] if quoted is not None else _JOINED.findall(bare)
        for piece in pieces:
            words = words_of(piece)[:MAX_SEARCH_PHRASE_WORDS]
            terms = excluded if minus else included
            if not words or (len(words) == 1 and words[0] in STOP_WORDS) or words in terms:
                continue
            if len(included) + len(excluded) >= MAX_SEARCH_TERMS:
                break
            terms.append(words)
    return ParsedQuery(
        tuple(Term((phrase,)) for phrase in included),
        tuple(Term((phrase,)) for phrase in excluded),
    )


def synonym_table(groups: list[list[str]]) -> dict[Phrase, tuple[Phrase, ...]]:
    """Map each glossary name (as words) to all the names of its group."""
    table: dict[Phrase, tuple[Phrase, ...]] = {}
    for group in groups:
        names = tuple(dict.fromkeys(p for name in group if (p := words_of(name))))
        names = names[: MAX_SEARCH_SYNONYMS + 1]
        for name in names:
            table.setdefault(name, names)
    return table


def expand(query: ParsedQuery, synonyms: dict[Phrase, tuple[Phrase, ...]]) -> ParsedQuery:
    """Widen each term that is a glossary name to every name of its group.

    Consecutive single words are matched too, longest first: "monoamine oxidase
    inhibitor" typed without quotes is the glossary's term as well.
    """
    if not synonyms:
        return query
    longest = max(len(name) for name in synonyms)

    def widen(terms: tuple[Term, ...]) -> tuple[Term, ...]:
        phrases = [term.phrases[0] for term in terms]
        widened: list[Term] = []
        start = 0
        while start < len(phrases):
            taken = 1
            names: tuple[Phrase, ...] | None = synonyms.get(phrases[start])
            if len(phrases[start]) == 1:
                for size in range(min(longest, len(phrases) - start), 1, -1):
                    run = phrases[start : start + size]
                    if all(len(p) == 1 for p in run):
                        joined = tuple(p[0] for p in run)
                        if joined in synonyms:
                            names, taken = synonyms[joined], size
                            break
            widened.append(Term(names) if names else terms[start])
            start += taken
        return tuple(widened)

    return ParsedQuery(widen(query.included), widen(query.excluded))


# SQLite: an FTS5 MATCH string in which every token is a quoted string.


def _fts5_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def _fts5_term(term: Term) -> str:
    if len(term.phrases) == 1:
        return _fts5_phrase(term.phrases[0])
    return "(" + " OR ".join(_fts5_phrase(phrase) for phrase in term.phrases) + ")"


def fts5_match(query: ParsedQuery) -> str:
    """Return the FTS5 MATCH expression of a searchable ``query``."""
    wanted = " AND ".join(_fts5_term(term) for term in query.included)
    if not query.excluded:
        return wanted
    unwanted = " OR ".join(_fts5_term(term) for term in query.excluded)
    return f"({wanted}) NOT ({unwanted})"


# PostgreSQL: a tsquery put together from functions that accept any text.

_ENGLISH = literal_column("'english'", REGCONFIG)


def _ts_phrase(phrase: Phrase) -> ColumnElement[str]:
    if len(phrase) == 1:
        return func.plainto_tsquery(_ENGLISH, phrase[0], type_=TSQUERY)
    return func.phraseto_tsquery(_ENGLISH, " ".join(phrase), type_=TSQUERY)


def _ts_term(term: Term) -> ColumnElement[str]:
    combined = _ts_phrase(term.phrases[0])
    for phrase in term.phrases[1:]:
        combined = func.tsquery_or(combined, _ts_phrase(phrase), type_=TSQUERY)
    return combined


def tsquery(query: ParsedQuery) -> ColumnElement[str]:
    """Return the ``tsquery`` of a searchable ``query``, as an SQL expression."""
    combined = _ts_term(query.included[0])
    for term in query.included[1:]:
        combined = func.tsquery_and(combined, _ts_term(term), type_=TSQUERY)
    for term in query.excluded:
        combined = func.tsquery_and(
            combined, func.tsquery_not(_ts_term(term), type_=TSQUERY), type_=TSQUERY
        )
    return combined


@dataclass(frozen=True)
class Hit:
    """One result: the article, and a snippet of its text with the matched words marked."""

    article: Article
    snippet: Markup


@dataclass(frozen=True)
class Results:
    """One page of results; ``has_next`` says whether another page follows."""

    query: ParsedQuery
    page: int
    per_page: int
    hits: list[Hit]
    has_next: bool

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def marked(snippet: str) -> Markup:
    """Escape a snippet of article text, then turn the database's markers into ``<mark>``."""
    safe = str(escape(snippet))
    # Every marker left unpaired (a snippet cut in the middle) is dropped.
    safe = re.sub(
        f"{MATCH_START}([^{MATCH_START}{MATCH_END}]*){MATCH_END}", r"<mark>\1</mark>", safe
    )
    return Markup(safe.replace(MATCH_START, "").replace(MATCH_END, ""))


def run(query: ParsedQuery, *, page: int, per_page: int, now: datetime) -> Results:
    """Return page ``page`` of the visible articles matching ``query``, best first."""
    if not query.searchable:
        return Results(query, page, per_page, [], has_next=False)
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if not sqlite:
        # Plan each search for its own words: a plan made once for any words (psycopg
        # prepares a statement run often) cannot tell "lithium" in every article from a
        # word in one, and reads the wrong index for one of them.
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    statement = ranked(query, now).limit(per_page + 1).offset((page - 1) * per_page)
    ids: list[int] = list(db.session.scalars(statement))
    has_next = len(ids) > per_page
    ids = ids[:per_page]
    if not ids:
        return Results(query, page, per_page, [], has_next=False)
    articles = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids)))}
    snippets = _snippets_sqlite(query, ids) if sqlite else _snippets_postgresql(query, ids)
    hits = [Hit(articles[i], marked(snippets.get(i, ""))) for i in ids if i in articles]
    return Results(query, page, per_page, hits, has_next=has_next)


_fts = table(TABLE, column("rowid"), column("body"))
_pg = table(TABLE, column("article_id"), column("body"), column("document", TSVECTOR))


def ranked(query: ParsedQuery, now: datetime) -> Select[Any]:
    """Select the ids of the visible articles matching a searchable ``query``, best first.

    Only the newest ``MAX_SEARCH_CANDIDATES`` matches in the index (by id, the
    order articles were created in) are ranked: both indexes give them in that
    order without reading the rest, so a word in every article costs little more
    than a rare one. Scheduled articles not yet due are among them, then left out.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        key = _fts.c.rowid
        # bm25 is smaller for better matches.
        score: ColumnElement[float] = func.bm25(literal_column(TABLE), *BM25_WEIGHTS)
        matches = literal_column(TABLE).op("MATCH")(fts5_match(query))
        source = _fts
    else:
        wanted = tsquery(query)
        key = _pg.c.article_id
        score = -func.ts_rank_cd(_pg.c.document, wanted)
        matches = _pg.c.document.op("@@")(wanted)
        source = _pg
    # The candidates come from the index alone, newest first, so each database reads
    # them in its index's order and stops at the limit; visibility is checked after.
    candidates = (
        select(key.label("id"), score.label("score"))
        .select_from(source)
        .where(matches)
        .order_by(key.desc())
        .limit(MAX_SEARCH_CANDIDATES)
        .subquery("candidates")
    )
    return (
        select(candidates.c.id)
        .join(Article, Article.id == candidates.c.id)
        .where(Article.is_visible_at(now))
        .order_by(candidates.c.score, Article.published_at.desc(), Article.id.desc())
    )


def _snippets_sqlite(query: ParsedQuery, ids: list[int]) -> dict[int, str]:
    statement = text(
        f"SELECT rowid, snippet({TABLE}, 3, :start, :end, :ellipsis, :words) FROM {TABLE} "
        f"WHERE {TABLE} MATCH :match AND rowid IN ({', '.join(str(int(i)) for i in ids)})"
    )
    rows = db.session.execute(
        statement,
        {
            "start": MATCH_START,
            "end": MATCH_END,
            "ellipsis": ELLIPSIS,
            "words": SNIPPET_WORDS,
            "match": fts5_match(query),
        },
    )
    return {row[0]: row[1] for row in rows}


def _snippets_postgresql(query: ParsedQuery, ids: list[int]) -> dict[int, str]:
    options = (
        f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS}, "
        f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=" {ELLIPSIS} "'
    )
    source = func.left(_pg.c.body, MAX_SNIPPET_SOURCE_LENGTH)
    headline = func.ts_headline(_ENGLISH, source, tsquery(query), options)
    rows = db.session.execute(select(_pg.c.article_id, headline).where(_pg.c.article_id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def synonyms_now() -> dict[Phrase, tuple[Phrase, ...]]:
    """Read the glossary's synonym groups: a small table, read per query, so edits count at once."""
    return synonym_table(glossary.synonym_groups())
