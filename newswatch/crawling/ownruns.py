"""The runs of one `newswatch crawl`: its sites' leases taken first, its own runs read back after.

A crawl refuses to start on a site another live crawl holds (one clear line), and reports the runs
it made itself, not the site's newest: with two crawls of a site, or a run that could not be
recorded, the newest run is someone else's. A run this process began but did not finish (a second
Ctrl-C stops the reactor before the run is recorded) is recorded as failed, "interrupted".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from newswatch.crawling.monitor import MonitorExtension
from newswatch.crawling.stores import open_crawl_store, release
from storage import StoreError
from storage.engine import HINT
from storage.holder import Holder

#: Run statuses a crawl may exit 0 on.
SUCCESS = ("ok", "partial")
#: Exit status of a crawl refused because its site is being crawled (EX_TEMPFAIL: try again later).
BUSY_EXIT = 75


class SiteBusy(Exception):
    """A site is being crawled by another live process; the message is one line."""


def _one_line(exc: BaseException) -> str:
    from storage.engine import describe_error

    return describe_error(exc)


def _busy_line(site: str, lease) -> str:
    since = lease.acquired_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{site} is already being crawled (pid {lease.holder.pid} on {lease.holder.host}, since {since}); "
        "not started: try again when that crawl ends"
    )


@dataclass
class OwnRuns:
    """Leases and runs of the sites one command crawls."""

    db: str | None
    names: list[str]
    holder: Holder = field(default_factory=Holder.current)
    crawlers: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _taken: list[str] = field(default_factory=list)

    def take(self) -> OwnRuns:
        """Take every site's lease, or none: SiteBusy names the first site another crawl holds."""
        store = open_crawl_store(self.db)
        try:
            now = datetime.now(UTC)
            for name in self.names:
                try:
                    lease = store.acquire_site(name, self.holder, now)
                except StoreError:
                    raise
                except Exception as exc:  # a read-only database, a full disk
                    raise StoreError(f"cannot write to database {store.url}: {_one_line(exc)}; {HINT}") from exc
                if lease is not None:
                    raise SiteBusy(_busy_line(name, lease))
                self._taken.append(name)
        except BaseException:
            self._release(store)
            release(store)
            raise
        release(store)
        return self

    def __enter__(self) -> OwnRuns:
        return self

    def __exit__(self, *exc) -> None:
        try:
            store = open_crawl_store(self.db)
        except StoreError as error:
            self.problems.append(str(error))
            return
        try:
            self._finish(store)
            self._release(store)
        finally:
            release(store)

    def _release(self, store) -> None:
        for name in self._taken:
            try:
                store.release_site(name, self.holder)
            except Exception as exc:  # the lease lapses once this process is gone
                self.problems.append(f"could not release the crawl lease of {name}: {_one_line(exc)}")
        self._taken = []

    def _finish(self, store) -> None:
        """Read back this command's runs; record one left "running" by this process as interrupted."""
        by_site = {}
        for crawler in self.crawlers:
            monitor = crawler.get_extension(MonitorExtension)
            session = monitor.session if monitor is not None else None
            if session is not None:
                by_site[session.site] = session.run_id
        self.runs = []
        for name in self.names:
            run_id = by_site.get(name)
            if run_id is None:
                self.problems.append(f"{name}: the crawl recorded no run (see the errors above)")
                self.runs.append(None)
                continue
            try:
                run = store.get_run(run_id)
                if run is not None and run.status == "running":
                    store.finish_run(
                        run_id,
                        finished_at=datetime.now(UTC),
                        status="failed",
                        finish_reason="interrupted",
                        stats=run.stats,
                    )
                    self.problems.append(
                        f"{name}: the crawl stopped before recording run {run_id}; recorded as interrupted"
                    )
                    run = store.get_run(run_id)
            except Exception as exc:
                self.problems.append(f"{name}: run {run_id} could not be recorded: {_one_line(exc)}")
                run = None
            self.runs.append(run)

    @property
    def succeeded(self) -> bool:
        return bool(self.runs) and all(r is not None and r.status in SUCCESS for r in self.runs)
