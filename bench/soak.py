"""Mixed traffic at the app under gunicorn, then a check that nothing was lost.

Usage: python -m bench.soak [--seconds 60] [--database-url URL] [--redis-url URL]

32 readers, feed pollers with conditional GET, one author saving and publishing every
2 s through the real forms, and an attacker sending pathological Markdown previews and
login floods, all on loopback. Prints one summary line; exits non-zero on a 5xx or a
lost write. Run by hand, not in CI.
"""

import argparse
import http.cookiejar
import random
import re
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from blog.accounts import create_author
from blog.extensions import db
from blog.models import Article, ArticleRevision

from .fill import TOPIC, build_app, fill
from .servers import free_port, start_gunicorn, stop

PASSWORD = "soak password 1"
READERS = 32
POLLERS = 4
AUTHOR_EVERY = 2.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    healthz_ms: list[float] = field(default_factory=list)
    saved: dict[str, int] = field(default_factory=dict)  # slug -> saves seen to succeed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | str) -> None:
        with self.lock:
            self.statuses[status] += 1


class Browser:
    """One client with its own cookies, recording every answer's status."""

    def __init__(self, base: str, tally: Tally) -> None:
        self.base, self.tally = base, tally
        self.etag = ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | None = None, **headers: str) -> tuple[int, str, str]:
        """Return the status, the text and the final URL (after redirects)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text, url = response.status, response.read().decode(), response.url
                self.etag = response.headers.get("ETag", "")
        except urllib.error.HTTPError as error:
            status, text, url = error.code, error.read().decode(errors="replace"), path
            error.close()
        except OSError:
            status, text, url = 0, "", path  # connection refused or timed out
        self.tally.count(status)
        return status, text, url

    def post_form(self, form_path: str, data: dict, action: str | None = None):
        _, page, _ = self.request(form_path)
        token = CSRF.search(page)
        return self.request(action or form_path, {**data, "csrf_token": token and token[1]})

    def log_in(self, username: str, password: str) -> int:
        return self.post_form("/login", {"username": username, "password": password})[0]


def reader(browser: Browser, until: float, articles: int) -> None:
    while time.monotonic() < until:
        path = random.choice(
            ["/", f"/topics/{TOPIC}", f"/topics/{TOPIC}?before={random.randint(2, 200)}",
             f"/guide-{random.randrange(articles)}"]
        )  # fmt: skip
        browser.request(path)


def poller(browser: Browser, until: float) -> None:
    while time.monotonic() < until:
        # A 200 stores the new ETag in browser.etag; a 304 keeps the one we have.
        conditional = {"If-None-Match": browser.etag} if browser.etag else {}
        browser.request("/feed.xml", **conditional)
        time.sleep(0.2)


def health(browser: Browser, until: float) -> None:
    while time.monotonic() < until:
        start = time.perf_counter()
        browser.request("/healthz")
        browser.tally.healthz_ms.append((time.perf_counter() - start) * 1000)
        time.sleep(0.1)


def author(browser: Browser, until: float) -> None:
    browser.log_in("soak-author", PASSWORD)
    number = 0
    while time.monotonic() < until:
        number += 1
        started = time.monotonic()
        title, body = f"Soak article {number}", f"Version one of article {number}."
        fields = {"title": title, "summary": "Saved.", "body": body, "topic": "1", "slug": ""}
        status, _, url = browser.post_form("/write", {**fields, "publish": "Publish"})
        if status == 200 and "/edit" not in url:
            slug = urllib.parse.urlsplit(url).path.strip("/")
            browser.tally.saved[slug] = 1
            edit = {**fields, "slug": slug, "body": f"Version two of article {number}."}
            status, _, _ = browser.post_form(f"/{slug}/edit", {**edit, "publish": "Publish"})
            if status == 200:
                browser.tally.saved[slug] = 2
        time.sleep(max(0.0, AUTHOR_EVERY - (time.monotonic() - started)))


def attacker(browser: Browser, until: float) -> None:
    browser.log_in("soak-attacker", PASSWORD)
    fields = {"title": "Preview", "summary": "", "topic": "1", "slug": "", "preview": "Preview"}
    while time.monotonic() < until:
        browser.post_form("/write", {**fields, "body": "[" * 10_000})
        stranger = Browser(browser.base, browser.tally)
        for _ in range(10):
            stranger.log_in("soak-author", "wrong password!")


def prepare(folder: str, database_url: str | None) -> str:
    app = build_app(database_url, folder)
    fill(app, 1000)
    with app.app_context():
        create_author("soak-author", PASSWORD)
        create_author("soak-attacker", PASSWORD)
        db.engine.dispose()
    return str(app.config["SQLALCHEMY_DATABASE_URI"])


def lost_writes(database: str, folder: str, saved: dict[str, int]) -> list[str]:
    app = build_app(database, folder)
    lost = []
    with app.app_context():
        for slug, saves in saved.items():
            article = db.session.scalars(db.select(Article).where(Article.slug == slug)).first()
            revisions = 0 if article is None else db.session.scalar(
                db.select(db.func.count()).where(ArticleRevision.article_id == article.id)
            )  # fmt: skip
            if (revisions or 0) < saves:
                lost.append(f"{slug} ({revisions} of {saves} versions)")
        db.engine.dispose()
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", help="PostgreSQL (its tables are rebuilt)")
    parser.add_argument("--redis-url", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = prepare(folder, options.database_url)
        port, tally = free_port(), Tally()
        environment = {
            "SECRET_KEY": "soak", "SITE_URL": f"http://127.0.0.1:{port}", "DATABASE_URL": database,
            "REDIS_URL": options.redis_url, "FLASK_DEBUG": "0",
            # Plain HTTP on loopback: the cookies cannot be Secure-only here.
            "BLOG_SESSION_COOKIE_SECURE": "false", "BLOG_REMEMBER_COOKIE_SECURE": "false",
        }  # fmt: skip
        server = start_gunicorn("wsgi:app", port=port, env=environment, workers=2)
        base = f"http://127.0.0.1:{port}"
        until = time.monotonic() + options.seconds
        jobs = [(reader, (until, 1000))] * READERS + [(poller, (until,))] * POLLERS
        jobs += [(health, (until,)), (author, (until,)), (attacker, (until,))]
        threads = [threading.Thread(target=job, args=(Browser(base, tally), *args))
                   for job, args in jobs]  # fmt: skip
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            stop(server)
        lost = lost_writes(database, folder, tally.saved)
    report(options, tally, lost)


def report(options: argparse.Namespace, tally: Tally, lost: list[str]) -> None:
    errors = sum(n for status, n in tally.statuses.items() if isinstance(status, int) and
                 (status >= 500 or status == 0))  # fmt: skip
    ordered = sorted(tally.healthz_ms) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    backend = "PostgreSQL" if options.database_url else "SQLite"
    backend += " + Redis" if options.redis_url else ""
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    print(
        f"soak {options.seconds:.0f} s on {backend}: {sum(tally.statuses.values())} requests "
        f"({statuses}); 5xx or no answer: {errors}; /healthz p99 {p99:.0f} ms "
        f"(max {ordered[-1]:.0f}); articles saved {len(tally.saved)}, "
        f"lost writes: {len(lost)}{' ' + ', '.join(lost) if lost else ''}"
    )
    if errors or lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
