"""Real servers on loopback for the nginx test, `make bench-http` and `make soak`.

Gunicorn runs the app (or any WSGI app) in worker processes, nginx runs with
deploy/nginx.conf in a prefix folder of its own; both stop when asked. Every wait is
a bounded poll.
"""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(path)), None
)


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    check: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.02,
    clock: Callable[[], float] = time.monotonic,
    pause: Callable[[float], None] = time.sleep,
) -> bool:
    """Call ``check`` until it is true or ``timeout`` seconds have passed; say which."""
    deadline = clock() + timeout
    while True:
        if check():
            return True
        if clock() >= deadline:
            return False
        pause(interval)


def answers(url: str) -> bool:
    """Return whether ``url`` answers HTTP at all (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError as error:
        error.close()
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    """Stop a server started here, gracefully first."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_gunicorn(
    target: str,
    *,
    port: int,
    env: dict[str, str],
    workers: int = 2,
    cwd: Path = ROOT,
    health: str = "/healthz",
    extra: tuple[str, ...] = (),
) -> subprocess.Popen:
    """Start gunicorn on ``target`` (``module:app``) with the deploy settings; wait for it."""
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), *extra, target,
    ]  # fmt: skip
    settings = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
    }
    # A file, not a pipe: a pipe nobody reads would block gunicorn once full.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=cwd, env=settings, stderr=log)
    ready = wait_until(
        lambda: process.poll() is not None or answers(f"http://127.0.0.1:{port}{health}"),
        timeout=30,
    )
    if not ready or process.poll() is not None:
        stop(process)
        log.seek(0)
        errors = log.read().decode(errors="replace")
        log.close()
        raise RuntimeError(f"gunicorn {target} did not start:\n{errors[-3000:]}")
    log.close()  # gunicorn keeps its own copy of the file
    return process


def worker_pids(master: int) -> list[int]:
    """Return the process ids of a gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def resident_mib(pid: int) -> float:
    """Return a process's resident memory (VmRSS) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _deploy_render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_render", DEPLOY / "render.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nginx_site_config(*, listen: int, upstream: int, static_root: str, cache_dir: Path) -> str:
    """Return deploy/nginx.conf rendered for loopback ports and local folders."""
    return _deploy_render().render(
        {
            "BLOG_LISTEN": f"127.0.0.1:{listen}",
            "BLOG_SERVER_NAME": "localhost",
            "BLOG_UPSTREAM": f"127.0.0.1:{upstream}",
            "BLOG_STATIC_ROOT": static_root,
            "BLOG_CACHE_DIR": str(cache_dir),
        }
    )


def _main_config(prefix: Path, site: str) -> str:
    # What Debian's /etc/nginx/nginx.conf provides around a site file, kept in the prefix.
    mime_types = Path("/etc/nginx/mime.types")
    types = f"include {mime_types};" if mime_types.exists() else "types { text/css css; }"
    # As root, nginx workers would switch to "nobody", who cannot read a private tmp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                           "uwsgi", "scgi")
    )  # fmt: skip
    return f"""
{user}
worker_processes 1;
daemon off;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    {temp}
{site}
}}
"""


def start_nginx(prefix: Path, *, listen: int, upstream: int, static_root: str) -> subprocess.Popen:
    """Start nginx with the deploy config in ``prefix`` (its own folders); wait for it."""
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    prefix.mkdir(parents=True, exist_ok=True)
    site = nginx_site_config(
        listen=listen, upstream=upstream, static_root=static_root, cache_dir=prefix / "cache"
    )
    config = prefix / "nginx.conf"
    config.write_text(_main_config(prefix, site))
    command = [NGINX, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    ready = wait_until(
        lambda: process.poll() is not None or answers(f"http://127.0.0.1:{listen}/static/"),
        timeout=10,
    )
    if not ready or process.poll() is not None:
        stop(process)
        log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
        raise RuntimeError(f"nginx did not start:\n{log[-3000:]}")
    return process
