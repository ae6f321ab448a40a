"""Fuzzing the command line in-process: malformed --url, --since, --db, --name and -s values (and saved
"pages" of random bytes) end in one line and a non-zero exit, never a traceback and never a crawl."""

from __future__ import annotations

import os
import re
import string
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_cli import cli, one_line

#: Examples per test; NEWSWATCH_FUZZ_EXAMPLES=2000 searches harder.
EXAMPLES = int(os.environ.get("NEWSWATCH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a loaded machine is slow, not wrong
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SMALL = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))


@pytest.fixture(autouse=True)
def no_crawl(monkeypatch):
    """A malformed argument must be refused before any crawl starts; starting one fails the test."""

    def refuse(jobs, *args, **kwargs):
        raise AssertionError(f"a crawl started for {jobs!r}")

    monkeypatch.setattr("newswatch.crawling.runner.run_crawls", refuse)


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def refused(*args: str, db: str | None = None) -> str:
    code, out, err = cli(*(("--db", db) if db else ()), *args)
    assert "Traceback" not in err + out
    assert out == "", out
    return one_line(code, err)


# -- --url ---------------------------------------------------------------------------------------

_text = st.text(max_size=40)
bad_urls = st.one_of(
    _text.filter(lambda s: "://" not in s),
    _text.filter(lambda s: "]" not in s).map(lambda s: "http://[" + s),
    st.integers(min_value=65536, max_value=10**30).map(lambda p: f"http://127.0.0.1:{p}/news/"),
    st.sampled_from(["ftp", "file", "javascript", "data", "mailto", "ws", "", "htp"]).map(
        lambda s: f"{s}://example.org/news/"
    ),
    st.tuples(_text, st.sampled_from(list(' <>"{}|\\^`'))).map(lambda t: f"https://exa{t[1]}mple{t[0]}.org/"),
    st.just("http://"),
    st.just("http://:80/"),
)


@FUZZ
@given(url=bad_urls)
def test_malformed_urls(url, place):
    refused("crawl", "--url", url, db=f"sqlite:///{place / 'nw.db'}")


# -- --name --------------------------------------------------------------------------------------

bad_names = st.text(min_size=1, max_size=80).filter(lambda s: not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", s))


@FUZZ
@given(name=bad_names)
def test_malformed_site_names(name, place):
    line = refused("crawl", "--url", "https://example.org/news/", "--name", name, db=f"sqlite:///{place / 'nw.db'}")
    assert "--name" in line


# -- --since -------------------------------------------------------------------------------------


def _not_a_time(value: str) -> bool:
    if re.fullmatch(r"\s*\d+\s*[smhdw]\s*", value):
        return False
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return True
    return False


bad_ages = st.one_of(
    st.tuples(st.integers(min_value=800_000, max_value=10**40), st.just("d")),
    st.tuples(st.integers(min_value=120_000, max_value=10**40), st.just("w")),
    st.tuples(st.integers(min_value=20_000_000, max_value=10**40), st.just("h")),
).map(lambda t: f"{t[0]}{t[1]}")
edge_times = st.one_of(
    st.integers(min_value=1, max_value=23).map(lambda h: f"0001-01-01T00:00+{h:02d}:00"),
    st.integers(min_value=1, max_value=23).map(lambda h: f"9999-12-31T23:59-{h:02d}:00"),
)
bad_since = st.one_of(
    bad_ages, edge_times, st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and _not_a_time(s))
)


@FUZZ
@given(since=bad_since, command=st.sampled_from(["changes", "report", "events"]))
def test_malformed_since(since, command, place):
    line = refused(command, "--since", since, db=f"sqlite:///{place / 'nw.db'}")
    assert "--since" in line


# -- --db ----------------------------------------------------------------------------------------


