"""Publication dates: many formats and languages via dateparser, never an invented date."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import dateparser

#: Fast exact formats tried before dateparser (most sites use one of these).
_FORMATS_DATE = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%d %b %Y")
_FORMATS_TIME = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d{2}(?!\d)")
_PREFIX = re.compile(r"^\s*(published|posted|date|release date|updated|发布时间|发布日期|日期|时间)\s*[:：]?\s*", re.I)
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["custom-formats", "absolute-time"],
}


def parse_offset(tz: str | None) -> timezone | None:
    """'+08:00' → a fixed offset; None stays None."""
    if not tz:
        return None
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", tz.strip())
    if not m:
        raise ValueError(f"bad UTC offset {tz!r}; write it as +08:00")
    delta = timedelta(hours=int(m[2]), minutes=int(m[3]))
    return timezone(-delta if m[1] == "-" else delta)


def _exact(raw: str) -> tuple[datetime, bool] | None:
    for fmt in _FORMATS_TIME:
        try:
            return datetime.strptime(raw, fmt), True
        except ValueError:
            pass
    for fmt in _FORMATS_DATE:
        try:
            return datetime.strptime(raw, fmt), False
        except ValueError:
            pass
    return None


@lru_cache(maxsize=4096)
def parse_date(raw: str | None, tz: str | None = None, languages: tuple[str, ...] | None = None) -> str | None:
    """ISO date ('2020-11-09') or datetime with offset ('2020-09-22T10:31:00+08:00') from a raw string.

    A string with a time keeps it (with the site's UTC offset ``tz`` when given); one without a
    full day, month and year gives None rather than a guessed date.
    """
    if not raw:
        return None
    text = _PREFIX.sub("", raw).strip(" \t\n•|-–—")
    if not text:
        return None
    found = _exact(text)
    if found is None:
        if not (_HAS_YEAR.search(text) or re.search(r"\d{4}\s*年", text)):
            return None
        parsed = dateparser.parse(text, languages=list(languages) if languages else None, settings=_SETTINGS)
        if parsed is None:
            return None
        found = (parsed, bool(_HAS_TIME.search(text)))
    value, has_time = found
    if not has_time:
        return value.date().isoformat()
    offset = value.tzinfo or parse_offset(tz)
    if offset is not None:
        value = value.replace(tzinfo=offset)
    return value.isoformat(timespec="seconds")
