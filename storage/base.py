"""The storage interface used by the crawler, the CLI and reports."""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any

from .records import (
    ChangePage,
    ChangeRecord,
    ChangeReview,
    DailyChanges,
    EventLink,
    EventRecord,
    EventSignature,
    ItemWrite,
    KnownItem,
    ReviewedChange,
    RunRecord,
    SearchPage,
    SiteRecord,
    StoredItem,
    VersionRecord,
)


class StoreError(Exception):
    """A database cannot be opened or used; the message is one line, safe to show."""


class Store(abc.ABC):
    """Persistent state of newswatch: sites, runs, items, their versions and changes."""

    # -- lifecycle -------------------------------------------------------

    @abc.abstractmethod
    def upgrade(self) -> None:
        """Bring the schema to the newest migration; a no-op when already there."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sites -----------------------------------------------------------

    @abc.abstractmethod
    def upsert_site(self, site: SiteRecord) -> None:
        """Insert or replace the site registered under ``site.name``."""

    @abc.abstractmethod
    def sites(self) -> list[SiteRecord]:
        """All registered sites, ordered by name."""

    # -- runs ------------------------------------------------------------

    @abc.abstractmethod
    def begin_run(self, site: str, started_at: datetime) -> int:
        """Record a crawl run with status "running" and return its id."""

    @abc.abstractmethod
    def finish_run(
        self,
        run_id: int,
        *,
        finished_at: datetime,
        status: str,
        finish_reason: str | None,
        pages: int = 0,
        items: int = 0,
        new: int = 0,
        updated: int = 0,
        removed: int = 0,
        reappeared: int = 0,
        errors: int = 0,
        stats: dict[str, Any] | None = None,
    ) -> None:
        """Close a run with its final status and counters."""

    @abc.abstractmethod
    def runs(self, site: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first, optionally of one site only."""

    # -- items -----------------------------------------------------------

    @abc.abstractmethod
    def known_items(self, site: str) -> dict[str, KnownItem]:
        """Light state of every item of a site keyed by id, in a single query."""

    @abc.abstractmethod
    def get_item(self, item_id: str) -> StoredItem | None:
        """The item with this id, or None."""

    @abc.abstractmethod
    def find_item(self, id_or_url: str) -> StoredItem | None:
        """The item whose id, url or canonical url equals the argument, or None."""

    @abc.abstractmethod
    def versions(self, item_id: str) -> list[VersionRecord]:
        """Stored versions of an item, oldest first."""

    @abc.abstractmethod
    def save_items(self, run_id: int | None, writes: list[ItemWrite]) -> None:
        """Persist a batch of classified items in one transaction.

        Upserts each item, stores a new version when its content hash differs
        from the latest stored one, and logs a change for kinds new, updated
        and reappeared. "unchanged" only refreshes when/where it was seen.
        """

    @abc.abstractmethod
    def touch_items(self, run_id: int | None, ids: list[str], at: datetime) -> None:
        """Mark items as seen at ``at`` without new content (e.g. HTTP 304)."""

    @abc.abstractmethod
    def mark_checked(self, ids: list[str], at: datetime) -> None:
        """Record that the items' pages were checked at ``at`` (fetched, or answered 304)."""

    @abc.abstractmethod
    def last_full_recheck(self, site: str) -> datetime | None:
        """Start of the site's latest ok or partial run that rechecked every listed article, if any."""

    @abc.abstractmethod
    def mark_removed(self, run_id: int | None, ids: list[str], at: datetime) -> None:
        """Flag active items as removed and log a "removed" change for each."""

    @abc.abstractmethod
    def changes(
        self,
        site: str | None = None,
        since: datetime | None = None,
        kinds: list[str] | None = None,
        limit: int | None = None,
    ) -> list[ChangeRecord]:
        """The change log, newest first, filtered by site, time and kind."""

    # -- events ----------------------------------------------------------

    @abc.abstractmethod
    def event_signatures(self, exclude_items: list[str] | None = None) -> list[EventSignature]:
        """Every linked item's signature and event (for near-duplicate search), minus ``exclude_items``."""

    @abc.abstractmethod
    def save_event_links(self, links: list[EventLink], at: datetime) -> None:
        """Attach each item to its event (creating or refreshing the event), in one transaction."""

    @abc.abstractmethod
    def unlink_events(self, item_ids: list[str]) -> None:
        """Detach items that no longer report an event; events left with no source are deleted."""

    @abc.abstractmethod
    def events(
        self,
        since: datetime | None = None,
        site: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        """Events with their sources, most recently updated first, filtered by update time and site."""

    @abc.abstractmethod
    def event_of_item(self, item_id: str) -> EventRecord | None:
        """The event an item reports, with all its sources, or None."""

    # -- reviews and the analyst's change feed ----------------------------

    @abc.abstractmethod
    def review_change(self, change_id: int, status: str, note: str | None, at: datetime) -> ChangeReview:
        """Record (or replace) an analyst's review of a change; KeyError when there is no such change."""

    @abc.abstractmethod
    def unreview_change(self, change_id: int) -> None:
        """Forget a change's review (a no-op when it has none)."""

    @abc.abstractmethod
    def change_page(
        self,
        site: str | None = None,
        kinds: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        review: str | None = None,
        limit: int = 50,
        offset: int = 0,
        item_id: str | None = None,
    ) -> ChangePage:
        """One page of the change log with reviews, newest first, filtered and counted in the database.

        ``review`` is None (all), "unreviewed", "reviewed" or "false_positive"; ``until`` is exclusive;
        ``item_id`` keeps one item's changes.
        """

    @abc.abstractmethod
    def get_change(self, change_id: int) -> ReviewedChange | None:
        """One change with its review, or None."""

    @abc.abstractmethod
    def daily_changes(self, since: datetime, site: str | None = None) -> list[DailyChanges]:
        """Changes per site, UTC day and kind since ``since``, ordered by site and day."""

    @abc.abstractmethod
    def latest_runs(self) -> dict[str, RunRecord]:
        """The newest run of every site that has one, by site."""

    # -- full-text search --------------------------------------------------

    @abc.abstractmethod
    def search(self, query: str, site: str | None = None, limit: int = 20, offset: int = 0) -> SearchPage:
        """Items whose title or body match ``query`` (user syntax, never an error), best first."""
