"""new-site, fixture save and check, run as a developer runs them (subprocesses in a copy of the checkout)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.fixtureserver import serve

PROJECT = Path(__file__).resolve().parent.parent
CAE_SITE = PROJECT / "tests" / "fixtures" / "sites" / "cae"
ARTICLE = "/cae/html/en/col2003/2021-09/07/20210907110508433_1.html"
RUN = "import newswatch.commands.develop; from newswatch.cli import main; main()"


def newswatch(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Run `newswatch ARGS` with the develop commands, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": str(cwd)},
    )


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the checkout's spiders with an empty page-fixture folder."""
    root = tmp_path / "checkout"
    shutil.copytree(PROJECT / "spiders", root / "spiders", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "tests" / "fixtures" / "pages").mkdir(parents=True)
    return root


@pytest.fixture(scope="module")
def site():
    server = serve(CAE_SITE)
    yield server
    server.stop()


def test_new_site_scaffolds_a_spider_that_scrapy_finds(checkout):
    done = newswatch("new-site", "example_academy", "https://www.example.org/news/index.html", cwd=checkout)
    assert done.returncode == 0, done.stderr
    assert "Created spiders/example_academy.py (ExampleAcademySpider)" in done.stdout
    assert "newswatch fixture save example_academy ARTICLE-URL" in done.stdout
    assert (checkout / "tests" / "fixtures" / "pages" / "example_academy").is_dir()
    probe = (
        "from newswatch.crawling.runner import spider_classes; cls = spider_classes()['example_academy'];"
        "from spiders.base import NewsSpider; s = cls();"
        "print(issubclass(cls, NewsSpider), cls.base_url, cls.article_path, cls.live_checked, s.listing_url('news', 2))"
    )
    found = subprocess.run([sys.executable, "-c", probe], cwd=checkout, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [
        "True",
        "https://www.example.org",
        "^/news/.+",
        "no",
        "https://www.example.org/news/index.html?page=2",
    ]


def test_new_site_refuses_existing_and_bad_names(checkout):
    for args, code, message in [
        (("cae", "https://en.cae.cn/"), 1, "Error: site 'cae' already exists"),
        (
            ("Bad-Name", "https://example.org/"),
            2,
            "Error: Invalid value for NAME: 'Bad-Name' is not a usable site name",
        ),
        (("class", "https://example.org/"), 2, "Error: Invalid value for NAME: 'class'"),
        (("fine", "example.org/news"), 2, "Error: Invalid value for URL: 'example.org/news' is not an http(s) URL"),
    ]:
        done = newswatch("new-site", *args, cwd=checkout)
        assert (done.returncode, done.stdout) == (code, ""), (args, done.stderr)
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message), done.stderr
    assert not (checkout / "spiders" / "fine.py").exists()


def test_new_site_outside_a_checkout(tmp_path):
    done = newswatch("new-site", "fine", "https://example.org/", "--root", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: Invalid value for --root:") and "not a newswatch checkout" in done.stderr


def test_fixture_save_then_check(checkout, site):
    url = site.url + ARTICLE
    done = newswatch("fixture", "save", "cae", url, "--name", "training", cwd=checkout)
    assert done.returncode == 0, done.stderr
    folder = checkout / "tests" / "fixtures" / "pages" / "cae" / "training"
    assert done.stdout.startswith("Saved tests/fixtures/pages/cae/training/ (body.html ")
    assert re.search(r"^  title +International Training Programme for Young Engineers Opens Online$", done.stdout, re.M)
    assert (folder / "body.html").read_bytes() == (CAE_SITE / "v1" / ARTICLE.lstrip("/")).read_bytes()
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["url"] == url and meta["status"] == 200
    assert meta["headers"]["Content-Type"] == "text/html; charset=utf-8"
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    assert (expected["url"], expected["site"], expected["published"], expected["source"]) == (
        url,
        "cae",
        "2021-09-07",
        "CAE",
    )
    assert expected["section"] == ["International Efforts"] and "fetched_at" not in expected

    again = newswatch("fixture", "save", "cae", url, "--name", "training", cwd=checkout)
    assert again.returncode == 1 and "exists; choose another --name or use --force" in again.stderr

    # a second case whose date does not parse and which has no body
    bare = folder.parent / "bare"
    bare.mkdir()
    (bare / "body.html").write_bytes(
        b'<html><body><div class="article"><h1>Short note</h1><div class="info"><ul>'
        b"<li>Published: one day</li></ul></div></div></body></html>"
    )
    (bare / "meta.json").write_text(json.dumps({"url": url.replace("433_1", "434_1"), "headers": {}, "status": 200}))

    report = newswatch("check", "cae", cwd=checkout)
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert lines[0] == "cae: 2 saved fixture(s) in tests/fixtures/pages/cae"
    row = lambda field: next(line for line in lines if line.startswith(f"│ {field} "))  # noqa: E731
    assert "2/2" in row("title")
    assert "1/2" in row("body") and "bare" in row("body")
    assert "1/2" in row("source") and "bare" in row("source")
    assert "0/2" in row("summary") and "bare, training" in row("summary")
    assert "Dates that failed to parse:" in report.stdout and "  bare: 'one day'" in report.stdout


def test_check_live_reads_the_listing_and_articles(checkout, site):
    done = newswatch("check", "cae", "--live", "--base-url", site.url, "--articles", "2", cwd=checkout)
    assert done.returncode == 0, done.stderr
    assert "No saved fixtures for cae in tests/fixtures/pages/cae" in done.stdout
    assert f"cae: 2 live article(s) from {site.url}/cae/html/en/col2003/column_2003_1.html" in done.stdout
    assert "│ title         │    2/2 │" in done.stdout
    assert "col2002/column_2002_1.html: HTTP 404" in done.stderr  # the mirror lacks that section


def test_check_offline_and_unknown_site(checkout):
    offline = newswatch("check", "cae", "--live", "--base-url", "http://127.0.0.1:9", cwd=checkout)
    assert offline.returncode == 1
    assert len(offline.stderr.splitlines()) == 1 and offline.stderr.startswith(
        "Error: could not reach the site: http://127.0.0.1:9/"
    )
    nothing = newswatch("check", "cae", cwd=checkout)
    assert nothing.returncode == 1 and "No saved fixtures for cae" in nothing.stdout
    unknown = newswatch("check", "nope", cwd=checkout)
    assert unknown.returncode == 2 and unknown.stderr.startswith("Error: Invalid value for SITE: unknown site 'nope'")


def test_fixture_save_bad_inputs(checkout, site):
    unknown = newswatch("fixture", "save", "nope", site.url + ARTICLE, cwd=checkout)
    assert unknown.returncode == 2 and len(unknown.stderr.splitlines()) == 1
    assert unknown.stderr.startswith("Error: Invalid value for SITE: unknown site 'nope'")
    missing = newswatch("fixture", "save", "cae", site.url + "/cae/missing_1.html", cwd=checkout)
    assert missing.returncode == 1 and missing.stderr.strip().endswith("HTTP 404 Not Found")
    unreachable = newswatch("fixture", "save", "cae", "http://127.0.0.1:9" + ARTICLE, cwd=checkout)
    assert unreachable.returncode == 1 and len(unreachable.stderr.splitlines()) == 1
    assert unreachable.stderr.startswith("Error: cannot fetch http://127.0.0.1:9") and "refused" in unreachable.stderr
    assert not any((checkout / "tests" / "fixtures" / "pages").rglob("body.html"))
