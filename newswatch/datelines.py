"""Dates and sources a page states in its own words: the info line near the title, the dateline.

News pages print their publication date as text: a line under (or over) the title such as
"Published: Jun 25, 2023 • Source: CAE", "Date: 02 April 2026 | Press Office", "发布时间：2024年5月25日",
or a dateline opening the body ("Paris, 4 July 2018 –"). These are read before any guess from the
markup, with the site's known day/month order; a line whose date does not parse gives nothing.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from newswatch.dates import parse_date

_MONTH_NAMES = sorted(
    {n.lower() for i in range(1, 13) for n in (calendar.month_name[i], calendar.month_abbr[i])} | {"sept"},
    key=len,
    reverse=True,
)
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:\s*[ap]\.?m\.?)?)?"
#: A date written out, in the forms news pages use; each match is confirmed by parse_date.
DATE_TOKEN = re.compile(
    "|".join(
        [
            r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?",
            r"(?<![\d/.-])\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?(?![\d/.-])",
            rf"\b{_MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}\b{_TIME}",
            rf"\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b{_TIME}",
            r"(?<![\d/.-])\d{1,2}(?:[./-]\d{1,2}[./-]|\s\d{1,2},\s?)\d{4}(?![\d/.-])",
            r"\b\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,12}\.?,?\s+(?:de\s+)?\d{4}\b",
        ]
    ),
    re.I,
)
#: Labels of a publication date, and of dates that are not one (an update, a deadline, an event).
_PUBLISHED = re.compile(
    r"(?<![\w-])(published(?:\s+on)?|posted(?:\s+on)?|date(?:\s+of\s+publication)?|publication\s+date|"
    r"release\s+(?:date|time)|released(?:\s+on)?|issued(?:\s+on)?|press\s+release|"
    r"发布时间|发布日期|发表时间|发文日期|日期|时间|date\s+de\s+publication|publié\s+le|veröffentlicht(?:\s+am)?)"
    r"\s*[:：]?\s*$",
    re.I,
)
_NOT_PUBLISHED = re.compile(
    r"updated|modified|revised|edited|deadline|closing|due|expires|event|venue|time\s+and\s+place|when|"
    r"from|until|register|today|更新|截止|活动|会议时间|今天|今日",
    re.I,
)
_SOURCE_LABEL = re.compile(r"^\s*(source|from|来源|出处)\s*[:：]\s*", re.I)
#: A "Source:" value inside a line without separators: up to the next label or a wide gap.
_SOURCE_IN_LINE = re.compile(
    r"(?<!\w)(?:source|来源|出处)\s*[:：]\s*(.+?)(?=\s{2,}|\s+(?:[^\s:：]{1,12}\s)?[^\s:：]{1,12}[:：]|$)", re.I
)
_OTHER_LABEL = re.compile(r"^\s*[^:：]{1,20}[:：]|^\s*by\s|^\s*(views?|hits|font|share|print)\b", re.I)
_SEPARATORS = re.compile(r"\s*(?:[|•·丨/]|\s{3,}|\t|——)\s*")
_DATELINE = re.compile(
    r"^\s*(?:\(?[A-Z][\w'’.-]*(?:[ -][\w'’.-]+){0,3}\)?,\s*){1,2}(?:[A-Z][a-z]+day,?\s+)?(?P<date>\S[^–—(/:]{5,40}?)"
    r"\s*(?:[–—-]{1,2}|/|\(|:)"
)
_CN_DATELINE = re.compile(r"^.{0,24}?(?P<date>\d{4}年\d{1,2}月\d{1,2}日)电")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "td",
        "th",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "blockquote",
        "figure",
        "figcaption",
        "address",
        "hr",
        "pre",
        "form",
    ]
)
_SKIPPED_TAGS = frozenset(
    ["script", "style", "noscript", "template", "nav", "aside", "select", "option", "button", "svg", "head"]
)
_WS = re.compile(r"\s+")
#: A byline's "… on <date>", the weekday allowed between them.
_BYLINE_ON = re.compile(r"^(?:by|submitted|posted|written|published)\b.{0,60}\bon\s+(?:[a-z]{3,9}\.?,?\s+)?$", re.I)
#: Lines read before giving up on finding the title, and lines searched around it.
_MAX_LINES = 600
_AFTER, _BEFORE = 8, 3
_LONG_LINE = 200


@dataclass(frozen=True, slots=True)
class InfoLine:
    """What a page's info line or dateline states: the raw date, the source, and the line itself."""

    date: str | None = None
    source: str | None = None
    text: str | None = None


