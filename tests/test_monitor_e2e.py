"""End to end: the demo site in four versions, crawled after each change; exactly the expected flags.

v1 8 articles · v2 new N1 N2, edited body A, corrected title B, withdrawn C, cosmetic-only D E F G H
· v3 listing page 2 and F answer 500, A answers 404: the run fails and flags nothing · v4 healthy, C back.
(newswatch/demo/site/CHANGES.md describes each version.)
"""

from __future__ import annotations

import pytest
from conftest import Crawler

from newswatch.demo import SITE
from newswatch.fixtureserver import serve

P = "/cae/html/en/col2003/"
A, B, C, D, E, F, G, H = (
    P + x
    for x in (
        "2026-10/15/20261015101233418_1.html",
        "2026-09/30/20260930150812064_1.html",
        "2026-09/18/20260918092547733_1.html",
        "2026-09/02/20260902113405291_1.html",
        "2026-08/20/20260820164118502_1.html",
        "2026-10/27/20261027093512345_1.html",
        "2026-08/05/20260805140327816_1.html",
        "2026-07/21/20260721085956147_1.html",
    )
)
N1, N2 = P + "2026-11/12/20261112103044709_1.html", P + "2026-11/05/20261105141520388_1.html"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Crawl v1..v4 once; per version: the crawl's exit code, its run record and its changes."""
    tmp = tmp_path_factory.mktemp("e2e")
    crawler = Crawler(db=f"sqlite:///{tmp / 'nw.db'}", cache=tmp / "httpcache")
    out = {}
    with serve(SITE) as server:
        for version in ("v1", "v2", "v3", "v4"):
            server.set_version(version)
            server.clear_log()
            done = crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003")
            with crawler.store() as store:
                run = store.runs(site="cae", limit=1)[0]
                changes = [c for c in store.changes(site="cae") if c.run_id == run.id]
            out[version] = {
                "rc": done.returncode,
                "stderr": done.stderr,
                "stdout": done.stdout,
                "run": run,
                "changes": {(c.kind, c.url.removeprefix(server.url)): c for c in changes},
                "requests": list(server.requests),
            }
    out["crawler"] = crawler
    return out


def kinds(history, version):
    return sorted(history[version]["changes"])


def test_first_crawl_flags_every_article_new(history):
    v1 = history["v1"]
    assert v1["rc"] == 0, v1["stderr"][-2000:]
    assert v1["run"].status == "ok"
    assert kinds(history, "v1") == sorted(("new", u) for u in (A, B, C, D, E, F, G, H))
    assert "Crawl summary" in v1["stdout"]


def test_new_articles_are_flagged_new(history):
    assert {u for k, u in history["v2"]["changes"] if k == "new"} == {N1, N2}


def test_edited_body_is_flagged_updated_with_a_word_diff(history):
    change = history["v2"]["changes"][("updated", A)]
    assert change.changed_fields == ["body"]
    added = " ".join(text for op, text in change.diff["body"]["words"] if op == "+")
    removed = " ".join(text for op, text in change.diff["body"]["words"] if op == "-")
    assert "90" in added and "in person and online" in added and "first draft of the guidelines" in added
    assert "60" in removed


def test_corrected_title_is_flagged_updated(history):
    change = history["v2"]["changes"][("updated", B)]
    assert change.changed_fields == ["title"]
    assert change.diff["title"]["words"] == [
        ["=", "Global Engineering Education Summit"],
        ["-", "2025"],
        ["+", "2026"],
        ["=", "Opens in Hangzhou"],
    ]


def test_withdrawn_article_is_flagged_removed(history):
    assert ("removed", C) in history["v2"]["changes"]


def test_cosmetic_changes_are_not_changes(history):
    v2 = history["v2"]
    assert v2["rc"] == 0 and v2["run"].status == "ok"
    assert kinds(history, "v2") == sorted([("new", N1), ("new", N2), ("updated", A), ("updated", B), ("removed", C)])
    assert (v2["run"].new, v2["run"].updated, v2["run"].removed) == (2, 2, 1)


