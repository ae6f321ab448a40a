"""Analysts' reviews of changes and the reads of the dashboard: the filtered, paged change feed,
changes per day, each site's latest run. A :class:`Store` mixin; filtering happens in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from . import tables as t
from .base import StoreBase
from .records import (
    CHANGE_KINDS,
    REVIEW_STATUSES,
    ChangePage,
    ChangeRecord,
    ChangeReview,
    DailyChanges,
    ReviewedChange,
    RunRecord,
)
from .writes import utc

#: Values of the ``review`` filter of :meth:`ReviewsMixin.change_page`, besides None (all).
REVIEW_FILTERS = ("unreviewed", *REVIEW_STATUSES)
#: Ids outside the id columns' range (INTEGER: 32 bits on PostgreSQL) name no row; binding them would fail.
ID_RANGE = range(-(2**31), 2**31)
#: Matches of the feed's filters counted at most (then ``ChangePage.capped``): counting is O(matches).
FEED_COUNT_CAP = 10_000


def change_log_query(with_reviews: bool = False) -> sa.Select:
    """The change log's rows: each change with its item's URL and its title at that version (and its review)."""
    ch, it, iv, rv = t.changes.c, t.items.c, t.item_versions.c, t.change_reviews.c
    columns: list[Any] = [
        ch.id,
        ch.run_id,
        ch.item_id,
        ch.site,
        it.url,
        sa.func.coalesce(iv.title, it.title).label("title"),
        ch.kind,
        ch.detected_at,
        ch.changed_fields,
        ch.diff,
        ch.version,
    ]
    joined = t.changes.join(t.items, it.id == ch.item_id).outerjoin(
        t.item_versions, sa.and_(iv.item_id == ch.item_id, iv.version == ch.version)
    )
    if with_reviews:
        columns += [rv.status.label("review_status"), rv.note.label("review_note"), rv.reviewed_at]
        joined = joined.outerjoin(t.change_reviews, rv.change_id == ch.id)
    return sa.select(*columns).select_from(joined)


class ReviewsMixin(StoreBase):
    """Store methods for reviews and the analyst's change feed."""

    # -- reviews ---------------------------------------------------------

    def review_change(self, change_id: int, status: str, note: str | None, at: datetime) -> ChangeReview:
        """Record (or replace) an analyst's review of a change; KeyError when there is no such change."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {status!r}; expected one of {', '.join(REVIEW_STATUSES)}")
        if change_id not in ID_RANGE:
            raise KeyError(f"no change with id {change_id}")
        values = {"status": status, "note": (note or "").replace("\x00", "").strip() or None, "reviewed_at": utc(at)}
        stmt = self._insert(t.change_reviews).values(change_id=change_id, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[t.change_reviews.c.change_id], set_=values)
        with self._writer.begin() as conn:
            if conn.execute(sa.select(t.changes.c.id).where(t.changes.c.id == change_id)).first() is None:
                raise KeyError(f"no change with id {change_id}")
            conn.execute(stmt)
        return ChangeReview(change_id=change_id, status=status, note=note, reviewed_at=at)

    def unreview_change(self, change_id: int) -> None:
        """Forget a change's review (a no-op when it has none)."""
        if change_id not in ID_RANGE:
            return
        with self._writer.begin() as conn:
            conn.execute(sa.delete(t.change_reviews).where(t.change_reviews.c.change_id == change_id))

    # -- the change feed ---------------------------------------------------

    @staticmethod
    def _feed_query() -> sa.Select:
        return change_log_query(with_reviews=True)

    @staticmethod
    def _feed_filters(site, kinds, since, until, review, item_id=None) -> list[Any]:
        ch, rv = t.changes.c, t.change_reviews.c
        where: list[Any] = []
        if item_id is not None:
            where.append(ch.item_id == item_id)
        if site:
            where.append(ch.site == site)
        if kinds:
            where.append(ch.kind.in_([k for k in kinds if k in CHANGE_KINDS] or ["-"]))
        if since is not None:
            where.append(ch.detected_at >= utc(since))
        if until is not None:
            where.append(ch.detected_at < utc(until))
        if review == "unreviewed":
            where.append(rv.status.is_(None))
        elif review in REVIEW_STATUSES:
            where.append(rv.status == review)
        elif review:
            raise ValueError(f"unknown review filter {review!r}; expected one of {', '.join(REVIEW_FILTERS)}")
        return where

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
        after: int | None = None,
        before: int | None = None,
    ) -> ChangePage:
        """A page of the feed, newest first: the ``limit`` changes after ``offset``, or (keyset) just
        older than change ``after`` / just newer than change ``before`` (``offset`` is then ignored).

        Pages are chosen on the changes table alone and only the page's rows are joined; a page
        nearer the oldest end is counted from there, so the last page costs what the first does.
        Matches are counted up to FEED_COUNT_CAP (``capped`` says when more match): a page of a
        feed of a million changes does not count them all.
        """
        ch = t.changes.c
        limit, offset = max(limit, 0), max(offset, 0)
        where = self._feed_filters(site, kinds, since, until, review, item_id)
        source = t.changes.outerjoin(t.change_reviews, t.change_reviews.c.change_id == ch.id) if review else t.changes
        keys = sa.select(ch.id).select_from(source).where(*where)
        newest_first, oldest_first = (ch.detected_at.desc(), ch.id.desc()), (ch.detected_at.asc(), ch.id.asc())
        with self.engine.connect() as conn:
            counted = keys.limit(FEED_COUNT_CAP + 1).subquery()
            total = int(conn.execute(sa.select(sa.func.count()).select_from(counted)).scalar() or 0)
            capped = total > FEED_COUNT_CAP
            total = min(total, FEED_COUNT_CAP)
            anchor_id = after if after is not None else before
            anchor = None
            if anchor_id is not None and anchor_id in ID_RANGE:
                anchor = conn.execute(sa.select(ch.detected_at).where(ch.id == anchor_id)).scalar()
            reverse = False
            if anchor is not None and after is not None:
                keys = keys.where(ch.detected_at <= anchor, sa.tuple_(ch.detected_at, ch.id) < sa.tuple_(anchor, after))
                keys = keys.order_by(*newest_first).limit(limit)
            elif anchor is not None:
                keys = keys.where(
                    ch.detected_at >= anchor, sa.tuple_(ch.detected_at, ch.id) > sa.tuple_(anchor, before)
                )
                keys, reverse = keys.order_by(*oldest_first).limit(limit), True
            elif offset * 2 > total and not capped:  # nearer the oldest end: count from there
                take = min(limit, total - offset)
                keys = keys.order_by(*oldest_first).limit(max(take, 0)).offset(max(total - offset - limit, 0))
                reverse = True
            else:
                keys = keys.order_by(*newest_first).limit(limit).offset(offset)
            ids = [row[0] for row in conn.execute(keys)] if limit else []
            if reverse:
                ids.reverse()
            rows = conn.execute(self._feed_query().where(ch.id.in_(ids))).mappings().all() if ids else []
        by_id = {r["id"]: self._reviewed(r) for r in rows}
        return ChangePage(rows=[by_id[i] for i in ids if i in by_id], total=total, capped=capped)

    def feed_stamp(self, site: str | None = None) -> tuple[int, int]:
        """(newest change id, number of changes), of one site or all: what a feed's content depends on."""
        ch = t.changes.c
        query = sa.select(sa.func.max(ch.id), sa.func.count())
        if site:
            query = query.where(ch.site == site)
        with self.engine.connect() as conn:
            newest, count = conn.execute(query).one()
        return int(newest or 0), int(count or 0)

    def get_change(self, change_id: int) -> ReviewedChange | None:
        """One change with its review, or None."""
        if change_id not in ID_RANGE:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(self._feed_query().where(t.changes.c.id == change_id)).mappings().first()
        return None if row is None else self._reviewed(row)

    @staticmethod
    def _reviewed(r: Any) -> ReviewedChange:
        change = ChangeRecord(
            id=r["id"],
            run_id=r["run_id"],
            item_id=r["item_id"],
            site=r["site"],
            url=r["url"],
            title=r["title"],
            kind=r["kind"],
            detected_at=utc(r["detected_at"]),
            changed_fields=list(r["changed_fields"] or []),
            diff=r["diff"],
            version=r["version"],
        )
        review = None
        if r["review_status"] is not None:
            review = ChangeReview(
                change_id=r["id"], status=r["review_status"], note=r["review_note"], reviewed_at=utc(r["reviewed_at"])
            )
        return ReviewedChange(change=change, review=review)

    # -- per-site activity -------------------------------------------------

    def daily_changes(self, since: datetime, site: str | None = None) -> list[DailyChanges]:
        """Changes per site, UTC day and kind since ``since``, ordered by site and day."""
        ch = t.changes.c
        if self.dialect == "postgresql":
            day_text = sa.func.to_char(sa.func.timezone("UTC", ch.detected_at), "YYYY-MM-DD")
        else:  # SQLite keeps naive UTC text: 'YYYY-MM-DD HH:MM:SS…'
            day_text = sa.func.substr(sa.cast(ch.detected_at, sa.Text), 1, 10)
        day = day_text.label("day")
        query = (
            sa.select(ch.site, day, ch.kind, sa.func.count().label("n"))
            .where(ch.detected_at >= utc(since))
            .group_by(ch.site, day, ch.kind)
            .order_by(ch.site, day)
        )
        if site:
            query = query.where(ch.site == site)
        counts: dict[tuple[str, str], dict[str, int]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                if r.kind in CHANGE_KINDS:
                    counts.setdefault((r.site, r.day), {})[r.kind] = int(r.n)
        return [DailyChanges(site=s, day=d, **kinds) for (s, d), kinds in sorted(counts.items())]

    def latest_runs(self) -> dict[str, RunRecord]:
        """The newest run of every site that has one, by site."""
        r = t.runs.c
        newest = sa.select(sa.func.max(r.id)).group_by(r.site)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.runs).where(r.id.in_(newest))).mappings().all()
        return {row["site"]: RunRecord.from_row(row) for row in rows}


__all__ = ["FEED_COUNT_CAP", "REVIEW_FILTERS", "ReviewsMixin"]
