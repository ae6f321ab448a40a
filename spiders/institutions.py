"""Institutions watched by generic extraction of their English news listings.

Each class names an institution and the URL of its public English news listing as known.
None of these URLs or page structures has been checked against the live sites from here:
article links and paging come from newswatch.listing, title, date and body from
newswatch.generic. A site whose article URLs are known declares them (``article_path``, matched
against path and query) so that shapes the generic link discovery would miss are crawled too, and
a site with more than one news listing declares them all (``listings``). Once a site's structure
is confirmed, it moves to a spider of its own with its own selectors (like spiders/cae.py).

Choices where an institution has more than one English news listing:

- nas: the National Academy of Sciences' own site (nasonline.org), not the joint listing of
  the National Academies of Sciences, Engineering, and Medicine (nationalacademies.org).
- ras: the Russian Academy of Sciences' current site (new.ras.ru), English section, rather
  than the older www.ras.ru pages.
- unesco: the news listing of UNESCO's Natural Sciences Sector, not UNESCO's whole newsroom.

Each class's docstring lists the published evidence found for its URLs (search corpora "pages":
stored copies of pages, and "code": article URLs cited in other people's files).
"""

from __future__ import annotations

from spiders.generic import GenericSpider

LIVE_CHECKED = "no: generic extraction of the news listing; not checked against the live site"


class NasSpider(GenericSpider):
    """US National Academy of Sciences.

    Evidence: http://www.nasonline.org/news-and-multimedia/news/april-29-2014-NAS-Election.html
    (cited in another project's notes, code corpus) — an older /news-and-multimedia/news/ article
    shape; the stored newsroom pages found are those of nationalacademies.org (not watched here).
    No stored copy of the current /news/ listing was found.
    """

    name = "nas"
    institution = {"name": "National Academy of Sciences", "acronym": "NAS", "former_names": [], "country": "US"}
    start_url = "https://www.nasonline.org/news/"
    #: The older /news-and-multimedia/news/<name>.html articles.
    article_path = r"^/news-and-multimedia/news/[^/]+\.html$"
    live_checked = LIVE_CHECKED


class RoyalSocietySpider(GenericSpider):
    """The Royal Society, the United Kingdom's national academy of sciences.

    Evidence (code corpus, cited article URLs): royalsociety.org/news/2024/10/budget/,
    /news/2024/05/ai-research-tools-could-undermine-trust-accuracy-scientific-findings/,
    /news/2020/03/urgent-call-epidemic-modelling/ — articles at /news/<YYYY>/<MM>/<slug>/ below the
    /news/ listing; an older /news/2013/early-egyptian-timeline/ has no month folder.
    """

    name = "royalsociety"
    institution = {"name": "Royal Society", "acronym": "RS", "former_names": [], "country": "GB"}
    start_url = "https://royalsociety.org/news/"
    #: /news/<YYYY>/<MM>/<slug>/ (older: /news/<YYYY>/<slug>/).
    article_path = r"^/news/\d{4}/(?:\d{2}/)?[a-z0-9]+(?:-[a-z0-9]+)*/?$"
    live_checked = LIVE_CHECKED


class RasSpider(GenericSpider):
    """Russian Academy of Sciences.

    Evidence: none found for new.ras.ru/en/ pages in the stored pages or code; the site's
    addresses www.ras.ru and new.ras.ru are those given by reference pages (e.g. it.wikipedia).
    """

    name = "ras"
    institution = {"name": "Russian Academy of Sciences", "acronym": "RAS", "former_names": [], "country": "RU"}
    start_url = "https://new.ras.ru/en/news/"
    live_checked = LIVE_CHECKED


class OeawSpider(GenericSpider):
    """Austrian Academy of Sciences (Österreichische Akademie der Wissenschaften).

    Evidence (code corpus, cited article URLs):
    www.oeaw.ac.at/en/news/ai-speaks-ancient-greek-apollo-restores-2000-year-old-texts and
    /en/news/austrian-academy-of-sciences-is-developing-the-ancient-greek-ai-apollo-with-mistral-ai-and-reply
    — articles at /en/news/<slug> (no trailing slash) below the /en/news listing. The stored feed
    https://www.oeaw.ac.at/?type=9818 (pages corpus) shows older German /…/article/<slug>/ paths.
    """

    name = "oeaw"
    institution = {"name": "Austrian Academy of Sciences", "acronym": "OeAW", "former_names": [], "country": "AT"}
    start_url = "https://www.oeaw.ac.at/en/news"
    #: /en/news/<slug>.
    article_path = r"^/en/news/[a-z0-9]+(?:-[a-z0-9]+)+/?$"
    live_checked = LIVE_CHECKED


