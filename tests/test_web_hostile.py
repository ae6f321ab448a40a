"""The dashboard against hostile requests: Host header, token exposure, redirects, odd parameters, /docs."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from newswatch.web import create_app
from newswatch.web.security import TokenRedactingFilter, allowed_hosts, host_name, redact_token
from tests.test_web import csrf, fill

TOKEN = "s3cret-token-value"


@pytest.fixture
def client(store_url):
    fill(store_url, alpha=6, beta=2)
    with TestClient(create_app(store_url), raise_server_exceptions=False) as c:
        yield c


# -- DNS rebinding: the Host header ---------------------------------------------------------------


def test_host_names_parsed_from_headers():
    assert host_name("127.0.0.1:8080") == "127.0.0.1"
    assert host_name("LOCALHOST") == "localhost"
    assert host_name("[::1]:8080") == "::1"
    assert host_name("rebind.evil.example:8080") == "rebind.evil.example"
    assert host_name("[::1") == "" and host_name("a:b") == ""
    assert allowed_hosts("0.0.0.0") is None  # off loopback the token guards every request
    assert allowed_hosts("0.0.0.0", ["dash.example:443"]) == {"dash.example"}
    assert {"127.0.0.1", "localhost", "::1", "dash.example"} <= allowed_hosts("127.0.0.1", ["Dash.Example"])


def test_loopback_app_refuses_other_host_names(tmp_path):
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=3, beta=1)
    with TestClient(create_app(url, hosts=allowed_hosts("127.0.0.1")), base_url="http://127.0.0.1:8080") as c:
        assert c.get("/api/changes").status_code == 200
        for good in ("localhost:8080", "[::1]:8080", "127.0.0.1"):
            assert c.get("/api/changes", headers={"host": good}).status_code == 200, good
        evil = {"host": "rebind.evil.example:8080"}
        refused = c.get("/api/changes", headers=evil)
        assert refused.status_code == 400 and "Host" in refused.json()["detail"]
        assert c.get("/changes", headers=evil).status_code == 400
        assert c.get("/api/csrf", headers=evil).status_code == 400
        token = csrf(c)
        post = c.post("/api/changes/1/review", json={"status": "reviewed"}, headers={**evil, "x-csrf-token": token})
        assert post.status_code == 400
        assert c.get("/api/changes/1").json()["review"] is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_dashboard_refuses_rebinding_and_keeps_the_token_out_of_its_log(tmp_path):
    """A real `newswatch serve`: foreign Host refused, token redacted in the access log, no off-site redirect."""
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(db, alpha=3, beta=1)
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    env = {**os.environ, "NEWSWATCH_TOKEN": TOKEN}
    server = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "--db", db, "serve", "--port", str(port), "--allow-host", "dash.example"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until it listens (or gave up)
            assert server.poll() is None, "serve exited early"
            try:
                httpx.get(base + "/api/csrf", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as http:
            bearer = {"authorization": f"Bearer {TOKEN}"}
            assert http.get("/api/changes", headers=bearer).status_code == 200
            assert http.get("/api/changes", headers={**bearer, "host": "dash.example"}).status_code == 200
            rebound = http.get("/api/changes", headers={**bearer, "host": f"rebind.evil.example:{port}"})
            assert rebound.status_code == 400
            login = http.get(f"/changes?site=alpha&token={TOKEN}")
            assert login.status_code == 303 and login.headers["location"] == "/changes?site=alpha"
            sneaky = httpx.get(f"{base}//evil.example/x?token={TOKEN}", timeout=30)  # no session cookie yet
            assert sneaky.status_code == 303
            location = sneaky.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location
            assert httpx.URL(base).join(location).host == "127.0.0.1"
    finally:
        server.terminate()
        server.wait(timeout=60)
    log.seek(0)
    output = log.read()
    assert "/changes?site=alpha&token=***" in output  # the request is logged, without its token
    assert TOKEN not in output


def test_token_redaction_in_access_log_records():
    assert redact_token("/changes?token=abc&site=x") == "/changes?token=***&site=x"
    assert redact_token("/x?site=a&TOKEN=abc") == "/x?site=a&TOKEN=***"
    assert redact_token("/x?mytoken=abc") == "/x?mytoken=abc"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", "/?token=T", "1.1", 303),
        None,
    )
    assert TokenRedactingFilter().filter(record)
    assert "T" not in record.getMessage().split("token=")[1].split(" ")[0].replace("***", "")


def test_token_login_never_redirects_off_site(tmp_path):
    url = f"sqlite:///{tmp_path / 'nw.db'}"
    fill(url, alpha=2, beta=1)
    with TestClient(create_app(url, token=TOKEN)) as c:
        for path in ("//evil.example/x", "///evil.example/x", "/\\evil.example/x"):
            c.cookies.clear()
            r = c.get(f"http://testserver{path}?token={TOKEN}", follow_redirects=False)
            assert r.status_code == 303, path
            location = r.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), (path, location)


# -- the review form caps the note like the API --------------------------------------------------


def test_review_form_refuses_a_note_longer_than_the_api_allows(client):
    token = csrf(client)
    change_id = client.get("/api/changes").json()["changes"][0]["id"]
    form = {"status": "reviewed", "note": "x" * 2001, "csrf_token": token, "next": "/changes"}
    r = client.post(f"/changes/{change_id}/review", data=form, follow_redirects=False)
    assert r.status_code == 400 and "2000" in r.text
    assert client.get(f"/api/changes/{change_id}").json()["review"] is None
    api = client.post(
        f"/api/changes/{change_id}/review",
        json={"status": "reviewed", "note": "x" * 2001},
        headers={"x-csrf-token": token},
    )
    assert api.status_code == 422
    ok = client.post(f"/changes/{change_id}/review", data={**form, "note": "x" * 2000}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.get(f"/api/changes/{change_id}").json()["review"]["note"] == "x" * 2000


# -- HTML search caps -------------------------------------------------------------------------------


def test_html_search_caps_the_query_like_the_api(client):
    long_query = " ".join(f"w{i}" for i in range(400))
    assert client.get("/api/search", params={"q": long_query}).status_code == 400
    r = client.get("/search", params={"q": long_query})
    assert r.status_code == 400 and "at most 500 characters" in r.text
    assert client.get("/search", params={"q": "academy " * 60}).status_code == 200  # 480 characters


# -- /docs without a CDN ------------------------------------------------------------------------------


def test_docs_served_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    csp = page.headers["content-security-policy"]
    assert "http" not in csp and "script-src 'self'" in csp
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert asset in page.text
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 10_000, asset


# -- odd parameters: 400/404, never a 500 --------------------------------------------------------------


def test_odd_parameters_get_a_client_error(client):
    assert client.get("/changes", params={"to": "9999-12-31"}).status_code == 200
    assert client.get("/api/changes", params={"to": "9999-12-31"}).json()["total"] > 0
    assert client.get("/changes", params={"from": "0001-01-01", "to": "9999-12-31"}).status_code == 200
    huge = str(10**30)
    for path in ("/changes", "/", "/search?q=academy&", "/api/search?q=academy&", "/api/changes"):
        sep = "" if path.endswith("&") else "?"
        r = client.get(f"{path}{sep}page={huge}")
        assert r.status_code in (400, 422), (path, r.status_code)
    assert client.get("/api/changes/9223372036854775808").status_code == 404
    assert client.get("/api/changes/2147483648").status_code == 404  # past PostgreSQL's INTEGER
    assert client.get("/api/changes/-9223372036854775809").status_code == 404
    token = csrf(client)
    form = {"status": "reviewed", "csrf_token": token}
    assert client.post(f"/changes/{2**70}/review", data=form).status_code == 404
    assert client.post(f"/changes/{2**70}/review", data={**form, "status": "unreviewed"}).status_code == 404
    r = client.post(f"/api/changes/{2**70}/review", json={"status": "reviewed"}, headers={"x-csrf-token": token})
    assert r.status_code == 404


def test_nul_characters_are_refused(client):
    for path in (
        "/changes?site=%00",
        "/changes?site=alpha%00",
        "/api/changes?site=%00",
        "/items/a%00b",
        "/api/items/a%00b",
        "/api/items/a%00b/versions",
        "/sites/a%00/feed.atom",
        "/events?site=%00",
        "/api/events?site=%00",
        "/search?q=academy&site=%00",
    ):
        r = client.get(path)
        assert r.status_code == 400, (path, r.status_code)
        assert "NUL" in r.text
    assert client.get("/search", params={"q": "acad\x00emy"}).status_code == 200  # free text: NUL dropped
    for path in ("/sites/%1F/feed.atom", "/items/a%0Ab", "/api/items/%7F"):
        r = client.get(path)
        assert r.status_code == 400 and "control characters" in r.text, path
