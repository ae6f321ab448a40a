"""Bad input: one clear line, a non-zero exit, no traceback, and nothing stored lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.demo import SITE

P = "/cae/html/en/col2003/"
A = P + "2026-10/15/20261015101233418_1.html"
G = P + "2026-08/05/20260805140327816_1.html"


def newswatch(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "newswatch", *(("--db", db) if db else ()), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def one_error_line(done: subprocess.CompletedProcess, code: int, *phrases: str) -> None:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stderr
    for phrase in phrases:
        assert phrase in lines[0]


@pytest.mark.parametrize(
    "args, code, phrases",
    [
        (("crawl", "nope"), 2, ("unknown site 'nope'", "known sites: anso, cae")),
        (("crawl", "--url", "not a url"), 2, ("is not an http(s) URL",)),
        (("crawl", "--url", "ftp://example.org/news"), 2, ("is not an http(s) URL",)),
        (("crawl", "cae", "-s", "NOEQUALS"), 2, ("is not NAME=VALUE",)),
        (("crawl",), 2, ("name the sites to crawl",)),
        (("crawl", "cae", "--all"), 2, ("one of them",)),
        (("crawl", "cae", "-s", "NEWSWATCH_SECTIONS=col9999"), 2, ("unknown section col9999",)),
        (("changes", "--kind", "edited"), 2, ("unknown kind edited",)),
        (("changes", "--since", "last tuesday"), 2, ("neither an ISO time",)),
        (("extract", "/no/such/file.html"), 2, ("does not exist",)),
    ],
)
def test_user_mistakes_get_one_line(tmp_path, args, code, phrases):
    one_error_line(newswatch(*args, db=f"sqlite:///{tmp_path / 'nw.db'}"), code, *phrases)


@pytest.mark.parametrize(
    "db",
    [
        "postgresql+psycopg://postgres:secret@127.0.0.1:9/test",
        "mysql+nodriver://x/y",
        "sqlite:////proc/no/such/dir/nw.db",
    ],
)
def test_unusable_database_gets_one_line_and_hides_the_password(db):
    done = newswatch("changes", db=db)
    one_error_line(done, 1, "cannot open database")
    assert "secret" not in done.stderr


def test_extract_refuses_files_that_are_not_pages(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.7\n\x00\x01\x02binary")
    (tmp_path / "empty.html").write_bytes(b"")
    one_error_line(newswatch("extract", str(tmp_path / "x.pdf")), 1, "not an HTML page")
    one_error_line(newswatch("extract", str(tmp_path / "empty.html")), 1, "empty file")


def _site(tmp_path: Path) -> Path:
    """A copy of the demo site's v1 to break in a v2."""
    root = tmp_path / "site"
    shutil.copytree(SITE / "v1", root / "v1")
    (root / "v2").mkdir()
    return root


def test_invalid_item_is_dropped_with_reason_and_stored_copy_kept(tmp_path, crawler, site_server):
    root = _site(tmp_path)
    page = (root / "v1" / A.lstrip("/")).read_text("utf-8")
    start, end = page.index('<div class="content" id="zoom">'), page.index('<div class="share">')
    broken = page[:start] + '<div class="content" id="zoom"></div>' + page[end:]
    (root / "v2" / A.lstrip("/")).parent.mkdir(parents=True)
    (root / "v2" / A.lstrip("/")).write_text(broken, "utf-8")
    server = site_server(root)
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    server.set_version("v2")
    done = crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    assert "invalid item" in done.stderr and "body" in done.stderr
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.stats["newswatch/validate/invalid"] == 1
        assert run.stats["newswatch/validate/invalid/body"] == 1
        kept = store.find_item(server.url + A)
        assert kept is not None and kept.status == "active" and "Urban" in kept.title
        assert len(store.versions(kept.id)) == 1 and kept.data["body"]
        assert [c for c in store.changes() if c.run_id == run.id] == []


def test_non_html_response_is_skipped_with_a_counter(tmp_path, crawler, site_server):
    root = _site(tmp_path)
    (root / "v1" / "_responses.json").write_text(
        json.dumps({G: {"headers": {"Content-Type": "application/pdf"}, "body": "%PDF-1.7 binary"}})
    )
    server = site_server(root)
    done = crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003")
    assert done.returncode == 0, done.stderr
    assert "not an HTML page (application/pdf)" in done.stderr
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.stats["newswatch/article/not_html"] == 1 and run.new == 7


def test_gbk_page_declared_utf8_is_stored_as_proper_text(crawler, site_server):
    server = site_server("anso")
    done = crawler.crawl("anso", server.url, check=True)
    assert "declares utf-8 but is gb" in done.stderr.lower()
    with crawler.store() as store:
        item = store.find_item(server.url + "/news/anso/202405/t20240525_900001.html")
        assert item is not None
        assert item.title.startswith("ANSO举办") and "\ufffd" not in item.data["body"]
        assert item.data["language"] == "zh" and item.published.startswith("2024-05-27")
        run = store.runs(site="anso", limit=1)[0]
        assert run.status == "ok" and run.new == 11
