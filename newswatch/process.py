"""The pure part of the item pipeline in one call, for saved pages (`newswatch extract`).

The order is ITEM_PIPELINES' own: each pipeline that transforms an item without the crawl or the
database is mapped here to the same core function it calls; the others (dedupe, validate, diff, store)
need stored state and are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from newswatch.cleaning import clean_item
from newswatch.dates import parse_date
from newswatch.event import extract_event
from newswatch.fingerprint import canonical_url, content_hash, item_id
from newswatch.settings import ITEM_PIPELINES

Step = Callable[[dict, str | None, tuple[str, ...] | None], dict]


def _clean(item: dict, tz: str | None, languages: tuple[str, ...] | None) -> dict:
    return clean_item(item)


def _dates(item: dict, tz: str | None, languages: tuple[str, ...] | None, day_first: bool | None = None) -> dict:
    raw = item.get("published_raw")
    item["published"] = parse_date(raw, tz, languages, day_first) if raw else None
    return item


def _events(item: dict, tz: str | None, languages: tuple[str, ...] | None) -> dict:
    args = (item.get("title") or "", item.get("body") or "", item.get("published"), item.get("language"))
    item["event"] = extract_event(*args)
    return item


def _fingerprint(item: dict, tz: str | None, languages: tuple[str, ...] | None) -> dict:
    item["canonical_url"] = canonical_url(item["url"], item.get("canonical_url"))
    item["id"] = item_id(item["canonical_url"])
    item["content_hash"] = content_hash(item)
    return item


#: The pure step of each pipeline that has one.
PURE_STEPS: dict[str, Step] = {
    "pipelines.clean.CleanPipeline": _clean,
    "pipelines.dates.DatesPipeline": _dates,
    "pipelines.events.EventsPipeline": _events,
    "pipelines.fingerprint.FingerprintPipeline": _fingerprint,
}
#: Pipelines that need the crawl's stored state, so a saved page skips them.
STATEFUL = frozenset(
    {
        "pipelines.dedupe.DedupePipeline",
        "pipelines.validate.ValidatePipeline",
        "pipelines.diff.DiffPipeline",
        "pipelines.store.StorePipeline",
    }
)


def finish_item(
    raw: dict, tz: str | None = None, languages: tuple[str, ...] | None = None, day_first: bool | None = None
) -> dict:
    """Clean, date, extract the event and fingerprint a raw item exactly as the crawl pipelines do.

    ``day_first`` is the site's order for all-numeric dates (the spider's ``day_first``).
    """
    item = dict(raw)
    steps: dict[str, Step] = {**PURE_STEPS, "pipelines.dates.DatesPipeline": partial(_dates, day_first=day_first)}
    for path in sorted(ITEM_PIPELINES, key=ITEM_PIPELINES.__getitem__):
        step = steps.get(path)
        if step is not None:
            item = step(item, tz, languages)
    return item
