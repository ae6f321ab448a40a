"""The dashboard in a real Chromium (Playwright, Debian's /usr/bin/chromium): filter, diff, review, search, XSS.

The store is filled by real crawls: the demo site in versions v1 and v2 (new, updated and removed
articles) and a hostile site whose title and body carry script, an onerror image and a javascript:
link. Screenshots of the item diff and the sites page go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXTURE_SITES, Crawler

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_LINK = "javascript:window.__pwned=1"
BODY_EDITED = "Asian Engineering Academies Discuss Urban Flood Resilience"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (make test installs it)")


def _hostile_extras(db: str) -> str:
    """An item whose URL is javascript:, and an event (named with the hostile strings) of the hostile item."""
    from storage import EventLink, ItemWrite, open_store

    now = datetime.now(UTC)
    with open_store(db) as store:
        hostile = next(c for c in store.changes(site="hostile") if "forum" in (c.title or "").lower())
        run = store.begin_run("hostile", now)
        item = dict(
            store.get_item(hostile.item_id).data,
            id="f" * 16,
            url=JS_LINK,
            canonical_url=JS_LINK,
            title="Linked only as text " + SCRIPT,
            content_hash="e" * 64,
        )
        store.save_items(run, [ItemWrite(item, "new", now)])
        store.finish_run(
            run, finished_at=now, status="ok", finish_reason="finished", new=1, stats={"newswatch/listing/pages": 1}
        )
        event = {
            "name": "Forum " + SCRIPT + " " + IMG,
            "type": "forum",
            "start": "2026-11-18",
            "location": {"venue": None, "city": "Vilnius", "country": "LT"},
        }
        store.save_event_links(
            [
                EventLink(hostile.item_id, "hostile", event),
                EventLink(
                    item["id"], "hostile", event, event_id=f"ev-{hostile.item_id}", linked_by="text", similarity=0.91
                ),
            ],
            now,
        )
        return hostile.item_id


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A database filled by crawls of the demo site (v1, v2) and the hostile site, plus a report file."""
    from newswatch.demo import SITE
    from newswatch.fixtureserver import serve

    tmp = tmp_path_factory.mktemp("browser")
    crawler = Crawler(db=f"sqlite:///{tmp / 'nw.db'}", cache=tmp / "httpcache")
    with serve(SITE) as server:
        for version in ("v1", "v2"):
            server.set_version(version)
            crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    with serve(FIXTURE_SITES / "hostile") as server:
        crawler.run(
            "crawl",
            "--url",
            server.url + "/news/",
            "--name",
            "hostile",
            "-s",
            f"HTTPCACHE_DIR={crawler.cache}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            check=True,
        )
    hostile_id = _hostile_extras(crawler.db)
    report = tmp / "report.html"
    crawler.run("report", "--since", "30d", "--format", "html", "-o", str(report), check=True)
    return {"db": crawler.db, "hostile_id": hostile_id, "report": report}


@pytest.fixture(scope="module")
def base_url(data):
    """The dashboard served by uvicorn on a free 127.0.0.1 port, in a thread."""
    import uvicorn

    from newswatch.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(data["db"]), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def rows(page):
    return page.locator("tr.change")


def test_filter_the_feed(page, base_url):
    page.goto(base_url + "/")
    assert rows(page).count() > 10
    page.select_option("select[name=site]", "cae")
    page.check("input[name=kind][value=updated]")
    page.click("form#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*kind=updated.*"))
    kinds = rows(page).evaluate_all("rs => rs.map(r => r.dataset.kind + '/' + r.dataset.site)")
    assert kinds == ["updated/cae", "updated/cae"]
    assert page.locator("input[name=kind][value=updated]").is_checked()  # the form shows the filter
    page.select_option("select[name=site]", "hostile")
    page.uncheck("input[name=kind][value=updated]")
    page.check("input[name=kind][value=new]")
    page.click("form#filters button[type=submit]")
    page.wait_for_url(re.compile(r".*site=hostile.*"))
    assert set(rows(page).evaluate_all("rs => rs.map(r => r.dataset.kind + '/' + r.dataset.site)")) == {"new/hostile"}


def test_open_an_items_diff(page, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base_url + "/changes?kind=updated")
    page.click(f"text={BODY_EDITED}")
    page.wait_for_url(re.compile(r".*/items/\w+\?b=2"))
    inline = page.locator(".inline-diff")
    assert inline.locator("del").first.inner_text().strip() == "60"
    assert "90" in " ".join(inline.locator("ins").all_inner_texts())
    assert page.locator(".sbs .old del").count() >= 1 and page.locator(".sbs .new ins").count() >= 1
    assert page.locator(".sbs .old ins").count() == 0 and page.locator(".sbs .new del").count() == 0
    page.select_option("select[name=a]", "2")
    page.click("form.compare button")
    page.wait_for_url(re.compile(r".*a=2&b=2"))
    assert page.locator(".inline-diff").count() == 0
    page.select_option("select[name=a]", "1")
    page.select_option("select[name=b]", "2")
    page.click("form.compare button")
    page.wait_for_url(re.compile(r".*a=1&b=2"))
    assert page.locator(".inline-diff del").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "item-diff.png"), full_page=True)