def test_unchanged_pages_answer_304_and_are_not_reextracted(history):
    statuses = {path: status for _, path, status in history["v2"]["requests"]}
    assert statuses[G] == 200 and statuses[D] == 200  # rewritten (footer, whitespace): fetched, not flagged
    v4 = {path: status for _, path, status in history["v4"]["requests"]}
    assert v4[N1] == 304 and v4[B] == 304
    assert history["v4"]["run"].stats.get("newswatch/article/not_modified", 0) >= 6


def test_failed_crawl_flags_no_removals_and_is_recorded_failed(history):
    v3 = history["v3"]
    assert v3["rc"] == 1
    assert v3["run"].status == "failed"
    assert v3["changes"] == {}
    assert v3["run"].removed == 0
    statuses = {path: status for _, path, status in v3["requests"]}
    assert statuses[A] == 404  # would be a removal after a clean crawl


def test_reappeared_article_is_flagged_reappeared(history):
    v4 = history["v4"]
    assert v4["rc"] == 0 and v4["run"].status == "ok"
    assert kinds(history, "v4") == [("reappeared", C)]


def test_changes_command_lists_flags_as_json_and_csv(history):
    import csv
    import io
    import json

    crawler = history["crawler"]
    rows = json.loads(
        crawler.run("changes", "--site", "cae", "--kind", "updated,removed", "--format", "json", check=True).stdout
    )
    assert sorted((r["kind"], r["url"].rsplit("/", 1)[-1]) for r in rows) == sorted(
        [("removed", C.rsplit("/", 1)[-1]), ("updated", A.rsplit("/", 1)[-1]), ("updated", B.rsplit("/", 1)[-1])]
    )
    for row in rows:
        assert {"kind", "site", "url", "title", "detected_at", "changed_fields"} <= set(row)
    table = list(csv.DictReader(io.StringIO(crawler.run("changes", "--format", "csv", check=True).stdout)))
    assert len(table) == 8 + 5 + 1 and {r["kind"] for r in table} == {"new", "updated", "removed", "reappeared"}
    assert (
        crawler.run("changes", "--since", "1h", "--kind", "reappeared", "--format", "json", check=True).stdout.count(
            '"kind"'
        )
        == 1
    )


def test_show_prints_versions_and_word_diff(history):
    crawler = history["crawler"]
    with crawler.store() as store:
        item = next(c for c in store.changes(kinds=["updated"]) if c.url.endswith(A))
    out = crawler.run("show", item.url, check=True).stdout
    assert "version 1" in out and "version 2" in out
    assert "[-60-]" in out.replace(" experts", "") or "[-60" in out
    assert "{+90" in out
    missing = crawler.run("show", "https://nowhere.example/x")
    assert missing.returncode == 1 and missing.stderr.strip().count("\n") == 0 and "no stored item" in missing.stderr


def test_a_changed_extractor_rebaselines_instead_of_flagging(tmp_path, site_server):
    """Items stored by an older extractor: their edits in v2 are stored as versions, not flagged."""
    import sqlite3

    crawler = Crawler(db=f"sqlite:///{tmp_path / 'nw.db'}", cache=tmp_path / "httpcache")
    server = site_server(SITE)
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    with sqlite3.connect(tmp_path / "nw.db") as conn:  # as if the stored copies came from cae-0
        conn.execute(
            "UPDATE items SET extractor_version = 'cae-0.core-1', "
            "data = json_set(data, '$.extractor_version', 'cae-0.core-1')"
        )
    server.set_version("v2")
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        flagged = sorted((c.kind, c.url.removeprefix(server.url)) for c in store.changes() if c.run_id == run.id)
        assert flagged == sorted([("new", N1), ("new", N2), ("removed", C)])  # no "updated"
        edited = store.find_item(server.url + A)
        assert [v.version for v in store.versions(edited.id)] == [1, 2]  # the new text is kept
        assert run.stats["newswatch/diff/rebaselined"] == 2
