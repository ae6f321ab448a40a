"""Site spiders on saved pages: one test per article and field, from tests/fixtures/sites/<site>/expected/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.process import finish_item
from newswatch.text import decode_html
from spiders.anso import AnsoSpider
from spiders.cae import CaeSpider
from spiders.cas import CasSpider
from spiders.cast import CastSpider
from spiders.cast_zh import CastZhSpider

SITES = Path(__file__).parent / "fixtures" / "sites"
SPIDERS = {"cae": CaeSpider, "anso": AnsoSpider, "cas": CasSpider, "cast": CastSpider, "cast_zh": CastZhSpider}
#: Page furniture that must never reach a body.
CHROME = (
    "Font size",
    "BigMediumSmall",
    "Share to",
    "Views:",
    "Copyright",
    "Contact Us",
    "Home",
    "Visits:",
    "Page views",
    "Print",
    "Hot News",
)
SEEDS = Path(__file__).parent / "fixtures" / "seeds"  # the two real articles the project started from
FIELDS = (
    "title",
    "published_raw",
    "published",
    "source",
    "section",
    "language",
    "body_starts",
    "body_ends",
    "paragraphs",
    "images",
    "boilerplate",
)


def _cases():
    for site in SPIDERS:
        for path in sorted((SITES / site / "expected").glob("*.json")):
            expected = json.loads(path.read_text("utf-8"))
            for field in FIELDS:
                if field in expected or field == "boilerplate":
                    yield pytest.param(site, expected, field, id=f"{site}:{Path(expected['url_path']).name}:{field}")


def extract(site: str, url_path: str) -> dict:
    """Extract a saved page the way a crawl does (site extraction, then the pure pipeline steps)."""
    spider = SPIDERS[site]
    html, _ = decode_html((SITES / site / "v1" / url_path.lstrip("/")).read_bytes(), None)
    url = spider.base_url + url_path
    raw = spider.extract_html(html, url)
    raw["url"] = url
    raw["language"] = raw.get("language") or spider.language
    return finish_item(raw, spider.timezone, (raw["language"],), spider.day_first)


@pytest.mark.parametrize("site, expected, field", list(_cases()))
def test_field(site, expected, field):
    item = extract(site, expected["url_path"])
    body = item["body"]
    if field == "body_starts":
        assert body.startswith(expected[field])
    elif field == "body_ends":
        assert body.endswith(expected[field])
    elif field == "paragraphs":
        assert len(body.split("\n\n")) == expected[field]
    elif field == "images":
        base = SPIDERS[site].base_url
        assert [i["url"] for i in item["images"]] == [base + p for p in expected[field]]
    elif field == "boilerplate":
        for chrome in CHROME:
            assert chrome not in body, chrome
    else:
        assert item[field] == expected[field]


def _expected(site: str) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((SITES / site / "expected").glob("*.json"))]


@pytest.mark.parametrize("site", sorted(SPIDERS))
def test_every_article_matches_the_spider_and_has_expectations(site):
    """Each saved article URL is recognised as this site's article, and each has an expected file."""
    spider = SPIDERS[site]
    pages = {
        "/" + p.relative_to(SITES / site / "v1").as_posix()
        for p in (SITES / site / "v1").rglob("*")
        if p.is_file() and not p.name.startswith(("_", "index", "robots", "column_")) and p.suffix != ".json"
    }
    assert pages == {e["url_path"] for e in _expected(site)}
    assert all(spider.matches(spider.base_url + p) for p in pages)
    assert not spider.matches(spider.base_url + "/")


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


def _words(text: str) -> list[str]:
    return text.replace("\u2019", "'").split()


def test_cae_seed_article_body_is_the_seed_text():
    """The seed text is the page's visible text: head (breadcrumb, title, Published/Source/Font size), then body."""
    item = extract("cae", "/cae/html/en/col2061/2020-11/09/20201109153032987_1.html")
    seed = _seed("000")
    start = seed.index("The 2nd World Science and Technology Development Forum (WSTDF 2020)")
    assert _words(item["body"]) == _words(seed[start:])
    assert (item["title"], item["published"], item["source"]) == (
        "The 2nd World Science and Technology Development Forum Held in Beijing",
        "2020-11-09",
        "CAE",
    )
    assert item["section"] == ["International Cooperation", "Networking / Partnership", "Multilateral Collaboration"]


def test_anso_seed_article_body_is_the_seed_text():
    item = extract("anso", "/news/anso/202009/t20200922_586411.html")
    seed = _seed("004")
    start = seed.index("On 18 September 2020")
    end = seed.rindex("Thailand Investment in Genomics.") + len("Thailand Investment in Genomics.")
    assert _words(item["body"]) == _words(seed[start:end])
    assert item["title"] == (
        "ANSO Co-hosts the High-Level Workshop of International Research Institutions in Zhongguancun Forum 2020"
    )
    assert item["published"].startswith("2020-09-22T") and item["published"].endswith("+08:00")
    assert item["source"] == "ANSO"
