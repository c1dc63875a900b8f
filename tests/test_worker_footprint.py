"""What a server worker loads: only what serving readers needs (issue 12, target 5: memory)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import TEST_REDIS_URL, requires_redis

ROOT = Path(__file__).resolve().parent.parent
# Each of these is several MiB in every worker, and only some requests use it.
OPTIONAL = ("redis", "PIL", "alembic", "flask_migrate")


def modules_a_worker_loads(tmp_path: Path, **settings: str) -> list[str]:
    """Import the WSGI app in a fresh interpreter, as gunicorn does, and list what it loaded."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "footprint",
        "SITE_URL": "https://footprint.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/site.sqlite3",
        **settings,
    }
    script = (
        f"import json, sys, wsgi; print(json.dumps([m for m in {OPTIONAL!r} if m in sys.modules]))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True,
        text=True, check=True, timeout=120,
    )  # fmt: skip
    return json.loads(found.stdout.splitlines()[-1])


def test_a_worker_without_redis_loads_neither_redis_pillow_nor_alembic(tmp_path):
    # Pillow comes with the first upload, Alembic with a flask command, redis-py with REDIS_URL.
    assert modules_a_worker_loads(tmp_path) == []


@requires_redis
def test_a_worker_with_redis_loads_redis_py_and_still_not_pillow(tmp_path):
    assert modules_a_worker_loads(tmp_path, REDIS_URL=TEST_REDIS_URL) == ["redis"]
