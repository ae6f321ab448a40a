"""The fixture server answers real HTTP requests from layered site versions."""

from __future__ import annotations

import email.utils
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newswatch.fixtureserver import FixtureServer, serve

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "tests" / "fixtures" / "sites"
DEMO = REPO / "newswatch" / "demo" / "site"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies (a proxy in the environment must not see loopback requests) and no redirects.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def fetch(url: str, method: str = "GET", headers: dict | None = None):
    """Return (status, headers, body) for a request, whatever the status."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small site in three versions."""
    root = tmp_path / "site"
    write(root / "v1/index.html", "<h1>home v1</h1>")
    write(root / "v1/news/index.html", "<ul>news v1</ul>")
    write(root / "v1/news/a.html", "<p>article a v1</p>")
    write(root / "v1/news/b.html", "<p>article b v1</p>")
    write(root / "v1/robots.txt", "User-agent: *\nDisallow: /private/\n")
    write(root / "v1/feed.xml", "<rss/>")
    write(root / "v2/news/a.html", "<p>article a v2</p>")
    write(root / "v2/news/c.html", "<p>article c v2</p>")
    write(root / "v3/news/index.html", "<ul>news v3</ul>")
    write(
        root / "v1/_responses.json",
        json.dumps(
            {
                "/gone.html": {"status": 410},
                "/news/b.html": {"headers": {"Content-Type": "text/html; charset=gbk", "X-Fixture": "yes"}},
                "/literal.html": {"body": "<p>literal</p>"},
                "/slow.html": {"body": "slow", "delay": 0.3},
            }
        ),
    )
    write(
        root / "v2/_responses.json",
        json.dumps(
            {
                "/news/b.html": {"status": 404},
                "/news/a.html": {"status": 500},
            }
        ),
    )
    write(root / "v3/_responses.json", json.dumps({"/news/a.html": {"status": 200}}))
    return root


@pytest.fixture
def server(site: Path):
    with serve(site) as srv:
        yield srv


def test_serves_files_with_type_and_validators(server: FixtureServer):
    status, headers, body = fetch(server.url + "/news/a.html")
    assert (status, body) == (200, b"<p>article a v1</p>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["ETag"].startswith('"') and len(headers["ETag"]) > 10
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]).year >= 2025
    assert headers["Content-Length"] == str(len(body))
    assert fetch(server.url + "/feed.xml")[1]["Content-Type"].startswith("application/xml")


def test_url_is_loopback_on_an_ephemeral_port(server: FixtureServer):
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0 and server.url.endswith(str(server.port))


def test_folder_paths_serve_index_html(server: FixtureServer):
    assert fetch(server.url + "/")[2] == b"<h1>home v1</h1>"
    assert fetch(server.url + "/news/")[2] == b"<ul>news v1</ul>"


def test_folder_without_slash_redirects(server: FixtureServer):
    status, headers, _ = fetch(server.url + "/news")
    assert status == 301 and headers["Location"] == "/news/"


def test_unknown_paths_and_escapes_are_404(server: FixtureServer):
    assert fetch(server.url + "/nope.html")[0] == 404
    assert fetch(server.url + "/news/nope.html")[0] == 404
    assert fetch(server.url + "/../v1/index.html")[0] == 404
    assert fetch(server.url + "/%2e%2e/v1/index.html")[0] == 404
    assert fetch(server.url + "/_responses.json")[0] == 404


def test_head_has_headers_but_no_body(server: FixtureServer):
    status, headers, body = fetch(server.url + "/news/a.html", method="HEAD")
    get_headers = fetch(server.url + "/news/a.html")[1]
    assert status == 200 and body == b""
    assert headers["ETag"] == get_headers["ETag"]
    assert headers["Content-Length"] == get_headers["Content-Length"]


def test_robots_txt_served_when_present(server: FixtureServer, site: Path):
    status, headers, body = fetch(server.url + "/robots.txt")
    assert status == 200 and b"Disallow: /private/" in body
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    (site / "v1/robots.txt").unlink()
    assert fetch(server.url + "/robots.txt")[0] == 404


