"""Turn a batch of :class:`ItemWrite` into bulk row lists (no database access)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from .records import ITEM_ACTIVE, ItemWrite

LOGGED_KINDS = frozenset({"new", "updated", "reappeared"})
#: Kinds that flag a new version: logged only by the write that stores that version.
VERSIONED_KINDS = frozenset({"new", "updated"})
REQUIRED_KEYS = ("id", "site", "url", "content_hash", "extractor_version")
T = TypeVar("T")
IN_CHUNK = 500  # ids per IN (...) list; stays below SQLite's variable limit


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size``, for IN (...) lists and bulk statements."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive input is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    """:func:`utc`, passing None through."""
    return None if value is None else utc(value)


def parse_time(value: Any, fallback: datetime) -> datetime:
    """An ISO timestamp (string or datetime) as UTC, or ``fallback`` when absent/invalid."""
    if isinstance(value, datetime):
        return utc(value)
    if isinstance(value, str) and value:
        try:
            return utc(datetime.fromisoformat(value))
        except ValueError:
            pass
    return fallback


def scrub(value: Any) -> Any:
    """Drop NUL characters, which PostgreSQL text and JSONB reject.

    repr() (one pass in C) writes a NUL as ``\\x00``: a value whose repr lacks that has none to drop.
    """
    if "\\x00" not in repr(value):
        return value
    return _scrub(value)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


@dataclass
class WritePlan:
    """Parameter lists for the bulk statements of one save_items transaction."""

    upserts: list[dict[str, Any]] = field(default_factory=list)
    touches: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


def _position(item: dict[str, Any]) -> tuple[str | None, int | None]:
    position = item.get("position") or {}
    if not isinstance(position, dict):
        return None, None
    page = position.get("page")
    return position.get("listing"), (int(page) if page is not None else None)


def plan_writes(
    run_id: int | None,
    writes: list[ItemWrite],
    state: dict[str, tuple[int, str]],
) -> WritePlan:
    """Apply ``writes`` in order to ``state`` (id -> (version, content_hash)).

    Rows are collapsed per item id so each bulk statement touches an id at
    most once, which PostgreSQL's ON CONFLICT requires.
    """
    current = dict(state)
    upserts: dict[str, dict[str, Any]] = {}
    touches: dict[str, dict[str, Any]] = {}
    plan = WritePlan()

    for write in writes:
        missing = [key for key in REQUIRED_KEYS if write.item.get(key) is None]
        if missing:
            raise ValueError(f"item {write.item.get('id')!r} lacks {', '.join(missing)}")
    for write in writes:
        at = utc(write.at)
        item_id = str(write.item["id"])
        listing, page = _position(write.item)

        if write.kind == "unchanged" and item_id in current:
            if item_id in upserts:
                row = upserts[item_id]
                row.update(last_seen_at=at, last_run_id=run_id)
                if listing is not None:
                    row["listing"] = listing
                if page is not None:
                    row["page"] = page
            else:
                touches[item_id] = {
                    "b_id": item_id,
                    "b_at": at,
                    "b_run": run_id,
                    "b_listing": listing,
                    "b_page": page,
                }
            continue

        item = scrub(dict(write.item))
        content_hash = str(item["content_hash"])
        version, stored_hash = current.get(item_id, (0, None))
        created = version == 0 or stored_hash != content_hash
        if created:
            version += 1
            current[item_id] = (version, content_hash)
            plan.versions.append(
                {
                    "item_id": item_id,
                    "version": version,
                    "content_hash": content_hash,
                    "extractor_version": str(item["extractor_version"]),
                    "title": item.get("title"),
                    "fetched_at": parse_time(item.get("fetched_at"), at),
                    "run_id": run_id,
                    "data": item,
                }
            )

        previous = upserts.get(item_id)
        touches.pop(item_id, None)
        upserts[item_id] = {
            "id": item_id,
            "site": item["site"],
            "url": item["url"],
            "canonical_url": item.get("canonical_url"),
            "title": item.get("title"),
            "published": item.get("published"),
            "status": ITEM_ACTIVE,
            "content_hash": content_hash,
            "extractor_version": str(item["extractor_version"]),
            "version": version,
            "listing": listing if listing is not None else (previous or {}).get("listing"),
            "page": page if page is not None else (previous or {}).get("page"),
            "first_seen_at": previous["first_seen_at"] if previous else at,
            "last_seen_at": at,
            "last_run_id": run_id,
            "data": item,
        }

        # A version already stored (by another crawl of the same content) is not flagged again.
        if write.kind in LOGGED_KINDS and (created or write.kind not in VERSIONED_KINDS):
            plan.changes.append(
                {
                    "run_id": run_id,
                    "item_id": item_id,
                    "site": item["site"],
                    "kind": write.kind,
                    "detected_at": at,
                    "changed_fields": list(write.changed_fields),
                    "diff": scrub(write.diff),
                    "version": version,
                }
            )

    plan.upserts = list(upserts.values())
    plan.touches = list(touches.values())
    return plan
