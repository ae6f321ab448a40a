"""What the pages and the API show, computed once for both: feed filters, version diffs, site overviews."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from newswatch.changes import FLAG_KINDS, TEXT_FIELDS, TRACKED_FIELDS, changed_fields, word_diff
from newswatch.htmldiff import inline, side_by_side
from storage import Store
from storage.records import ChangePage, DailyChanges, RunRecord, StoredItem, VersionRecord
from storage.reviews import REVIEW_FILTERS

PER_PAGE = 50
#: Page numbers above this are refused (400): no store is that deep, and the offset must fit SQL integers.
MAX_PAGE = 1_000_000
#: Longest search query accepted (the store also bounds how many distinct terms it searches for).
MAX_QUERY = 500
#: Longest review note accepted, from the form as from the API.
MAX_NOTE = 2000
re_marks = re.compile("([\ue000\ue001])")
CHART_DAYS = 30


class BadRequest(ValueError):
    """A query parameter the user got wrong; the message is one line, safe to show."""


def parse_day(value: str | None, name: str) -> date | None:
    """'2026-11-23' (or an ISO time, whose date is taken) → a date; empty → None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadRequest(f"{name}: {value[:40]!r} is not a date; write it as YYYY-MM-DD") from None


@dataclass(frozen=True)
class FeedFilters:
    """The change feed's filters and page, as parsed from a query string."""

    site: str | None = None
    kinds: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    review: str | None = None
    page: int = 1
    after: int | None = None  # keyset: the page starts just past this change (Next)
    before: int | None = None  # keyset: the page ends just before this change (Previous)

    @classmethod
    def parse(
        cls,
        site: str | None,
        kinds: list[str] | None,
        date_from: str | None,
        date_to: str | None,
        review: str | None,
        page: int | str | None,
        after: int | str | None = None,
        before: int | str | None = None,
    ) -> FeedFilters:
        wanted = tuple(k for k in dict.fromkeys(kinds or []) if k)
        unknown = [k for k in wanted if k not in FLAG_KINDS]
        if unknown:
            raise BadRequest(f"kind: unknown kind {unknown[0]!r}; expected one of {', '.join(FLAG_KINDS)}")
        if review in ("", "all"):
            review = None
        if review is not None and review not in REVIEW_FILTERS:
            raise BadRequest(f"review: unknown value {review!r}; expected all, {', '.join(REVIEW_FILTERS)}")
        try:
            number = int(page or 1)
        except (TypeError, ValueError):
            raise BadRequest(f"page: {str(page)[:40]!r} is not a number") from None
        if number > MAX_PAGE:
            raise BadRequest(f"page: at most {MAX_PAGE}")
        start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
        if start and end and end < start:
            raise BadRequest("to: the end date is before the start date")
        cursors = [_change_id(v, n) for v, n in ((after, "after"), (before, "before"))]
        if None not in cursors:
            raise BadRequest("after, before: give one of them, not both")
        return cls(site or None, wanted, start, end, review, max(number, 1), *cursors)

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.date_from, time(), UTC) if self.date_from else None

    @property
    def until(self) -> datetime | None:
        """Exclusive end: the start of the day after ``date_to`` (none after the last representable day)."""
        if self.date_to is None or self.date_to >= date.max:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time(), UTC)

    def query(self, **changes: Any) -> str:
        """This filter's query string, with some values changed (page=2 …)."""
        values = {
            "site": self.site,
            "kind": list(self.kinds),
            "from": self.date_from,
            "to": self.date_to,
            "review": self.review,
            "page": self.page if self.page > 1 else None,
            "after": None,
            "before": None,
        }
        values.update(changes)
        pairs = []
        for key, value in values.items():
            for one in value if isinstance(value, list) else [value]:
                if one is None or one == "" or (key == "page" and one == 1):
                    continue
                pairs.append((key, str(one)))
        return urlencode(pairs)


def _change_id(value: int | str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name}: {str(value)[:40]!r} is not a change id") from None


def feed_page(store: Store, filters: FeedFilters, per_page: int = PER_PAGE) -> tuple[ChangePage, int]:
    """The filtered page of the change feed and the number of pages.

    Next/Previous links carry the last/first change shown (``after``/``before``), so walking the
    feed page by page is a keyset walk; a numbered page is counted from the nearer end.
    """
    page = store.change_page(
        site=filters.site,
        kinds=list(filters.kinds) or None,
        since=filters.since,
        until=filters.until,
        review=filters.review,
        limit=per_page,
        offset=(filters.page - 1) * per_page,
        after=filters.after,
        before=filters.before,
    )
    pages = max(1, math.ceil(page.total / per_page))
    if page.capped and len(page.rows) == per_page:  # more match than were counted: a page follows
        pages = max(pages, filters.page + 1)
    return page, pages


def pager_cursors(page: ChangePage) -> dict[str, int | None]:
    """The keyset cursors of a page's Previous and Next links: its first and last change."""
    rows = page.rows
    return {"first": rows[0].change.id if rows else None, "last": rows[-1].change.id if rows else None}