def test_later_versions_layer_over_earlier_ones(site: Path):
    with serve(site, version="v3") as srv:
        assert fetch(srv.url + "/news/a.html")[2] == b"<p>article a v2</p>"  # from v2
        assert fetch(srv.url + "/news/c.html")[2] == b"<p>article c v2</p>"  # from v2
        assert fetch(srv.url + "/news/")[2] == b"<ul>news v3</ul>"  # from v3
        assert fetch(srv.url + "/")[2] == b"<h1>home v1</h1>"  # from v1


def test_files_of_later_versions_are_absent_earlier(server: FixtureServer):
    assert fetch(server.url + "/news/c.html")[0] == 404


def test_switching_versions(server: FixtureServer):
    assert fetch(server.url + "/news/a.html")[2] == b"<p>article a v1</p>"
    server.set_version("v3")
    assert server.version == "v3"
    assert fetch(server.url + "/news/a.html")[2] == b"<p>article a v2</p>"
    server.set_version("v1")
    assert fetch(server.url + "/news/a.html")[2] == b"<p>article a v1</p>"


def test_unknown_version_is_refused(server: FixtureServer, site: Path):
    with pytest.raises(ValueError):
        server.set_version("v9")
    with pytest.raises(ValueError):
        FixtureServer(site, version="v9")
    assert server.versions == ["v1", "v2", "v3"]


def test_status_overrides(server: FixtureServer):
    assert fetch(server.url + "/gone.html")[0] == 410
    server.set_version("v2")
    assert fetch(server.url + "/news/a.html")[0] == 500
    assert fetch(server.url + "/news/b.html")[0] == 404
    assert fetch(server.url + "/gone.html")[0] == 410  # inherited from v1


def test_status_200_in_a_later_version_restores_a_path(server: FixtureServer):
    server.set_version("v3")
    status, _, body = fetch(server.url + "/news/a.html")
    assert (status, body) == (200, b"<p>article a v2</p>")
    assert fetch(server.url + "/news/b.html")[0] == 404  # still withdrawn in v3


def test_header_override_replaces_content_type(server: FixtureServer):
    status, headers, body = fetch(server.url + "/news/b.html")
    assert status == 200 and body == b"<p>article b v1</p>"
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert headers["X-Fixture"] == "yes"
    assert len(headers.get_all("Content-Type")) == 1


def test_literal_body_and_delay(server: FixtureServer):
    assert fetch(server.url + "/literal.html")[:3:2] == (200, b"<p>literal</p>")
    started = time.monotonic()
    assert fetch(server.url + "/slow.html")[2] == b"slow"
    assert time.monotonic() - started >= 0.25


def test_if_none_match_gives_304_without_body(server: FixtureServer):
    etag = fetch(server.url + "/news/a.html")[1]["ETag"]
    status, headers, body = fetch(server.url + "/news/a.html", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag
    assert fetch(server.url + "/news/a.html", headers={"If-None-Match": f'"x", W/{etag}'})[0] == 304
    assert fetch(server.url + "/news/a.html", headers={"If-None-Match": '"other"'})[0] == 200


def test_etag_follows_the_body(server: FixtureServer):
    etag_v1 = fetch(server.url + "/news/a.html")[1]["ETag"]
    server.set_version("v3")
    status, headers, _ = fetch(server.url + "/news/a.html", headers={"If-None-Match": etag_v1})
    assert status == 200 and headers["ETag"] != etag_v1
    assert fetch(server.url + "/", headers={"If-None-Match": fetch(server.url + "/")[1]["ETag"]})[0] == 304


def test_if_modified_since_gives_304_when_not_older(server: FixtureServer):
    modified = fetch(server.url + "/news/a.html")[1]["Last-Modified"]
    assert fetch(server.url + "/news/a.html", headers={"If-Modified-Since": modified})[0] == 304
    later = email.utils.format_datetime(email.utils.parsedate_to_datetime(modified).replace(year=2099), usegmt=True)
    assert fetch(server.url + "/news/a.html", headers={"If-Modified-Since": later})[0] == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(server.url + "/news/a.html", headers={"If-Modified-Since": earlier})[0] == 200
    assert fetch(server.url + "/news/a.html", headers={"If-Modified-Since": "garbage"})[0] == 200


def test_if_none_match_takes_precedence_over_if_modified_since(server: FixtureServer):
    modified = fetch(server.url + "/news/a.html")[1]["Last-Modified"]
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    assert fetch(server.url + "/news/a.html", headers=headers)[0] == 200


def test_changed_file_is_newer_in_its_later_version(server: FixtureServer):
    v1_modified = fetch(server.url + "/news/a.html")[1]["Last-Modified"]
    server.set_version("v3")
    status, headers, _ = fetch(server.url + "/news/a.html", headers={"If-Modified-Since": v1_modified})
    assert status == 200
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]) > email.utils.parsedate_to_datetime(v1_modified)
    assert fetch(server.url + "/", headers={"If-Modified-Since": v1_modified})[0] == 304  # unchanged since v1


