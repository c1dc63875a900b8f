"""Gunicorn settings for the blog: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment, so one file serves every machine:
GUNICORN_BIND, WEB_CONCURRENCY (an exact worker count), GUNICORN_MAX_WORKERS,
GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS (0: never recycle a worker).
"""

import multiprocessing
import os

# nginx talks to gunicorn over loopback; gunicorn itself is never exposed.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: every request is short (pages are cached, the database is local) and
# the app is plain WSGI. Two per core plus one keeps a core busy while another worker
# waits on the database; the cap keeps a large machine from running out of memory or
# database connections (each worker holds its own connection pool).
_cores = multiprocessing.cpu_count()
_cap = int(os.environ.get("GUNICORN_MAX_WORKERS", "8"))
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores + 1, _cap)))
worker_class = "sync"

# A page answers in milliseconds; anything near this is stuck and is better restarted
# than left holding one of few workers. A save or a preview of the longest article
# stays well under it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# nginx keeps connections to clients; to gunicorn each request is a short connection.
keepalive = 2

# Recycle workers now and then, at different moments, so slow leaks cannot grow. Not
# often: a new worker spends over a second importing the app, and a cached page takes
# well under a millisecond, so at 10,000 a busy worker restarted every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10

# Logs go to the service manager (journald) through stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# nginx sets X-Forwarded-*; the app alone decides whom to believe (PROXY_COUNT), so
# gunicorn must not change the scheme from those headers on its own.
secure_scheme_headers: dict[str, str] = {}
