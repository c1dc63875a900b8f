"""Requests per second over HTTP: the blog under gunicorn beside a bare Flask app, with wrk.

Usage: python -m bench.http [--articles 1000,100000] [--duration 10] [--warmup 3]
           [--redis-url redis://127.0.0.1:6379/4] [--no-peer] [--no-nginx]
           [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each size a fresh database (SQLite, or the one given, emptied first) is filled, then
gunicorn (2 sync workers) serves the blog, a bare Flask "Hello, World!" app and a
tutorial-style peer blog (bench/peer.py); wrk -t2 -c32 runs on every route after a
warm-up, each right after the same run on the bare app, directly and through nginx when it
is installed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from blog.extensions import db

from .fill import TOPIC, build_app, fill, oldest_topic_page
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
    # The yardstick measured just before this, on the same loaded machine.
    baseline: float = float("nan")

    @property
    def ratio(self) -> float:
        return self.per_second / self.baseline if self.baseline else float("nan")


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


def measure_beside(
    name: str, url: str, baseline_url: str, options: argparse.Namespace, etag: str | None = None
) -> Result:
    """Measure the yardstick, then ``url`` right after it: the machine is shared, and its
    load changes from minute to minute, so only ratios taken side by side mean much."""
    baseline = measure(baseline_url, options)
    result = measure(url, options, etag=etag)
    result.name, result.baseline = name, baseline.per_second
    return result


def routes(count: int) -> dict[str, str]:
    """Return the routes of issue 12's table for a database of ``count`` articles."""
    return {
        "/healthz": "/healthz",
        "home /": "/",
        "topic page 1": f"/topics/{TOPIC}",
        "topic page, oldest (deepest)": oldest_topic_page(count),
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


def print_table(title: str, rows: list[Result], yardstick: str = "bare") -> None:
    print(f"\n{title}")
    print(f"| {'route':<36} | {'req/s':>8} | {'p99 ms':>7} | {yardstick + ' req/s':>12} | "
          f"{'÷ ' + yardstick:>7} | errors |")  # fmt: skip
    print(f"|{'-' * 38}|{'-' * 9}:|{'-' * 8}:|{'-' * 13}:|{'-' * 8}:|-------:|")
    for row in rows:
        print(f"| {row.name:<36} | {row.per_second:>8.0f} | {row.p99_ms:>7.1f} | "
              f"{row.baseline:>12.0f} | {row.ratio:>7.2f} | {row.failures:>6} |")  # fmt: skip


def run_blog(base: str, count: int, baseline_url: str, options) -> list[Result]:
    etag = urllib.request.urlopen(f"{base}/feed.xml").headers["ETag"]
    results = []
    for name, path in routes(count).items():
        conditional = etag if "304" in name else None
        results.append(measure_beside(name, base + path, baseline_url, options, conditional))
    return results


def memory_line(master: int) -> str:
    workers = worker_pids(master)
    resident = ", ".join(f"{resident_mib(pid):.0f}" for pid in workers)
    proportional = ", ".join(f"{proportional_mib(pid):.0f}" for pid in workers)
    return f"worker memory, MiB: resident (VmRSS) {resident}; proportional (Pss) {proportional}"


def proportional_mib(pid: int) -> float:
    """Return a process's proportional share of memory (shared pages split among users)."""
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    for line in rollup.read_text().splitlines() if rollup.exists() else []:
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_size(count: int, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(options.database_url, folder)
        fill(app, count)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        with app.app_context():
            kind = db.engine.dialect.name
            db.engine.dispose()
        print(f"\n=== {count:,} articles ({kind}) ===")
        with serving("bench.hello:app", {}, health="/") as (hello_port, _):
            bare = f"http://127.0.0.1:{hello_port}/"
            peers = [] if options.no_peer else [run_peer(Path(folder), bare, options)]
            caches = {"in-process cache": ""}
            if options.redis_url:
                caches["Redis cache"] = options.redis_url
            for label, redis_url in caches.items():
                with serving("wsgi:app", app_environment(database, redis_url)) as (port, master):
                    rows = run_blog(f"http://127.0.0.1:{port}", count, bare, options) + peers
                    print_table(f"{count:,} articles, {label}", rows)
                    print(memory_line(master))
                    if NGINX and not options.no_nginx and not redis_url:
                        run_nginx(Path(folder), port, count, bare, options)
        if not NGINX:
            print("nginx: skipped (apt-get install nginx-light)")


def run_nginx(folder: Path, app_port: int, count: int, bare: str, options) -> None:
    # The same topic page as a plain file, for what "as fast as a static file" means.
    static = folder / "static"
    shutil.rmtree(static, ignore_errors=True)
    shutil.copytree(ROOT / "blog" / "static", static)
    topic_page = urllib.request.urlopen(f"http://127.0.0.1:{app_port}/topics/{TOPIC}").read()
    (static / "topic.html").write_bytes(topic_page)
    port = free_port()
    nginx = start_nginx(folder / "nginx", listen=port, upstream=app_port, static_root=str(static))
    base = f"http://127.0.0.1:{port}"
    try:
        # Through nginx the yardstick is nginx serving the same page as a file.
        rows = run_blog(base, count, f"{base}/static/topic.html", options)
        print_table(f"{count:,} articles, through nginx (1 s page cache)", rows, "file")
        file = measure_beside("nginx: topic page as a file", f"{base}/static/topic.html", bare,
                              options)  # fmt: skip
        print_table("nginx serving the topic page as a file", [file])
    finally:
        stop(nginx)


def run_peer(folder: Path, bare: str, options: argparse.Namespace) -> Result:
    """Serve the tutorial-shaped peer blog (bench/peer.py, 20 posts) and measure its index."""
    environment = {"PEER_DATABASE": str(folder / "peer.sqlite3")}
    subprocess.run([sys.executable, "-m", "bench.peer"], cwd=ROOT, env={**os.environ,
                   **environment}, check=True)  # fmt: skip
    with serving("bench.peer:app", environment, health="/") as (port, _):
        return measure_beside(
            "peer: tutorial-style blog index", f"http://127.0.0.1:{port}/", bare, options
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="1000,100000", help="sizes, comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds per route")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before each measure")
    parser.add_argument("--redis-url", help="also measure with the cache in this Redis")
    parser.add_argument("--database-url", help="a database to empty and fill (default: SQLite)")
    parser.add_argument("--no-peer", action="store_true", help="skip the tutorial-style peer")
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