def page_links(current: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link, None where a run is left out: 1 … 4 5 [6] 7 8 … 20."""
    wanted = {1, pages, *range(current - around, current + around + 1)}
    out: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= pages):
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


# -- item versions ------------------------------------------------------------------------------


def show_value(value: Any) -> str:
    """A field value as text for the old/new columns."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


@dataclass
class FieldDiff:
    """One changed field between two versions: word diff runs for text, old and new otherwise."""

    name: str
    words: list[list[str]] | None = None
    old: Any = None
    new: Any = None

    @property
    def inline(self) -> Markup:
        return inline(self.words or [])

    @property
    def sides(self) -> tuple[Markup, Markup]:
        return side_by_side(self.words or [])


@dataclass
class VersionDiff:
    """Two versions of an item and what changed between them."""

    a: VersionRecord
    b: VersionRecord
    fields: list[FieldDiff] = field(default_factory=list)


def default_pair(versions: list[VersionRecord]) -> tuple[int, int]:
    """The latest change: the version before the newest, and the newest."""
    if not versions:
        return 0, 0
    newest = versions[-1].version
    return (versions[-2].version if len(versions) > 1 else newest), newest


def version_diff(versions: list[VersionRecord], a: int, b: int) -> VersionDiff:
    """The diff from version ``a`` to version ``b``; BadRequest when either does not exist."""
    by_number = {v.version: v for v in versions}
    for name, number in (("a", a), ("b", b)):
        if number not in by_number:
            known = ", ".join(str(n) for n in by_number) or "none"
            raise BadRequest(f"{name}: no version {number} (versions: {known})")
    old, new = by_number[a].data, by_number[b].data
    names = changed_fields(old, new)
    names += [n for n in ("url", "canonical_url", "published_raw", "language") if old.get(n) != new.get(n)]
    diffs = [
        FieldDiff(n, words=word_diff(old.get(n), new.get(n)))
        if n in TEXT_FIELDS
        else FieldDiff(n, old=old.get(n), new=new.get(n))
        for n in names
    ]
    order = {n: i for i, n in enumerate(TRACKED_FIELDS)}
    diffs.sort(key=lambda d: order.get(d.name, len(order)))
    return VersionDiff(by_number[a], by_number[b], diffs)


# -- sites --------------------------------------------------------------------------------------


@dataclass
class SiteRow:
    """One site on the sites page: its last run and health, next run and changes per day."""

    name: str
    title: str | None
    last_run: RunRecord | None
    health: str | None
    explanation: str | None
    next_run: datetime | None
    schedule: str
    days: list[DailyChanges]

    @property
    def changes_total(self) -> int:
        return sum(d.total for d in self.days)


def _schedule(config, db_url: str | None, now: datetime) -> dict[str, tuple[datetime | None, str]]:
    """Stored site name → (next run, where it came from), from the scheduler's config."""
    if config is None:
        return {}
    from newswatch.schedule import schedule_rows
    from newswatch.scheduler import stored_site

    try:
        rows = schedule_rows(config, db_url or "", now)
    except Exception as exc:
        return {
            stored_site(config, name): (None, f"unknown ({str(exc).splitlines()[0][:80]})") for name in config.sites
        }
    out = {}
    for row in rows:
        when = datetime.fromisoformat(row["next_run"]) if row["next_run"] else None
        out[stored_site(config, row["site"])] = (when, f"{row['source']} · {row['trigger']}")
    return out


def sites_overview(
    store: Store, config=None, db_url: str | None = None, now: datetime | None = None, days: int = CHART_DAYS
) -> tuple[list[SiteRow], list[str]]:
    """Every known site (registered, crawled, scheduled) with its health, and the chart's days."""
    from newswatch.health import classify, explain

    now = now or datetime.now(UTC)
    first = (now - timedelta(days=days - 1)).date()
    registered = {s.name: s for s in store.sites()}
    latest = store.latest_runs()
    daily: dict[str, list[DailyChanges]] = {}
    for row in store.daily_changes(datetime.combine(first, time(), UTC)):
        daily.setdefault(row.site, []).append(row)
    scheduled = _schedule(config, db_url, now)
    rows = []
    for name in sorted(set(registered) | set(latest) | set(daily) | set(scheduled)):
        run = latest.get(name)
        finished = run is not None and run.status != "running"
        when, source = scheduled.get(name, (None, "not scheduled"))
        rows.append(
            SiteRow(
                name=name,
                title=registered[name].title if name in registered else None,
                last_run=run,
                health=classify(run) if run is not None and finished else ("running" if run else None),
                explanation=explain(run) if run else None,
                next_run=when,
                schedule=source,
                days=daily.get(name, []),
            )
        )
    chart_days = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    return rows, chart_days


def item_summary(item: StoredItem) -> dict[str, Any]:
    """The fields the item page lists, from the latest stored data."""
    data = item.data
    return {
        "source": data.get("source"),
        "section": " › ".join(data.get("section") or []) or None,
        "language": data.get("language"),
        "published_raw": data.get("published_raw"),
        "canonical_url": item.canonical_url,
    }


__all__ = [
    "MAX_NOTE",
    "MAX_PAGE",
    "MAX_QUERY",
    "PER_PAGE",
    "BadRequest",
    "FeedFilters",
    "SiteRow",
    "VersionDiff",
    "default_pair",
    "feed_page",
    "highlight",
    "page_links",
    "pager_cursors",
    "plain_snippet",
    "show_value",
    "sites_overview",
    "version_diff",
]


def highlight(snippet: str) -> Markup:
    """A search snippet as escaped HTML, its marked matches in <mark> (always balanced)."""
    from storage.records import MARK_END, MARK_START

    out, open_ = [], False
    for part in re_marks.split(snippet or ""):
        if part == MARK_START:
            if not open_:
                out.append(Markup("<mark>"))
                open_ = True
        elif part == MARK_END:
            if open_:
                out.append(Markup("</mark>"))
                open_ = False
        elif part:
            out.append(escape(part))
    if open_:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def plain_snippet(snippet: str) -> str:
    """A search snippet without its match marks."""
    from storage.records import MARK_END, MARK_START

    return (snippet or "").replace(MARK_START, "").replace(MARK_END, "")
