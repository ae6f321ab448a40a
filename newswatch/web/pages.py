"""The dashboard's HTML pages: change feed with reviews, item versions and diffs, events, sites, search, feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from newswatch.changes import FLAG_KINDS
from newswatch.feeds import atom_feed
from newswatch.web.app import get_store, render, render_page
from newswatch.web.cache import CachedPage, GenerationCache, cached_page, cached_value
from newswatch.web.charts import bar_chart
from newswatch.web.security import safe_next
from newswatch.web.views import (
    MAX_NOTE,
    MAX_PAGE,
    MAX_QUERY,
    BadRequest,
    FeedFilters,
    default_pair,
    feed_page,
    highlight,
    item_summary,
    page_links,
    pager_cursors,
    sites_overview,
    version_diff,
)
from storage.reviews import REVIEW_FILTERS

router = APIRouter(include_in_schema=False)
SEARCH_PER_PAGE = 20
FEED_ENTRIES = 100
FEEDS = "feed stamp"  # app.state.feeds keeps Atom documents by their feed stamp, whatever the generation


def site_names(request: Request, store) -> list[str]:
    """Sites to offer in filters: registered ones and those with runs (kept until the next write)."""
    return cached_value(
        request, "site_names", lambda: sorted({s.name for s in store.sites()} | set(store.latest_runs()))
    )


def here(request: Request) -> str:
    """The request's path and query, as forms carry it back (``next``)."""
    return request.url.path + ("?" + request.url.query if request.url.query else "")


def page_key(request: Request) -> tuple[str, str]:
    """What a kept HTML page depends on besides the store: its path and query string."""
    return request.url.path, request.url.query


@router.get("/")
@router.get("/changes")
def changes(
    request: Request,
    site: str | None = None,
    kind: list[str] = Query(default=[]),
    date_from: str | None = Query(default=None, alias="from"),
    date_to: str | None = Query(default=None, alias="to"),
    review: str | None = None,
    page: str | None = None,
    after: str | None = None,
    before: str | None = None,
    store=Depends(get_store),
):
    filters = FeedFilters.parse(site, kind, date_from, date_to, review, page, after, before)

    def build() -> CachedPage:
        result, pages = feed_page(store, filters)
        return render_page(
            request,
            "changes.html",
            nav="changes",
            filters=filters,
            result=result,
            pages=pages,
            links=page_links(filters.page, pages),
            cursors=pager_cursors(result),
            sites=site_names(request, store),
            kinds=FLAG_KINDS,
            review_filters=REVIEW_FILTERS,
            here=here(request),
        )

    return cached_page(request, page_key(request), build)


@router.post("/changes/{change_id}/review")
def review(
    change_id: int,
    status: str = Form(...),
    note: str | None = Form(default=None),
    next_url: str | None = Form(default=None, alias="next"),
    store=Depends(get_store),
):
    if note is not None and len(note) > MAX_NOTE:
        raise BadRequest(f"note: at most {MAX_NOTE} characters")
    if status not in ("reviewed", "false_positive", "unreviewed"):
        raise BadRequest(f"status: unknown value {status[:40]!r}; expected reviewed, false_positive or unreviewed")
    if store.get_change(change_id) is None:
        raise HTTPException(404, f"no change {change_id}")
    if status == "unreviewed":
        store.unreview_change(change_id)
    else:
        try:
            store.review_change(change_id, status, note, datetime.now(UTC))
        except KeyError:
            raise HTTPException(404, f"no change {change_id}") from None
    return RedirectResponse(safe_next(next_url, "/changes") + f"#change-{change_id}", status_code=303)


