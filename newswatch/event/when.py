"""Event dates in article text: single days and ranges, resolved against the publication date.

"On 4 November" takes the publication year (the year before when that would put a past event
after the article); "13-14 May 2019", "September 29-30", "from 30 November to 2 December 2022",
"November 8 to 9", datelines and Chinese dates ("2024年5月25日至26日") are understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

_MON = (
    r"(?P<{0}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>(?:19|20)\d\d)"
_DASH = r"\s*(?:-|–|—|to|until|till|through|and)\s*"


def _g(pattern: str, name: str) -> str:
    return pattern.format(name)


# Order matters: longer forms first; each yields d1 m1 [y1] d2 [m2] y2 groups.
_PATTERNS = [
    # from 30 November to 2 December 2022 / 30 November 2022 - 2 December 2022
    re.compile(
        rf"\b{_g(_DAY, 'd1')}\s+{_g(_MON, 'm1')}(?:,?\s+{_g(_YEAR, 'y1')})?{_DASH}"
        rf"{_g(_DAY, 'd2')}\s+{_g(_MON, 'm2')}(?:,?\s+{_g(_YEAR, 'y2')})?\b",
        re.I,
    ),
    # November 30 to December 2, 2022
    re.compile(
        rf"\b{_g(_MON, 'm1')}\s+{_g(_DAY, 'd1')}(?:,?\s+{_g(_YEAR, 'y1')})?{_DASH}"
        rf"{_g(_MON, 'm2')}\s+{_g(_DAY, 'd2')}(?:,?\s+{_g(_YEAR, 'y2')})?\b",
        re.I,
    ),
    # 13-14 May 2019 / 13 to 14 May
    re.compile(rf"\b{_g(_DAY, 'd1')}{_DASH}{_g(_DAY, 'd2')}\s+{_g(_MON, 'm2')}(?:,?\s+{_g(_YEAR, 'y2')})?\b", re.I),
    # September 29-30, 2020 / November 8 to 9
    re.compile(rf"\b{_g(_MON, 'm1')}\s+{_g(_DAY, 'd1')}{_DASH}{_g(_DAY, 'd2')}(?:,?\s+{_g(_YEAR, 'y2')})?\b", re.I),
    # 4 November 2020 / 4 November
    re.compile(rf"\b{_g(_DAY, 'd1')}\s+{_g(_MON, 'm1')}(?:,?\s+{_g(_YEAR, 'y1')})?\b", re.I),
    # November 8, 2020 / December 28
    re.compile(
        rf"\b{_g(_MON, 'm1')}\s+{_g(_DAY, 'd1')}(?:,?\s+{_g(_YEAR, 'y1')})?\b(?!\s*(?:%|per\s*cent|percent))", re.I
    ),
    # 2020-11-08
    re.compile(r"\b(?P<y1>(?:19|20)\d\d)-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)\b"),
    # 2024年5月25日至26日 / 2024年5月25日至6月2日 / 5月25日
    re.compile(
        r"(?:(?P<y1>(?:19|20)\d\d)\s*年\s*)?(?P<m1>1[0-2]|0?[1-9])\s*月\s*(?P<d1>[0-3]?\d)\s*日"
        r"(?:\s*(?:至|到|-|—|–|~|～)\s*(?:(?P<m2>1[0-2]|0?[1-9])\s*月\s*)?(?P<d2>[0-3]?\d)\s*日)?"
    ),
]

#: Every date above has a digit; the English ones also a month name.
_DIGIT = re.compile(r"\d")
_MONTH_NAME = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", re.I)
_NAMED = len(_PATTERNS) - 2  # the patterns before this index need a month name

#: Words before a date that say it is not the event's date.
_NOT_EVENT = re.compile(
    r"(?:published|posted|updated|deadline|due|nominations?|applications?|submit\w*|by|before|since|born|"
    r"died|founded|established|until|from\s+\d{4}|in\s+\d{4}|截止|发布)\W*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date or range found in text, with where it was found."""

    start: date
    end: date
    pos: int
    explicit_year: bool


_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}


def _month(value: str) -> int:
    if value.isdigit():
        return int(value)
    return _MONTHS[value.lower().rstrip(".")[:3]]


def _resolve_year(month: int, day: int, published: date | None, future: bool) -> int | None:
    """The year of a yearless date: the publication year, or the one before/after when needed."""
    if published is None:
        return None
    year = published.year
    try:
        candidate = date(year, month, day)
    except ValueError:
        return None
    if not future and candidate > published + timedelta(days=45):
        return year - 1
    if future and candidate < published - timedelta(days=45):
        return year + 1
    return year


def _span(m: re.Match, published: date | None, future: bool) -> DateSpan | None:
    g = m.groupdict()
    try:
        m1 = _month(g.get("m1") or g["m2"])
        m2 = _month(g["m2"]) if g.get("m2") else m1
        d1, d2 = int(g["d1"]), int(g["d2"]) if g.get("d2") else int(g["d1"])
    except (KeyError, TypeError, ValueError):
        return None
    y2 = g.get("y2") or g.get("y1")
    y1 = g.get("y1") or y2
    explicit = y1 is not None and y2 is not None
    if y1 is not None and y2 is not None:
        year1, year2 = int(y1), int(y2)
        if not g.get("y1") and (m1, d1) > (m2, d2):  # "30 November to 2 December 2022" spans no year end here
            year1 = year2 - 1
    else:
        resolved = _resolve_year(m1, d1, published, future)
        if resolved is None:
            return None
        year1 = resolved
        year2 = year1 + 1 if (m2, d2) < (m1, d1) else year1
    try:
        start, end = date(year1, m1, d1), date(year2, m2, d2)
    except ValueError:
        return None
    if end < start or (end - start).days > 60:
        return None
    return DateSpan(start, end, m.start(), explicit)


