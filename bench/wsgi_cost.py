"""What one request costs the app itself: microseconds per call of its WSGI callable.

Usage: python -m bench.wsgi_cost [--articles 1000] [--calls 3000] [--redis-url URL]
           [--profile PATH]

No server and no sockets: each route of issue 12's table is called through the WSGI
interface, in this process, beside the bare Flask hello app. On a shared machine this
is steadier than requests per second under wrk, and it shows where the time goes:
``--profile /topics/<slug>`` prints cProfile's top entries for that path.
"""

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.test import Client, EnvironBuilder

from blog import create_app

from .fill import TOPIC, fill, oldest_topic_page
from .hello import app as hello

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call(app: WsgiApp, environ: dict[str, Any]) -> str:
    """Call ``app`` once on a copy of ``environ``, read the whole body, return the status."""
    statuses: list[str] = []
    body = app(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(body)
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return statuses[0]


def microseconds(app: WsgiApp, environ: dict[str, Any], calls: int) -> float:
    for _ in range(min(calls, 200)):
        call(app, environ)
    start = time.perf_counter()
    for _ in range(calls):
        call(app, environ)
    return (time.perf_counter() - start) / calls * 1e6


def environ(path: str, **headers: str) -> dict[str, Any]:
    return EnvironBuilder(path=path, base_url="http://localhost", headers=headers).get_environ()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--redis-url", help="the cache in this Redis")
    parser.add_argument("--profile", help="profile this path after the timings")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = {
            "SECRET_KEY": "bench", "SITE_URL": "https://bench.example", "PROXY_COUNT": 1,
            "TRUSTED_HOSTS": ["localhost"], "REDIS_URL": options.redis_url,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
        }  # fmt: skip
        fill(create_app(config), options.articles)
        app = create_app(config)  # a fresh process's app, as a worker would have
        paths = {
            "/healthz": "/healthz",
            "home /": "/",
            "topic page 1": f"/topics/{TOPIC}",
            "topic page, oldest (deepest)": oldest_topic_page(options.articles),
            "an article": f"/guide-{options.articles // 2 + 1}",
            "/feed.xml": "/feed.xml",
        }
        etag = Client(app).get("/feed.xml").headers["ETag"]
        cases = {name: environ(path) for name, path in paths.items()}
        cases["/feed.xml answered 304"] = environ("/feed.xml", **{"If-None-Match": etag})
        cache = "Redis" if options.redis_url else "in-process"
        print(f"{options.articles:,} articles, {cache} cache, {options.calls} calls each")
        bare = microseconds(hello, environ("/"), options.calls)
        print(f"{'bare Flask hello':<32} {bare:7.1f} µs")
        for name, case in cases.items():
            status = call(app, case)
            cost = microseconds(app, case, options.calls)
            print(f"{name:<32} {cost:7.1f} µs  ({status}; {cost / bare:.2f} × bare)")
        if options.profile:
            case = environ(options.profile)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(options.calls):
                call(app, case)
            profiler.disable()
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(30)
            print(report.getvalue())


if __name__ == "__main__":
    main()
