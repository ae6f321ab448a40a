"""Fuzzing the dashboard in-process: every API operation of the OpenAPI schema and every HTML page, with
hostile paths and query values (huge numbers, NUL and control characters, odd dates, long text).
Whatever comes in, the answer is never a 500."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.web import create_app
from tests.test_web import fill

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2**31, 2**63 - 1, 2**63, 10**30, -1]),
).map(str)
dates = st.one_of(
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-11-01T25:00", "", "-1", "1e9"]),
    st.dates().map(str),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable + "\x00\x1b\u202e\ufeff\ud7ff", max_size=80),
    st.sampled_from(["%00", "\x00", "../../etc/passwd", "'; DROP TABLE items; --", '"', "*", "-", "OR", "a" * 600]),
)
values = st.one_of(numbers, dates, texts)


@pytest.fixture
def client(store_url):
    fill(store_url, alpha=8, beta=3)
    with TestClient(create_app(store_url), raise_server_exceptions=False) as c:
        yield c


def _operations(client: TestClient) -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path template, path parameters, query parameters) of every operation in the schema."""
    out = []
    for path, methods in client.get("/openapi.json").json()["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            out.append(
                (
                    method.upper(),
                    path,
                    [p["name"] for p in params if p["in"] == "path"],
                    [p["name"] for p in params if p["in"] == "query"],
                )
            )
    return out


HTML_PAGES = [
    ("/changes", [], ["site", "kind", "from", "to", "review", "page", "after", "before"]),
    ("/", [], ["page", "from", "to"]),
    ("/items/{item_id}", ["item_id"], ["a", "b"]),
    ("/events", [], ["site", "limit"]),
    ("/search", [], ["q", "site", "page"]),
    ("/sites", [], []),
    ("/feed.atom", [], []),
    ("/sites/{site}/feed.atom", ["site"], []),
]


def _url(template: str, path_names: list[str], draw) -> str:
    path = template
    for name in path_names:
        path = path.replace("{" + name + "}", quote(draw(values), safe=""))
    return path


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}: {response.text[:300]}"


@FUZZ
@given(data=st.data())
def test_api_operations_never_answer_500(client, data):
    operations = _operations(client)
    method, template, path_names, query_names = data.draw(st.sampled_from(operations))
    path = _url(template, path_names, data.draw)
    query = {name: data.draw(values) for name in query_names if data.draw(st.booleans())}
    if method == "GET":
        response = client.get(path, params=query)
    else:
        token = client.get("/api/csrf").json()["csrf_token"]
        body = data.draw(
            st.one_of(
                st.fixed_dictionaries(
                    {"status": st.sampled_from(["reviewed", "false_positive", "unreviewed", "x"]), "note": texts}
                ),
                st.dictionaries(st.text(max_size=5), values, max_size=3),
            )
        )
        response = client.request(method, path, params=query, json=body, headers={"x-csrf-token": token})
    _check(response, f"{method} {path} {query}")


@FUZZ
@given(data=st.data())
def test_html_pages_never_answer_500(client, data):
    template, path_names, query_names = data.draw(st.sampled_from(HTML_PAGES))
    path = _url(template, path_names, data.draw)
    query = [(name, data.draw(values)) for name in query_names if data.draw(st.booleans())]
    _check(client.get(path, params=query), f"GET {path} {query}")


@FUZZ
@given(change_id=numbers, status=texts, note=texts, next_url=texts)
def test_review_form_never_answers_500(client, change_id, status, note, next_url):
    token = client.get("/api/csrf").json()["csrf_token"]
    form = {"status": status, "note": note, "next": next_url, "csrf_token": token}
    response = client.post(f"/changes/{quote(change_id, safe='')}/review", data=form, follow_redirects=False)
    _check(response, f"POST review {change_id!r} {status!r}")
    if response.status_code in (301, 302, 303, 307, 308):
        assert response.headers["location"].startswith("/") and not response.headers["location"].startswith("//")
