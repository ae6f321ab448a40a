"""Generic listings of every common shape: pages beside their articles, in a parent folder, under a
query; and an info line under the title read as date and source, kept out of body and summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from newswatch.generic import extract_article
from newswatch.listing import article_links, next_page

HEADLINES = [
    "Academy opens a laboratory for soil research",
    "Joint fellowship programme welcomes its first cohort",
    "Science council publishes its annual review of research funding",
    "Young researchers meet in the mountains to discuss glaciers",
    "Engineering academies agree on common training standards",
    "Delegation visits partner institutes on the coast",
    "Workshop on open data draws librarians and statisticians",
    "Award for lifetime achievement goes to a soil chemist",
    "New journal on water security accepts its first papers",
    "Observatory reopens to visitors after renovation",
]
DATES = [
    "02 April 2026",
    "28 March 2026",
    "21 March 2026",
    "14 March 2026",
    "7 March 2026",
    "28 February 2026",
    "21 February 2026",
    "14 February 2026",
    "7 February 2026",
    "31 January 2026",
]
PER_PAGE = 4


def listing_html(links: list[tuple[str, str]], pager: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a> <span class="d">2026</span></li>' for href, text in links)
    pages = " ".join(f'<a href="{href}">{label}</a>' for href, label in pager)
    return (
        "<!DOCTYPE html><html lang='en'><head><title>News - Example Academy</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/about/index.html'>About the academy</a></nav>"
        f"<main><h1>News</h1><ul class='list'>{items}</ul><div class='pages'>{pages}</div></main>"
        "<footer>© 2026 Example Academy</footer></body></html>"
    )


def article_html(n: int, title: str | None = None) -> str:
    title = title or HEADLINES[n]
    return (
        "<!DOCTYPE html><html lang='en'><head><title>"
        f"{title} - Example Academy</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news/'>News</a></nav><main>"
        f"<h1>{title}</h1><p class='line'>Date: {DATES[n]} | Press Office</p>"
        f"<p>The academy reported on {HEADLINES[n].lower()} in a statement, describing how the work began,"
        " who took part and what the partners expect from the next stage of their cooperation.</p>"
        "<p>Further meetings are planned for the coming months, and the results will be shared with member"
        " institutes and the public through the academy's regular publications.</p>"
        "</main><footer>© 2026 Example Academy · updated 2026-11-20</footer></body></html>"
    )


def flat_site(root: Path, titles: dict[int, str] | None = None) -> Path:
    """/news/index.html, /news/p2.html, /news/p3.html and /news/n00001.html… all in one folder."""
    news = root / "news"
    news.mkdir(parents=True, exist_ok=True)
    names = [f"n{n + 1:05d}.html" for n in range(len(HEADLINES))]
    chunks = [list(range(i, min(i + PER_PAGE, len(names)))) for i in range(0, len(names), PER_PAGE)]
    page_name = lambda p: "index.html" if p == 1 else f"p{p}.html"  # noqa: E731
    for p, chunk in enumerate(chunks, start=1):
        pager = [(page_name(q), str(q)) for q in range(1, len(chunks) + 1) if q != p]
        if p < len(chunks):
            pager.append((page_name(p + 1), "Next"))
        (news / page_name(p)).write_text(listing_html([(names[n], HEADLINES[n]) for n in chunk], pager), "utf-8")
    for n, name in enumerate(names):
        (news / name).write_text(article_html(n, (titles or {}).get(n)), "utf-8")
    return root


def links_of(html: str, url: str) -> list[str]:
    return [u.removeprefix("http://academy.example") for u in article_links(Selector(text=html), url)]


@pytest.mark.parametrize("entry", ["/news/index.html", "/news/", "/news/p2.html"])
def test_flat_listing_articles_beside_the_listing_pages(tmp_path, entry):
    flat_site(tmp_path)
    page = "index.html" if entry.endswith("/") else entry.rsplit("/", 1)[1]
    html = (tmp_path / "news" / page).read_text("utf-8")
    first = 0 if page == "index.html" else PER_PAGE
    assert links_of(html, "http://academy.example" + entry) == [
        f"/news/n{n + 1:05d}.html" for n in range(first, first + PER_PAGE)
    ]
    nxt = next_page(Selector(text=html), "http://academy.example" + entry)
    assert nxt == "http://academy.example/news/" + ("p2.html" if first == 0 else "p3.html")


def test_listing_in_a_parent_folder_of_its_articles():
    html = listing_html(
        [(f"/news/2026/0{m}/item-{m}.html", HEADLINES[m]) for m in range(1, 4)], [("/news/page/2/", "Next")]
    )
    assert links_of(html, "http://academy.example/news/") == [f"/news/2026/0{m}/item-{m}.html" for m in range(1, 4)]
    assert next_page(Selector(text=html), "http://academy.example/news/") == "http://academy.example/news/page/2/"


def test_listing_under_a_query():
    links = [(f"/index.php?m=news&id={100 + n}", HEADLINES[n]) for n in range(4)]
    html = listing_html(links, [("/index.php?m=news&page=1", "1"), ("/index.php?m=news&page=3", "Next")])
    found = links_of(html, "http://academy.example/index.php?m=news&page=2")
    assert found == [href for href, _ in links]
    found = links_of(html.replace("/index.php", "/news.php").replace("m=news&", ""), "http://academy.example/news.php")
    assert found == [f"/news.php?id={100 + n}" for n in range(4)]
    assert next_page(Selector(text=html), "http://academy.example/index.php?m=news&page=2") == (
        "http://academy.example/index.php?m=news&page=3"
    )


def test_info_line_is_date_and_source_never_body_or_summary():
    html = article_html(0).replace(
        "</title>",
        "</title><meta name='description' content='Academy opens a laboratory for soil research"
        " Date: 02 April 2026 | Press Office'>",
    )
    item = extract_article(html, "http://academy.example/news/n00001.html")
    assert item["title"] == "Academy opens a laboratory for soil research"
    assert item["published_raw"] == "02 April 2026" and item["source"] == "Press Office"
    assert "Date:" not in item["body"] and "Press Office" not in item["body"]
    assert item["body"].startswith("The academy reported on")
    assert item["summary"] is None  # the description held only the title and the info line


def test_source_is_never_the_title():
    html = (
        "<html><head><title>Observatory reopens to visitors after renovation</title>"
        "<meta property='og:site_name' content='Observatory reopens to visitors after renovation'>"
        "<meta property='og:title' content='Observatory reopens to visitors after renovation'></head>"
        "<body><article><h1>Observatory reopens to visitors after renovation</h1>"
        "<p>The observatory reopened its doors to visitors on Saturday after two years of renovation work on"
        " its dome, its telescopes and the exhibition rooms that tell the story of the site.</p></article>"
        "</body></html>"
    )
    assert extract_article(html, "http://academy.example/news/obs.html")["source"] is None


@pytest.mark.parametrize("entry", ["/news/index.html", "/news/"])
def test_flat_listing_crawl_flags_every_article_new_and_a_title_fix_as_title_only(
    tmp_path, crawler, site_server, entry
):
    root = tmp_path / "site"
    flat_site(root / "v1")
    flat_site(root / "v2", titles={2: "Science council publishes its annual review of research funding 2025"})
    server = site_server(root)
    crawl = ["crawl", "--url", server.url + entry, "--name", "flat", "-s", f"HTTPCACHE_DIR={crawler.cache}"]
    crawler.run(*crawl, "-s", "AUTOTHROTTLE_ENABLED=False", check=True)
    with crawler.store() as store:
        run = store.runs(site="flat", limit=1)[0]
        new = {c.url.removeprefix(server.url) for c in store.changes(site="flat") if c.kind == "new"}
        item = store.find_item(server.url + "/news/n00001.html")
    assert run.status == "ok" and run.new == len(HEADLINES)
    assert new == {f"/news/n{n + 1:05d}.html" for n in range(len(HEADLINES))}
    assert (item.published, item.data["source"]) == ("2026-04-02", "Press Office")
    assert "Press Office" not in item.data["body"] and item.data["summary"] is None

    server.set_version("v2")
    crawler.run(*crawl, "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NEWSWATCH_REVISIT_OLDER_HOURS=0", check=True)
    with crawler.store() as store:
        latest = store.runs(site="flat", limit=1)[0]
        flags = [
            (c.kind, c.url.removeprefix(server.url), c.changed_fields)
            for c in store.changes(site="flat")
            if c.run_id == latest.id
        ]
    assert flags == [("updated", "/news/n00003.html", ["title"])]
