"""The JSON API under /api: the dashboard's data with the same filters and paging, and reviews."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from newswatch.web import models as m
from newswatch.web.app import get_store
from newswatch.web.views import (
    MAX_PAGE,
    MAX_QUERY,
    BadRequest,
    FeedFilters,
    default_pair,
    feed_page,
    highlight,
    pager_cursors,
    parse_day,
    plain_snippet,
    sites_overview,
    version_diff,
)
from storage.records import ReviewedChange

router = APIRouter(prefix="/api", tags=["api"])
MAX_PER_PAGE = 200


def change_model(row: ReviewedChange) -> m.Change:
    """A stored change and its review as the API shows them (the models check kind and status)."""
    c, r = row.change, row.review
    review = m.Review.model_validate({"status": r.status, "note": r.note, "reviewed_at": r.reviewed_at}) if r else None
    return m.Change.model_validate({**asdict(c), "review": review})


@router.get("/csrf", response_model=m.CsrfToken, summary="A CSRF token for POST requests")
def csrf(request: Request) -> m.CsrfToken:
    return m.CsrfToken(csrf_token=request.app.state.guard.csrf_for(request))


@router.get("/changes", response_model=m.ChangeList, summary="The change feed, filtered and paged")
def changes(
    site: str | None = None,
    kind: list[str] = Query(default=[], description="new, updated, removed, reappeared (repeatable)"),
    date_from: str | None = Query(default=None, alias="from", description="first day, YYYY-MM-DD (UTC)"),
    date_to: str | None = Query(default=None, alias="to", description="last day, YYYY-MM-DD (UTC)"),
    review: str | None = Query(default=None, description="all, unreviewed, reviewed, false_positive"),
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
    per_page: int = Query(default=50, ge=1, le=MAX_PER_PAGE),
    after: int | None = Query(default=None, description="keyset paging: changes older than this change id"),
    before: int | None = Query(default=None, description="keyset paging: changes newer than this change id"),
    store=Depends(get_store),
) -> m.ChangeList:
    filters = FeedFilters.parse(site, kind, date_from, date_to, review, page, after, before)
    result, pages = feed_page(store, filters, per_page)
    cursors = pager_cursors(result)
    return m.ChangeList(
        total=result.total,
        capped=result.capped,
        page=filters.page,
        per_page=per_page,
        pages=pages,
        next_after=cursors["last"] if filters.page < pages else None,
        changes=[change_model(row) for row in result.rows],
    )


@router.get("/changes/{change_id}", response_model=m.Change, summary="One change with its review")
def change(change_id: int, store=Depends(get_store)) -> m.Change:
    row = store.get_change(change_id)
    if row is None:
        raise HTTPException(404, f"no change {change_id}")
    return change_model(row)


@router.post(
    "/changes/{change_id}/review",
    response_model=m.Change,
    summary="Mark a change reviewed or a false positive, or undo that (needs X-CSRF-Token)",
)
def review(change_id: int, body: m.ReviewIn, store=Depends(get_store)) -> m.Change:
    if store.get_change(change_id) is None:
        raise HTTPException(404, f"no change {change_id}")
    if body.status == "unreviewed":
        store.unreview_change(change_id)
    else:
        store.review_change(change_id, body.status, body.note, datetime.now(UTC))
    return change_model(store.get_change(change_id))


@router.get("/items/{item_id}", response_model=m.Item, summary="An item's current state")
def item(item_id: str, store=Depends(get_store)) -> m.Item:
    found = store.get_item(item_id)
    if found is None:
        raise HTTPException(404, f"no item {item_id}")
    return replace(found, last_checked_at=found.last_checked_at or found.last_seen_at)


@router.get("/items/{item_id}/versions", response_model=list[m.Version], summary="An item's versions, oldest first")
def versions(item_id: str, store=Depends(get_store)) -> list[m.Version]:
    if store.get_item(item_id) is None:
        raise HTTPException(404, f"no item {item_id}")
    return store.versions(item_id)


@router.get(
    "/items/{item_id}/diff",
    response_model=m.Diff,
    summary="What changed between two versions (default: the latest change)",
)
def diff(item_id: str, a: int | None = None, b: int | None = None, store=Depends(get_store)) -> m.Diff:
    if store.get_item(item_id) is None:
        raise HTTPException(404, f"no item {item_id}")
    stored = store.versions(item_id)
    first, second = default_pair(stored)
    result = version_diff(stored, a or first, b or second)
    return m.Diff(
        item_id=item_id,
        a=result.a.version,
        b=result.b.version,
        fields=[m.FieldChange(field=f.name, words=f.words, old=f.old, new=f.new) for f in result.fields],
    )


@router.get("/events", response_model=list[m.Event], summary="Events with their sources, recently updated first")
def events(
    since: str | None = Query(default=None, description="updated on or after this day, YYYY-MM-DD"),
    site: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    store=Depends(get_store),
) -> list[m.Event]:
    day = parse_day(since, "since")
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return store.events(since=start, site=site or None, limit=limit)


@router.get("/sites", response_model=list[m.Site], summary="Each site's health, last and next run, changes per day")
def sites(request: Request, store=Depends(get_store)) -> list[m.Site]:
    rows, _ = sites_overview(store, request.app.state.config, request.app.state.db_url, request.app.state.clock())
    out = []
    for row in rows:
        run = row.last_run
        out.append(
            m.Site(
                name=row.name,
                title=row.title,
                health=row.health,
                explanation=row.explanation,
                last_run_id=run.id if run else None,
                last_run_status=run.status if run else None,
                last_run_started_at=run.started_at if run else None,
                last_run_finished_at=run.finished_at if run else None,
                next_run=row.next_run,
                schedule=row.schedule,
                days=[
                    m.DayCount(day=d.day, new=d.new, updated=d.updated, removed=d.removed, reappeared=d.reappeared)
                    for d in row.days
                ],
            )
        )
    return out


@router.get("/search", response_model=m.SearchResults, summary="Full-text search over items' title and body")
def search(
    q: str = Query(description='words, "a phrase", OR, -word, prefix*'),
    site: str | None = None,
    page: int = Query(default=1, ge=1, le=MAX_PAGE),
    per_page: int = Query(default=20, ge=1, le=MAX_PER_PAGE),
    store=Depends(get_store),
) -> m.SearchResults:
    if len(q) > MAX_QUERY:
        raise BadRequest(f"q: at most {MAX_QUERY} characters")
    result = store.search(q, site=site or None, limit=per_page, offset=(page - 1) * per_page)
    hits = [
        m.SearchHit(
            item_id=h.item_id,
            site=h.site,
            url=h.url,
            title=h.title,
            published=h.published,
            status=h.status,
            snippet=plain_snippet(h.snippet),
            snippet_html=str(highlight(h.snippet)),
        )
        for h in result.hits
    ]
    return m.SearchResults(query=q, total=result.total, capped=result.capped, page=page, per_page=per_page, hits=hits)
