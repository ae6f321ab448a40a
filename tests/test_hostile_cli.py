"""The command line against hostile input: scraped text that tries to drive the terminal or Rich,
malformed arguments, a site name that walks out of the cache, and crawls run from any folder."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.changes import changed_fields, field_diff
from newswatch.cleaning import clean_item
from newswatch.cli import main
from newswatch.demo import SITE
from newswatch.schema import validation_errors
from newswatch.text import normalize_space, safe_json, strip_controls
from storage import ItemWrite, open_store

ESC_TITLE = "\x1b]0;pwned\x07Guide to closing tags [/bold] \x1b[31mand \x9b5m[link=http://evil.example]links[/link]"
OSC8 = "\x1b]8;;http://evil.example\x1b\\click here\x1b]8;;\x1b\\"
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e")


def cli(*args: str, env: dict | None = None) -> tuple[int, str, str]:
    """Run `newswatch ARGS` in this process, as the console script does: (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation(env=env) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")


def one_line(code: int, stderr: str, *phrases: str) -> str:
    assert code != 0, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


# -- terminal injection: cleaning ---------------------------------------------------------------


def test_escape_sequences_control_characters_and_bidi_overrides_are_stripped():
    assert strip_controls(ESC_TITLE) == "Guide to closing tags [/bold] and [link=http://evil.example]links[/link]"
    assert strip_controls(OSC8) == "click here"
    assert strip_controls("a\x9b31mb\x9d0;t\x9cc\x00d\x7fe\u202eevil\u2066x\u2069") == "abcdeevilx"
    assert strip_controls("keeps\ttabs\nand lines\r\n") == "keeps\ttabs\nand lines\n"
    assert strip_controls("中国工程院 — «Ω»") == "中国工程院 — «Ω»"
    assert normalize_space("word\x85word\x1fword\x0bword") == "word word word word"


def test_cleaning_strips_every_text_field_of_a_scraped_item():
    item = clean_item(
        {
            "title": ESC_TITLE,
            "summary": OSC8,
            "source": "\u202eCAE",
            "published_raw": "2026-11-01\x1b[2J",
            "section": ["News\x07"],
            "body": ["First \x1b[1mparagraph\x1b[0m.", "Second\x00 one."],
            "images": [{"url": "https://example.org/a.jpg", "caption": "cap\x1b]0;x\x07tion"}],
        }
    )
    text = json.dumps(item, ensure_ascii=False)
    assert not any(c in text for c in UNSAFE) and "\\u001b" not in text and "\\u0007" not in text
    assert item["title"] == "Guide to closing tags [/bold] and [link=http://evil.example]links[/link]"
    assert item["body"] == "First paragraph.\n\nSecond one."
    assert (item["summary"], item["source"], item["section"]) == ("click here", "CAE", ["News"])
    assert item["images"][0]["caption"] == "caption"


def test_json_output_escapes_what_json_dumps_leaves_raw():
    value = {"title": "a\x9b31mb\u202ec\x85d"}
    text = safe_json(json.dumps(value, ensure_ascii=False))
    assert not any(c in text for c in ("\x9b", "\u202e", "\x85")) and json.loads(text) == value


# -- terminal injection: printing text stored before cleaning stripped it -----------------------


@pytest.fixture
def hostile_db(tmp_path) -> str:
    """A database whose items were stored with raw escape sequences and Rich markup in their text."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    now = datetime.now(UTC).replace(microsecond=0)
    first = {
        "id": "00000000000000a1",
        "site": "cae",
        "url": "https://en.cae.cn/a1.html",
        "canonical_url": None,
        "title": ESC_TITLE,
        "published": "2026-11-01",
        "source": "CAE",
        "section": [],
        "summary": OSC8,
        "body": "Body [bold]one[/bold] \x1b[5mblink\x1b[0m.",
        "images": [],
        "content_hash": "a" * 64,
        "extractor_version": "cae-1.core-1",
        "fetched_at": now.isoformat(),
    }
    second = {**first, "body": "Body [/] two \x1b]0;pwned\x07 \u202eevil.", "content_hash": "b" * 64}
    store = open_store(url)
    try:
        store.save_items(None, [ItemWrite(first, "new", now - timedelta(hours=2))])
        fields = changed_fields(first, second)
        store.save_items(
            None, [ItemWrite(second, "updated", now - timedelta(hours=1), fields, field_diff(first, second, fields))]
        )
    finally:
        store.close()
    return url


@pytest.mark.parametrize(
    "args",
    [
        ("changes",),
        ("changes", "--format", "json"),
        ("changes", "--format", "csv"),
        ("show", "00000000000000a1"),
        ("report", "--site", "cae"),
        ("report", "--format", "json"),
        ("report", "--format", "csv"),
        ("report", "--format", "html"),
    ],
)
def test_stored_text_is_printed_as_text_without_terminal_controls(hostile_db, args):
    code, out, err = cli("--db", hostile_db, *args)
    assert code == 0, err
    assert not any(c in out for c in UNSAFE), repr(out)
    if args[0] == "show" or args[-1] in ("changes", "csv"):  # Rich markup shown as it is, not run
        assert "[/bold]" in out and "[link=http://evil.example]" in out
    if args == ("changes", "--format", "json"):
        assert json.loads(out)[0]["title"].startswith("\x1b]0;pwned")  # the data itself, safely escaped


def test_the_changes_table_shows_markup_literally(hostile_db):
    code, out, err = cli("--db", hostile_db, "changes")
    assert code == 0, err
    flat = " ".join(out.replace("│", " ").split())
    assert "Guide to closing tags [/bold] and" in flat and "links[/link]" in flat


# -- image URLs ---------------------------------------------------------------------------------


def test_an_image_url_with_a_space_is_encoded_and_a_hopeless_one_loses_only_the_image():
    raw = {
        "id": "0" * 16,
        "site": "cae",
        "url": "https://en.cae.cn/a.html",
        "title": "Title",
        "body": "Body.",
        "images": [
            {"url": "https://en.cae.cn/img/flood map 1.jpg", "caption": "Map"},
            {"url": "https://en.cae.cn/img/flood%20map%201.jpg", "caption": None},
            {"url": "http://[::1/broken.jpg", "caption": None},
            {"url": "https://exa mple.org/x.jpg", "caption": None},
        ],
    }
    item = clean_item(raw)
    assert item["images"] == [{"url": "https://en.cae.cn/img/flood%20map%201.jpg", "caption": "Map"}]
    item.update(fetched_at="2026-11-23T10:00:00+00:00", extractor_version="cae-1.core-2", content_hash="c" * 64)
    item["canonical_url"] = item["url"]
    assert validation_errors(item) == []


# -- the same, end to end: a crawl of a page carrying both ----------------------------------------

ARTICLE = "cae/html/en/col2003/2026-10/15/20261015101233418_1.html"


def _hostile_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITE / "v1", root / "v1")
    page = root / "v1" / ARTICLE
    html = page.read_text("utf-8")
    html = html.replace(
        '<h1 class="title">Asian Engineering',
        '<h1 class="title">\x1b]0;pwned\x07[/bold] \x1b[31m[link=http://evil.example]Asian[/link] Engineering',
    )
    html = html.replace(
        '<div class="content" id="zoom">',
        '<div class="content" id="zoom"><p><img src="flood map 2026.jpg" alt="Flood map"></p>',
    )
    page.write_text(html, "utf-8")
    return root


def test_a_crawled_page_with_escapes_and_a_spaced_image_is_stored_clean_and_printed_safely(
    tmp_path, crawler, site_server
):
    server = site_server(_hostile_site(tmp_path))
    crawler.crawl("cae", server.url, "NEWSWATCH_SECTIONS=col2003", check=True)
    with crawler.store() as store:
        run = store.runs(site="cae", limit=1)[0]
        assert run.status == "ok" and run.new == 8, run.stats
        item = store.find_item(f"{server.url}/{ARTICLE}")
        assert item is not None, "the article with a spaced image URL was dropped"
    assert (
        item.title
        == "[/bold] [link=http://evil.example]Asian[/link] Engineering Academies Discuss Urban Flood Resilience"
    )
    assert [i["url"] for i in item.data["images"]] == [
        f"{server.url}/cae/html/en/col2003/2026-10/15/flood%20map%202026.jpg"
    ]
    code, out, err = cli("--db", crawler.db, "changes")
    assert code == 0 and "[/bold]" in out and "\x1b" not in out, err


# -- one line, non-zero exit ---------------------------------------------------------------------


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'nw.db'}"


@pytest.mark.parametrize(
    "args, phrases",
    [
        (("crawl", "--url", "http://[::1"), ("--url", "invalid IPv6 URL")),
        (("crawl", "--url", "http://127.0.0.1:99999/"), ("--url", "port out of range")),
        (("crawl", "--url", "http://exa mple.org/news/"), ("--url", "no valid host name")),
        (("crawl", "cae", "-s", "NEWSWATCH_MAX_PAGES=abc"), ("NEWSWATCH_MAX_PAGES='abc'", "whole number")),
        (("crawl", "cae", "-s", "NEWSWATCH_MAX_PAGES=0"), ("NEWSWATCH_MAX_PAGES='0'", "≥ 1")),
        (("crawl", "cae", "-s", "NEWSWATCH_REVISIT_OLDER_HOURS=nan"), ("a number ≥ 0",)),
        (("crawl", "cae", "-s", "NEWSWATCH_EVENTS=maybe"), ("NEWSWATCH_EVENTS", "True or False")),
        (("crawl", "cae", "-s", "NEWSWATCH_BASE_URL=http://[::1"), ("NEWSWATCH_BASE_URL", "invalid IPv6")),
        (("crawl", "cae", "-s", "NEWSWATCH_MAX_PAGE=3"), ("unknown setting NEWSWATCH_MAX_PAGE",)),
        (("crawl", "cae", "-s", "DOWNLOAD_TIMEOUT=soon"), ("DOWNLOAD_TIMEOUT", "a number")),
        (("crawl", "cae", "-s", "LOG_LEVEL=LOUD"), ("LOG_LEVEL", "DEBUG, INFO")),
        (("changes", "--since", "99999999d"), ("--since", "before the year 1")),
        (("changes", "--since", str(10**30) + "w"), ("--since",)),
        (("report", "--since", "0001-01-01T00:00+14:00"), ("--since", "neither an ISO time")),
        (("changes", "--site", "nope"), ("--site", "unknown site 'nope'", "known sites: anso, cae")),
        (("report", "-o", "x.docx"), ("-o", "'x.docx'", ".md, .markdown, .html")),
    ],
)
def test_malformed_arguments_get_one_line(db, args, phrases):
    code, out, err = cli("--db", db, *args)
    one_line(code, err, *phrases)
    assert out == ""


def test_report_format_follows_a_known_extension_or_an_explicit_format(db, tmp_path):
    code, _, err = cli("--db", db, "report", "-o", str(tmp_path / "week.JSON"))
    assert code == 0, err
    assert json.loads((tmp_path / "week.JSON").read_text("utf-8"))["sites"] == []
    code, _, err = cli("--db", db, "report", "--format", "md", "-o", str(tmp_path / "week.txt"))
    assert code == 0 and (tmp_path / "week.txt").read_text("utf-8").startswith("# newswatch report"), err
    assert not (tmp_path / "x.docx").exists()


def test_a_file_that_is_not_a_database_gets_one_line_and_is_left_alone(tmp_path):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n" * 20)
    before = passwd.read_bytes()
    for args in (("changes",), ("crawl", "cae"), ("report",)):
        code, _, err = cli("--db", str(passwd), *args)
        one_line(code, err, f"cannot open database sqlite:///{passwd}: file is not a database")
    assert passwd.read_bytes() == before


def test_extract_refuses_random_bytes_and_pages_without_an_article(tmp_path):
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 4 + b"<html>" + bytes(reversed(range(256))) * 4)
    code, out, err = cli("extract", str(noise))
    one_line(code, err, "not an HTML page")
    assert out == ""
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head></head><body><script>var x = 1;</script></body></html>")
    code, out, err = cli("extract", str(empty))
    one_line(code, err, "no title and no text found")


# -- site names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../pwn", '"><svg onload=1>', "Example", "9lives", "a" * 65, "ok\n", "a/b"])
def test_a_bad_site_name_is_refused_before_anything_is_created(tmp_path, name):
    db_file, cache = tmp_path / "nw.db", tmp_path / "hc"
    args = ["crawl", "--url", "http://127.0.0.1:9/news/", "--name", name, "-s", f"HTTPCACHE_DIR={cache}"]
    code, _, err = cli("--db", f"sqlite:///{db_file}", *args)
    one_line(code, err, "--name", "not a usable site name")
    assert not db_file.exists() and not cache.exists() and not (tmp_path / "pwn.db").exists()


def test_the_configuration_follows_the_same_site_name_and_setting_rules(tmp_path):
    from newswatch.config import ConfigError, load_config

    config = tmp_path / "newswatch.toml"
    for table, message in [
        ('[sites."a-b"]\nurl = "https://example.org/news/"\ninterval = "6h"', "a site name is lowercase letters"),
        (
            '[sites.ex]\nurl = "https://example.org/news/"\ninterval = "6h"\n'
            'settings = { NEWSWATCH_MAX_PAGES = "abc" }',
            "sites.ex.settings.NEWSWATCH_MAX_PAGES: NEWSWATCH_MAX_PAGES='abc': expected a whole number",
        ),
        ('[sites.ex]\nurl = "http://[::1/news"\ninterval = "6h"', "is not an http(s) URL"),
    ]:
        config.write_text(table + "\n", "utf-8")
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_config(config, ["cae"])


def test_a_host_that_starts_with_a_digit_makes_a_usable_site_name():
    from newswatch.inputs import site_name_problem
    from spiders.generic import site_name_for

    assert site_name_for("http://127.0.0.1:8080/news/") == "site_127_0_0_1"
    assert site_name_problem(site_name_for("http://127.0.0.1:8080/news/")) is None


# -- conditional requests from any folder ---------------------------------------------------------


def test_a_crawl_outside_the_project_revalidates_from_the_data_directory(tmp_path, site_server):
    server = site_server(SITE)
    elsewhere, data = tmp_path / "elsewhere", tmp_path / "data"
    elsewhere.mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(data), "NEWSWATCH_DB": f"sqlite:///{tmp_path / 'nw.db'}"}
    cmd = [sys.executable, "-m", "newswatch", "crawl", "cae", "-s", f"NEWSWATCH_BASE_URL={server.url}"]
    cmd += ["-s", "NEWSWATCH_SECTIONS=col2003", "-s", "NEWSWATCH_REVISIT_OLDER_HOURS=0", "-s", "LOG_LEVEL=INFO"]
    cmd += ["-s", "AUTOTHROTTLE_ENABLED=False"]
    for _ in range(2):
        done = subprocess.run(cmd, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Disabled newswatch.crawling.httpcache" not in done.stderr
    assert not (elsewhere / ".scrapy").exists()
    cache = data / "newswatch" / "httpcache" / "cae.db"
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM dict").fetchone()[0] > 0
    assert sum(status == 304 for _, _, status in server.requests) >= 8


def test_every_setting_accepts_its_own_default_as_text():
    from newswatch import settings
    from newswatch.inputs import known_settings, setting_problem

    for name in [*known_settings(), "DOWNLOAD_DELAY", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS", "LOG_LEVEL"]:
        default = getattr(settings, name, None)
        if default is not None:
            assert setting_problem(name, str(default)) is None, name
    assert setting_problem("DOWNLOAD_DELAY", "0.5") is None and setting_problem("NEWSWATCH_EVENT_WORKERS", "0") is None


def test_the_generic_spider_refuses_a_bad_name_too():
    from spiders.generic import GenericSpider

    with pytest.raises(ValueError, match="not a usable site name"):
        GenericSpider(url="https://example.org/news/", name="../../pwn")
    assert GenericSpider(url="http://127.0.0.1:8000/news/").name == "site_127_0_0_1"
