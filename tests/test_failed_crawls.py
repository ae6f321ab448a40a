"""A failed crawl flags no removals and is recorded as failed: timeouts and empty listings on HTTP 200."""

from __future__ import annotations

import json
import shutil

import pytest

from newswatch.demo import SITE

LISTING1 = "/cae/html/en/col2003/column_2003_1.html"
LISTING2 = "/cae/html/en/col2003/column_2003_2.html"
C = "/cae/html/en/col2003/2026-09/18/20260918092547733_1.html"  # listed on page 1 of v1


def _site(tmp_path, breakage: dict, empty_listing: bool = False):
    """Demo v1, then a v2 where C is withdrawn (404) and the crawl itself goes wrong."""
    root = tmp_path / "site"
    shutil.copytree(SITE / "v1", root / "v1")
    (root / "v2").mkdir()
    (root / "v2" / "_responses.json").write_text(json.dumps({C: {"status": 404}, **breakage}))
    if empty_listing:  # the CMS serves its frame, without the list: HTTP 200 and no article links
        page = (root / "v1" / LISTING2.lstrip("/")).read_text("utf-8")
        start, end = page.index('<ul class="news_list">'), page.index("</ul>") + len("</ul>")
        (root / "v2" / LISTING2.lstrip("/")).parent.mkdir(parents=True)
        (root / "v2" / LISTING2.lstrip("/")).write_text(page[:start] + page[end:], "utf-8")
    return root


@pytest.mark.parametrize(
    "case, breakage, empty, settings, log",
    [
        ("timeout", {LISTING2: {"delay": 4}}, False, ("DOWNLOAD_TIMEOUT=1", "RETRY_TIMES=0"), "took longer than 1"),
        ("empty listing", {}, True, (), "has no article links"),
    ],
)
def test_failed_crawl_flags_no_removals(tmp_path, crawler, site_server, case, breakage, empty, settings, log):
    server = site_server(_site(tmp_path, breakage, empty))
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    server.set_version("v2")
    done = crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", *settings)
    assert done.returncode == 1, done.stderr[-2000:]
    assert log in done.stderr
    assert ("GET", C, 404) in server.requests  # the withdrawn page was seen gone…
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.status == "failed" and run.removed == 0  # …and still nothing is flagged removed
        assert store.changes(site="cae", kinds=["removed"]) == []
        assert store.find_item(server.url + C).status == "active"
