"""Requests per second over HTTP: the blog under gunicorn beside a bare Flask app, with wrk.

Usage: python -m bench.http [--articles 1000,100000] [--duration 10] [--warmup 3]
           [--redis-url redis://127.0.0.1:6379/4] [--flaskr PATH] [--no-nginx]

For each size a fresh SQLite database is filled, then gunicorn (2 sync workers) serves
the blog, a bare Flask "Hello, World!" app and, given a checkout, flaskr; wrk -t2 -c32
runs on every route after a warm-up, directly and through nginx when it is installed.
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .fill import TOPIC, build_app, fill
from .servers import (
    NGINX,
    ROOT,
    free_port,
    resident_mib,
    start_gunicorn,
    start_nginx,
    stop,
    worker_pids,
)

WRK = shutil.which("wrk")
LUA_IF_NONE_MATCH = Path(__file__).with_name("if_none_match.lua")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Result:
    name: str
    per_second: float
    p99_ms: float
    failures: int


def wrk(url: str, *, seconds: int, etag: str | None = None) -> Result:
    """Run wrk -t2 -c32 on ``url`` and read requests/s, p99 and non-2xx/3xx answers."""
    command = [WRK or "wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    environment = dict(os.environ)
    if etag:
        command[1:1] = ["-s", str(LUA_IF_NONE_MATCH)]
        environment["WRK_IF_NONE_MATCH"] = etag
    output = subprocess.run(command, capture_output=True, text=True, env=environment).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(
        url,
        float(rate.group(1)) if rate else 0.0,
        float(p99.group(1)) * UNITS[p99.group(2)] if p99 else float("nan"),
        int(failures.group(1)) if failures else 0,
    )


def measure(url: str, options: argparse.Namespace, etag: str | None = None) -> Result:
    """Warm up, then measure."""
    wrk(url, seconds=options.warmup, etag=etag)
    return wrk(url, seconds=options.duration, etag=etag)


def routes(count: int) -> dict[str, str]:
    """Return the routes of issue 12's table for a database of ``count`` articles."""
    deepest = max(1, (count * 9 // 10 + 9) // 10)
    return {
        "/healthz": "/healthz",
        "home /": "/",
        "topic page 1": f"/topics/{TOPIC}",
        f"topic page {deepest} (deepest)": f"/topics/{TOPIC}?page={deepest}",
        "an article": f"/guide-{count // 2 + 1}",
        "/feed.xml": "/feed.xml",
        "/feed.xml answered 304": "/feed.xml",
    }


def app_environment(database: str, redis_url: str) -> dict[str, str]:
    return {
        "SECRET_KEY": "bench", "SITE_URL": "https://bench.example", "DATABASE_URL": database,
        "REDIS_URL": redis_url, "PROXY_COUNT": "1", "FLASK_DEBUG": "0",
        # wrk and nginx name the server by its loopback address.
        "BLOG_EXTRA_TRUSTED_HOSTS": '["localhost", "127.0.0.1"]',
    }  # fmt: skip


@contextmanager
def serving(target: str, env: dict[str, str], **kwargs) -> Iterator[tuple[int, int]]:
    """Run gunicorn with 2 workers; yield its port and master pid."""
    port = free_port()
    process = start_gunicorn(target, port=port, env=env, workers=2, **kwargs)
    try:
        yield port, process.pid
    finally:
        stop(process)


def print_table(title: str, rows: list[Result], baseline: float) -> None:
    print(f"\n{title}")
    print(f"| {'route':<36} | {'req/s':>8} | {'p99 ms':>7} | {'÷ bare':>6} | errors |")
    print(f"|{'-' * 38}|{'-' * 10}:|{'-' * 9}:|{'-' * 8}:|-------:|")
    for row in rows:
        ratio = row.per_second / baseline if baseline else float("nan")
        print(f"| {row.name:<36} | {row.per_second:>8.0f} | {row.p99_ms:>7.1f} | "
              f"{ratio:>6.2f} | {row.failures:>6} |")  # fmt: skip


def run_blog(base: str, count: int, options: argparse.Namespace) -> list[Result]:
    etag = urllib.request.urlopen(f"{base}/feed.xml").headers["ETag"]
    results = []
    for name, path in routes(count).items():
        conditional = etag if "304" in name else None
        result = measure(base + path, options, etag=conditional)
        result.name = name
        results.append(result)
    return results


def run_size(count: int, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(None, folder)
        fill(app, count)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        print(f"\n=== {count:,} articles (SQLite) ===")
        with serving("bench.hello:app", {}, health="/") as (port, _):
            bare = measure(f"http://127.0.0.1:{port}/", options)
        print(f"bare Flask hello: {bare.per_second:.0f} req/s, p99 {bare.p99_ms:.1f} ms")
        peers = [run_flaskr(options)] if options.flaskr else []
        if not options.flaskr:
            print("flaskr: skipped (give --flaskr PATH to a checkout of Flask's examples/tutorial)")
        caches = {"in-process cache": ""}
        if options.redis_url:
            caches["Redis cache"] = options.redis_url
        for label, redis_url in caches.items():
            with serving("wsgi:app", app_environment(database, redis_url)) as (port, master):
                rows = run_blog(f"http://127.0.0.1:{port}", count, options) + peers
                memory = ", ".join(f"{resident_mib(pid):.0f}" for pid in worker_pids(master))
                print_table(f"{count:,} articles, {label}", rows, bare.per_second)
                print(f"worker resident memory (VmRSS, MiB): {memory}")
                if NGINX and not options.no_nginx and not redis_url:
                    run_nginx(Path(folder), port, count, options, bare.per_second)
        if not NGINX:
            print("nginx: skipped (apt-get install nginx-light)")


def run_nginx(folder: Path, app_port: int, count: int, options, baseline: float) -> None:
    # The same topic page as a plain file, for what "as fast as a static file" means.
    static = folder / "static"
    shutil.copytree(ROOT / "blog" / "static", static)
    topic_page = urllib.request.urlopen(f"http://127.0.0.1:{app_port}/topics/{TOPIC}").read()
    (static / "topic.html").write_bytes(topic_page)
    port = free_port()
    nginx = start_nginx(folder / "nginx", listen=port, upstream=app_port, static_root=str(static))
    try:
        rows = run_blog(f"http://127.0.0.1:{port}", count, options)
        file = measure(f"http://127.0.0.1:{port}/static/topic.html", options)
        file.name = "nginx: topic page as a static file"
        print_table(f"{count:,} articles, through nginx (1 s page cache)", [*rows, file], baseline)
    finally:
        stop(nginx)


def run_flaskr(options: argparse.Namespace) -> Result:
    """Serve a flaskr checkout with 20 posts and measure its index."""
    checkout = Path(options.flaskr).resolve()
    with tempfile.TemporaryDirectory() as folder:
        flask = [shutil.which("flask") or "flask", "--app", "flaskr"]
        env = {**os.environ, "FLASK_INSTANCE_PATH": folder}
        subprocess.run([*flask, "init-db"], cwd=checkout, env=env, check=True)
        database = next(Path(checkout, "instance").glob("*.sqlite"), None)
        if database is not None:
            _add_flaskr_posts(database)
        with serving("flaskr:create_app()", {}, cwd=checkout, health="/") as (port, _):
            result = measure(f"http://127.0.0.1:{port}/", options)
    result.name = "peer: flaskr index (20 posts)"
    return result


def _add_flaskr_posts(database: Path) -> None:
    import sqlite3

    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO user (username, password) VALUES ('bench', 'x')")
        connection.executemany(
            "INSERT INTO post (author_id, title, body) VALUES (1, ?, ?)",
            [(f"Post {n}", "Some text for the index.") for n in range(20)],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="1000,100000", help="sizes, comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds per route")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each measure")
    parser.add_argument("--redis-url", help="also measure with the cache in this Redis")
    parser.add_argument("--flaskr", help="path to a flaskr checkout (Flask's examples/tutorial)")
    parser.add_argument("--no-nginx", action="store_true", help="skip the runs through nginx")
    options = parser.parse_args()
    if WRK is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    print(f"gunicorn 2 sync workers; wrk -t2 -c32, {options.warmup} s warm-up, "
          f"{options.duration} s per route; {os.cpu_count()} cores")  # fmt: skip
    for count in (int(size.replace("_", "")) for size in options.articles.split(",")):
        run_size(count, options)


if __name__ == "__main__":
    main()
