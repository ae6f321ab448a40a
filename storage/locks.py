"""One crawl per site at a time: a lease row per site in the database, and dead runs reaped.

Why a lease row rather than PostgreSQL advisory locks: an advisory lock lives as long as one
database session, so a crawl would have to pin a connection for hours, and a backend replaced by
the pool (``pool_pre_ping``) would drop the lock without anyone noticing; SQLite has no equivalent;
and a lock nobody can read cannot say who holds it. A row in ``site_locks`` works the same on both
backends and across machines, names its holder (pid, host, process start time) for the refusal
message and for ``runs``, and is taken over once its holder is gone: on the holder's own host the
process is asked directly (so a crawl killed with -9 frees its site at once), elsewhere its
heartbeat must be older than the lease's time to live. Check-and-take runs in one write
transaction (SQLite ``BEGIN IMMEDIATE``; a transaction-scoped advisory lock on PostgreSQL), so two
crawls starting together cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from . import tables as t
from .base import StoreBase
from .holder import Holder, lease_alive
from .writes import utc

#: Default lease time to live: a holder on another host silent this long is taken for gone.
LEASE_TTL = timedelta(minutes=5)
INTERRUPTED = "interrupted"


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

    def acquire_site(self, site: str, holder: Holder, now: datetime, ttl: timedelta = LEASE_TTL) -> SiteLease | None:
        """Take the site's lease for ``holder``: None when taken, else the lease that stands in the way."""
        now = utc(now)
        c = t.site_locks.c
        with self._writer.begin() as conn:
            self._serialise_site(conn, site)
            row = conn.execute(sa.select(t.site_locks).where(c.site == site)).mappings().first()
            values = {
                "owner": holder.key(),
                "pid": holder.pid,
                "host": holder.host,
                "proc_started": holder.proc_started,
                "acquired_at": now,
                "heartbeat_at": now,
            }
            if row is None:
                conn.execute(sa.insert(t.site_locks).values(site=site, **values))
                return None
            current = _lease(row)
            if not current.holder.same(holder) and lease_alive(current.holder, current.heartbeat_at, now, ttl):
                return current
            conn.execute(sa.update(t.site_locks).where(c.site == site).values(**values))
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
            conn.execute(sa.delete(t.site_locks).where(c.site == site, c.owner == holder.key()))

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
        cluster's registry) knows it, else its site's lease: held by the run's process and renewed
        within ``ttl``.
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
        leases = self.site_leases()
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
                    and lease_alive(lease.holder, lease.heartbeat_at, now, ttl)
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
