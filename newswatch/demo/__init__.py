"""The offline demo: a CAE-style site in four versions, crawled after each change (`make demo`).

``SITE`` is the site root for ``newswatch.fixtureserver.serve``; ``site/CHANGES.md`` says what
each version changes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
STEPS = (
    ("v1", "first crawl: every article is new"),
    ("v2", "two new articles, an edited body, a corrected title, a withdrawn article, cosmetic changes"),
    ("v3", "part of the site fails: the run fails and flags no removals"),
    ("v4", "the site is healthy again and the withdrawn article is back"),
)


def crawl_command(db: str, base_url: str, cache_dir: str | Path, *extra: str) -> list[str]:
    """The `newswatch crawl` command line for the demo site (CAE structure, section col2003).

    Every article is rechecked on every run (NEWSWATCH_REVISIT_OLDER_HOURS=0), so edits to the
    demo's older articles show up whatever today's date is.
    """
    return [
        sys.executable,
        "-m",
        "newswatch",
        "--db",
        db,
        "crawl",
        "cae",
        "-s",
        f"NEWSWATCH_BASE_URL={base_url}",
        "-s",
        "NEWSWATCH_SECTIONS=col2003",
        "-s",
        f"HTTPCACHE_DIR={cache_dir}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "NEWSWATCH_REVISIT_OLDER_HOURS=0",
        *extra,
    ]


def run_demo() -> int:
    """Serve each version on 127.0.0.1, crawl it, and print the changes flagged by that crawl."""
    from newswatch.fixtureserver import serve

    with tempfile.TemporaryDirectory(prefix="newswatch-demo-") as tmp, serve(SITE) as server:
        db = f"sqlite:///{Path(tmp) / 'demo.db'}"
        print(f"Demo site served at {server.url}; database {db}\n")
        for version, what in STEPS:
            server.set_version(version)
            print(f"=== {version}: {what}", flush=True)
            started = datetime.now(UTC).isoformat(timespec="seconds")
            subprocess.run(crawl_command(db, server.url, Path(tmp) / "httpcache"))
            subprocess.run([sys.executable, "-m", "newswatch", "--db", db, "changes", "--since", started])
            print(flush=True)
    return 0