def test_request_log_records_method_path_and_status(server: FixtureServer):
    fetch(server.url + "/news/a.html")
    fetch(server.url + "/nope.html?x=1")
    fetch(server.url + "/gone.html", method="HEAD")
    etag = fetch(server.url + "/")[1]["ETag"]
    fetch(server.url + "/", headers={"If-None-Match": etag})
    assert server.requests == [
        ("GET", "/news/a.html", 200),
        ("GET", "/nope.html?x=1", 404),
        ("HEAD", "/gone.html", 410),
        ("GET", "/", 200),
        ("GET", "/", 304),
    ]
    server.clear_log()
    assert server.requests == []


def test_other_methods_are_refused(server: FixtureServer):
    assert fetch(server.url + "/news/a.html", method="POST")[0] == 405
    assert server.requests[-1] == ("POST", "/news/a.html", 405)


def test_concurrent_requests_are_all_logged(server: FixtureServer):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: fetch(f"{server.url}/news/a.html?i={i}")[0], range(40)))
    assert statuses == [200] * 40
    assert len(server.requests) == 40


def test_stop_closes_the_port(site: Path, capfd):
    with serve(site) as srv:
        url = srv.url
        fetch(url + "/")
    with pytest.raises(urllib.error.URLError):
        OPENER.open(url + "/", timeout=2)
    assert capfd.readouterr().err == ""  # no request logging


def test_command_line_serves_until_sigterm(site: Path):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch.fixtureserver", str(site), "--version", "v2", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        line = proc.stdout.readline()
        url = line.split(" at ")[-1].strip()
        assert url.startswith("http://127.0.0.1:"), line
        assert fetch(url + "/news/c.html")[2] == b"<p>article c v2</p>"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# The saved sites under tests/fixtures/sites and the demo site, checked through the server.


