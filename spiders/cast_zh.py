"""China Association for Science and Technology, Chinese site (www.cast.org.cn).

The news lists of the Chinese site (/xw/<column>/[<category>/]index.html) are shells filled in
the browser from a JSON endpoint; the spider reads them the way ``CastSpider`` reads the English
site's newer lists (``script[parseType="bulidstatic"]``, ``paramJson`` paging, ``data.html``).
Articles are /<column>/<subColumn>/art/<YYYY>/art_<32 hex digits>.html with the body in ``#zoom``
and the time in ``<meta name="PubDate">``, Beijing time.

Evidence: DIYgod/RSSHub lib/routes/cast/index.ts (code corpus) — route example /cast/xw/tzgg/ZH
(通知公告), the list shell and endpoint, ``#zoom`` and ``meta[name=PubDate]`` ("YYYY-MM-DD HH:mm",
UTC+8); https://www.cast.org.cn/xw/MTBD/art/2024/art_fc467c326e0d4983907ad612c00102b4.html (cited
in another project's notes, code corpus) — an article of 媒体报道 (MTBD).

Checked against the live site: nothing (no network from here); the title and source metas are
TRS-style conventions of the saved fixtures.
"""

from __future__ import annotations

from spiders.cast import CastSpider


class CastZhSpider(CastSpider):
    """News of the China Association for Science and Technology, in Chinese."""

    name = "cast_zh"
    base_url = "https://www.cast.org.cn"
    sections = {"xw/tzgg/ZH": "通知公告", "xw/MTBD": "媒体报道"}
    article_path = r"^/(?:[A-Za-z0-9]+/)+art/\d{4}/art_[0-9a-f]{32}\.html$"
    language = "zh"
    title_suffix = r"\s*[-_|]\s*中国科学技术协会"
    live_checked = (
        "no (no network from here): list endpoint, #zoom and PubDate from RSSHub's route; other markup from fixtures"
    )

    @classmethod
    def extract_page(cls, sel, url):
        """The English site's fields, with the title and source of the page's metas when it has them."""
        item = super().extract_page(sel, url)
        item["title"] = cls.meta(sel, "ArticleTitle") or item["title"]
        item["source"] = cls.meta(sel, "ContentSource") or item["source"]
        return item
