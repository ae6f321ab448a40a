"""Chinese Academy of Engineering, English site (en.cae.cn — not english.cae.cn; cae.ac.cn is another body).

Checked against the live site: nothing — no machine newswatch is developed on reaches it. The URL
patterns (articles /cae/html/en/col<ID>/<YYYY-MM>/<DD>/<digits>_1.html, listings
/cae/html/en/col<ID>/column_<ID>_<page>.html), the sections and the article head ("Published: …
• Source: … • Font size: BigMediumSmall") come from the site's published pages; the CSS class
names are those of the saved fixtures and must be confirmed with `newswatch check cae --live`.
The date in an article URL is not its publication date (items migrated in 2021 carry 2010–2013).
"""

from __future__ import annotations

from spiders.base import NewsSpider


class CaeSpider(NewsSpider):
    name = "cae"
    institution = {"name": "Chinese Academy of Engineering", "acronym": "CAE", "former_names": [], "country": "CN"}
    base_url = "https://en.cae.cn"
    sections = {
        "col2002": "Home Updates",
        "col2003": "International Efforts",
        "col2061": "International Cooperation",
        "col2070": "International Cooperation",
    }
    article_path = r"^/cae/html/en/col\d+/\d{4}-\d{2}/\d{2}/\d+_1\.html$"
    language = "en"
    timezone = "+08:00"
    extractor_version = "1"
    live_checked = "no: URL patterns from the site's pages, selectors from saved fixtures"
    article_css = "div.article"
    info_css = "div.info li"  # Published: Nov 9, 2020 • Source: CAE • Font size: BigMediumSmall
    title_suffix = "-Chinese Academy of Engineering"
    body_css = "#zoom"
    crumbs_css = "div.position a::text"

    def listing_url(self, section: str, page: int) -> str:
        num = section.removeprefix("col")
        return f"{self.base_url}/cae/html/en/{section}/column_{num}_{page}.html"

    def next_page(self, response, section, page):
        wanted = self.listing_url(section, page + 1)
        links = {response.urljoin(h) for h in response.css("div.page a::attr(href)").getall()}
        return wanted if wanted in links else None
