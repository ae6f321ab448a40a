"""Shared pytest fixtures."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

# storage fixtures
# A fresh, empty database per test on every backend: a SQLite file in tmp_path,
# and on PostgreSQL a private schema (dropped afterwards) selected through the
# connection's search_path, so concurrent test runs never collide.

PG_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STORE_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_admin():
    """An autocommit engine on the test PostgreSQL, or the reason it is unusable."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    from storage.engine import describe_error, mask_url, normalise_url

    url = normalise_url(PG_URL)
    engine = sa.create_engine(
        url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # unreachable, auth, missing database...
        engine.dispose()
        yield f"PostgreSQL at {mask_url(url)} unavailable: {describe_error(exc)} (set NEWSWATCH_TEST_PG)"
        return
    yield engine
    engine.dispose()


def require_pg(pg_admin):
    """Return the admin engine, or skip (fail when NEWSWATCH_REQUIRE_PG=1)."""
    if isinstance(pg_admin, str):
        if os.environ.get("NEWSWATCH_REQUIRE_PG") == "1":
            pytest.fail(pg_admin + "; NEWSWATCH_REQUIRE_PG=1 requires it", pytrace=False)
        print(pg_admin)
        pytest.skip(pg_admin)
    return pg_admin


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """URL of an empty database on the parametrized backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'newswatch.db'}"
        return
    from sqlalchemy.engine import make_url

    from storage.engine import normalise_url

    admin = require_pg(request.getfixturevalue("pg_admin"))
    schema = f"nw_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(normalise_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def store(store_url):
    """A migrated store on the parametrized backend, closed afterwards."""
    from storage import open_store

    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()


# crawl fixtures
# Crawls run `newswatch crawl` in a subprocess (Twisted's reactor cannot restart), against saved
# sites served on 127.0.0.1 by newswatch.fixtureserver.

import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

FIXTURE_SITES = Path(__file__).parent / "fixtures" / "sites"


@dataclass
class Crawler:
    """Runs newswatch commands against one database and one HTTP cache."""

    db: str
    cache: Path

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "newswatch", "--db", self.db, *args], capture_output=True, text=True, timeout=300
        )
        if check and done.returncode != 0:
            raise AssertionError(f"newswatch {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        return done

    def crawl(self, site: str, base_url: str, *settings: str, check: bool = False) -> subprocess.CompletedProcess:
        extra = [x for s in settings for x in ("-s", s)]
        return self.run(
            "crawl",
            site,
            "-s",
            f"NEWSWATCH_BASE_URL={base_url}",
            "-s",
            f"HTTPCACHE_DIR={self.cache}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=INFO",
            "-s",
            "NEWSWATCH_REVISIT_OLDER_HOURS=0",
            *extra,
            check=check,
        )

    def store(self):
        from storage import open_store

        return open_store(self.db)


@pytest.fixture
def crawler(tmp_path) -> Crawler:
    """A Crawler on a fresh SQLite database."""
    return Crawler(db=f"sqlite:///{tmp_path / 'nw.db'}", cache=tmp_path / "httpcache")


@pytest.fixture
def site_server():
    """Start fixture-site servers by name (tests/fixtures/sites/<name>) or path; stopped afterwards."""
    from newswatch.fixtureserver import serve

    servers = []

    def start(name_or_path, version: str = "v1"):
        root = Path(name_or_path) if isinstance(name_or_path, Path) else FIXTURE_SITES / name_or_path
        server = serve(root, version=version)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# webhook fixtures
# A local notification endpoint: Apprise's json:// URLs to 127.0.0.1 post here.

import json  # noqa: E402
import threading  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records every POSTed JSON body with its path."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                received.append((self.path, json.loads(self.rfile.read(length) or b"null")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, auth: str = "") -> str:
        return f"json://{auth}127.0.0.1:{self.port}/{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    started = []

    def start() -> Receiver:
        started.append(Receiver())
        return started[-1]

    yield start
    for receiver in started:
        receiver.stop()


@pytest.fixture
def webhook(receivers) -> Receiver:
    """One started Receiver."""
    return receivers()


def attach_session(crawler, session):
    """Give a test crawler a MonitorExtension holding ``session``, as a crawl's spider_opened does."""
    from newswatch.crawling.monitor import MonitorExtension

    monitor = MonitorExtension(crawler, session.store)
    monitor.session = session
    crawler.extensions.middlewares = (*crawler.extensions.middlewares, monitor)
    return session


def newswatch_settings(overrides: dict | None = None) -> dict:
    """newswatch's own settings with their declared defaults (newswatch/settings.py), then ``overrides``.

    For crawlers built in tests with Scrapy's get_crawler, which knows only Scrapy's defaults.
    """
    import newswatch.settings as declared

    return {**{k: v for k, v in vars(declared).items() if k.startswith("NEWSWATCH_")}, **(overrides or {})}
