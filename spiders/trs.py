"""TrsSpider: sites on the TRS CMS (ANSO, CAS): index pages numbered index, index_1, … up to countPage."""

from __future__ import annotations

import re

from spiders.base import NewsSpider

_COUNT_PAGE = re.compile(r"countPage\s*=\s*(\d+)")


class TrsSpider(NewsSpider):
    """A TRS site's listings: ``<root>/<section>/index.html``, then ``index_1.html``, ``index_2.html``…

    TRS writes the page links with JavaScript; the page count is the ``countPage`` variable.
    """

    #: Path before the section key, and the pages' extension (".html" or ".shtml").
    listing_root: str = ""
    page_extension: str = ".html"

    def listing_url(self, section: str, page: int) -> str:
        name = "index" if page == 1 else f"index_{page - 1}"
        return f"{self.base_url}{self.listing_root}/{section}/{name}{self.page_extension}"

    def next_page(self, response, section, page):
        m = _COUNT_PAGE.search(response.text)
        if m and page < int(m[1]):
            return self.listing_url(section, page + 1)
        return None
