"""Chinese Academy of Engineering, English site (en.cae.cn — not english.cae.cn; cae.ac.cn is another body).

Articles: /cae/html/en/col<ID>/<YYYY-MM>/<DD>/<digits>_1.html (the digits grew from 17 to 23
after the 2021 migration); en.cae.cn also serves /cae/html/main/col<ID>/… pages, and the site
before 2021 had /en/<Column Name>/<YYYY-MM-DD>/<id>.html. Listings:
/cae/html/en/col<ID>/column_<ID>_<page>.html. The date in an article URL is not its
publication date (items migrated in 2021 carry 2010–2013 in the URL and the real date inside).

Evidence (stored copies of the site's published pages, search corpus "pages", unless noted):

- https://en.cae.cn/cae/html/en/col2002/2024-10/22/20241022133411257534748_1.html — Home Updates;
  article head "Published: Jul 26, 2024 • Source: CAE • Font size: BigMediumSmall".
- https://en.cae.cn/cae/html/en/col2003/2023-09/05/20230905100056420951546_1.html — International
  Efforts ("Published: Jun 25, 2023", an event of May 25: the URL date is neither).
- https://en.cae.cn/cae/html/en/col2061/2021-11/12/20211112206111111110274_1.html and
  https://en.cae.cn/cae/html/en/col2070/2021-11/12/20211112207011111110357_1.html — International
  Cooperation, migrated 2010–2018 items with 23-digit ids.
- https://en.cae.cn/cae/html/en/col2014/column_2014_1.html — a column page ("About Us"), the
  listing URL shape; col2014 is not news and is not crawled.
- https://en.cae.cn/cae/html/main/col296/2023-07/24/20230724190725867466548_1.html (cited in the
  code corpus, a README of another project) — the /cae/html/main/ shape on en.cae.cn.
- http://en.cae.cn/en/Sci-tech%20Advances/2018-06-13/12219.html — the pre-2021 article shape.
- col2004, col2010 (event pages laid out differently: title, time/venue lines and body in an
  event block) and col2065 are news columns named in a survey of the published site; no stored
  copy of their pages was found, so their names here are descriptive, their layouts those of the
  saved fixtures.

Checked against the live site: nothing — no machine newswatch is developed on reaches it. The
CSS class names are those of the saved fixtures and must be confirmed with `newswatch check cae --live`.
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
        "col2004": "News (column 2004)",
        "col2010": "Events",
        "col2061": "International Cooperation",
        "col2065": "News (column 2065)",
        "col2070": "International Cooperation",
    }
    #: /cae/html/en/… and /cae/html/main/… articles, and the pre-2021 /en/<Column>/<YYYY-MM-DD>/<id>.html.
    article_path = (
        r"^/cae/html/(?:en|main)/col\d+/\d{4}-\d{2}/\d{2}/\d+_1\.html$"
        r"|^/en/[^/]+/\d{4}-\d{2}-\d{2}/\d+\.html$"
    )
    language = "en"
    timezone = "+08:00"
    extractor_version = "1"
    live_checked = "no: URL patterns from the site's pages, selectors from saved fixtures"
    # News pages (div.article) and col2010 event pages (div.event) share one set of declarations.
    article_css = "div.article, div.event"
    info_css = "div.info li, ul.event-info li"  # Published: Nov 9, 2020 • Source: CAE • Font size: …
    title_css = "h1, h2.event-title"
    title_suffix = "-Chinese Academy of Engineering"
    body_css = "#zoom, div.event-content"
    crumbs_css = "div.position a::text"

    def listing_url(self, section: str, page: int) -> str:
        num = section.removeprefix("col")
        return f"{self.base_url}/cae/html/en/{section}/column_{num}_{page}.html"

    def next_page(self, response, section, page):
        wanted = self.listing_url(section, page + 1)
        links = {response.urljoin(h) for h in response.css("div.page a::attr(href)").getall()}
        return wanted if wanted in links else None
