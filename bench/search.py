"""Time searches at the filled size: a common word, a rare word and a phrase, with their plans.

The fill gives every article the same body, so "lithium" and the phrase "blood
levels" match every article (the worst case for ranking), and a title's number
matches one article.
"""

import os
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy import text

from blog import queries, search, search_index
from blog.clock import now
from blog.extensions import db

CASES = {
    "common word (every article)": "lithium",
    "rare word (one article)": "{rare}",
    "phrase (every article)": '"blood levels"',
    "word and exclusion": "kidneys -fluid",
}


def index(app: Flask) -> None:
    with app.app_context():
        start = time.perf_counter()
        count = search_index.rebuild()
        print(f"Indexed {count:,} articles for search in {time.perf_counter() - start:.1f} s")
        # Fresh statistics for the new index, as autovacuum keeps on a live database.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            sqlite = connection.dialect.name == "sqlite"
            connection.execute(text("ANALYZE" if sqlite else "VACUUM ANALYZE article_search"))


def search_report(
    app: Flask, articles: int, repeat: int, report: Callable[[str, list[float], float], None]
) -> None:
    client = app.test_client()
    budget = 50.0
    rare = str(articles // 2 + 7)
    for name, typed in CASES.items():
        typed = typed.format(rare=rare)

        def page(typed: str = typed) -> None:
            response = client.get("/search", query_string={"q": typed})
            assert response.status_code == 200, response.status_code

        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            page()
            samples.append((time.perf_counter() - start) * 1000)
        report(f"search page: {name}", samples, budget)
        with app.app_context():
            alone = []
            for _ in range(repeat):
                start = time.perf_counter()
                queries.search(typed, page=1, per_page=10)
                db.session.rollback()
                alone.append((time.perf_counter() - start) * 1000)
        report(f"  queries.search alone: {name}", alone, budget)
    print(f"(load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    with app.app_context():
        for name, typed in CASES.items():
            plan(name, typed.format(rare=rare))


def plan(name: str, typed: str) -> None:
    parsed = search.parse(typed)
    sqlite = db.engine.dialect.name == "sqlite"
    statement = search.ranked(parsed, now()).limit(11)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    rows = db.session.execute(text(explain + str(compiled))).all()
    print(f"\nPlan for the search, {name} ({typed}):")
    for row in rows:
        print("   ", row[-1])
    found = queries.search(typed, page=1, per_page=10)
    print(f"    first page: {len(found.hits)} results; more: {found.has_next}")
