"""One crawl per site at a time: a lease row per site in the database, and dead runs reaped.

A row in ``site_locks`` names the lease's holder (pid, host, process start time) for the refusal
message and for ``runs``, and works the same on SQLite and PostgreSQL, across machines. Whether
the holder is still there is asked where it can be answered at once:

- on PostgreSQL the holder also keeps a session advisory lock on the site, on a connection of its
  own opened for the lease and closed at its release. PostgreSQL drops that lock the moment the
  connection closes, so a crawl killed with -9 (or whose machine closed its connections) frees its
  site at once, from any host; the connection asks the server to probe it (TCP keepalives), so a
  machine that vanished without a word frees its sites within ``KEEPALIVE`` (about two minutes).
- on SQLite (one machine) the holder's process is asked directly; a holder on another host is
  taken for gone once its heartbeat is older than the lease's time to live.

Check-and-take runs in one write transaction (SQLite ``BEGIN IMMEDIATE``; a transaction-scoped
advisory lock on PostgreSQL), so two crawls starting together cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from . import tables as t
from .base import StoreBase
from .holder import Holder, lease_alive
from .writes import utc

#: Default lease time to live: a holder on another host silent this long is taken for gone (SQLite).
LEASE_TTL = timedelta(minutes=5)
INTERRUPTED = "interrupted"
#: First key of a site's session advisory lock ("nwsl"); the second hashes the schema and the site.
SITE_LOCK = 0x6E77736C
_SITE_KEY = "hashtext(current_schema() || ':' || {site})"
#: Server-side TCP keepalive of a lease's connection (idle s, interval s, probes): a vanished
#: holder's connection, so its lock, is dropped after about idle + interval * probes seconds.
KEEPALIVE = (60, 10, 6)
_HELD_SQL = f"""
SELECT s.site FROM site_locks s WHERE EXISTS (
    SELECT 1 FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = {SITE_LOCK}::oid AND l.objid = ({_SITE_KEY.format(site="s.site")})::oid)
"""
#: This process's lease connections, by (database URL, site): each holds its site's advisory lock.
_LEASES: dict[tuple[str, str], sa.Connection] = {}


def _lease_connection(engine: sa.Engine, site: str) -> sa.Connection | None:
    """A new connection holding ``site``'s advisory lock; None when another connection holds it."""
    own = sa.create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    conn = own.connect()
    try:
        idle, interval, count = KEEPALIVE
        conn.exec_driver_sql(
            f"SET tcp_keepalives_idle = {idle}; SET tcp_keepalives_interval = {interval}; "
            f"SET tcp_keepalives_count = {count}"
        )
        key = _SITE_KEY.format(site=":site")
        if conn.execute(sa.text(f"SELECT pg_try_advisory_lock({SITE_LOCK}, {key})"), {"site": site}).scalar():
            return conn
    except BaseException:
        _close(conn)
        raise
    _close(conn)
    return None


def _close(conn: sa.Connection) -> None:
    engine = conn.engine
    conn.close()  # the advisory lock goes with the session
    engine.dispose()


@dataclass(frozen=True, slots=True)
class SiteLease:
    """Who holds a site's crawl lease, since when, and when it last said it was alive."""

    site: str
    holder: Holder
    acquired_at: datetime
    heartbeat_at: datetime


def _lease(row) -> SiteLease:
    return SiteLease(
        site=row["site"],
        holder=Holder(row["pid"], row["host"], row["proc_started"]),
        acquired_at=utc(row["acquired_at"]),
        heartbeat_at=utc(row["heartbeat_at"]),
    )


