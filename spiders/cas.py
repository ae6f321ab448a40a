"""Chinese Academy of Sciences, English site (english.cas.cn, also served as english.cas.ac.cn).

The site is a TRS CMS. News sections live under /newsroom/<section>/; their listings are
index.shtml, index_1.shtml, index_2.shtml… and the number of listing pages is in the TRS
``countPage`` script variable. Listing items are ``#content li`` entries whose links are
relative (``./202405/t20240525_123456.shtml``) and may lead into other sections (a section's
listing links its nested and archived articles). Articles are at
/newsroom/<section>[/<subsection>…]/<YYYYMM>/t<YYYYMMDD>_<id>[_<page>].shtml, with the body in
``.TRS_Editor`` and the publication time in ``<meta name="PubDate">``, Beijing time (UTC+8).

Evidence (article URLs cited in other people's files, search corpus "code", and stored copies
of the site's pages, corpus "pages"):

- english.cas.cn/newsroom/research-news/202608/t20260819_1188615.shtml,
  english.cas.cn/newsroom/cas-in-media/202604/t20260429_1158251.shtml and
  english.cas.cn/newsroom/headlines/202605/t20260514_1159331.shtml — hyphenated sections (2026).
- english.cas.cn/newsroom/cas_media/202501/t20250121_899052.shtml and
  english.cas.cn/newsroom/life/202504/t20250411_1040967.shtml — underscore and one-word sections.
- english.cas.cn/newsroom/research_news/life/202412/t20241202_893028.shtml — a nested section.
- english.cas.cn/newsroom/news--archives/2024/research-news/202406/t20240626_1129640.shtml — the
  archive of older sections, with a double hyphen and a year folder.
- english.cas.cn/newsroom/cas_media/202406/t20240628_666011_2.shtml — a ``_2`` page suffix.
- http://english.cas.cn/newsroom (stored page): the newsroom shows News Updates, Research News,
  Multimedia News and CAS in Media; http://english.cas.cn/newsroom/cas_media/ is a listing.
- http://english.cas.ac.cn/newsroom/china_research/index_4.shtml and index_80.shtml (stored
  pages) — the english.cas.ac.cn host and TRS listing numbering past ``_1``.
- https://english.cas.cn/news/ and its RSS feed (listed in other people's scrapers) — the old
  /news/ tree; old article paths such as /news/ric/<YYYYMM>/t….shtml were named in a survey of the
  published site, no stored copy of one was found.

Checked against the live site: nothing — this spider was not run against english.cas.cn from
here (no network). The TRS structure, the ``#content li`` listing items, the ``.TRS_Editor``
body, the ``PubDate`` meta and the URL patterns are the known structure of the site; the other
class names (the ``div.crumbs`` breadcrumb, the ``div.info`` source line, ``h2.title``) are those
of the saved fixtures and must be confirmed on the live site.
"""

from __future__ import annotations

from spiders.trs import TrsSpider


class CasSpider(TrsSpider):
    """News and research news of the Chinese Academy of Sciences."""

    name = "cas"
    institution = {"name": "Chinese Academy of Sciences", "acronym": "CAS", "former_names": [], "country": "CN"}
    base_url = "https://english.cas.cn"
    aliases = ("english.cas.ac.cn",)
    sections = {
        "news": "News",
        "headlines": "Headlines",
        "research-news": "Research News",
        "cas-in-media": "CAS in Media",
    }
    #: Sections with hyphens, underscores or "--", nested or archived; old /news/<section>/ paths; a "_2" page.
    article_path = r"^/(?:newsroom|news)/(?:[a-z0-9]+(?:(?:--?|_)[a-z0-9]+)*/)+\d{6}/t\d{8}_\d+(?:_\d+)?\.shtml$"
    language = "en"
    timezone = "+08:00"
    extractor_version = "1"
    live_checked = (
        "no (no network from here): TRS structure, #content li, .TRS_Editor, PubDate meta and "
        "URL patterns are the site's known structure; other class names from saved fixtures"
    )

    listing_root = "/newsroom"
    page_extension = ".shtml"
    listing_links = "#content li a"

    @classmethod
    def extract_page(cls, sel, url):
        """Title, PubDate, source, breadcrumb and the ``.TRS_Editor`` body of an article page."""
        meta = lambda name: cls.meta(sel, name)  # noqa: E731
        source = meta("ContentSource") or cls.labelled(sel, "div.info span", "Source")
        title = (
            meta("ArticleTitle")
            or cls.text(sel, "#content h2")
            or cls.text(sel, "#content h1")
            or cls.text(sel, "h1")
            or cls.text(sel, "title")
        )
        paragraphs, imgs = cls.body(sel, ".TRS_Editor", url)
        return {
            "title": title,
            "published_raw": meta("PubDate"),
            "source": source or None,
            "section": cls.crumbs(sel, "div.crumbs a::text"),
            "language": sel.css("html::attr(lang)").get() or None,
            "summary": meta("Description"),
            "body": paragraphs,
            "images": imgs,
            "canonical_url": sel.css('link[rel="canonical"]::attr(href)').get(),
        }
