"""The task queue on the newswatch PostgreSQL database: connection info, schema, one clear error.

Procrastinate's tables live beside newswatch's, in the schema the database URL selects (its
``options=-csearch_path=…`` included), so a test's private schema holds its own queue. The schema
is applied once, under an advisory lock so that workers starting together do not race; applying
it again is a no-op.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from newswatch.errors import NewswatchError
from storage.engine import describe_error, mask_url, normalise_url

#: Advisory lock key held while the queue's schema is applied ("nwqu"; migrations use another).
SCHEMA_LOCK = 0x6E777175
#: A connection of the queue's pool, per process: the worker's loop, its listener and its jobs.
POOL_MIN, POOL_MAX = 1, 4


class ClusterError(NewswatchError):
    """The cluster cannot run on this database (not PostgreSQL, unreachable, no queue schema)."""


def conninfo(url: str) -> str:
    """The libpq URI of a newswatch PostgreSQL URL; a ClusterError for any other database."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "postgresql":
        raise ClusterError(
            f"newswatch worker needs PostgreSQL, not {parsed.get_backend_name()} ({mask_url(parsed)}); "
            "give --db postgresql+psycopg://USER@HOST/DB (NEWSWATCH_DB), or use `newswatch run` on one machine"
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def connector(url: str):
    """An async Procrastinate connector (a small psycopg pool) on the database at ``url``."""
    from procrastinate import PsycopgConnector

    return PsycopgConnector(
        conninfo=conninfo(url), min_size=POOL_MIN, max_size=POOL_MAX, kwargs={"connect_timeout": 10}
    )


def ensure_schema(url: str) -> bool:
    """Apply Procrastinate's schema to the database unless it is there; True when it was applied now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    info = conninfo(url)
    try:
        with psycopg.connect(info, connect_timeout=10) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is not None and row[0] is not None:
                return False
            conn.execute(SchemaManager.get_schema())
            return True
    except psycopg.Error as exc:
        raise ClusterError(
            f"cannot prepare the task queue in {mask_url(url)}: {describe_error(exc)}; check --db or NEWSWATCH_DB"
        ) from None
