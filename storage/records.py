"""Plain value objects exchanged with a :class:`~storage.base.Store`.

All datetimes handed out by a store are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ITEM_ACTIVE = "active"
ITEM_REMOVED = "removed"

#: Kinds accepted by ``ItemWrite.kind``.
WRITE_KINDS = ("new", "updated", "unchanged", "rebaselined", "reappeared")
#: Kinds that produce a row in the change log (plus "removed" from mark_removed).
CHANGE_KINDS = ("new", "updated", "reappeared", "removed")


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """A configured news source."""

    name: str
    title: str
    base_url: str
    aliases: list[str]
    live_checked: str | None = None


@dataclass(frozen=True, slots=True)
class KnownItem:
    """The light per-item state the crawler needs to classify what it sees."""

    id: str
    url: str
    content_hash: str
    extractor_version: str
    status: str
    listing: str | None
    page: int | None
    last_seen_at: datetime
    published: str | None = None
    title: str | None = None
    #: When the page was last fetched or answered 304 (last_seen_at for items stored before this was kept).
    last_checked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredItem:
    """The current state of one item; ``data`` is the latest full item dict."""

    id: str
    site: str
    url: str
    canonical_url: str | None
    title: str | None
    published: str | None
    status: str
    content_hash: str
    extractor_version: str
    first_seen_at: datetime
    last_seen_at: datetime
    version: int
    data: dict[str, Any]
    #: When the page was last fetched or answered 304: how fresh "unchanged" is.
    last_checked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One stored content version of an item (written when its hash changes)."""

    item_id: str
    version: int
    content_hash: str
    extractor_version: str
    fetched_at: datetime
    run_id: int | None
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One entry of the change log, with the item's url and title joined in."""

    id: int
    run_id: int | None
    item_id: str
    site: str
    url: str
    title: str | None
    kind: str
    detected_at: datetime
    changed_fields: list[str]
    diff: dict[str, Any] | None
    version: int | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One crawl run of one site and its counters."""

    id: int
    site: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    finish_reason: str | None
    pages: int
    items: int
    new: int
    updated: int
    removed: int
    reappeared: int
    errors: int
    stats: dict[str, Any]
    #: The process that made the run (None for runs recorded before they were kept).
    pid: int | None = None
    host: str | None = None
    proc_started: float | None = None
    #: The `newswatch worker` that ran it (host:pid); None for a crawl run by hand or by `newswatch run`.
    worker: str | None = None

    @classmethod
    def from_row(cls, row: Any) -> RunRecord:
        """The record of a ``runs`` row (a SQLAlchemy mapping), times as aware UTC."""
        from .writes import utc, utc_or_none

        return cls(
            **{
                name: row[name]
                for name in cls.__dataclass_fields__
                if name not in ("started_at", "finished_at", "stats")
            },
            started_at=utc(row["started_at"]),
            finished_at=utc_or_none(row["finished_at"]),
            stats=dict(row["stats"] or {}),
        )


@dataclass(frozen=True, slots=True)
class ItemWrite:
    """One classified item to persist with :meth:`Store.save_items`."""

    item: dict[str, Any]
    kind: str
    at: datetime
    changed_fields: list[str] | tuple[str, ...] = field(default=())
    diff: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in WRITE_KINDS:
            raise ValueError(f"unknown write kind {self.kind!r}; expected one of {', '.join(WRITE_KINDS)}")


@dataclass(frozen=True, slots=True)
class EventSource:
    """One item reporting an event: where it was published and how it was linked."""

    item_id: str
    site: str
    url: str
    title: str | None
    published: str | None
    linked_by: str  # "self" (its own event) or "text" (near-duplicate text and agreeing details)
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event with the items (possibly from several sites) that report it."""

    id: str
    name: str
    acronym: str | None
    type: str
    start: str | None
    end: str | None
    city: str | None
    country: str | None
    mode: str | None
    data: dict[str, Any]
    first_seen_at: datetime
    updated_at: datetime
    sources: list[EventSource] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EventLink:
    """An item's event to persist: joined to ``event_id`` or, when None, an event of its own."""

    item_id: str
    site: str
    event: dict[str, Any]
    signature: bytes | None = None
    event_id: str | None = None
    linked_by: str = "self"
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class EventSignature:
    """A stored item's text signature and event, for finding other reports of the same event."""

    item_id: str
    event_id: str
    site: str
    signature: bytes | None
    event: dict[str, Any]


#: Review statuses an analyst can give a change.
REVIEW_STATUSES = ("reviewed", "false_positive")
#: Markers a search snippet puts around each match (private-use characters: never shown as such).
MARK_START, MARK_END = "\ue000", "\ue001"


@dataclass(frozen=True, slots=True)
class ChangeReview:
    """An analyst's verdict on one change: reviewed, or a false positive, with an optional note."""

    change_id: int
    status: str
    note: str | None
    reviewed_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewedChange:
    """A change of the log with its review, if any."""

    change: ChangeRecord
    review: ChangeReview | None = None


@dataclass(frozen=True, slots=True)
class ChangePage:
    """One page of the filtered change log and how many changes match in all (``capped``: at least that many)."""

    rows: list[ReviewedChange]
    total: int
    capped: bool = False


@dataclass(frozen=True, slots=True)
class DailyChanges:
    """How many changes of each kind one site had on one UTC day (YYYY-MM-DD)."""

    site: str
    day: str
    new: int = 0
    updated: int = 0
    removed: int = 0
    reappeared: int = 0

    @property
    def total(self) -> int:
        return self.new + self.updated + self.removed + self.reappeared


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An item matching a full-text query; ``snippet`` marks matches with MARK_START/MARK_END."""

    item_id: str
    site: str
    url: str
    title: str | None
    published: str | None
    status: str
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search hits, best first, and how many items match in all (``capped``: at least that many)."""

    hits: list[SearchHit]
    total: int
    capped: bool = False
