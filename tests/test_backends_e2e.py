"""The monitor loop on each storage backend: SQLite, and PostgreSQL (required in CI)."""

from __future__ import annotations

from conftest import Crawler

from newswatch.demo import SITE


def test_crawl_flags_changes_on_each_backend(store_url, tmp_path, site_server):
    crawler = Crawler(db=store_url, cache=tmp_path / "httpcache")
    server = site_server(SITE)
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    server.set_version("v2")
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    with crawler.store() as store:
        runs = store.runs(site="cae")
        assert [r.status for r in runs] == ["ok", "ok"]
        kinds = sorted(c.kind for c in store.changes(site="cae") if c.run_id == runs[0].id)
        assert kinds == ["new", "new", "removed", "updated", "updated"]
        assert (runs[0].new, runs[0].updated, runs[0].removed, runs[1].new) == (2, 2, 1, 8)
