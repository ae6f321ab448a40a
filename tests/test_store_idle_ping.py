"""Pooled PostgreSQL connections: pinged only after a rest, and one found dead is replaced unseen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import PG_URL, require_pg

import storage.engine as engine_module
from storage.engine import create_engine


@pytest.fixture
def pg_url(pg_admin) -> str:
    require_pg(pg_admin)
    return PG_URL


def _pings(monkeypatch) -> list[int]:
    calls: list[int] = []
    ping = engine_module._ping

    def counted(dbapi_connection):
        calls.append(1)
        ping(dbapi_connection)

    monkeypatch.setattr(engine_module, "_ping", counted)
    return calls


def test_a_connection_in_steady_use_is_not_pinged(pg_url, monkeypatch):
    monkeypatch.setattr(engine_module, "PING_IDLE_AFTER", 3600.0)
    pings = _pings(monkeypatch)
    engine = create_engine(pg_url, pool_size=1)
    try:
        for _ in range(5):
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
    assert pings == []


def test_a_rested_connection_killed_by_the_server_is_replaced_before_use(pg_url, monkeypatch):
    monkeypatch.setattr(engine_module, "PING_IDLE_AFTER", 0.0)  # every checkout of a pooled connection pings
    pings = _pings(monkeypatch)
    engine = create_engine(pg_url, pool_size=1)
    admin = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:  # a server restart, as far as this pooled connection knows
            assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar() != pid
        with engine.connect() as conn:  # pinged again, and handed out idle: a transaction's first statement works
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"))
        assert pings  # the dead connection was found by the ping, not by the query
    finally:
        engine.dispose()
        admin.dispose()
