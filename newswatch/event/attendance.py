"""Attendance: how many people took part, and from how many countries, from counts of people present.

"More than 40 participants from 11 countries attended" counts; a working group "made up of 30
experts", "36 founding members" or "38 new members elected" are sizes of bodies, not attendance;
a count in a sentence about another edition ("last year's conference attracted 6,000") is not this one's.
"""

from __future__ import annotations

import re

from newswatch.event.sentences import about_another_edition, split_sentences

_NUMBER_WORDS: dict[str, int | None] = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "twenty-one": 21,
    "twenty-two": 22,
    "twenty-three": 23,
    "twenty-four": 24,
    "twenty-five": 25,
    "twenty-six": 26,
    "twenty-seven": 27,
    "twenty-eight": 28,
    "twenty-nine": 29,
    "thirty": 30,
    "thirty-one": 31,
    "thirty-two": 32,
    "thirty-three": 33,
    "thirty-four": 34,
    "thirty-five": 35,
    "thirty-six": 36,
    "thirty-seven": 37,
    "thirty-eight": 38,
    "thirty-nine": 39,
    "forty": 40,
    "forty-one": 41,
    "forty-two": 42,
    "forty-three": 43,
    "forty-four": 44,
    "forty-five": 45,
    "forty-six": 46,
    "forty-seven": 47,
    "forty-eight": 48,
    "forty-nine": 49,
    "fifty": 50,
    "fifty-one": 51,
    "fifty-two": 52,
    "fifty-three": 53,
    "fifty-four": 54,
    "fifty-five": 55,
    "fifty-six": 56,
    "fifty-seven": 57,
    "fifty-eight": 58,
    "fifty-nine": 59,
    "sixty": 60,
    "sixty-one": 61,
    "sixty-two": 62,
    "sixty-three": 63,
    "sixty-four": 64,
    "sixty-five": 65,
    "sixty-six": 66,
    "sixty-seven": 67,
    "sixty-eight": 68,
    "sixty-nine": 69,
    "seventy": 70,
    "seventy-one": 71,
    "seventy-two": 72,
    "seventy-three": 73,
    "seventy-four": 74,
    "seventy-five": 75,
    "seventy-six": 76,
    "seventy-seven": 77,
    "seventy-eight": 78,
    "seventy-nine": 79,
    "eighty": 80,
    "eighty-one": 81,
    "eighty-two": 82,
    "eighty-three": 83,
    "eighty-four": 84,
    "eighty-five": 85,
    "eighty-six": 86,
    "eighty-seven": 87,
    "eighty-eight": 88,
    "eighty-nine": 89,
    "ninety": 90,
    "ninety-one": 91,
    "ninety-two": 92,
    "ninety-three": 93,
    "ninety-four": 94,
    "ninety-five": 95,
    "ninety-six": 96,
    "ninety-seven": 97,
    "ninety-eight": 98,
    "ninety-nine": 99,
    "a hundred": 100,
    "one hundred": 100,
    "hundreds": None,
    "a thousand": 1000,
    "one thousand": 1000,
}
_NUM = r"(?P<{0}>\d{{1,3}}(?:,\d{{3}})+|\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_PEOPLE_WORDS = (
    r"experts|participants|scientists|delegates|representatives|attendees|trainees|guests|people|scholars|"
    r"researchers|academicians|officials|leaders|students|young scientists|members|speakers|audiences?|engineers|"
    r"specialists|policymakers|stakeholders|professionals|fellows|persons|institutions|advisers|advisors|journalists|"
    r"communicators|editors|diplomats|educators|policy-makers|decision-makers|entrepreneurs|practitioners|alumni|laureates|women|youth|teachers|doctors|participants"
)
#: "more than 200 experts (from 21 countries)", matched on the lower-cased text from the count on.
_COUNTED = re.compile(
    r"(?<![\w.,-])(?:(?:more than|over|about|around|nearly|almost|some|approximately|up to|at least)\s+)?"
    + _NUM.format("n")
    + r"\s+(?:[\w-]+\s+){0,4}?(?P<who>"
    + _PEOPLE_WORDS
    + r")\b"
    r"(?:[^.;]{0,60}?\bfrom\s+(?:(?:more than|over|about|around|nearly|some)\s+)?"
    + _NUM.format("c")
    + r"\s+(?:[a-z-]+\s+)?(?:countries|nations|economies|countries and regions))?"
)
#: "… experts from 21 countries" without a count of people: the countries, then the people word before them.
_FROM_COUNTRIES = re.compile(
    r"\bfrom\s+(?:(?:more than|over|about|around|nearly|some)\s+)?"
    + _NUM.format("c")
    + r"\s+(?:[a-z-]+\s+)?(?:countries|nations|economies)"
)
_WHO_BEFORE = re.compile(r"\b(?P<who>" + _PEOPLE_WORDS + r")\b[^.;]{0,60}?$")
#: Where a count can first be: no statement of attendance starts more than a few words before one.
_FIRST_NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundreds?|thousand)"
)
_DIGIT = re.compile(r"\d")
_WORD_CHAR = re.compile(r"\w")
#: The number words of _FIRST_NUMBER by their starts ("seventy" starts "seven"), found with str.find.
_NUMBER_STARTS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
]


def _has_number(low: str) -> bool:
    """``_FIRST_NUMBER.search(low) is not None``, without the pattern's try at every character (3× faster)."""
    if _DIGIT.search(low):
        return True
    for word in _NUMBER_STARTS:  # at the start of a word
        at = low.find(word)
        while at >= 0:
            if at == 0 or not _WORD_CHAR.match(low, at - 1):
                return True
            at = low.find(word, at + 1)
    at = low.find("teen", 1)  # "\w+teen": after at least one letter of the same word
    while at > 0:
        if _WORD_CHAR.match(low, at - 1):
            return True
        at = low.find("teen", at + 1)
    return False