def find_dates(text: str, published: date | None = None, future: bool = False) -> list[DateSpan]:
    """Every date or date range in ``text``, in text order, without overlaps; never invented."""
    if not _DIGIT.search(text):
        return []
    return list(_find_dates(text, published, future))


@lru_cache(maxsize=2048)
def _find_dates(text: str, published: date | None, future: bool) -> tuple[DateSpan, ...]:
    taken: list[tuple[int, int]] = []
    found: list[DateSpan] = []
    patterns = _PATTERNS if _MONTH_NAME.search(text) else _PATTERNS[_NAMED:]
    for pattern in patterns:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            span = _span(m, published, future)
            if span is None:
                continue
            taken.append((m.start(), m.end()))
            if _NOT_EVENT.search(text[max(0, m.start() - 30) : m.start()]):
                continue
            found.append(span)
    return tuple(sorted(found, key=lambda s: s.pos))


#: "Beijing, Sept. 12 (Xinhua) --", "Vienna, 3 March 2025 –": a place, a date, a dash, at the text's start.
_DATELINE = re.compile(r"^\s*[A-Z][^,\n]{1,40},\s*[^–—\n]{4,40}?\s*(?:\([^)\n]{1,30}\)\s*)?(?:--|–|—|-|:)\s+")
#: Words saying the event was on the dateline's day (or the day before, or a weekday of that week).
_RELATIVE = re.compile(
    r"\b(?:today|this (?:morning|afternoon|evening)|tonight|(?P<yesterday>yesterday)|on (?P<weekday>Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.I,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: A date right after these is the event's last day, not its first; after _OPENED, its first.
_CLOSED = re.compile(
    r"\b(?:concluded|closed|ended|wrapped up|came to an? (?:close|end)|closing|closes|concludes|ends)\b[^.;]{0,25}$",
    re.I,
)
_OPENED = re.compile(r"\b(?:opened|began|started|kicked off|commenced|opening|opens|begins)\b[^.;]{0,25}$", re.I)
_DAYS = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|[2-9])[- ]days?\b|\bafter (?P<m>two|three|four|five|six|seven|"
    r"[2-9]) days\b",
    re.I,
)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def split_dateline(sentence: str, published: date | None) -> tuple[date | None, str]:
    """The dateline's date (None without one) and the sentence without its dateline."""
    m = _DATELINE.match(sentence)
    if m:
        spans = find_dates(m[0], published)
        if spans:
            return spans[0].start, sentence[m.end() :]
    return None, sentence


def _relative(sentence: str, day: date | None) -> tuple[date, int] | None:
    """The day a sentence's 'today', 'yesterday' or 'on Thursday' means (from the dateline's), and where it is said."""
    m = _RELATIVE.search(sentence) if day else None
    if m is None or day is None:
        return None
    if m["yesterday"]:
        return day - timedelta(days=1), m.start()
    if m["weekday"]:
        return day - timedelta(days=(day.weekday() - _WEEKDAYS.index(m["weekday"].lower())) % 7), m.start()
    return day, m.start()


_FINAL_DAY = re.compile(r"^[^.;]{0,25}?\b(?:for|on)\s+(?:the\s+)?(?:final|last|closing)\s+day\b", re.I)


def _closing(sentence: str, pos: int, after: int) -> bool:
    """True when the date at ``pos`` is the event's last day: 'concluded on 12 June', '5 July for the final day'."""
    return bool(_CLOSED.search(sentence[max(0, pos - 40) : pos]) or _FINAL_DAY.match(sentence[after:]))


def _start_before(end: date, sentences: list[str], published: date | None, future: bool) -> date:
    """A closing day's event start: the day it 'opened', else the end less its stated length ('four days')."""
    for sentence in sentences:
        for span in find_dates(sentence, published, future):
            if _OPENED.search(sentence[max(0, span.pos - 40) : span.pos]) and 0 < (end - span.start).days <= 14:
                return span.start
    for sentence in sentences:
        m = _DAYS.search(sentence)
        if m:
            n = m["n"] or m["m"]
            return end - timedelta(days=(_SMALL.get(n.lower()) or int(n)) - 1)
    return end


def event_dates(
    candidates: list[str], sentences: list[str], published: date | None, future: bool, dateline: date | None
) -> tuple[str | None, str | None]:
    """The event's dates from the first candidate sentence that dates it (its own date or 'today').

    A date after 'concluded' is the last day; a range stated later for the same start extends it.
    """
    for sentence in candidates:
        spans = find_dates(sentence, published, future)
        if not spans:
            said = _relative(sentence, dateline)
            if said is None:
                continue
            day, pos = said
            start = _start_before(day, sentences, published, future) if _closing(sentence, pos, pos + 5) else day
            return start.isoformat(), day.isoformat()
        start, end = spans[0].start, spans[0].end
        if start == end and _closing(sentence, spans[0].pos, spans[0].pos + 4):
            start = _start_before(end, sentences, published, future)
        # "held on November 8 … From November 8 to 9, parallel sessions were held": the event runs on.
        for later in sentences:
            for span in find_dates(later, published, future):
                if span.start == start and span.end > end:
                    end = span.end
        return start.isoformat(), end.isoformat()
    return None, None


__all__ = ["DateSpan", "event_dates", "find_dates", "split_dateline"]
