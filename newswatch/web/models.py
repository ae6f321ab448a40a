"""Response and request models of the JSON API (they also document it in /docs and /openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from newswatch.web.views import MAX_NOTE

# An item, its versions and events are served as storage defines them (one definition of each record).
from storage.records import EventRecord as Event
from storage.records import EventSource as EventSource
from storage.records import StoredItem as Item
from storage.records import VersionRecord as Version

__all__ = ["Event", "EventSource", "Item", "Version"]  # and the API's own models below


class Review(BaseModel):
    """An analyst's verdict on a change."""

    status: Literal["reviewed", "false_positive"]
    note: str | None = None
    reviewed_at: datetime


class Change(BaseModel):
    """One flagged change, with its item's URL and title at that version."""

    id: int
    kind: Literal["new", "updated", "removed", "reappeared"]
    site: str
    item_id: str
    version: int | None
    url: str
    title: str | None
    detected_at: datetime
    changed_fields: list[str]
    diff: dict[str, Any] | None
    run_id: int | None
    review: Review | None = None


class ChangeList(BaseModel):
    """One page of the filtered change feed."""

    total: int = Field(description="Changes matching the filters, on all pages (counted up to a cap: see capped).")
    capped: bool = Field(default=False, description="More changes match than total: they were counted up to it.")
    page: int
    per_page: int
    pages: int
    next_after: int | None = Field(
        default=None, description="Pass as after= (with page=page+1) for the next page by keyset: cheap at any depth."
    )
    changes: list[Change]


class ReviewIn(BaseModel):
    """Mark a change reviewed or a false positive, or (unreviewed) forget its review."""

    status: Literal["reviewed", "false_positive", "unreviewed"]
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class FieldChange(BaseModel):
    """A field that differs between two versions: word runs for text, else old and new values."""

    field: str
    words: list[list[str]] | None = Field(default=None, description="[op, text] runs: '=' kept, '-' removed, '+' added")
    old: Any = None
    new: Any = None


class Diff(BaseModel):
    """What changed from version ``a`` to version ``b`` of an item."""

    item_id: str
    a: int
    b: int
    fields: list[FieldChange]


class DayCount(BaseModel):
    """Changes of one site on one UTC day."""

    day: str
    new: int
    updated: int
    removed: int
    reappeared: int


class Site(BaseModel):
    """A site's health from its last run, its next scheduled run and its changes per day."""

    name: str
    title: str | None
    health: str | None
    explanation: str | None
    last_run_id: int | None
    last_run_status: str | None
    last_run_started_at: datetime | None
    last_run_finished_at: datetime | None
    next_run: datetime | None
    schedule: str
    days: list[DayCount]


class SearchHit(BaseModel):
    """An item matching a search; the snippet is plain text, ``snippet_html`` escaped with <mark>."""

    item_id: str
    site: str
    url: str
    title: str | None
    published: str | None
    status: str
    snippet: str
    snippet_html: str


class SearchResults(BaseModel):
    """One page of search hits, best first."""

    query: str
    total: int = Field(description="Matching items, counted up to the ranked candidates (see capped).")
    capped: bool = Field(
        default=False, description="More items match than total: only the most recently first-seen total are ranked."
    )
    page: int
    per_page: int
    hits: list[SearchHit]


class CsrfToken(BaseModel):
    """The token to send as X-CSRF-Token with POSTs (its cookie is set with this response)."""

    csrf_token: str
