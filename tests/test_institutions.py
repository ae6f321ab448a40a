"""Institutions watched by generic extraction (spiders/institutions.py), crawled on saved sites.

Each institution has a saved site under tests/fixtures/institutions/<name>/v1/ at the path of
its start_url, and tests/fixtures/institutions/<name>/expected.json with what its pages say:
the listed articles (path, title, publication date, first sentence), the listing pages, the
sidebar links that are not listing items and the chrome text no article body may contain.
A site on which the generic extraction is known to go wrong says how under "known_weakness";
its crawl test is an expected failure (strict: it fails once the extraction handles the page).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spiders.institutions import LIVE_CHECKED

ROOT = Path(__file__).parent.parent
INSTITUTIONS = Path(__file__).parent / "fixtures" / "institutions"
NAMES = ["nas", "royalsociety", "ras", "oeaw", "tubitak", "jst", "nstda", "isc", "unesco", "wfeo"]


def expected(name: str) -> dict:
    return json.loads((INSTITUTIONS / name / "expected.json").read_text("utf-8"))


def test_every_institution_has_a_saved_site():
    assert sorted(p.name for p in INSTITUTIONS.iterdir() if p.is_dir()) == sorted(NAMES)


def test_scrapy_lists_the_institutions():
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    listed = done.stdout.split()
    assert set(NAMES) <= set(listed), done.stderr[-2000:]


def test_newswatch_sites_shows_the_institutions(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", f"sqlite:///{tmp_path / 'nw.db'}", "sites", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    for name in NAMES:
        assert rows[name]["live_checked"] == LIVE_CHECKED
        assert rows[name]["institution"] and rows[name]["acronym"]


@pytest.mark.parametrize("name", NAMES)
def test_spider_declares_institution_and_listing(name):
    from newswatch.crawling.runner import spider_classes

    cls = spider_classes()[name]
    assert cls.start_url == expected(name)["start_url"]
    assert set(cls.institution) == {"name", "acronym", "former_names", "country"}
    country = cls.institution["country"]
    assert country is None or (len(country) == 2 and country.isupper())
    assert cls.matches(cls.start_url)


def _crawl_cases():
    for name in NAMES:
        weakness = expected(name).get("known_weakness")
        marks = [pytest.mark.xfail(strict=True, reason=weakness)] if weakness else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_crawl_cases()))
def test_crawl_stores_exactly_the_listed_articles(name, crawler, site_server):
    want = expected(name)
    server = site_server(INSTITUTIONS / name)
    done = crawler.crawl(name, server.url, check=True)
    requested = {path.split("?", 1)[0] for _, path, _ in server.requests}
    assert set(want["listing_pages"]) <= requested

    with crawler.store() as store:
        run = store.runs(site=name, limit=1)[0]
        assert run.status == "ok", (run, done.stderr[-3000:])
        stored = {c.url.removeprefix(server.url) for c in store.changes(site=name)}
        assert stored == {a["path"] for a in want["articles"]}, done.stderr[-3000:]
        assert run.new == len(want["articles"])
        for article in want["articles"]:
            item = store.find_item(server.url + article["path"])
            assert item.title == article["title"]
            assert item.published == article["published"], article["path"]
            body = item.data["body"]
            assert article["first_sentence"] in body
            for chrome in want["chrome"]:
                assert chrome not in body, (article["path"], chrome)
    assert not set(want["not_articles"]) & requested  # sidebar links are not listing items
