"""Publication dates: many formats and languages via dateparser, never an invented date."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

#: The numeric forms most sites use, parsed without dateparser: 2020-09-22, 2020/09/22 10:31.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")
_NUMERIC = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
#: English month names and abbreviations (calendar's, plus "Sept"): "Nov 9, 2020", "28 April 2025".
_MONTHS = {name.lower(): i for i in range(1, 13) for name in (calendar.month_name[i], calendar.month_abbr[i])}
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
#: ... with the time news pages print after them: "Nov 19, 2019, 10:31 pm", "18 Nov 2019 at 9:38 a.m.".
_TIME = r"(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([ap])\.?m\.?)?)?"
_EN_MDY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME, re.I)
_EN_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})" + _TIME, re.I)
#: Day and month in either order, then the year: "03 06, 2024" (ANSO), "03/06/2024", "3.6.2024".
_NUM_DMY = re.compile(r"(\d{1,2})(?:[./-]|\s+)(\d{1,2})(?:[./,-]\s*|,?\s+)(\d{4})")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HAS_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d{2}(?!\d)")
_PREFIX = re.compile(
    r"^\s*(published on|published|posted on|posted|date|release date|release time|publication date|updated"
    r"|发布时间|发布日期|日期|时间)\s*[:：]?\s*",
    re.I,
)
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


def _day_month(first: int, second: int, separator: str, day_first: bool | None) -> tuple[int, int] | None:
    """(day, month) of a numeric date whose order the site states, or its numbers or dots settle."""
    if first > 12 or second > 12:
        return (first, second) if first > 12 else (second, first)
    if day_first is None:
        if separator != ".":
            return None  # 03/06/2024 on a site of unknown order: dateparser's language default decides
        day_first = True  # 03.06.2024 is written day first
    return (first, second) if day_first else (second, first)


def _with_time(day: datetime, m: re.Match, at: int) -> tuple[datetime, bool]:
    """``day`` at the time matched from group ``at`` on (hour, minute, second, a/p), if any."""
    if m[at] is None:
        return day, False
    hour, minute, second, half = int(m[at]), int(m[at + 1]), int(m[at + 2] or 0), (m[at + 3] or "").lower()
    if half and hour > 12:
        raise ValueError("a 24-hour time with am/pm: left to dateparser")
    if half == "a" and hour == 12:
        hour = 0
    elif half == "p" and hour < 12:
        hour += 12
    return day.replace(hour=hour, minute=minute, second=second), True


def _exact(raw: str, day_first: bool | None = None) -> tuple[datetime, bool] | None:
    """The common forms, without dateparser (which costs about a millisecond a call)."""
    try:
        if _ISO.fullmatch(raw):
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return value, "T" in raw or " " in raw
        if m := _NUMERIC.fullmatch(raw):
            year, month, day, hour, minute, second = (int(p) for p in m.groups(default="0"))
            return datetime(year, month, day, hour, minute, second), m[4] is not None
        if m := _EN_MDY.fullmatch(raw):
            return _with_time(datetime(int(m[3]), _MONTHS[m[1].lower()], int(m[2])), m, 4)
        if m := _EN_DMY.fullmatch(raw):
            return _with_time(datetime(int(m[3]), _MONTHS[m[2].lower()], int(m[1])), m, 4)
        if m := _NUM_DMY.fullmatch(raw):
            separator = raw[len(m[1])]
            order = _day_month(int(m[1]), int(m[2]), separator, day_first)
            return (datetime(int(m[3]), order[1], order[0]), False) if order else None
    except ValueError:
        return None  # e.g. 31 June: not a date
    return None


@lru_cache(maxsize=32)
def _parser(languages: tuple[str, ...] | None, day_first: bool | None = None):
    """One dateparser parser per language set: building one costs far more than a parse.

    Page languages come as "en-GB" or "zh_CN": dateparser knows the primary subtags.
    """
    from dateparser.date import DateDataParser  # imported on first use: most dates take the fast path

    primary = tuple(dict.fromkeys(code.replace("_", "-").split("-")[0].lower() for code in languages or ()))
    settings = _SETTINGS if day_first is None else {**_SETTINGS, "DATE_ORDER": "DMY" if day_first else "MDY"}
    return DateDataParser(languages=list(primary) or None, settings=settings)


def _search(text: str, languages: tuple[str, ...] | None, day_first: bool | None = None) -> datetime | None:
    """dateparser in the page's languages, then in any language (a Chinese date on an English page)."""
    for langs in (languages, None) if languages else (None,):
        try:
            parsed = _parser(langs, day_first).get_date_data(text).date_obj
        except ValueError:  # a language dateparser does not know
            continue
        if parsed is not None:
            return parsed
    return None


@lru_cache(maxsize=4096)
def parse_date(
    raw: str | None,
    tz: str | None = None,
    languages: tuple[str, ...] | None = None,
    day_first: bool | None = None,
) -> str | None:
    """ISO date ('2020-11-09') or datetime with offset ('2020-09-22T10:31:00+08:00') from a raw string.

    A string with a time keeps it (with the site's UTC offset ``tz`` when given); one without a
    full day, month and year gives None rather than a guessed date. ``day_first`` is the site's
    order for numeric dates (ANSO writes "03 06, 2024" for 3 June); None leaves it to the form.
    """
    if not raw:
        return None
    text = _PREFIX.sub("", raw).strip(" \t\n•|-–—")
    if not text:
        return None
    found = _exact(text, day_first)
    if found is None:
        if not (_HAS_YEAR.search(text) or re.search(r"\d{4}\s*年", text)):
            return None
        parsed = _search(text, languages, day_first)
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
