"""Page fixtures: saved article pages with the item expected from them, one folder per case.

A fixture is ``<root>/<site>/<case>/`` holding ``body.html`` (the bytes as served),
``meta.json`` (url, headers, fetched_at, status) and ``expected.json`` (the expected item
fields). ``tests/test_page_fixtures.py`` checks every field of every fixture, so a spider is
developed by saving pages and correcting their expected values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from newswatch.extraction import extract_item
from newswatch.text import decode_html

BODY, META, EXPECTED = "body.html", "meta.json", "expected.json"
#: Item fields that say when or by which code a page was read, not what it holds.
VOLATILE = ("fetched_at",)
#: Bookkeeping fields left out of coverage reports (always filled, or derived from others).
NOT_COVERED = ("fetched_at", "url", "site", "id", "content_hash", "extractor_version")

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


@dataclass
class Fixture:
    """One saved page and the item fields expected from it."""

    site: str
    case: str
    path: Path
    url: str
    body: bytes
    headers: dict
    expected: dict
    fetched_at: str | None = None
    status: int = 200
    meta: dict = field(default_factory=dict, repr=False)


@lru_cache(maxsize=1)
def spiders() -> dict[str, type]:
    """Site name → spider class (loaded once per process)."""
    from newswatch.crawling.runner import spider_classes

    return spider_classes()


def spider_for_site(site: str) -> type:
    """The spider class of a site name; LookupError naming the known sites otherwise."""
    classes = spiders()
    if site not in classes or site == "generic":
        known = ", ".join(sorted(n for n in classes if n != "generic"))
        raise LookupError(f"unknown site {site!r}; known sites: {known}")
    return classes[site]


def header(headers: dict, name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def charset_of(headers: dict) -> str | None:
    """The charset declared by a Content-Type header, if any."""
    m = _CHARSET.search(header(headers, "Content-Type") or "")
    return m[1] if m else None


def extract_body(site: str, body: bytes, url: str, headers: dict | None = None, fetched_at: str | None = None) -> dict:
    """The item of a site's page from its bytes and response headers."""
    html, _ = decode_html(body, charset_of(headers or {}))
    return extract_item(spider_for_site(site), html, url, fetched_at)


def extract_fixture(fixture: Fixture) -> dict:
    """The item newswatch extracts from a fixture's page."""
    return extract_body(fixture.site, fixture.body, fixture.url, fixture.headers, fixture.fetched_at)


def expected_fields(item: dict) -> dict:
    """The fields of an item that a fixture pins down (all but the volatile ones)."""
    return {k: v for k, v in item.items() if k not in VOLATILE}


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def save_fixture(
    root: Path, site: str, case: str, url: str, body: bytes, headers: dict, fetched_at: datetime, status: int = 200
) -> Path:
    """Write a fixture folder; expected.json is the current extraction, for review."""
    when = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
    stamp = when.isoformat(timespec="seconds")
    item = extract_body(site, body, url, headers, stamp)
    folder = Path(root) / site / case
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BODY).write_bytes(body)
    _write_json(folder / META, {"url": url, "headers": dict(headers), "fetched_at": stamp, "status": status})
    _write_json(folder / EXPECTED, expected_fields(item))
    return folder


def load_fixture(folder: Path) -> Fixture:
    """Read one fixture folder."""
    meta = json.loads((folder / META).read_text("utf-8"))
    expected_path = folder / EXPECTED
    expected = json.loads(expected_path.read_text("utf-8")) if expected_path.is_file() else {}
    return Fixture(
        site=folder.parent.name,
        case=folder.name,
        path=folder,
        url=meta["url"],
        body=(folder / BODY).read_bytes(),
        headers=meta.get("headers") or {},
        expected=expected,
        fetched_at=meta.get("fetched_at"),
        status=meta.get("status", 200),
        meta=meta,
    )


def load_fixtures(root: Path, site: str | None = None) -> list[Fixture]:
    """Every fixture under ``root`` (or under ``root/site``), ordered by site and case."""
    root = Path(root)
    if not root.is_dir():
        return []
    sites = [root / site] if site else sorted(p for p in root.iterdir() if p.is_dir())
    out = []
    for site_dir in sites:
        if not site_dir.is_dir() or site_dir.name.startswith((".", "_")):
            continue
        for folder in sorted(p for p in site_dir.iterdir() if p.is_dir()):
            if (folder / BODY).is_file() and (folder / META).is_file():
                out.append(load_fixture(folder))
    return out


def is_filled(value) -> bool:
    """True for a field value that holds something (not None, "", [] or {})."""
    return value not in (None, "", [], {})


def item_coverage(items: dict[str, dict]) -> dict:
    """Coverage of one site's items, keyed by case: per field, where it is filled or empty.

    Returns ``{"total": n, "fields": {field: {"filled": k, "empty": [case, ...]}},
    "unparsed_dates": [{"case": case, "published_raw": raw}, ...], "errors": {}}``.
    """
    names: list[str] = []
    for item in items.values():
        names += [k for k in item if k not in NOT_COVERED and k not in names]
    fields = {}
    for name in names:
        empty = [case for case, item in items.items() if not is_filled(item.get(name))]
        fields[name] = {"filled": len(items) - len(empty), "empty": empty}
    unparsed = [
        {"case": case, "published_raw": item["published_raw"]}
        for case, item in items.items()
        if item.get("published_raw") and not item.get("published")
    ]
    return {"total": len(items), "fields": fields, "unparsed_dates": unparsed, "errors": {}}


def coverage(fixtures: list[Fixture]) -> dict:
    """Per site, the coverage of its fixtures' current extraction (see ``item_coverage``).

    A fixture whose extraction fails counts as empty everywhere; its error is under ``errors``.
    """
    by_site: dict[str, dict[str, dict]] = {}
    errors: dict[str, dict[str, str]] = {}
    for fixture in fixtures:
        try:
            item = extract_fixture(fixture)
        except Exception as exc:  # a broken selector must not hide the other fixtures
            errors.setdefault(fixture.site, {})[fixture.case] = f"{type(exc).__name__}: {exc}"
            item = {}
        by_site.setdefault(fixture.site, {})[fixture.case] = item
    report = {}
    for site, items in by_site.items():
        report[site] = item_coverage(items)
        report[site]["errors"] = errors.get(site, {})
    return report
