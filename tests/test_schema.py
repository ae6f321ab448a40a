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
