"""Field-level fallback: what a site's selectors miss comes from the generic extraction, is counted,
named by the run's health, and a redesign re-baselines its items instead of flagging them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import parsel
import pytest
from conftest import FIXTURE_SITES, Crawler

from newswatch.fallback import fill_missing, missed
from newswatch.health import classify, explain
from spiders.cae import CaeSpider

CAE = FIXTURE_SITES / "cae" / "v1"
CRAWLED = ("col2003", "col2061")
SECTIONS = "NEWSWATCH_SECTIONS=" + ",".join(CRAWLED)
ARTICLE = "/cae/html/en/col2003/2023-06/25/20230625093015120_1.html"
#: The redesign: the same articles, every class name and id the CAE selectors know renamed.
RENAMED = {
    'class="article"': 'class="news-detail"',
    '<div class="info">': '<div class="meta-bar">',
    'id="zoom"': 'id="detail-text"',
    'class="content"': 'class="detail-content"',
    '<div class="position">': '<div class="crumbs">',
}


#: ... and pictures with their captions set as figures.
CAPTIONED = re.compile(r'<p style="text-align:center">(<img [^>]*>)</p><p style="text-align:center">([^<]*)</p>')


def redesign(html: str) -> str:
    for old, new in RENAMED.items():
        assert old in html, old
        html = html.replace(old, new)
    return CAPTIONED.sub(r"<figure>\1<figcaption>\2</figcaption></figure>", html)


def article_html() -> str:
    return (CAE / ARTICLE.lstrip("/")).read_text("utf-8")


def test_selectors_that_find_everything_never_run_the_generic_extraction():
    raw = CaeSpider.extract_page(parsel.Selector(text=article_html()), "https://en.cae.cn" + ARTICLE)

    def unused():
        raise AssertionError("the page was handed to the generic extraction")

    assert fill_missing(raw, unused, "https://en.cae.cn" + ARTICLE, "+08:00") == []


def test_fields_the_selectors_miss_come_from_the_generic_extraction():
    url = "https://en.cae.cn" + ARTICLE
    old, old_fallback = CaeSpider.extract_html_fields(article_html(), url)
    new, new_fallback = CaeSpider.extract_html_fields(redesign(article_html()), url)
    assert old_fallback == [] and new_fallback == ["body", "date"]
    assert new["published_raw"] == "June 25, 2023" and new["source"] == "China Daily"
    assert new["title"] == old["title"]
    assert new["body"].startswith("The Global Engineering Frontiers Forum 2023, co-hosted by")
    assert "organizers said the report is intended" in new["body"]
    assert CaeSpider.version_tag(new_fallback).endswith("+generic:body,date")
    assert CaeSpider.version_tag([]) == CaeSpider.version_tag()


def test_a_date_that_does_not_parse_is_a_miss_and_an_empty_body_list_too():
    assert missed({"title": "T", "body": ["x"], "published_raw": "Font size: Big"}) == ["date"]
    assert missed({"title": " ", "body": ["", " "], "published_raw": "Jun 25, 2023"}) == ["title", "body"]
    assert missed({"title": "T", "body": "x", "published_raw": "03 06, 2024"}, day_first=True) == []


def redesigned_site(root: Path) -> Path:
    """The CAE fixture site as v1, and v2 with every article page redesigned."""
    shutil.copytree(CAE, root / "v1")
    for page in (root / "v1").rglob("*_1.html"):
        if page.name.startswith("column_"):
            continue  # listings keep their markup
        if not any(f"/{section}/" in page.as_posix() for section in CRAWLED):
            continue  # sections this test does not crawl (col2010's event pages have a layout of their own)
        target = root / "v2" / page.relative_to(root / "v1")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redesign(page.read_text("utf-8")), encoding="utf-8")
    return root


def test_a_redesign_re_baselines_every_item_complete_and_health_names_spider_and_field(
    store_url, tmp_path, site_server
):
    crawler = Crawler(db=store_url, cache=tmp_path / "httpcache")
    server = site_server(redesigned_site(tmp_path / "site"))
    crawler.crawl("cae", server.url, SECTIONS, check=True)
    with crawler.store() as store:
        before = {known.url: store.get_item(known.id).data for known in store.known_items("cae").values()}
    assert len(before) == 9

    server.set_version("v2")
    crawler.crawl("cae", server.url, SECTIONS, check=True)
    crawler.crawl("cae", server.url, SECTIONS, check=True)  # the redesign is now the baseline
    with crawler.store() as store:
        first, redesigned, again = reversed(store.runs(site="cae"))
        flags = [c for c in store.changes(site="cae") if c.run_id != first.id]
        after = {known.url: store.get_item(known.id).data for known in store.known_items("cae").values()}
    assert flags == []
    assert (redesigned.updated, redesigned.new, redesigned.removed) == (0, 0, 0)
    assert after.keys() == before.keys()
    for url, item in after.items():
        assert item["title"] == before[url]["title"]
        assert item["published"] == before[url]["published"], url
        assert item["source"] == before[url]["source"], url
        assert len(item["body"]) > 200
    # Where the new markup changed what was extracted, the item was re-baselined, not flagged.
    reextracted = [url for url in after if after[url]["body"] != before[url]["body"]]
    assert reextracted and redesigned.stats["newswatch/changes/rebaselined"] == len(reextracted)
    assert redesigned.stats["newswatch/changes/unchanged"] == 9 - len(reextracted)
    assert all(after[url]["extractor_version"].endswith("+generic:body,date") for url in reextracted)
    assert classify(redesigned) == "layout_changed"
    assert explain(redesigned) == (
        "cae: selectors for body missed on 9 of 9, for date on 9 of 9 articles; generic extraction used"
    )
    assert classify(first) == "ok" and "selectors" not in explain(first)
    assert (again.updated, again.new, again.removed) == (0, 0, 0)

    rows = json.loads(crawler.run("runs", "--site", "cae", "--format", "json", check=True).stdout)
    assert rows[1]["fallback"] == {"pages": 9, "fields": {"body": 9, "date": 9}}
    assert rows[1]["health"] == "layout_changed"
    assert rows[2]["fallback"] == {"pages": 9, "fields": {}}


@pytest.mark.parametrize("site", ["anso", "cas", "cast"])
def test_every_site_spider_falls_back_and_the_generic_spider_does_not(site):
    from newswatch.pagefixtures import spider_for_site
    from spiders.generic import GenericSpider

    assert spider_for_site(site).generic_fallback is True
    assert GenericSpider.generic_fallback is False


def check_live(server, tmp_path) -> list[str]:
    """`newswatch check cae --live` against the local server: the live table's rows by field."""
    root = tmp_path / "checkout"
    shutil.copytree(Path(__file__).parent.parent / "spiders", root / "spiders", dirs_exist_ok=True)
    (root / "tests" / "fixtures" / "pages").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "check", "cae", "--live", "--base-url", server.url, "--articles", "3"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    assert f"cae: 3 live article(s) from {server.url}/cae/html/en/col2003/column_2003_1.html" in done.stdout
    assert re.search(r"┃ field +┃ filled ┃ selectors ┃ fallback ┃ empty in", done.stdout), done.stdout
    rows = [line.replace("│", " ").split() for line in done.stdout.splitlines() if line.startswith("│ ")]
    return [" ".join(cells) for cells in rows]


def test_check_live_says_per_field_how_many_articles_the_selectors_filled_and_how_many_fell_back(tmp_path, site_server):
    server = site_server(redesigned_site(tmp_path / "site"))
    rows = check_live(server, tmp_path)
    assert "title 3/3 3 0" in rows and "body 3/3 3 0" in rows and "published 3/3 3 0" in rows
    server.set_version("v2")
    rows = check_live(server, tmp_path)
    assert "title 3/3 3 0" in rows and "body 3/3 0 3" in rows and "published 3/3 0 3" in rows
    assert "source 3/3 0 3" in rows  # the "Source:" line, read by the generic extraction


def test_an_empty_article_stays_empty_rather_than_filled_with_breadcrumbs_and_headings():
    url = "https://en.cae.cn" + ARTICLE
    html = article_html()
    start, end = html.index('<div class="content" id="zoom">'), html.index('<div class="share">')
    raw, fallback = CaeSpider.extract_html_fields(
        html[:start] + '<div class="content" id="zoom"></div>' + html[end:], url
    )
    assert fallback == ["body"] and raw["body"] == []  # dropped as invalid, never stored with junk
