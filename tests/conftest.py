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
