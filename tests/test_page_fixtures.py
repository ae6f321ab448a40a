"""Page fixtures: one test per saved page and expected field, from tests/fixtures/pages/<site>/<case>/."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from newswatch.pagefixtures import coverage, extract_fixture, load_fixtures, save_fixture

PAGES = Path(__file__).parent / "fixtures" / "pages"
FIXTURES = {(f.site, f.case): f for f in load_fixtures(PAGES)}
CAE_PAGE = (
    Path(__file__).parent
    / "fixtures"
    / "sites"
    / "cae"
    / "v1"
    / "cae"
    / "html"
    / "en"
    / "col2003"
    / "2021-09"
    / "07"
    / "20210907110508433_1.html"
)
CAE_URL = "https://en.cae.cn/cae/html/en/col2003/2021-09/07/20210907110508433_1.html"


@cache
def extracted(site: str, case: str) -> dict:
    """A fixture's extraction, once per fixture however many fields are checked."""
    return extract_fixture(FIXTURES[site, case])


def _cases():
    for (site, case), fixture in FIXTURES.items():
        for field in fixture.expected:
            yield pytest.param(site, case, field, id=f"{site}:{case}:{field}")


@pytest.mark.parametrize("site, case, field", list(_cases()))
def test_field(site, case, field):
    item = extracted(site, case)
    assert item.get(field) == FIXTURES[site, case].expected[field]


def test_the_example_fixture_is_discovered():
    assert ("cae", "offshore-wind-workshop") in FIXTURES


def test_save_then_load_round_trips(tmp_path):
    body = CAE_PAGE.read_bytes()
    when = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    folder = save_fixture(
        tmp_path, "cae", "training", CAE_URL, body, {"Content-Type": "text/html; charset=utf-8"}, when
    )
    assert folder == tmp_path / "cae" / "training"
    assert sorted(p.name for p in folder.iterdir()) == ["body.html", "expected.json", "meta.json"]
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta == {
        "url": CAE_URL,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "fetched_at": "2026-11-20T08:00:00+00:00",
        "status": 200,
    }
    [fixture] = load_fixtures(tmp_path)
    assert (fixture.site, fixture.case, fixture.url, fixture.body) == ("cae", "training", CAE_URL, body)
    assert "fetched_at" not in fixture.expected
    assert fixture.expected["title"] == "International Training Programme for Young Engineers Opens Online"
    assert fixture.expected["published"] == "2021-09-07"
    item = extract_fixture(fixture)
    assert {k: v for k, v in item.items() if k != "fetched_at"} == fixture.expected


def test_body_is_decoded_with_the_declared_charset(tmp_path):
    html = (
        '<html lang="en"><body><div class="article"><h1>Caf\u00e9 \u00e0 Paris</h1>'
        '<div id="zoom"><p>Text.</p></div></div></body></html>'
    )
    folder = save_fixture(
        tmp_path,
        "cae",
        "latin",
        CAE_URL,
        html.encode("latin-1"),
        {"content-type": "text/html; charset=ISO-8859-1"},
        datetime.now(UTC),
    )
    assert json.loads((folder / "expected.json").read_text("utf-8"))["title"] == "Caf\u00e9 \u00e0 Paris"


def test_coverage_counts_filled_fields_and_unparsed_dates(tmp_path):
    when = datetime(2026, 11, 20, tzinfo=UTC)
    headers = {"Content-Type": "text/html; charset=utf-8"}
    save_fixture(tmp_path, "cae", "full", CAE_URL, CAE_PAGE.read_bytes(), headers, when)
    bare = (
        b'<html><body><div class="article"><h1>Only a title</h1><div class="info"><ul>'
        b"<li>Published: sometime soon</li></ul></div></div></body></html>"
    )
    save_fixture(tmp_path, "cae", "bare", CAE_URL.replace("07110508433", "07110508434"), bare, headers, when)
    report = coverage(load_fixtures(tmp_path))["cae"]
    assert report["total"] == 2
    assert report["fields"]["title"] == {"filled": 2, "empty": []}
    assert report["fields"]["body"] == {"filled": 1, "empty": ["bare"]}
    assert report["fields"]["source"] == {"filled": 1, "empty": ["bare"]}
    assert report["fields"]["summary"] == {"filled": 0, "empty": ["bare", "full"]}
    assert report["unparsed_dates"] == [{"case": "bare", "published_raw": "sometime soon"}]
    assert report["errors"] == {}


def test_unknown_site_is_an_error(tmp_path):
    with pytest.raises(LookupError, match="unknown site 'nope'"):
        save_fixture(tmp_path, "nope", "x", CAE_URL, b"<html></html>", {}, datetime.now(UTC))