def _lines(root: etree._Element, limit: int = _MAX_LINES) -> Iterator[tuple[str, bool]]:
    """Visible text lines of a page in reading order, each with whether it is the first <h1>'s line."""
    parts: list[str] = []
    count = 0
    h1_pending, h1_seen = False, False
    skipped = None  # the element whose subtree is left out (a script, a menu)

    def flush() -> str | None:
        text = _WS.sub(" ", "".join(parts)).strip()
        parts.clear()
        return text or None

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None
        text = None
        if event == "start":
            if skipped is not None:
                continue
            if tag in _SKIPPED_TAGS:
                skipped = element
                continue
            if tag in _BLOCK_TAGS:
                text = flush()
            if tag is not None and element.text:
                parts.append(element.text)
        else:
            if skipped is not None:
                if element is not skipped:
                    continue
                skipped = None
            elif tag in _BLOCK_TAGS:
                text = flush()
            if element.tail:
                parts.append(element.tail)
        if text is not None:
            yield text, h1_pending
            h1_pending = False
            count += 1
        if event == "start" and tag == "h1" and not h1_seen:
            h1_seen = h1_pending = True  # the next line is the first <h1>'s
        if count >= limit:
            return
    if text := flush():
        yield text, h1_pending


def _matches_title(line: str, wanted: str) -> bool:
    folded = line.casefold()
    return folded == wanted or (len(folded) > 15 and (folded in wanted or wanted in folded) and len(folded) < 300)


def _title_window(root: etree._Element, title: str | None) -> tuple[list[str], int | None]:
    """The page's lines up to ``_AFTER`` past the title's line, and that line's index (None when not found).

    The title's line is the first line that reads as the title, else the first <h1>'s (the first
    <h1> of an old layout may be the site's logo). The walk stops once the lines after it are read:
    the rest of a long page is never needed.
    """
    wanted = _WS.sub(" ", title).strip().casefold() if title else None
    lines: list[str] = []
    h1_at = at = None
    for text, is_h1 in _lines(root):
        if is_h1:
            h1_at = len(lines)
        if wanted is not None and at is None and _matches_title(text, wanted):
            at = len(lines)
        lines.append(text)
        anchor = at if wanted is not None else h1_at
        if anchor is not None and len(lines) > anchor + _AFTER:
            break
    if at is None:
        at = h1_at if h1_at is not None and h1_at < len(lines) else None
    return lines, at


def _dates(text: str, day_first: bool | None, languages: tuple[str, ...] | None = None):
    """(raw, start, end) of each date in ``text`` that parses (in the page's ``languages`` first), in order."""
    for m in DATE_TOKEN.finditer(text):
        raw = m.group().strip()
        if parse_date(raw, None, languages, day_first):
            yield raw, m.start(), m.end()


def _labelled_date(line: str, day_first: bool | None, languages: tuple[str, ...] | None = None) -> str | None:
    """The date after a publication label in ``line`` ("Published: Jun 25, 2023")."""
    for raw, start, _ in _dates(line, day_first, languages):
        before = _SEPARATORS.split(line[:start])[-1]
        if _PUBLISHED.search(before) and not _NOT_PUBLISHED.search(before):
            return raw
    return None


