"""The common event schema: one record per article, published as JSON Schema and enforced."""

from __future__ import annotations

from functools import lru_cache

import fastjsonschema

SCHEMA_ID = "https://newswatch.dev/schema/item.json"

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_ISO_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_ISO_DATE_OR_TIME = {
    "type": ["string", "null"],
    "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?$",
}
_URL = {"type": "string", "pattern": r"^https?://[^\s]+$", "maxLength": 4096}

EVENT_TYPES = [
    "forum",
    "workshop",
    "conference",
    "symposium",
    "meeting",
    "visit",
    "signing",
    "assembly",
    "ceremony",
    "award",
    "lecture",
    "training",
    "other",
]
ORGANISER_ROLES = ["host", "co-host", "organiser", "co-organiser", "sponsor", "supporter"]

EVENT = {
    "type": ["object", "null"],
    "description": "The event the article reports, or null when it reports none.",
    "additionalProperties": False,
    "required": ["name", "type"],
    "properties": {
        "name": _NSTR,  # null for a visit or a signing the text does not name
        "acronym": _NSTR,
        "type": {"enum": EVENT_TYPES},
        "start": _ISO_DATE,
        "end": _ISO_DATE,
        "location": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "venue": _NSTR,
                "city": _NSTR,
                "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"},
            },
        },
        "mode": {"enum": ["in_person", "online", "hybrid", None]},
        "organisers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": _STR, "role": {"enum": [*ORGANISER_ROLES, None]}},
            },
        },
        "participants": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": _STR, "title": _NSTR, "organisation": _NSTR, "role": _NSTR},
            },
        },
        "attendance": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "participants": {"type": ["integer", "null"], "minimum": 0},
                "countries": {"type": ["integer", "null"], "minimum": 0},
            },
        },
    },
}

ITEM_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "newswatch item",
    "description": "One news article from an academy or alliance, with the event it reports.",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "site",
        "url",
        "canonical_url",
        "title",
        "published",
        "published_raw",
        "source",
        "section",
        "language",
        "summary",
        "body",
        "images",
        "fetched_at",
        "content_hash",
        "extractor_version",
        "event",
    ],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9a-f]{16}$", "description": "Stable id from the canonical URL."},
        "site": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "url": _URL,
        "canonical_url": _URL,
        "title": {"type": "string", "minLength": 1, "maxLength": 1000},
        "published": {**_ISO_DATE_OR_TIME, "description": "Parsed publication date (ISO 8601)."},
        "published_raw": {**_NSTR, "description": "The date exactly as the page gives it."},
        "source": {**_NSTR, "description": "Attribution, e.g. 'CAE' from 'Source: CAE'."},
        "section": {"type": "array", "items": _STR, "description": "Breadcrumb, without 'Home'."},
        "language": {"type": ["string", "null"], "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]+)*$"},
        "summary": _NSTR,
        "body": {"type": "string", "minLength": 1, "description": "Clean text; paragraphs separated by a blank line."},
        "images": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["url"],
                "properties": {"url": _URL, "caption": _NSTR},
            },
        },
        "fetched_at": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"},
        "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "extractor_version": {"type": "string", "minLength": 1},
        "position": {
            "type": "object",
            "description": "Where the crawl found the item: listing and page number.",
            "additionalProperties": False,
            "properties": {"listing": _STR, "page": {"type": "integer", "minimum": 1}},
        },
        "event": EVENT,
    },
}


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator  # only to explain an invalid item

    Draft202012Validator.check_schema(ITEM_SCHEMA)
    return Draft202012Validator(ITEM_SCHEMA)


@lru_cache(maxsize=1)
def _compiled():
    return fastjsonschema.compile(ITEM_SCHEMA)


def validation_errors(item: dict) -> list[str]:
    """Readable reasons why ``item`` breaks the schema (empty when valid).

    The compiled validator (fastjsonschema) answers the common, valid case; jsonschema then
    explains an invalid item with every error and its path.
    """
    try:
        _compiled()(item)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_validator().iter_errors(item), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(item)'}: {e.message}" for e in errors]