def test_mark_a_change_reviewed_and_see_it_persist(page, browser, base_url):
    page.goto(base_url + "/changes?site=cae&kind=new")
    first = rows(page).first
    row_id = first.get_attribute("id")
    with page.expect_navigation():
        first.locator("button[value=reviewed]").click()
    row = page.locator(f"tr#{row_id}")
    assert row.locator(".badge.review-reviewed").inner_text() == "Reviewed"
    page.reload()
    assert page.locator(f"tr#{row_id} .badge.review-reviewed").count() == 1
    page.goto(base_url + "/changes?review=reviewed")
    assert rows(page).evaluate_all("rs => rs.map(r => r.id)") == [row_id]
    fresh = browser.new_context().new_page()  # no cookies, no cache: what the database says
    fresh.goto(base_url + "/changes?review=reviewed")
    assert rows(fresh).evaluate_all("rs => rs.map(r => r.id)") == [row_id]
    fresh.goto(base_url + "/changes?review=unreviewed")
    assert fresh.locator(f"tr#{row_id}").count() == 0
    fresh.context.close()
    page.goto(base_url + "/changes?review=reviewed")
    with page.expect_navigation():
        page.locator(f"tr#{row_id} button[value=unreviewed]").click()
    assert rows(page).count() == 0


def test_search_finds_a_word_of_a_body(page, base_url):
    page.goto(base_url + "/search")
    page.fill("main input[name=q]", "guidelines")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*q=guidelines.*"))
    titles = page.locator(".hit-title").all_inner_texts()
    assert BODY_EDITED in titles
    assert "guidelines" in page.locator(".snippet mark").first.inner_text().lower()


def test_sites_page(page, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base_url + "/sites")
    assert page.locator("#site-cae .badge").first.inner_text() in ("ok", "quiet")
    assert page.locator("#site-cae svg.chart rect.bar").count() >= 1
    assert "not scheduled" in page.locator("#site-cae").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "sites.png"), full_page=True)


def test_api_docs_render_without_leaving_the_server(page, base_url):
    """Swagger UI comes from the server itself: with every other host unreachable it still renders."""
    elsewhere = []

    def block(route):
        elsewhere.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!" + re.escape(base_url) + r").*"), block)
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/changes" in p for p in paths) and any("/api/search" in p for p in paths)
    assert elsewhere == []


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory):
    """A dashboard over a store of 72 changes (two pages), served like base_url."""
    import uvicorn

    from newswatch.web import create_app
    from tests.test_web import fill

    db = f"sqlite:///{tmp_path_factory.mktemp('paged') / 'nw.db'}"
    fill(db)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_next_page_link_walks_the_feed(page, paged_url):
    page.goto(paged_url + "/changes")
    first = rows(page).first.get_attribute("id")
    assert rows(page).count() == 50
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*after=\d+.*"))
    assert rows(page).count() == 22 and rows(page).first.get_attribute("id") != first
    page.click("a[rel=prev]")
    page.wait_for_url(re.compile(r".*before=\d+.*"))
    assert rows(page).first.get_attribute("id") == first


def _open_safely(page, url: str) -> str:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    time.sleep(0.2)  # an onerror handler would have run by now
    assert page.evaluate("typeof window.__pwned") == "undefined", url
    assert dialogs == [], url
    assert page.locator('a[href^="javascript:" i]').count() == 0, url
    return page.evaluate("document.documentElement.textContent")


def test_hostile_text_is_shown_never_run(page, base_url, data):
    hostile = data["hostile_id"]
    for path in (
        "/changes?site=hostile",
        f"/items/{hostile}",
        "/search?q=injection",
        "/events",
        "/feed.atom",
        "/sites/hostile/feed.atom",
        "/items/" + "f" * 16,
    ):
        text = _open_safely(page, base_url + path)
        if path.endswith(".atom"):  # Chromium shows a feed as its source: the markup is escaped there
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text, path
            text = page.evaluate(
                "t => new DOMParser().parseFromString(t, 'application/xml').documentElement.textContent", text
            )
        assert SCRIPT in text, path
        if path.startswith(("/items", "/events", "/search")):
            assert IMG in text, path
    item_text = page.goto(base_url + f"/items/{hostile}") and page.inner_text("main")
    assert SCRIPT in item_text and IMG in item_text and JS_LINK in item_text  # visible, as text
    report = _open_safely(page, data["report"].as_uri())
    assert SCRIPT in report