def _bare_date(line: str, day_first: bool | None, languages: tuple[str, ...] | None = None) -> str | None:
    """The date of a short line that holds little else ("June 25, 2023 | Press Office")."""
    if len(line) > 120:
        return None
    for raw, start, end in _dates(line, day_first, languages):
        before, after = line[:start], line[end:]
        if _NOT_PUBLISHED.search(_SEPARATORS.split(before)[-1]):
            continue
        if line.rstrip().endswith((".", "。")):
            return None  # a sentence, not a byline
        if _BYLINE_ON.search(before) and len(line) <= 100:
            return raw  # "Submitted by Press Team on Tue, 06/12/2019 - 10:15", "By J. Doe on May 3, 2021"
        rest = [s for s in _SEPARATORS.split(f"{before} | {after}") if s.strip(" ,;:-–—()[]")]
        words = [len(s.split()) for s in rest]
        return raw if sum(words) <= 8 and all(w <= 5 for w in words) else None
    return None


def _source(line: str, date: str) -> str | None:
    """The source an info line names: a "Source:" segment, else the one short plain segment beside a date."""
    segments = [s.strip() for s in _SEPARATORS.split(line) if s.strip(" ,;-–—")]
    for segment in segments:
        if _SOURCE_LABEL.match(segment):
            return _SOURCE_LABEL.sub("", segment).strip() or None
    if m := _SOURCE_IN_LINE.search(line):
        return m[1].strip() or None
    plain = [
        s
        for s in segments
        if date not in s and not _OTHER_LABEL.match(s) and not re.search(r"\d", s) and len(s.split()) <= 6
    ]
    return plain[0] if len(plain) == 1 and len(segments) == 2 else None


def _source_line(window: list[str]) -> str | None:
    """A "Source: …" line of its own near the title (info lines laid out as list items)."""
    for line in window:
        if len(line) <= 80 and _SOURCE_LABEL.match(line):
            return _SOURCE_LABEL.sub("", line).strip() or None
    return None


def dateline(
    paragraph: str | None, day_first: bool | None = None, languages: tuple[str, ...] | None = None
) -> str | None:
    """The date of a dateline opening a paragraph: "Paris, 4 July 2018 –", "新华社北京2024年5月25日电"."""
    if not paragraph:
        return None
    head = paragraph[:160]
    for pattern in (_DATELINE, _CN_DATELINE):
        m = pattern.match(head)
        if m:
            found = next(_dates(m["date"], day_first, languages), None)
            if found and found[0] == m["date"].strip():
                return found[0]
    return None


def info_line(
    root: etree._Element,
    title: str | None = None,
    day_first: bool | None = None,
    languages: tuple[str, ...] | None = None,
) -> InfoLine:
    """The date line near the page's title (labelled, else a short line of little else), or the dateline
    opening the first paragraph after it; with the source the line names."""
    lines, at = _title_window(root, title)
    if at is None:
        return InfoLine()
    after = lines[at + 1 : at + 1 + _AFTER]
    before = [line for line in reversed(lines[max(0, at - _BEFORE) : at]) if len(line) <= _LONG_LINE]
    window = [line for line in after if len(line) <= _LONG_LINE] + before
    for reader in (_labelled_date, _bare_date):
        for line in window:
            if date := reader(line, day_first, languages):
                return InfoLine(date, _source(line, date) or _source_line(window), line)
    first_long = next((line for line in after if len(line.split()) >= 8), None)
    if date := dateline(first_long, day_first, languages):
        return InfoLine(date, None, None)
    return InfoLine()


def without_line(text: str | None, line: str | None, title: str | None = None) -> str | None:
    """``text`` without the info line: a paragraph that is the line goes, the line inside a
    summary is cut out; a summary left holding only the title is no summary."""
    if not text or not line:
        return text
    paragraphs = text.split("\n\n")
    kept = [p for p in paragraphs if _WS.sub(" ", p).strip() != line]
    if len(kept) != len(paragraphs):
        return "\n\n".join(kept)
    flat = _WS.sub(" ", text).strip()
    if line not in flat:
        return text
    rest = flat.replace(line, " ").strip(" |•·-–—")
    rest = _WS.sub(" ", rest)
    if not rest or (title and rest.casefold() == _WS.sub(" ", title).strip().casefold()):
        return None
    return rest
