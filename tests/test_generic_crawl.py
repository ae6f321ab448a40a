"""The generic spider on a site with no spider: `newswatch crawl --url LISTING --name NAME`."""

from __future__ import annotations

import shutil
from pathlib import Path

GENERIC = Path(__file__).parent / "fixtures" / "generic"
ARTICLES = {  # path on the test site → saved page (its expected title is in test_generic.py)
    "/news/2026/11/academy-hosts-regional-forum.html": "article_jsonld.html",
    "/news/2026/10/academies-sign-doctoral-training-agreement.html": "article_og.html",
    "/news/2026/09/open-research-data-workshop-vilnius.html": "article_plain.html",
    "/news/2026/08/call-for-nominations-young-scientist-award.html": "article_nodate.html",
}
CHROME = """<header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/about/">About us</a></nav></header>"""
SIDEBAR = """<aside class="most-read"><h3>Most read</h3><ul>
<li><a href="/news/2019/05/an-older-story-everyone-reads.html">An older story everyone reads</a></li></ul></aside>"""
FOOTER = """<footer>© 2026 Academy · visits: 8812 · updated 2026-11-20 08:00 <a href="/contact/">Contact</a></footer>"""


def _listing(links: list[str], next_href: str | None) -> str:
    items = "".join(
        f'<li><a href="{p}">{Path(p).stem.replace("-", " ").capitalize()}</a> <span>2026</span></li>' for p in links
    )
    nxt = f'<div class="pager"><a href="{next_href}">Next</a></div>' if next_href else ""
    return (
        f"<!DOCTYPE html><html lang=en><head><title>News</title></head><body>{CHROME}"
        f"<main><h1>News</h1><ul class=news>{items}</ul>{nxt}</main>{SIDEBAR}{FOOTER}</body></html>"
    )


def _site(tmp_path: Path) -> Path:
    v1 = tmp_path / "generic-site" / "v1"
    paths = list(ARTICLES)
    pages = {"/news/index.html": _listing(paths[:3], "/news/?page=2"), "/news/index.html?page=2": None}
    for path, saved in ARTICLES.items():
        (v1 / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GENERIC / saved, v1 / path.lstrip("/"))
    (v1 / "news" / "index.html").write_text(pages["/news/index.html"], "utf-8")
    return tmp_path / "generic-site", _listing(paths[3:], None)


def test_generic_spider_follows_pagination_and_extracts_articles(tmp_path, crawler, site_server):
    root, page2 = _site(tmp_path)
    # ?page=2 is the same file path as page 1 for a static server: serve page 2 under its own path
    # and point the pager there, keeping the "?page=N" form the generic spider must follow.
    (root / "v1" / "news" / "page2.html").write_text(page2, "utf-8")
    index = root / "v1" / "news" / "index.html"
    index.write_text(index.read_text("utf-8").replace("/news/?page=2", "/news/page2.html?page=2"), "utf-8")
    server = site_server(root)
    done = crawler.run(
        "crawl",
        "--url",
        server.url + "/news/",
        "--name",
        "academy_news",
        "-s",
        f"HTTPCACHE_DIR={crawler.cache}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        check=True,
    )
    assert "academy_news" in done.stdout
    requested = {path for _, path, _ in server.requests}
    assert "/news/page2.html?page=2" in requested
    assert "/news/2019/05/an-older-story-everyone-reads.html" not in requested  # sidebar, not the listing
    assert not {"/about/", "/contact/"} & requested
    with crawler.store() as store:
        items = {c.url.removeprefix(server.url): c for c in store.changes(site="academy_news")}
        assert sorted(items) == sorted(ARTICLES), (items, done.stderr[-3000:])
        forum = store.find_item(server.url + "/news/2026/11/academy-hosts-regional-forum.html")
        assert forum.title == "Academy hosts regional forum on climate-resilient agriculture"
        assert forum.data["extractor_version"].startswith("generic-2")
        assert "Most read" not in forum.data["body"] and "visits" not in forum.data["body"]
        nodate = store.find_item(server.url + "/news/2026/08/call-for-nominations-young-scientist-award.html")
        assert nodate.published is None  # no date on the page: none invented
        run = store.runs(site="academy_news", limit=1)[0]
        assert run.status == "ok" and run.new == 4
