"""The change report's data: store records grouped by site into plain dataclasses, ready to render.

``build_report(store, since, site)`` reads the change log, the versions the changes point at (for
publication dates and summaries) and the events; the renderers in ``render`` and ``html`` only
format what it returns, so every format says the same thing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timezone
from typing import TYPE_CHECKING, Any

from newswatch.changes import FLAG_KINDS

if TYPE_CHECKING:
    from storage import ChangeRecord, EventRecord, Store

#: Words of body text kept as the summary of an item that has none.
SUMMARY_WORDS = 40
_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) one, safe to link to; None for anything else (javascript:, data:…)."""
    return url if isinstance(url, str) and _WEB_URL.fullmatch(url) else None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field: a word diff ([op, text] runs) for text fields, else old and new values."""

    field: str
    words: list[list[str]] | None = None
    old: Any = None
    new: Any = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One flagged change of one item, with what an analyst needs to read it."""

    kind: str
    item_id: str
    url: str
    title: str | None
    published: str | None
    detected_at: datetime
    summary: str | None = None
    changed_fields: list[str] = field(default_factory=list)
    diff: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SiteReport:
    """The changes of one site, counted per kind and listed per kind, newest first."""

    site: str
    institution: str | None
    counts: dict[str, int]
    new: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    reappeared: list[Entry] = field(default_factory=list)

    def entries(self, kind: str) -> list[Entry]:
        """The entries of one kind (new, updated, removed, reappeared)."""
        return getattr(self, kind)


@dataclass(frozen=True, slots=True)
class EventSourceEntry:
    """An item reporting an event."""

    site: str
    item_id: str
    url: str
    title: str | None
    published: str | None
    linked_by: str
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class EventEntry:
    """An event updated in the period, with the items (maybe from several sites) that report it."""

    id: str
    name: str
    acronym: str | None
    type: str
    start: str | None
    end: str | None
    venue: str | None
    city: str | None
    country: str | None
    mode: str | None
    organisers: list[str]
    updated_at: datetime
    sources: list[EventSourceEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a report shows: its period, one section per site with changes, and the events."""

    generated_at: datetime
    since: datetime | None
    site: str | None
    sites: list[SiteReport]
    events: list[EventEntry]

    @property
    def total(self) -> int:
        """How many changes the report lists."""
        return sum(sum(s.counts.values()) for s in self.sites)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values (datetimes as ISO 8601 strings)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def summarise(data: dict[str, Any], words: int = SUMMARY_WORDS) -> str | None:
    """The item's summary, else the first ``words`` words of its body (… when cut), or None."""
    summary = " ".join(str(data.get("summary") or "").split())
    if summary:
        return summary
    body = str(data.get("body") or "").split()
    if not body:
        return None
    return " ".join(body[:words]) + (" …" if len(body) > words else "")


def field_changes(fields: list[str], diff: dict[str, Any] | None) -> list[FieldChange]:
    """The change's diff, per changed field in order; a field without a stored diff is still named."""
    diff = diff if isinstance(diff, dict) else {}
    out = []
    for name in dict.fromkeys([*fields, *diff]):
        value = diff.get(name)
        if isinstance(value, dict) and isinstance(value.get("words"), list):
            out.append(FieldChange(name, words=[[str(op), str(text)] for op, text in value["words"]]))
        elif isinstance(value, dict) and ("old" in value or "new" in value):
            out.append(FieldChange(name, old=value.get("old"), new=value.get("new")))
        elif isinstance(value, (list, tuple)) and len(value) == 2:
            out.append(FieldChange(name, old=value[0], new=value[1]))
        else:
            out.append(FieldChange(name))
    return out


class _Versions:
    """Item data as of a change's version, read once per item."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, dict[int, dict[str, Any]]] = {}

    def data(self, item_id: str, version: int | None) -> dict[str, Any]:
        if item_id not in self.cache:
            self.cache[item_id] = {v.version: v.data for v in self.store.versions(item_id)}
        versions = self.cache[item_id]
        if not versions:
            return {}
        return (versions.get(version) if version is not None else None) or versions[max(versions)]


def _entry(change: ChangeRecord, data: dict[str, Any]) -> Entry:
    return Entry(
        kind=change.kind,
        item_id=change.item_id,
        url=change.url,
        title=change.title or data.get("title"),
        published=data.get("published"),
        detected_at=change.detected_at,
        summary=summarise(data) if change.kind == "new" else None,
        changed_fields=list(change.changed_fields),
        diff=field_changes(list(change.changed_fields), change.diff) if change.kind != "new" else [],
    )


def _event(record: EventRecord) -> EventEntry:
    data = record.data or {}
    location = data.get("location") or {}
    organisers = [str(o["name"]) for o in data.get("organisers") or [] if isinstance(o, dict) and o.get("name")]
    return EventEntry(
        id=record.id,
        name=record.name,
        acronym=record.acronym,
        type=record.type,
        start=record.start,
        end=record.end,
        venue=location.get("venue") if isinstance(location, dict) else None,
        city=record.city,
        country=record.country,
        mode=record.mode,
        organisers=organisers,
        updated_at=record.updated_at,
        sources=[
            EventSourceEntry(
                site=s.site,
                item_id=s.item_id,
                url=s.url,
                title=s.title,
                published=s.published,
                linked_by=s.linked_by,
                similarity=s.similarity,
            )
            for s in record.sources
        ],
    )


def build_report(store: Store, since: datetime | None, site: str | None = None, now: datetime | None = None) -> Report:
    """The report of the changes detected since ``since`` (all when None), of one site or all of them."""
    changes = [c for c in store.changes(site=site, since=since) if c.kind in FLAG_KINDS]
    institutions = {s.name: s.title for s in store.sites()}
    versions = _Versions(store)
    by_site: dict[str, dict[str, list[Entry]]] = {}
    if site is not None:
        by_site[site] = {}
    for change in changes:  # newest first, as the store gives them
        entry = _entry(change, versions.data(change.item_id, change.version))
        by_site.setdefault(change.site, {}).setdefault(change.kind, []).append(entry)
    sites = [
        SiteReport(
            site=name,
            institution=institutions.get(name),
            counts={kind: len(kinds.get(kind, [])) for kind in FLAG_KINDS},
            **{kind: kinds.get(kind, []) for kind in FLAG_KINDS},
        )
        for name, kinds in sorted(by_site.items())
    ]
    events = [_event(e) for e in store.events(since=since, site=site)]
    return Report(generated_at=now or datetime.now(UTC), since=since, site=site, sites=sites, events=events)


__all__ = [
    "Entry",
    "EventEntry",
    "EventSourceEntry",
    "FieldChange",
    "Report",
    "SiteReport",
    "build_report",
    "field_changes",
    "summarise",
    "web_url",
]
