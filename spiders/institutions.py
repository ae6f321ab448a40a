"""Institutions watched by generic extraction of their English news listings.

Each class names an institution and the URL of its public English news listing as known.
None of these URLs or page structures has been checked against the live sites from here:
article links and paging come from newswatch.listing, title, date and body from
newswatch.generic. Once a site's structure is confirmed, it moves to a spider of its own with
its own URL patterns and selectors (like spiders/cae.py).

Choices where an institution has more than one English news listing:

- nas: the National Academy of Sciences' own site (nasonline.org), not the joint listing of
  the National Academies of Sciences, Engineering, and Medicine (nationalacademies.org).
- ras: the Russian Academy of Sciences' current site (new.ras.ru), English section, rather
  than the older www.ras.ru pages.
- unesco: the news listing of UNESCO's Natural Sciences Sector, not UNESCO's whole newsroom.
"""

from __future__ import annotations

from spiders.generic import GenericSpider

LIVE_CHECKED = "no: generic extraction of the news listing; not checked against the live site"


class NasSpider(GenericSpider):
    """US National Academy of Sciences."""

    name = "nas"
    institution = {"name": "National Academy of Sciences", "acronym": "NAS", "former_names": [], "country": "US"}
    start_url = "https://www.nasonline.org/news/"
    live_checked = LIVE_CHECKED


class RoyalSocietySpider(GenericSpider):
    """The Royal Society, the United Kingdom's national academy of sciences."""

    name = "royalsociety"
    institution = {"name": "Royal Society", "acronym": "RS", "former_names": [], "country": "GB"}
    start_url = "https://royalsociety.org/news/"
    live_checked = LIVE_CHECKED


class RasSpider(GenericSpider):
    """Russian Academy of Sciences."""

    name = "ras"
    institution = {"name": "Russian Academy of Sciences", "acronym": "RAS", "former_names": [], "country": "RU"}
    start_url = "https://new.ras.ru/en/news/"
    live_checked = LIVE_CHECKED


class OeawSpider(GenericSpider):
    """Austrian Academy of Sciences (Österreichische Akademie der Wissenschaften)."""

    name = "oeaw"
    institution = {"name": "Austrian Academy of Sciences", "acronym": "OeAW", "former_names": [], "country": "AT"}
    start_url = "https://www.oeaw.ac.at/en/news"
    live_checked = LIVE_CHECKED


class TubitakSpider(GenericSpider):
    """Scientific and Technological Research Council of Türkiye."""

    name = "tubitak"
    institution = {
        "name": "Scientific and Technological Research Council of Türkiye",
        "acronym": "TÜBİTAK",
        "former_names": ["Scientific and Technological Research Council of Turkey"],
        "country": "TR",
    }
    start_url = "https://www.tubitak.gov.tr/en/haberler"
    live_checked = LIVE_CHECKED


class JstSpider(GenericSpider):
    """Japan Science and Technology Agency."""

    name = "jst"
    institution = {"name": "Japan Science and Technology Agency", "acronym": "JST", "former_names": [], "country": "JP"}
    start_url = "https://www.jst.go.jp/EN/news/"
    live_checked = LIVE_CHECKED


class NstdaSpider(GenericSpider):
    """Thailand's National Science and Technology Development Agency."""

    name = "nstda"
    institution = {
        "name": "National Science and Technology Development Agency",
        "acronym": "NSTDA",
        "former_names": [],
        "country": "TH",
    }
    start_url = "https://www.nstda.or.th/en/news/"
    live_checked = LIVE_CHECKED


class IscSpider(GenericSpider):
    """International Science Council (formed in 2018 by the merger of ICSU and ISSC)."""

    name = "isc"
    institution = {
        "name": "International Science Council",
        "acronym": "ISC",
        "former_names": ["International Council for Science", "International Social Science Council"],
        "country": None,
    }
    start_url = "https://council.science/news/"
    live_checked = LIVE_CHECKED


class UnescoSpider(GenericSpider):
    """UNESCO, Natural Sciences Sector."""

    name = "unesco"
    institution = {
        "name": "United Nations Educational, Scientific and Cultural Organization",
        "acronym": "UNESCO",
        "former_names": [],
        "country": None,
    }
    start_url = "https://www.unesco.org/en/natural-sciences/news"
    live_checked = LIVE_CHECKED


class WfeoSpider(GenericSpider):
    """World Federation of Engineering Organizations."""

    name = "wfeo"
    institution = {
        "name": "World Federation of Engineering Organizations",
        "acronym": "WFEO",
        "former_names": [],
        "country": None,
    }
    start_url = "https://www.wfeo.org/news/"
    live_checked = LIVE_CHECKED