def page_text(body: bytes, charset: str = "utf-8") -> str:
    """The visible text of a page, whitespace collapsed (a rough check, not an extractor)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", body.decode(charset), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(body: bytes, charset: str = "utf-8") -> list[str]:
    """The non-empty <p> texts of a page; in these fixtures only article text is in <p>."""
    found = []
    for inner in re.findall(r"<p\b[^>]*>(.*?)</p>", body.decode(charset), flags=re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", inner))).strip()
        if text:
            found.append(text)
    return found


def expected_items(site_name: str) -> list[dict]:
    folder = SITES / site_name / "expected"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("site_name", ["cae", "anso"])
def test_every_expected_article_is_served_and_matches(site_name: str):
    items = expected_items(site_name)
    assert len(items) == {"cae": 13, "anso": 11}[site_name]
    with serve(SITES / site_name) as srv:
        for item in items:
            status, _, body = fetch(srv.url + item["url_path"])
            assert status == 200, item["url_path"]
            charset = "gbk" if b"charset=gbk" in body[:300] else "utf-8"
            assert item["title"] in page_text(body, charset)
            assert item["published_raw"] in body.decode(charset)
            paras = paragraphs(body, charset)
            assert len(paras) == item["paragraphs"], item["url_path"]
            text = "\n\n".join(paras)
            assert (text[:60], text[-60:]) == (item["body_starts"], item["body_ends"]), item["url_path"]
            for image in item["images"]:
                assert image.rsplit("/", 1)[-1] in body.decode("latin-1")


@pytest.mark.parametrize("site_name", ["cae", "anso"])
def test_every_listed_article_has_expected_output(site_name: str):
    listings = {
        "cae": [
            "/cae/html/en/col2003/column_2003_1.html",
            "/cae/html/en/col2003/column_2003_2.html",
            "/cae/html/en/col2061/column_2061_1.html",
            "/cae/html/en/col2004/column_2004_1.html",
            "/cae/html/en/col2010/column_2010_1.html",
            "/cae/html/en/col2065/column_2065_1.html",
        ],
        "anso": [
            "/news/anso/index.html",
            "/news/anso/index_1.html",
            "/events/boardMeeting/index.html",
            "/events/groupMeeting/index.html",
            "/index/slide/index.html",
        ],
    }[site_name]
    linked = set()
    with serve(SITES / site_name) as srv:
        for listing in listings:
            status, _, body = fetch(srv.url + listing)
            assert status == 200
            for href in re.findall(r'<li>.*?<a href="([^"]+)"', body.decode("utf-8")):
                linked.add(urllib.parse.urljoin(listing, href))
    assert linked == {item["url_path"] for item in expected_items(site_name)}


def test_gbk_page_is_declared_utf8_by_the_server():
    path = "/news/anso/202405/t20240525_900001.html"
    with serve(SITES / "anso") as srv:
        status, headers, body = fetch(srv.url + path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'content="text/html; charset=gbk"' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    expected = json.loads((SITES / "anso/expected" / (path.replace("/", "__") + ".json")).read_text("utf-8"))
    assert expected["language"] == "zh" and expected["title"] in body.decode("gbk")


def demo_articles() -> dict[str, str]:
    """The demo articles' URL paths by id, from the table in CHANGES.md."""
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \|", (DEMO / "CHANGES.md").read_text("utf-8"), flags=re.M)
    return dict(rows)


def listed(srv: FixtureServer) -> list[str]:
    paths = []
    for page in (1, 2):
        status, _, body = fetch(f"{srv.url}/cae/html/en/col2003/column_2003_{page}.html")
        if status == 200:
            paths += re.findall(r'<li><a href="([^"]+)"', body.decode("utf-8"))
    return paths


def test_demo_site_versions():
    ids = demo_articles()
    order = lambda *names: [ids[n] for n in names]  # noqa: E731
    with serve(DEMO) as srv:
        assert srv.versions == ["v1", "v2", "v3", "v4"]
        assert listed(srv) == order("F", "A", "B", "C", "D", "E", "G", "H")
        srv.set_version("v2")
        assert listed(srv) == order("N1", "N2", "F", "A", "B", "D", "E", "G", "H")
        assert fetch(srv.url + ids["C"])[0] == 404
        srv.set_version("v3")
        assert fetch(srv.url + "/cae/html/en/col2003/column_2003_2.html")[0] == 500
        assert fetch(srv.url + ids["F"])[0] == 500
        assert listed(srv) == order("N1", "N2", "F", "A", "B")
        srv.set_version("v4")
        assert listed(srv) == order("N1", "N2", "F", "A", "B", "C", "D", "E", "G", "H")
        assert all(fetch(srv.url + path)[0] == 200 for path in ids.values())


def test_demo_cosmetic_changes_keep_the_article_text():
    ids = demo_articles()
    with serve(DEMO) as srv:

        def article(letter: str) -> tuple[str, list[str]]:
            body = fetch(srv.url + ids[letter])[2]
            return page_text(body), paragraphs(body)

        before = {k: article(k) for k in "ABDEFGH"}
        srv.set_version("v2")
        after = {k: article(k) for k in "ABDEFGH"}
    for k in "DEFGH":
        assert before[k][0] != after[k][0]  # footer differs
        assert before[k][1] == after[k][1], k
    assert before["A"][1] != after["A"][1]
    assert "2025 Opens" in before["B"][0] and "2026 Opens" in after["B"][0] and "2025" not in after["B"][0]
