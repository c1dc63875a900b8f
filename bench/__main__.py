"""Time the pages and feeds at 100,000 articles, and show the query plans behind them.

Usage: python -m bench [--articles N] [--requests N] [--database-url URL] [--render-only]
                       [--search-only]

It first renders every case of the pathological Markdown corpus at the body limit
and reports the slowest (a refusal for too much formatting counts as a render).

By default a fresh SQLite file in a temporary folder is migrated and filled; with
--database-url (PostgreSQL) the tables there are dropped and rebuilt first.
"""

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select, text

from blog import library
from blog.cache import PAGES_SCOPE, SITE_SCOPE, invalidate, topic_scope
from blog.content import render_markdown
from blog.content.terms import Term, TermMatcher, mark_terms
from blog.extensions import db
from blog.models import Article, Author, Topic
from blog.queries import listed_above, listed_below, topic_articles, visible_article
from blog.rules import MAX_BODY_LENGTH, InvalidInput
from tests.images import photo
from tests.pathological import CASES

from .fill import TOPIC, build_app, fill, oldest_topic_page
from .search import index, search_report


def timed(
    action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None
) -> list[float]:
    """Time ``repeat`` calls of ``action``, each after an untimed call of ``before``."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


# Budgets for the 95th percentile, in milliseconds, on the 2-core reference machine.
PAGE_BUDGET_MS = 50.0
FEED_POLL_BUDGET_MS = 5.0
over_budget: list[str] = []


def report(name: str, samples: list[float], budget_ms: float) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    verdict = "ok" if p95 <= budget_ms else "OVER BUDGET"
    if p95 > budget_ms:
        over_budget.append(name)
    print(
        f"{name:<42} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms"
        f"   budget {budget_ms:5.0f} ms  {verdict}"
    )


RENDER_BUDGET_S = 0.5


def render_report() -> None:
    """Render each pathological case at the body limit; print the slowest ones."""
    seconds: dict[str, float] = {}
    refused = 0
    for name, make in CASES.items():
        source = make(MAX_BODY_LENGTH)
        start = time.perf_counter()
        try:
            render_markdown(source)
        except InvalidInput:
            refused += 1
        seconds[name] = time.perf_counter() - start
    slowest = sorted(seconds, key=seconds.__getitem__, reverse=True)
    worst = slowest[0]
    verdict = "ok" if seconds[worst] <= RENDER_BUDGET_S else "OVER BUDGET"
    if seconds[worst] > RENDER_BUDGET_S:
        over_budget.append(f"render of {worst!r}")
    print(
        f"Pathological Markdown at {MAX_BODY_LENGTH:,} characters: {len(CASES)} cases, "
        f"{refused} refused for too much formatting, {sum(seconds.values()):.1f} s in all"
    )
    print(
        f"slowest render: {worst!r} {seconds[worst]:.2f} s   budget {RENDER_BUDGET_S} s  {verdict}"
    )
    for name in slowest[1:6]:
        print(f"    then {name!r} {seconds[name]:.2f} s")
    print()


# Seconds per 100,000 characters of stored HTML: the same at any size if marking is linear.
MARKING_BUDGET_S = 0.25


def marking_report() -> None:
    """Mark 100 glossary terms in a 200 kB page, and in one twice that size: the cost is linear."""
    terms = [
        Term(f"term-{n}", f"Term {n}", "A definition.", (f"medicine {n} inhibitor", f"MX{n}"))
        for n in range(100)
    ]
    matcher = TermMatcher(terms)
    paragraph = (
        '<p>Take medicine 7 inhibitor with <em>food</em>; an MX42 or <a href="/x">MX3</a> '
        "is <code>MX5</code> different &amp; slower, say medicine 99\ninhibitors.</p>\n"
    )
    for size in (200_000, 400_000):
        page = paragraph * (size // len(paragraph))
        start = time.perf_counter()
        marked = mark_terms(page, matcher)
        seconds = time.perf_counter() - start
        per_100k = seconds * 100_000 / len(page)
        verdict = "ok" if per_100k <= MARKING_BUDGET_S else "OVER BUDGET"
        if per_100k > MARKING_BUDGET_S:
            over_budget.append(f"marking {size:,} characters")
        print(
            f"Glossary marking, {len(terms)} terms, {len(page):,} characters: {seconds:.3f} s, "
            f"{per_100k:.3f} s per 100,000 ({len(marked.terms)} marked)   "
            f"budget {MARKING_BUDGET_S} s per 100,000  {verdict}"
        )
    print()


def query_plans(app: Flask) -> None:
    with app.app_context():
        topic = db.session.scalars(db.select(Topic).where(Topic.slug == TOPIC)).one()
        listing = topic_articles(topic).limit(10)
        by_slug = db.select(Article).where(Article.slug == "guide-500")
        dialect = db.engine.dialect.name
        explain = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
        # A place in the middle of the topic: its older page, and its newer page's start.
        place = (datetime(2025, 11, 1, tzinfo=UTC), 1)
        older = listed_below(topic, place).limit(11)
        newer = listed_above(topic, place).offset(10).limit(1)
        statements = (("topic listing", listing), ("older page", older),
                      ("newer page's place", newer), ("slug lookup", by_slug))  # fmt: skip
        for name, statement in statements:
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = db.session.execute(text(explain + str(compiled))).all()
            print(f"\nPlan for the {name}:")
            for row in plan:
                print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--render-only", action="store_true", help="time the Markdown corpus only")
    parser.add_argument("--search-only", action="store_true", help="time search alone")
    options = parser.parse_args()

    if not options.search_only:
        render_report()
        marking_report()
    if options.render_only:
        raise SystemExit(f"Over budget: {', '.join(over_budget)}" if over_budget else 0)

    with tempfile.TemporaryDirectory() as folder:
        app = build_app(options.database_url, folder)
        start = time.perf_counter()
        fill(app, options.articles)
        print(f"Filled {options.articles:,} articles in {time.perf_counter() - start:.1f} s "
              f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})\n")  # fmt: skip
        index(app)
        search_report(app, options.articles, options.requests, report)
        if options.search_only:
            with app.app_context():
                db.engine.dispose()
            raise SystemExit(f"Over budget: {', '.join(over_budget)}" if over_budget else 0)
        print()
        client = app.test_client()
        repeat = options.requests

        def get(url: str, **headers: str) -> Callable[[], object]:
            def fetch() -> object:
                response = client.get(url, headers=headers)
                assert response.status_code in (200, 304), (url, response.status_code)
                return response

            return fetch

        def random_article() -> object:
            return get(f"/guide-{random.randrange(options.articles)}")()

        def forget_pages() -> None:
            with app.app_context():
                invalidate([PAGES_SCOPE])

        def cold_feed() -> object:
            with app.app_context():
                invalidate([SITE_SCOPE, PAGES_SCOPE, topic_scope(TOPIC)])
            return get(f"/topics/{TOPIC}/feed.xml")()

        etag = client.get("/feed.xml").headers["ETag"]
        page, poll = PAGE_BUDGET_MS, FEED_POLL_BUDGET_MS
        report("home page", timed(get("/"), repeat), page)
        report("topic page 1", timed(get(f"/topics/{TOPIC}"), repeat), page)
        last = get(oldest_topic_page(options.articles))
        report("topic page, oldest", timed(last, repeat), page)
        report("article by slug", timed(random_article, repeat), page)
        # What the first reader after a publish waits for (issue 12, target 3).
        first_page = get(f"/topics/{TOPIC}")
        report("topic page 1, rebuilt", timed(first_page, repeat, before=forget_pages), page)
        report("topic page, oldest, rebuilt", timed(last, repeat, before=forget_pages), page)
        report("topic feed, rebuilt (cache invalidated)", timed(cold_feed, repeat), page)
        report("site feed, cached", timed(get("/feed.xml"), repeat), poll)
        conditional = get("/feed.xml", If_None_Match=etag)
        report("site feed, conditional GET (304)", timed(conditional, repeat), poll)
        with app.app_context():
            lookup = timed(lambda: visible_article("guide-77"), repeat)
            report("slug lookup query alone", lookup, poll)
            # A phone-sized photo in the library: its 960-wide WebP, as browsers ask for it.
            uploader = db.session.scalars(select(Author)).first()
            assert uploader is not None
            image = library.upload(
                photo((4000, 3000), grain=True), "A bench photo", decorative=False, by=uploader
            )
            variant = f"/media/{image.hash}-960.webp"
        served = client.get(variant)
        print(f"\n{variant}: {len(served.data):,} bytes, {served.headers['Cache-Control']}")
        report("image variant (960 px WebP)", timed(get(variant), repeat), poll)
        revalidate = get(variant, If_None_Match=served.headers["ETag"])
        report("image variant, If-None-Match (304)", timed(revalidate, repeat), poll)
        query_plans(app)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nPeak memory of this process: {peak:.0f} MiB")
        with app.app_context():
            db.engine.dispose()
    if over_budget:
        raise SystemExit(f"Over budget: {', '.join(over_budget)}")


if __name__ == "__main__":
    main()