class TubitakSpider(GenericSpider):
    """Scientific and Technological Research Council of Türkiye.

    Evidence (code corpus): tubitak.gov.tr/en/node/11658 and /en/node/14570, /en/funds/…,
    /en/scholarships/… — English pages under /en/, some as Drupal /en/node/<n>; no stored copy of
    the /en/haberler listing or of a news article was found.
    """

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
    """Japan Science and Technology Agency.

    Evidence (code corpus): www.jst.go.jp/EN/ and www.jst.go.jp/EN/about/strategy.html — the
    English site under /EN/ (upper case); no stored copy of a /EN/news/ page was found.
    """

    name = "jst"
    institution = {"name": "Japan Science and Technology Agency", "acronym": "JST", "former_names": [], "country": "JP"}
    start_url = "https://www.jst.go.jp/EN/news/"
    live_checked = LIVE_CHECKED


class NstdaSpider(GenericSpider):
    """Thailand's National Science and Technology Development Agency.

    Evidence (code corpus, cited article URLs):
    www.nstda.or.th/en/news/news-years-2025/pathumma-llm-ai-technology-tailored-to-thai-context-and-culture.html,
    /en/news/news-years-2026/thaillm.html and /en/news/news-years-2020/cabinet-greenlights-….html —
    articles at /en/news/news-years-<YYYY>/<slug>.html, one folder per year below /en/news/.
    """

    name = "nstda"
    institution = {
        "name": "National Science and Technology Development Agency",
        "acronym": "NSTDA",
        "former_names": [],
        "country": "TH",
    }
    start_url = "https://www.nstda.or.th/en/news/"
    #: /en/news/news-years-<YYYY>/<slug>.html.
    article_path = r"^/en/news/news-years-\d{4}/[^/]+\.html$"
    live_checked = LIVE_CHECKED


class IscSpider(GenericSpider):
    """International Science Council (formed in 2018 by the merger of ICSU and ISSC).

    Evidence: https://council.science/current/news/joint-letter-to-isc-members-from-isc-president-peter-gluckman-and-acting-ceo-mathieu-denis/
    (stored page) — news at /current/news/<slug>/; https://council.science/current/category/press/page/12/
    (stored page, "Press releases") — the press listing, paged /page/<n>/;
    https://www.icsu.org/current/press/worlds-leading-bodies-of-social-and-natural-sciences-to-merge-in-2018-becoming-international-science-council
    (cited by a stored page) — press releases at /current/press/<slug>; council.science/current/blog/<slug>/
    (cited in the code corpus) — blog posts. The news listing /current/category/news/ is taken by
    analogy with the press listing; no stored copy of it was found.
    """

    name = "isc"
    institution = {
        "name": "International Science Council",
        "acronym": "ISC",
        "former_names": ["International Council for Science", "International Social Science Council"],
        "country": None,
    }
    listings = {
        "news": "https://council.science/current/category/news/",
        "press": "https://council.science/current/category/press/",
    }
    article_path = r"^/current/(?:news|press|blog)/[a-z0-9]+(?:-[a-z0-9]+)*/?$"
    live_checked = LIVE_CHECKED


class UnescoSpider(GenericSpider):
    """UNESCO, Natural Sciences Sector.

    Evidence (code corpus, cited article URLs): www.unesco.org/en/articles/guidance-generative-ai-education-and-research
    and /en/articles/global-report-teachers-what-you-need-know — articles at /en/articles/<slug>,
    outside the sector's /en/natural-sciences/news listing folder.
    """

    name = "unesco"
    institution = {
        "name": "United Nations Educational, Scientific and Cultural Organization",
        "acronym": "UNESCO",
        "former_names": [],
        "country": None,
    }
    start_url = "https://www.unesco.org/en/natural-sciences/news"
    #: /en/articles/<slug>, outside the listing's folder.
    article_path = r"^/en/articles/[a-z0-9]+(?:-[a-z0-9]+)+$"
    live_checked = LIVE_CHECKED


class WfeoSpider(GenericSpider):
    """World Federation of Engineering Organizations.

    Evidence (stored pages): http://www.wfeo.org/wfeo-2022-costa-rica-general-assembly-meetings-and-celebrating-unesco-world-engineering-day-2022/
    ("News & Reports") — a WordPress site with posts at /<slug>/ beside the listing;
    https://wfeo.org/tag/sdgs/page/13 — WordPress /page/<n> paging and the host without "www".
    WordPress also answers posts at /?p=<n>, a shape named in a survey of the published site.
    """

    name = "wfeo"
    institution = {
        "name": "World Federation of Engineering Organizations",
        "acronym": "WFEO",
        "former_names": [],
        "country": None,
    }
    start_url = "https://www.wfeo.org/news/"
    #: Posts at /<slug>/ (three words or more, to leave pages such as /about-wfeo/ out) and /?p=<n>.
    article_path = r"^/[a-z0-9]+(?:-[a-z0-9]+){2,}/$|^/\?p=\d+$"
    live_checked = LIVE_CHECKED