class LocksMixin(StoreBase):
    """Site leases and reaping of runs whose process is gone."""

    def _serialise_site(self, conn: sa.Connection, site: str) -> None:
        if self.dialect == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("newswatch:site:" + site))))

    def _lease_key(self, site: str) -> tuple[str, str]:
        return (self.engine.url.render_as_string(hide_password=False), site)

    def acquire_site(self, site: str, holder: Holder, now: datetime, ttl: timedelta = LEASE_TTL) -> SiteLease | None:
        """Take the site's lease for ``holder``: None when taken, else the lease that stands in the way."""
        now = utc(now)
        c = t.site_locks.c
        key = self._lease_key(site)
        taken: sa.Connection | None = None
        try:
            with self._writer.begin() as conn:
                self._serialise_site(conn, site)
                row = conn.execute(sa.select(t.site_locks).where(c.site == site)).mappings().first()
                current = _lease(row) if row is not None else None
                other = current is not None and not current.holder.same(holder)
                if self.dialect == "postgresql" and key not in _LEASES:
                    taken = _lease_connection(self.engine, site)
                    if taken is None:  # a live connection holds the site
                        return current or SiteLease(site, Holder(0, "unknown host", None), now, now)
                elif other and current is not None and lease_alive(current.holder, current.heartbeat_at, now, ttl):
                    return current  # SQLite, or another holder of this very process (its lock is this process's)
                values = {
                    "owner": holder.key(),
                    "pid": holder.pid,
                    "host": holder.host,
                    "proc_started": holder.proc_started,
                    "acquired_at": now,
                    "heartbeat_at": now,
                }
                upsert = self._insert(t.site_locks).values(site=site, **values)
                conn.execute(upsert.on_conflict_do_update(index_elements=["site"], set_=values))
        except BaseException:
            if taken is not None:
                _close(taken)
            raise
        if taken is not None:
            _LEASES[key] = taken
        return None

    def heartbeat_site(self, site: str, holder: Holder, now: datetime) -> bool:
        """Renew the holder's lease; False when it no longer holds it."""
        c = t.site_locks.c
        stmt = sa.update(t.site_locks).where(c.site == site, c.owner == holder.key()).values(heartbeat_at=utc(now))
        with self._writer.begin() as conn:
            return conn.execute(stmt).rowcount > 0

    def release_site(self, site: str, holder: Holder) -> None:
        """Give the lease back (a no-op when the holder no longer has it)."""
        c = t.site_locks.c
        with self._writer.begin() as conn:
            gone = conn.execute(sa.delete(t.site_locks).where(c.site == site, c.owner == holder.key())).rowcount
            mine = gone or conn.execute(sa.select(c.site).where(c.site == site)).first() is None
        held = _LEASES.pop(self._lease_key(site), None) if mine else None
        if held is not None:  # after the row is gone: whoever takes the lock next writes a row of their own
            _close(held)

    def held_sites(self) -> set[str] | None:
        """On PostgreSQL, the sites whose lease's advisory lock is held now; None on SQLite."""
        if self.dialect != "postgresql":
            return None
        with self.engine.connect() as conn:
            return set(conn.execute(sa.text(_HELD_SQL)).scalars())

    def site_leases(self) -> dict[str, SiteLease]:
        """Every lease held, by site."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.site_locks)).mappings().all()
        return {row["site"]: _lease(row) for row in rows}

    def dead_runs(
        self,
        site: str | None = None,
        now: datetime | None = None,
        ttl: timedelta = LEASE_TTL,
        workers: Mapping[str, bool] | None = None,
    ) -> list[int]:
        """Ids of runs still "running" whose owner is gone, so that nobody will ever finish them.

        A run's owner is its process when that ran on this host (asked directly: alive means alive,
        lease or not), else the worker it records when ``workers`` (name -> alive, from the
        cluster's registry) knows it, else its site's lease: held by the run's process, and its
        advisory lock held (PostgreSQL) or renewed within ``ttl`` (SQLite).
        """
        now = utc(now or datetime.now().astimezone())
        r = t.runs.c
        query = sa.select(r.id, r.site, r.pid, r.host, r.proc_started, r.worker).where(r.status == "running")
        if site is not None:
            query = query.where(r.site == site)
        with self.engine.connect() as conn:
            running = conn.execute(query).all()
        if not running:
            return []
        leases, held = self.site_leases(), self.held_sites()
        dead = []
        for run_id, run_site, pid, host, started, worker in running:
            owner = Holder(pid, host, started) if pid is not None and host is not None else None
            if owner is not None and owner.local():
                alive = owner.running_here()
            elif worker is not None and workers is not None and worker in workers:
                alive = workers[worker]
            else:
                lease = leases.get(run_site)
                alive = (
                    lease is not None
                    and owner is not None
                    and lease.holder.same(owner)
                    and (
                        run_site in held
                        if held is not None
                        else lease_alive(lease.holder, lease.heartbeat_at, now, ttl)
                    )
                )
            if not alive:
                dead.append(run_id)
        return dead

    def reap_runs(
        self,
        site: str | None = None,
        now: datetime | None = None,
        ttl: timedelta = LEASE_TTL,
        workers: Mapping[str, bool] | None = None,
    ) -> list[int]:
        """Record runs whose owner is gone (killed, host lost) as failed, finish reason "interrupted"."""
        now = utc(now or datetime.now().astimezone())
        dead = self.dead_runs(site, now, ttl, workers)
        if dead:
            r = t.runs.c
            with self._writer.begin() as conn:
                conn.execute(
                    sa.update(t.runs)
                    .where(r.id.in_(dead), r.status == "running")
                    .values(status="failed", finish_reason=INTERRUPTED, finished_at=now)
                )
        return dead