@st.composite
def bad_databases(draw, place: Path) -> str:
    kind = draw(st.sampled_from(["garbage file", "inside a file", "scheme", "closed port", "directory", "nul"]))
    word = draw(st.text(alphabet=string.ascii_letters + string.digits + "._-", min_size=1, max_size=12))
    if kind == "garbage file":
        content = draw(st.binary(min_size=100, max_size=2000).filter(lambda b: not b.startswith(b"SQLite format 3")))
        path = place / f"garbage-{word}.db"
        path.write_bytes(content)
        return str(path)
    if kind == "inside a file":
        (place / "a-file").write_text("not a folder")
        return f"sqlite:///{place / 'a-file' / word / 'nw.db'}"
    if kind == "scheme":
        scheme = draw(st.from_regex(r"[a-z][a-z0-9+]{0,10}", fullmatch=True))
        if scheme.split("+")[0] in ("sqlite", "postgres", "postgresql"):
            scheme = "x" + scheme
        return f"{scheme}://{word}/{word}"
    if kind == "closed port":
        return f"postgresql+psycopg://{word}@127.0.0.1:9/{word}"
    if kind == "directory":
        return str(place)
    return f"sqlite:///{place}/nul\x00{word}.db"


@SMALL
@given(data=st.data(), command=st.sampled_from([("changes",), ("report",), ("crawl", "cae"), ("runs",)]))
def test_malformed_databases(data, command, place):
    db = data.draw(bad_databases(place))
    refused(*command, db=db)


# -- -s NAME=VALUE -------------------------------------------------------------------------------


def _fails(kind, value: str) -> bool:
    try:
        kind(value)
    except (ValueError, OverflowError):
        return True
    return False


_values = st.text(max_size=20)
bad_settings = st.one_of(
    st.tuples(
        st.sampled_from(["NEWSWATCH_MAX_PAGES", "NEWSWATCH_STORE_BATCH", "NEWSWATCH_EVENT_WORKERS"]),
        _values.filter(lambda v: _fails(int, v)),
    ),
    st.tuples(
        st.sampled_from(["NEWSWATCH_EVENTS", "NEWSWATCH_RECHECK_MISSING", "ROBOTSTXT_OBEY"]),
        _values.filter(lambda v: _fails(int, v) and v.strip() not in ("True", "true", "False", "false")),
    ),
    st.tuples(
        st.sampled_from(["NEWSWATCH_REVISIT_OLDER_HOURS", "DOWNLOAD_TIMEOUT", "CONCURRENT_REQUESTS"]),
        _values.filter(lambda v: _fails(float, v)),
    ),
    st.tuples(st.sampled_from(["NEWSWATCH_BASE_URL", "NEWSWATCH_CONTACT_URL"]), bad_urls),
    st.tuples(
        st.from_regex(r"NEWSWATCH_[A-Z_]{1,20}", fullmatch=True).filter(
            lambda n: (
                n
                not in {"NEWSWATCH_DB", "NEWSWATCH_SECTIONS", "NEWSWATCH_BASE_URL", "NEWSWATCH_CONTACT_URL"}
                | {"NEWSWATCH_MAX_PAGES", "NEWSWATCH_STORE_BATCH", "NEWSWATCH_EVENT_WORKERS", "NEWSWATCH_EVENTS"}
                | {"NEWSWATCH_RECHECK_MISSING", "NEWSWATCH_REVISIT_OLDER_HOURS", "NEWSWATCH_REVISIT_RECENT_DAYS"}
            )
        ),
        _values,
    ),
).map(lambda t: f"{t[0]}={t[1]}")
no_pair = st.text(max_size=30).filter(lambda s: "=" not in s or not s.partition("=")[0].strip())


@FUZZ
@given(pair=st.one_of(bad_settings, no_pair))
def test_malformed_settings(pair, place):
    line = refused("crawl", "cae", "-s", pair, db=f"sqlite:///{place / 'nw.db'}")
    assert "-s" in line


# -- extract on bytes ----------------------------------------------------------------------------


@SMALL
@given(content=st.binary(min_size=1, max_size=3000))
def test_extract_on_random_bytes_refuses_or_prints_an_item(content, place):
    page = place / "page.bin"
    page.write_bytes(content)
    code, out, err = cli("extract", str(page))
    assert "Traceback" not in err + out
    if code:
        one_line(code, err)
    else:
        assert out.startswith("{") and '"title"' in out