@router.get("/items/{item_id}")
def item(request: Request, item_id: str, a: int | None = None, b: int | None = None, store=Depends(get_store)):
    def build() -> CachedPage:
        found = store.get_item(item_id)
        if found is None:
            raise HTTPException(404, f"no item {item_id}")
        versions = store.versions(item_id)
        first, second = default_pair(versions)
        shown_a, shown_b = a, b
        if shown_b and not shown_a:  # "this version": compared with the one before it
            shown_a = max((v.version for v in versions if v.version < shown_b), default=shown_b)
        shown_a, shown_b = shown_a or first, shown_b or second
        diff = version_diff(versions, shown_a, shown_b) if versions else None
        return render_page(
            request,
            "item.html",
            item=found,
            summary=item_summary(found),
            versions=versions,
            a=shown_a,
            b=shown_b,
            diff=diff,
            event=store.event_of_item(item_id),
            changes=store.change_page(item_id=item_id, limit=100).rows,
            here=request.url.path + "?" + request.url.query,
        )

    return cached_page(request, page_key(request), build)


@router.get("/events")
def events(
    request: Request, site: str | None = None, limit: int = Query(default=100, ge=1, le=1000), store=Depends(get_store)
):
    def build() -> CachedPage:
        found = store.events(site=site or None, limit=limit)
        return render_page(
            request, "events.html", nav="events", events=found, site=site, sites=site_names(request, store)
        )

    return cached_page(request, page_key(request), build)


@router.get("/sites")
def sites(request: Request, store=Depends(get_store)):
    app = request.app
    rows, days = sites_overview(store, app.state.config, app.state.db_url, app.state.clock())
    charts = {
        row.name: bar_chart(days, row.days, f"Changes per day on {row.name}, last {len(days)} days") for row in rows
    }
    return render(
        request, "sites.html", nav="sites", rows=rows, charts=charts, days=days, scheduled=app.state.config is not None
    )


@router.get("/search")
def search(
    request: Request, q: str = "", site: str | None = None, page: int = Query(default=1, ge=1), store=Depends(get_store)
):
    if len(q) > MAX_QUERY:
        raise BadRequest(f"q: at most {MAX_QUERY} characters")
    if page > MAX_PAGE:
        raise BadRequest(f"page: at most {MAX_PAGE}")

    def build() -> CachedPage:
        result = (
            store.search(q, site=site or None, limit=SEARCH_PER_PAGE, offset=(page - 1) * SEARCH_PER_PAGE)
            if q.strip()
            else None
        )
        pages = max(1, -(-result.total // SEARCH_PER_PAGE)) if result else 1
        return render_page(
            request,
            "search.html",
            nav="search",
            q=q,
            site=site,
            result=result,
            page=page,
            pages=pages,
            highlight=highlight,
            sites=site_names(request, store),
        )

    return cached_page(request, page_key(request), build)


def _feed(request: Request, store, site: str | None) -> Response:
    """The Atom feed, kept until the next write (its links are absolute: kept per base URL).

    After a write it is rebuilt only when its changes did change: it shows changes alone, so
    their newest id and their number (one query) tell whether the last one built still holds.
    """
    base = str(request.base_url).rstrip("/")

    def build() -> CachedPage:
        key = (base, request.url.path, store.feed_stamp(site))
        feeds: GenerationCache = request.app.state.feeds
        page = feeds.get(FEEDS, key)
        if page is None:
            page = CachedPage.of(_atom(request, store, site, base), "application/atom+xml; charset=utf-8")
            feeds.put(FEEDS, key, page)
        return page

    return cached_page(request, ("atom", base, request.url.path), build)


def _atom(request: Request, store, site: str | None, base: str) -> bytes:
    page = store.change_page(site=site, limit=FEED_ENTRIES)
    body = atom_feed(
        [row.change for row in page.rows],
        feed_id="tag:newswatch,2026:feed" + (f"/site/{quote(site, safe='')}" if site else ""),
        title=f"newswatch: changes on {site}" if site else "newswatch: changes",
        self_url=base + request.url.path,
        home_url=base + "/changes" + (f"?site={quote(site, safe='')}" if site else ""),
        item_url=lambda c: f"{base}/items/{quote(c.item_id, safe='')}" + (f"?b={c.version}" if c.version else ""),
    )
    return body


@router.get("/feed.atom")
def feed(request: Request, store=Depends(get_store)):
    return _feed(request, store, None)


@router.get("/sites/{site}/feed.atom")
def site_feed(request: Request, site: str, store=Depends(get_store)):
    return _feed(request, store, site)
