"""Database URLs, engine creation and one-line error messages."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from .base import StoreError

DEFAULT_URL = "sqlite:///newswatch.db"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000
HINT = "check --db or NEWSWATCH_DB"
EXPECTED = "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
#: Seconds a pooled PostgreSQL connection may rest before it is pinged at its next checkout: one
#: in steady use is not (a ping per checkout costs a round trip per store call), one that sat idle
#: through a server restart or a dropped network is found dead and replaced before it is handed out.
PING_IDLE_AFTER = 2.0


def normalise_url(url: str) -> str:
    """Accept bare file paths as SQLite and default PostgreSQL to psycopg 3."""
    url = url.strip()
    if not url:
        raise StoreError(f"cannot open database: empty database URL; {HINT}")
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser())
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg://" + rest
    return url


def mask_url(url: str | URL) -> str:
    """The URL as text with any password replaced by ***."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except Exception:  # unparsable: strip anything that looks like credentials
        text = str(url)
        if "@" in text and "://" in text:
            scheme, rest = text.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            return f"{scheme}://{user}:***@{host}" if ":" in creds else text
        return text
    return parsed.render_as_string(hide_password=True)


def describe_error(exc: BaseException, password: str | None = None) -> str:
    """Reduce a driver/SQLAlchemy exception to a short, single-line reason."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(exc, sa.exc.NoSuchModuleError):
        text = f"unknown database type ({EXPECTED})"
    elif isinstance(exc, ImportError):
        text = f"database driver not installed ({exc})"
    elif isinstance(exc, sa.exc.ArgumentError):
        text = f"not a valid database URL ({EXPECTED})"
    else:
        lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
        text = lines[0] if lines else type(orig).__name__
        # psycopg nests "connection failed: connection to server ... failed: REASON"
        if "failed:" in text:
            text = text.rsplit("failed:", 1)[1].strip()
        text = text.replace("FATAL:", "").strip()
        if text and text[0].isupper() and not text[:2].isupper():
            text = text[0].lower() + text[1:]
    if password:
        text = text.replace(password, "***")
    return " ".join(text.split())


def open_error(url: str | URL, exc: BaseException) -> StoreError:
    """A StoreError saying which database could not be opened and why."""
    password = None
    with contextlib.suppress(Exception):
        password = (url if isinstance(url, URL) else make_url(url)).password
    return StoreError(f"cannot open database {mask_url(url)}: {describe_error(exc, password)}; {HINT}")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def json_dumps(value: Any) -> str:
    """JSON encoder tolerant of datetimes and sets (e.g. in crawler stats)."""
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _install_sqlite_hooks(engine: sa.Engine) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN emitted by SQLAlchemy.

    Write transactions use BEGIN IMMEDIATE (execution option
    ``sqlite_begin="IMMEDIATE"``) so concurrent writers wait on
    busy_timeout instead of failing on a read-to-write lock upgrade.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(url: str, pool_size: int | None = None) -> sa.Engine:
    """Create an engine for a SQLite or PostgreSQL URL, raising StoreError on a bad one.

    ``pool_size`` (default SQLAlchemy's 5): connections kept open; as many more may open when busy.
    """
    text = normalise_url(url)
    try:
        parsed = make_url(text)
    except Exception as exc:
        raise open_error(text, exc) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreError(
            f"cannot open database {mask_url(parsed)}: unsupported database type {backend!r} ({EXPECTED}); {HINT}"
        )
    kwargs: dict[str, Any] = {"json_serializer": json_dumps}
    database = parsed.database or ""
    if pool_size is not None and (backend != "sqlite" or (database and database != ":memory:")):
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot open database {mask_url(parsed)}: {(exc.strerror or str(exc)).lower()}; {HINT}"
                ) from exc
    else:
        if "connect_timeout" not in parsed.query:
            kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except Exception as exc:
        raise open_error(parsed, exc) from exc
    if backend == "sqlite":
        _install_sqlite_hooks(engine)
    else:
        _install_idle_ping(engine)
    return engine


def _ping(dbapi_connection: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    finally:
        cursor.close()
    dbapi_connection.rollback()  # hand the connection out idle, as the pool keeps it


def _install_idle_ping(engine: sa.Engine) -> None:
    """Ping a pooled connection at checkout only when it has rested ``PING_IDLE_AFTER`` seconds.

    SQLAlchemy's custom pessimistic disconnect handling: a dead connection raises
    ``DisconnectionError``, and the pool replaces it with a fresh one before handing it out.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info["rested_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        rested_from = record.info.pop("rested_from", None)
        if rested_from is None or time.monotonic() - rested_from < PING_IDLE_AFTER:
            return  # a new connection, or one in steady use
        try:
            _ping(dbapi_connection)
        except Exception as exc:
            raise sa.exc.DisconnectionError(f"pooled connection found dead: {exc}") from exc