_COUNTRIES_ONLY = re.compile(
    r"\bfrom\s+(?:(?:more than|over|about|around|nearly|some)\s+)?" + _NUM.format("c") + r"\s+(?:[a-z-]+\s+)?countries",
    re.I,
)
_CJK_ATTENDANCE = re.compile(r"(?P<c>\d+)\s*个国家(?:和地区)?的?(?:近|约|逾|超过)?(?P<n>\d+)\s*(?:余|多)?\s*(?:名|位)")
#: "来自东盟10国及中国的200余位科学家…参加": people present, counted, where the countries are not.
_CJK_PEOPLE = re.compile(
    r"(?:来自|共有|约有|逾|超过|近)[^。；]{0,40}?(?P<n>\d+)\s*(?:余|多)?\s*(?:名|位|人)[^。；]{0,30}?(?:参加|出席|参会|与会)"
)
_CJK_OTHER_EDITION = re.compile(r"首届|上届|上一届|下届|下一届|去年|明年|此前|往届")
#: Words before a count that make it the size of a body, not of an audience.
_BODY_BEFORE = re.compile(
    r"(?:working group|task force|committee|panel|board|made up of|consist\w* of|compris\w*|composed of|founded by|"
    r"launched (?:in \d{4} )?by|set up by|established by|network of|representing|represents|elected|admitted|"
    r"membership of|members? of|with)\s+(?:more than |over |about |around |some |nearly |its |the )?$"
)
#: Words between a count and its people word that make them members of something, not people present.
_BODY_WITHIN = re.compile(r"\b(?:founding|new|national|international|elected|member|full|associate|corresponding)\b")
#: Verbs saying people were there.
_PRESENT = re.compile(
    r"\b(?:attend\w*|took part|taking part|take part|participat\w*|gathered|gathering|joined|were present|present|"
    r"brought together|bringing together|brings together|welcomed|attracted|drew|followed|turned out|"
    r"in attendance|came|met)\b"
)


#: After a count: people who signed up or are expected, not people who came.
_NOT_THERE = re.compile(
    r"[^.;]{0,50}?\b(?:have\s+(?:already\s+)?registered|registered|signed up|applied|are expected|were expected|"
    r"is expected|expected to|invited|will)\b"
)
#: A count with no people word right before a verb of taking part.
_BARE = re.compile(
    r"(?<![\w.,-])(?:(?:more than|over|about|around|nearly|almost|some|approximately)\s+)?"
    + _NUM.format("n")
    + r"\s+(?:joined|attended|took part|participated|were present)\b"
)


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.lower()
    if value in _NUMBER_WORDS:
        return _NUMBER_WORDS[value]
    digits = value.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _counts(low: str) -> list[tuple[bool, int | None, int | None]]:
    """(people present?, people, countries) for each count of people in one lower-cased sentence."""
    found = []
    for m in _COUNTED.finditer(low):
        if m["who"] == "institutions" or _BODY_BEFORE.search(low, max(0, m.start() - 40), m.start()):
            continue
        if _NOT_THERE.match(low, m.end()):  # "1,200 people have registered", "are expected"
            continue
        if _BODY_WITHIN.search(m[0], 0, m.start("who") - m.start()):
            continue
        n, c = _number(m["n"]), _number(m["c"])
        if n is not None and (n < 5 or (1900 <= n <= 2100 and "," not in m["n"])):
            n = None
        if n is not None and c is None:
            cm = _COUNTRIES_ONLY.search(low, m.end(), m.end() + 80)
            c = _number(cm["c"]) if cm else None
        if n is not None or c is not None:
            found.append((bool(_PRESENT.search(low)), n, c))
    for m in _BARE.finditer(low):  # "around 180 joined the live session"
        n = _number(m["n"])
        if n is not None and n >= 5:
            found.append((True, n, None))
    return found


def _countries(low: str) -> int | None:
    """'… experts from 21 countries' without a count of people: the countries, if people come from them."""
    for m in _FROM_COUNTRIES.finditer(low):
        if _NOT_THERE.match(low, m.end()):
            continue
        who = _WHO_BEFORE.search(low, max(0, m.start() - 120), m.start())
        if who and who["who"] != "institutions":
            return _number(m["c"])
    return None


def find_attendance(text: str) -> dict | None:
    """{"participants", "countries"} from "more than 200 experts from 21 countries", else None.

    Of every count of people, the first said to be present wins (else the first); the countries
    come with it, else from the first sentence saying where the people came from.
    """
    if not _has_number(text.lower()):
        return None
    counts: list[tuple[bool, int | None, int | None]] = []
    countries: int | None = None
    for sentence in split_sentences(text):
        low = sentence.lower()
        if not _has_number(low) or about_another_edition(sentence):
            continue
        found = _counts(low)
        counts.extend(found)
        if countries is None and (found or not _BODY_WITHIN.search(low)):
            countries = _countries(low)
    if counts or countries is not None:
        best = next((c for c in counts if c[0]), counts[0] if counts else (False, None, None))
        _, n, c = best
        return {"participants": n, "countries": c if c is not None else countries}
    for sentence in re.split(r"[。；\n]", text):
        if _CJK_OTHER_EDITION.search(sentence):
            continue
        if both := _CJK_ATTENDANCE.search(sentence):
            return {"participants": int(both["n"]), "countries": int(both["c"])}
        if people := _CJK_PEOPLE.search(sentence):
            nations = re.search(r"(\d+)\s*个?国家", people[0])
            return {"participants": int(people["n"]), "countries": int(nations[1]) if nations else None}
    return None


__all__ = ["find_attendance"]
