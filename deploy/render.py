"""Fill in the per-machine placeholders of deploy/nginx.conf and print the result.

Usage: python3 deploy/render.py --listen 80 --upstream 127.0.0.1:8000 \\
           --server-name example.org --cache-dir /var/cache/nginx/blog [--static-root DIR]

Each option can also come from the environment (BLOG_LISTEN, BLOG_UPSTREAM, ...). The
static root defaults to the installed blog package's static folder. Standard library only.
"""

import argparse
import importlib.util
import os
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
PLACEHOLDER = re.compile(r"\$\{(BLOG_[A-Z_]+)\}")
DEFAULTS = {
    "BLOG_LISTEN": "80",
    "BLOG_SERVER_NAME": "_",
    "BLOG_UPSTREAM": "127.0.0.1:8000",
    "BLOG_CACHE_DIR": "/var/cache/nginx/blog",
}


def package_static_root() -> str:
    """Return the static folder of the installed blog package."""
    spec = importlib.util.find_spec("blog")
    if spec and spec.origin:
        return str(Path(spec.origin).parent / "static")
    return str(Path(__file__).resolve().parent.parent / "blog" / "static")


def render(values: dict[str, str], template: str | None = None) -> str:
    """Return the nginx site config with every placeholder replaced; refuse a missing one."""
    text = TEMPLATE.read_text() if template is None else template
    missing = sorted(set(PLACEHOLDER.findall(text)) - values.keys())
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("listen", "server-name", "upstream", "cache-dir", "static-root"):
        parser.add_argument(f"--{name}")
    options = vars(parser.parse_args(argv))
    values = {
        **DEFAULTS,
        "BLOG_STATIC_ROOT": package_static_root(),
        **{key: os.environ[key] for key in os.environ if key.startswith("BLOG_")},
    }
    for name, value in options.items():
        if value is not None:
            values["BLOG_" + name.upper()] = value
    sys.stdout.write(render(values))


if __name__ == "__main__":
    main()
