"""The published JSON Schema and item validation."""

import json
import subprocess
import sys

from newswatch.process import finish_item
from newswatch.schema import ITEM_SCHEMA, validation_errors


def _valid():
    item = finish_item(
        {
            "url": "https://en.cae.cn/cae/html/en/col2003/2023-06/25/1_1.html",
            "title": "Forum",
            "published_raw": "Jun 25, 2023",
            "body": ["Text."],
            "language": "en",
            "source": "CAE",
        }
    )
    item.update(site="cae", fetched_at="2026-11-23T10:00:00+00:00", extractor_version="cae-1.core-1")
    return item


def test_a_clean_item_is_valid():
    assert validation_errors(_valid()) == []


def test_invalid_items_give_readable_reasons():
    item = _valid()
    item.update(title="", published="last week", body="")
    item["event"] = {"name": "WSTDF", "type": "party", "location": {"country": "China"}}
    errors = "\n".join(validation_errors(item))
    for part in ("title:", "published:", "body:", "event/type:", "event/location/country:"):
        assert part in errors, part
    assert validation_errors({k: v for k, v in _valid().items() if k != "url"}) == [
        "(item): 'url' is a required property"
    ]


def test_schema_command_prints_the_schema():
    out = subprocess.run(
        [sys.executable, "-m", "newswatch", "schema"], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == json.loads(json.dumps(ITEM_SCHEMA))


def test_every_pipeline_is_either_a_pure_step_or_stateful():
    """A new pipeline must say whether `newswatch extract` runs it: finish_item follows ITEM_PIPELINES."""
    from newswatch.process import PURE_STEPS, STATEFUL
    from newswatch.settings import ITEM_PIPELINES

    assert set(ITEM_PIPELINES) == set(PURE_STEPS) | STATEFUL
    assert not set(PURE_STEPS) & STATEFUL
    order = sorted(ITEM_PIPELINES, key=ITEM_PIPELINES.__getitem__)
    assert max(order.index(p) for p in PURE_STEPS) < min(order.index(p) for p in STATEFUL)


def test_finish_item_runs_the_steps_in_the_pipeline_order(monkeypatch):
    import newswatch.process as process

    seen = []
    monkeypatch.setattr(process, "ITEM_PIPELINES", {"b": 2, "a": 1, "c": 3})
    monkeypatch.setattr(process, "PURE_STEPS", {k: (lambda i, tz, lang, k=k: seen.append(k) or i) for k in "abc"})
    assert process.finish_item({"x": 1}) == {"x": 1}
    assert seen == ["a", "b", "c"]
