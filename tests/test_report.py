"""`newswatch report`: grouping, counts, diffs, filters, each format's structure, hostile text, bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newswatch.changes import changed_fields, field_diff
from newswatch.report import build_report, summarise, web_url
from newswatch.report.render import csv_cell, md_text, to_markdown
from storage import EventLink, ItemWrite

NOW = datetime.now(UTC).replace(microsecond=0)
RECENT, OLD = NOW - timedelta(days=2), NOW - timedelta(days=30)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
LONG_BODY = " ".join(f"word{n}" for n in range(60))
HOSTILE_TITLE = "<script>alert(1)</script> & <img src=x onerror=alert(1)>"
HOSTILE_URL = "javascript:alert(1)"

# -- a store with every kind of change ----------------------------------------------


def item(site: str, n: int, version: int = 1, **extra) -> dict:
    return {
        "id": f"{n:016x}",
        "site": site,
        "url": f"https://{site}.example/news/{n}.html",
        "canonical_url": None,
        "title": f"{site.upper()} article {n}",
        "published": "2026-10-01",
        "source": site.upper(),
        "section": ["News"],
        "summary": None,
        "body": f"Body of article {n}.",
        "images": [],
        "content_hash": f"{n:060x}{version:04x}",
        "extractor_version": "1",
        "fetched_at": NOW.isoformat(),
        **extra,
    }


def updated(old: dict, **changes) -> ItemWrite:
    """A real "updated" write: changed fields and word diff computed as the pipeline does."""
    new = {**old, **changes, "content_hash": old["content_hash"][:-4] + "ffff"}
    fields = changed_fields(old, new)
    return ItemWrite(new, "updated", RECENT, fields, field_diff(old, new, fields))


def populate(store) -> None:
    """cae: 2 new, 1 updated, 1 removed, 1 reappeared in the last week (+3 older new); anso: hostile text."""
    edited = item("cae", 1, body="More than 60 experts took part in the discussions.")
    store.save_items(
        None,
        [ItemWrite(edited, "new", OLD), ItemWrite(item("cae", 4), "new", OLD), ItemWrite(item("cae", 5), "new", OLD)],
    )
    store.save_items(
        None,
        [
            ItemWrite(item("cae", 2, body=LONG_BODY, published="2026-11-20"), "new", RECENT),
            ItemWrite(item("cae", 3, summary="Short  summary.", body=LONG_BODY), "new", RECENT),
        ],
    )
    store.save_items(
        None,
        [
            updated(
                edited,
                published="2026-10-02",
                body="More than 90 experts took part in the discussions, in person and online.",
            )
        ],
    )
    store.mark_removed(None, [item("cae", 4)["id"]], RECENT)
    store.mark_removed(None, [item("cae", 5)["id"]], OLD)
    store.save_items(None, [ItemWrite(item("cae", 5), "reappeared", RECENT + timedelta(hours=1))])
    hostile = item("anso", 7, title=HOSTILE_TITLE, url=HOSTILE_URL, summary='<a href="javascript:x">click</a>')
    formula = item("anso", 8, title='=HYPERLINK("http://evil.example","x")', body="<b>bold</b>")
    store.save_items(None, [ItemWrite(hostile, "new", RECENT), ItemWrite(formula, "new", RECENT)])
    store.save_items(None, [updated(formula, body="<script>alert(2)</script> <b>bold</b>")])
    event = {
        "name": "Global Engineering Education Summit",
        "acronym": "GEES",
        "type": "conference",
        "start": "2026-11-01",
        "end": "2026-11-03",
        "location": {"venue": None, "city": "Hangzhou", "country": "CN"},
        "mode": "hybrid",
        "organisers": [{"name": "CAE", "role": "host"}],
        "participants": [],
        "attendance": None,
    }
    store.save_event_links([EventLink(item_id=item("cae", 2)["id"], site="cae", event=event)], at=RECENT)
    store.save_event_links(
        [
            EventLink(
                item_id=item("anso", 7)["id"],
                site="anso",
                linked_by="text",
                similarity=0.91,
                event_id=f"ev-{item('cae', 2)['id']}",
                event=event,
            )
        ],
        at=RECENT,
    )
    store.save_event_links(
        [EventLink(item_id=item("cae", 1)["id"], site="cae", event={"name": "Old forum", "type": "forum"})], at=OLD
    )


@pytest.fixture
def db(store, store_url) -> str:
    """The URL of a populated database on each backend."""
    populate(store)
    return store_url


def newswatch(db: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", db, "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_error_line(done: subprocess.CompletedProcess, code: int, *phrases: str) -> str:
    assert done.returncode == code, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    for phrase in phrases:
        assert phrase in lines[0]
    return lines[0]


# -- the data ------------------------------------------------------------------------


def test_report_groups_by_site_and_counts_each_kind_in_the_period(store):
    populate(store)
    report = build_report(store, since=NOW - timedelta(days=7))
    assert [s.site for s in report.sites] == ["anso", "cae"]
    anso, cae = report.sites
    assert cae.counts == {"new": 2, "updated": 1, "removed": 1, "reappeared": 1}
    assert anso.counts == {"new": 2, "updated": 1, "removed": 0, "reappeared": 0}
    assert report.total == 8
    assert {e.title for e in cae.new} == {"CAE article 2", "CAE article 3"}
    new = {e.title: e for e in cae.new}
    assert new["CAE article 2"].published == "2026-11-20"
    assert new["CAE article 2"].summary == " ".join(LONG_BODY.split()[:40]) + " …"
    assert new["CAE article 3"].summary == "Short summary."
    [upd] = cae.updated
    assert upd.changed_fields == ["published", "body"] and upd.published == "2026-10-02"
    diff = {c.field: c for c in upd.diff}
    assert (diff["published"].old, diff["published"].new) == ("2026-10-01", "2026-10-02")
    assert ["-", "60"] in diff["body"].words and ["+", "90"] in diff["body"].words
    assert [e.title for e in cae.removed] == ["CAE article 4"]
    assert [e.title for e in cae.reappeared] == ["CAE article 5"]
    [event] = report.events  # the old forum was updated before the period
    assert (event.name, event.acronym, event.city, event.country, event.organisers) == (
        "Global Engineering Education Summit",
        "GEES",
        "Hangzhou",
        "CN",
        ["CAE"],
    )
    assert sorted((s.site, s.linked_by) for s in event.sources) == [("anso", "text"), ("cae", "self")]


def test_since_and_site_filter_the_report(store):
    populate(store)
    everything = build_report(store, since=None)
    assert everything.sites[1].counts == {"new": 5, "updated": 1, "removed": 2, "reappeared": 1}
    assert {e.name for e in everything.events} == {"Global Engineering Education Summit", "Old forum"}
    only_cae = build_report(store, since=NOW - timedelta(days=7), site="cae")
    assert [s.site for s in only_cae.sites] == ["cae"]
    assert [e.name for e in only_cae.events] == ["Global Engineering Education Summit"]
    nothing_yet = build_report(store, since=NOW + timedelta(minutes=1), site="anso")
    assert [(s.site, sum(s.counts.values())) for s in nothing_yet.sites] == [("anso", 0)]
    assert build_report(store, since=NOW + timedelta(minutes=1)).sites == []


def test_summary_is_the_items_else_the_first_forty_words_of_its_body():
    assert summarise({"summary": "  A  summary. ", "body": "x"}) == "A summary."
    assert summarise({"summary": None, "body": "one two\n\nthree"}) == "one two three"
    assert summarise({"body": LONG_BODY}).endswith("word39 …")
    assert summarise({"summary": "", "body": ""}) is None


@pytest.mark.parametrize(
    "url, linked",
    [
        ("https://en.cae.cn/a_1.html", True),
        ("HTTP://x.org/a?b=1&c=<2>", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" https://x.org", False),
        ("java\tscript:alert(1)", False),
        ("https://x.org/a b", False),
        ("data:text/html,<script>", False),
        ("//evil.example", False),
        ("ftp://x.org", False),
        (None, False),
        ("", False),
    ],
)
def test_only_plain_http_urls_are_linked(url, linked):
    assert (web_url(url) is not None) is linked


def test_markdown_and_csv_helpers_neutralise_scraped_text():
    assert md_text("<script>*x*</script> [a](javascript:b)") == r"\<script\>\*x\*\</script\> \[a\](javascript:b)"
    assert [md_text(t) for t in ("- x", "12. x", "# x", "a-b &amp;", "2026-10-01")] == [
        r"\- x",
        r"12\. x",
        r"\# x",
        r"a-b \&amp;",
        "2026-10-01",
    ]
    assert [csv_cell(v) for v in ("=1+1", "+1", "-2", "@A1", "plain", None)] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@A1",
        "plain",
        "",
    ]


# -- the formats, through the command -------------------------------------------------


def test_json_is_the_documented_structure(db):
    before = datetime.now(UTC).replace(microsecond=0)
    data = json.loads(ok(newswatch(db, "--format", "json")))
    after = datetime.now(UTC)
    assert set(data) == {"generated_at", "since", "site", "sites", "events"}
    # The default window is the 7 days before the command ran, however long the suite has been running.
    assert before - timedelta(days=7) <= datetime.fromisoformat(data["since"]) <= after - timedelta(days=7)
    cae = next(s for s in data["sites"] if s["site"] == "cae")
    assert set(cae) == {"site", "institution", "counts", "new", "updated", "removed", "reappeared"}
    assert cae["counts"] == {"new": 2, "updated": 1, "removed": 1, "reappeared": 1}
    [upd] = cae["updated"]
    assert set(upd) == {
        "kind",
        "item_id",
        "url",
        "title",
        "published",
        "detected_at",
        "summary",
        "changed_fields",
        "diff",
    }
    body = next(d for d in upd["diff"] if d["field"] == "body")
    assert ["-", "60"] in body["words"] and ["+", "90"] in body["words"]
    assert data["events"][0]["name"] == "Global Engineering Education Summit"
    assert {s["site"] for s in data["events"][0]["sources"]} == {"cae", "anso"}


def test_csv_has_one_row_per_change_and_defuses_formulas(db):
    rows = list(csv.DictReader(io.StringIO(ok(newswatch(db, "--format", "csv")))))
    assert list(rows[0]) == ["site", "kind", "detected_at", "item_id", "url", "title", "published", "changed_fields"]
    assert len(rows) == 8 and [r["site"] for r in rows] == ["anso"] * 3 + ["cae"] * 5
    assert [r["kind"] for r in rows if r["site"] == "cae"] == ["new", "new", "updated", "removed", "reappeared"]
    upd = next(r for r in rows if r["site"] == "cae" and r["kind"] == "updated")
    assert upd["changed_fields"] == "published;body" and upd["published"] == "2026-10-02"
    assert all(not r["title"].startswith(("=", "+", "-", "@")) for r in rows)
    assert any(r["title"].startswith("'=HYPERLINK") for r in rows)


def test_markdown_has_a_heading_per_site_lists_and_fenced_diffs(db):
    text = ok(newswatch(db, "--site", "cae"))
    assert text.startswith("# newswatch report\n")
    assert "## cae\n" in text and "## anso" not in text
    assert "\n2 new · 1 updated · 1 removed · 1 reappeared\n" in text
    assert [h for h in re.findall(r"^### .*", text, re.M)] == [
        "### New (2)",
        "### Updated (1)",
        "### Removed (1)",
        "### Reappeared (1)",
    ]
    fence = re.search(r"^ {4}```text\n(.*?)\n {4}```$", text, re.M | re.S)
    assert fence and "[-60-] {+90+}" in fence[1]
    assert "- **[CAE article 4](https://cae.example/news/4.html)**" in text
    assert "## Events (1)" in text and "**Global Engineering Education Summit (GEES)**" in text


def test_markdown_escapes_hostile_titles_and_links_no_javascript(store):
    populate(store)
    text = to_markdown(build_report(store, since=NOW - timedelta(days=7), site="anso"))
    outside_fences = re.sub(r"^( *)```text\n.*?^\1```$", "", text, flags=re.M | re.S)
    assert not re.search(r"(?<!\\)[<>]", outside_fences) and "](javascript:" not in text
    assert r"\<script\>alert(1)\</script\> \& \<img src=x onerror=alert(1)\>" in text
    assert "(`javascript:alert(1)`)" in text  # shown, not linked
    # the hostile diff is inside a fenced block, where Markdown shows it verbatim
    assert "    ```text\n    {+<script>alert(2)</script>+} <b>bold</b>\n    ```\n" in text


def _html(db: str, *args: str):
    return lxml_html.document_fromstring(ok(newswatch(db, "--format", "html", *args)))


def test_html_is_self_contained_has_no_script_and_shows_word_diffs(db):
    doc = _html(db)
    assert doc.xpath("//script") == [] and doc.xpath("//link") == [] and doc.xpath("//iframe|//object|//embed") == []
    assert [e for e in doc.iter() if isinstance(e.tag, str) and any(a.lower().startswith("on") for a in e.attrib)] == []
    assert doc.xpath("//@src") == []
    hrefs = doc.xpath("//a/@href")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    [csp] = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == CSP
    style = "".join(doc.xpath("//style/text()"))
    assert "@media print" in style and "break-inside: avoid" in style and "attr(href)" in style
    assert "url(" not in style and "@import" not in style
    assert [h.text_content().split(" —")[0] for h in doc.xpath("//section[@class='site']/h2")] == ["anso", "cae"]
    [diff] = [d for d in doc.xpath("//div[@class='diff']") if "experts" in d.text_content()]
    assert [d.text_content() for d in diff.xpath(".//del")] == ["60", "discussions."]
    assert [i.text_content() for i in diff.xpath(".//ins")] == ["90", "discussions, in person and online."]
    cae_updated = doc.xpath("//section[@class='site'][2]//li[contains(@class, 'updated')]")
    assert len(cae_updated) == 1 and "changed: published, body" in cae_updated[0].text_content()


def test_html_escapes_hostile_text_and_shows_non_http_urls_as_text(db):
    page = ok(newswatch(db, "--format", "html", "--site", "anso"))
    doc = lxml_html.document_fromstring(page)
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript' not in page.lower()
    assert doc.xpath("//script|//img") == []
    [title] = [p for p in doc.xpath("//p[@class='title']") if "alert(1)" in p.text_content()]
    assert title.text_content() == f"{HOSTILE_TITLE} {HOSTILE_URL}"  # both shown as text, nothing linked
    assert title.xpath(".//a") == [] and title.xpath("span[@class='url']/text()") == [HOSTILE_URL]
    assert any("<script>alert(2)</script>" in d.text_content() for d in doc.xpath("//div[@class='diff']//ins"))
    assert any(p.text_content() == '<a href="javascript:x">click</a>' for p in doc.xpath("//p[@class='summary']"))


def test_since_site_and_output_file(db, tmp_path):
    older = json.loads(ok(newswatch(db, "--since", "60d", "--format", "json", "--site", "cae")))
    assert [s["site"] for s in older["sites"]] == ["cae"] and older["sites"][0]["counts"]["new"] == 5
    iso = (NOW - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert json.loads(ok(newswatch(db, "--since", iso, "--format", "json")))["since"].startswith(iso)
    empty = json.loads(ok(newswatch(db, "--site", "cas", "--format", "json")))  # a spider, nothing stored yet
    assert [(s["site"], s["counts"]["new"]) for s in empty["sites"]] == [("cas", 0)]

    out = tmp_path / "week.html"
    said = ok(newswatch(db, "-o", str(out)))  # the format follows the extension
    assert said.strip().splitlines() == [f"Wrote the html report (8 changes, 1 event) to {out}"]
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    ok(newswatch(db, "--format", "csv", "-o", str(tmp_path / "week.txt")))
    assert (tmp_path / "week.txt").read_text("utf-8").startswith("site,kind,")


def test_empty_database_says_so(store_url, store):
    assert "No changes." in ok(newswatch(store_url))
    assert json.loads(ok(newswatch(store_url, "--format", "json")))["sites"] == []


@pytest.mark.parametrize(
    "args, code, phrases",
    [
        (("--site", "nope"), 2, ("unknown site 'nope'", "known sites: ", "cae")),
        (("--since", "last tuesday"), 2, ("neither an ISO time",)),
        (("--format", "pdf"), 2, ("'pdf' is not one of",)),
        (("-o", "/proc/no/such/dir/report.md"), 1, ("cannot write the report to /proc/no/such/dir/report.md",)),
        (("-o", "/"), 2, ("is a directory",)),
    ],
)
def test_bad_input_gets_one_line(tmp_path, args, code, phrases):
    one_error_line(newswatch(f"sqlite:///{tmp_path / 'nw.db'}", *args), code, *phrases)


def test_output_under_a_file_gets_one_line(tmp_path):
    (tmp_path / "plain.txt").write_text("x")
    one_error_line(
        newswatch(f"sqlite:///{tmp_path / 'nw.db'}", "-o", str(tmp_path / "plain.txt" / "r.md")),
        1,
        "cannot write the report to",
        "Not a directory",
    )


# -- end to end: a real crawl of the demo site -------------------------------------------


def test_report_after_real_crawls_of_the_demo_site(tmp_path, site_server):
    from newswatch.demo import SITE, crawl_command

    db, server = f"sqlite:///{tmp_path / 'demo.db'}", site_server(SITE)
    for version in ("v1", "v2"):
        server.set_version(version)
        done = subprocess.run(
            crawl_command(db, server.url, tmp_path / "cache"), capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(ok(newswatch(db, "--format", "json", "--since", "1h")))
    [cae] = data["sites"]
    assert cae["institution"] == "Chinese Academy of Engineering"
    assert cae["counts"] == {"new": 10, "updated": 2, "removed": 1, "reappeared": 0}
    assert all(e["summary"] for e in cae["new"])
    assert sorted(f for e in cae["updated"] for f in e["changed_fields"]) == ["body", "title"]
    doc = _html(db, "--since", "1h")
    assert {d.text_content() for d in doc.xpath("//div[@class='diff']//ins")} >= {"90"}
