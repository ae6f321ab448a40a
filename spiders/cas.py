"""Chinese Academy of Sciences, English site (english.cas.cn).

The site is a TRS CMS. News sections live under /newsroom/<section>/; their listings are
index.shtml, index_1.shtml… and the number of listing pages is in the TRS ``countPage`` script
variable. Listing items are ``#content li`` entries whose links are relative
(``./202405/t20240525_123456.shtml``); articles are at
/newsroom/<section>/<YYYYMM>/t<YYYYMMDD>_<id>.shtml, with the body in ``.TRS_Editor`` and the
publication time in ``<meta name="PubDate">``, Beijing time (UTC+8).

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
    sections = {"news": "News", "research_news": "Research News"}
    article_path = r"^/newsroom/[a-z_]+/\d{6}/t\d{8}_\d+\.shtml$"
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
