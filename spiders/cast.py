"""China Association for Science and Technology, English site (english.cast.org.cn).

Listings are column pages /col/col<ID>/index.html; their items are ``div.list li`` entries
linking to articles at /art/<YYYY>/<M>/<D>/art_<ID>_<number>.html beside a date span. The
spider follows each listing's "Next" link (``div.pages a.next``; later pages are served as
index_2.html, index_3.html…); the last page has no "Next" link. An article page has its title in
``h1``, a "Date: … Source: …" line in ``div.info`` and its body in ``#zoom``. Dates are given
as YYYY-MM-DD, Beijing time (UTC+8).

The Chinese site (www.cast.org.cn) loads its lists from a JSON endpoint paged by ``pageNo``;
this spider does not crawl it — it crawls the English site's HTML listings.

Checked against the live site: nothing — this spider was not run against english.cast.org.cn
from here (no network). The ``#zoom`` body and the /col/ and /art/ URL patterns are those of the
site's CMS; the column numbers, the listing markup, the pager and the other class names are
those of the saved fixtures and must be confirmed on the live site.
"""

from __future__ import annotations

from newswatch.text import normalize_space
from spiders.base import NewsSpider


class CastSpider(NewsSpider):
    """News of the China Association for Science and Technology."""

    name = "cast"
    institution = {
        "name": "China Association for Science and Technology",
        "acronym": "CAST",
        "former_names": [],
        "country": "CN",
    }
    base_url = "https://english.cast.org.cn"
    sections = {"col471": "News"}
    article_path = r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"
    language = "en"
    timezone = "+08:00"
    extractor_version = "1"
    listing_links = "div.list li a"
    article_css = "div.article"
    info_css = "div.info span"
    date_label = "Date"
    title_suffix = r"\s*[-|]\s*China Association for Science and Technology"
    body_css = "#zoom"
    crumbs_css = "div.position a::text"
    live_checked = (
        "no (no network from here): #zoom body and /col/, /art/ URL patterns are the CMS's; "
        "column numbers, listing, pager and other class names from saved fixtures"
    )

    def listing_url(self, section: str, page: int) -> str:
        """index.html for the first page, index_<page>.html after it."""
        name = "index.html" if page == 1 else f"index_{page}.html"
        return f"{self.base_url}/col/{section}/{name}"

    def next_page(self, response, section, page):
        """The target of the pager's "Next" link, or None on the last page."""
        for link in response.css("div.pages a"):
            text = normalize_space(link.xpath("string()").get() or "")
            href = link.attrib.get("href")
            if href and ("next" in link.attrib.get("class", "").split() or text.lower().startswith("next")):
                return response.urljoin(href)
        return None
