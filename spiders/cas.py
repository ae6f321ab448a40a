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

import re
from urllib.parse import urljoin, urlsplit

from newswatch.text import normalize_space
from spiders.base import NewsSpider


class CasSpider(NewsSpider):
    """News and research news of the Chinese Academy of Sciences."""

    name = "cas"
    institution = {"name": "Chinese Academy of Sciences", "acronym": "CAS", "former_names": [], "country": "CN"}
    base_url = "https://english.cas.cn"
    sections = {"news": "News", "research_news": "Research News"}
    article_path = r"^/newsroom/[a-z_]+/\d{6}/t\d{8}_\d+\.shtml$"
    language = "en"
    timezone = "+08:00"
    extractor_version = "1"
    live_checked = ("no (no network from here): TRS structure, #content li, .TRS_Editor, PubDate meta and "
                    "URL patterns are the site's known structure; other class names from saved fixtures")

    def listing_url(self, section: str, page: int) -> str:
        """index.shtml for the first page, index_<page-1>.shtml after it (TRS numbering)."""
        name = "index.shtml" if page == 1 else f"index_{page - 1}.shtml"
        return f"{self.base_url}/newsroom/{section}/{name}"

    def next_page(self, response, section, page):
        """The next TRS listing page while ``page`` is below the ``countPage`` variable."""
        m = re.search(r"countPage\s*=\s*(\d+)", response.text)
        if m and page < int(m[1]):
            return self.listing_url(section, page + 1)
        return None

    def article_links(self, response) -> list[str]:
        """Article links of the listing's ``#content li`` items only (not sidebars or menus)."""
        seen, out = set(), []
        for href in response.css("#content li a::attr(href)").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            if url not in seen and self._article_re.search(urlsplit(url).path):
                seen.add(url)
                out.append(url)
        return out

    @classmethod
    def extract_page(cls, sel, url):
        """Title, PubDate, source, breadcrumb and the ``.TRS_Editor`` body of an article page."""
        def meta(name: str) -> str | None:
            return (sel.css(f'meta[name="{name}"]::attr(content)').get() or "").strip() or None

        info = [normalize_space(t) for t in sel.css("div.info span").xpath("string()").getall()]
        source = meta("ContentSource") or next(
            (re.sub(r"^Source\s*:\s*", "", t) for t in info if t.startswith("Source")), None)
        title = (meta("ArticleTitle") or cls.text(sel, "#content h2") or cls.text(sel, "#content h1")
                 or cls.text(sel, "h1") or cls.text(sel, "title"))
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
