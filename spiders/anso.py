"""ANSO — Alliance of National and International Science Organizations for the Belt and Road Regions.

Named "Alliance of International Science Organizations" until its renaming; both names are kept
as data (``institution``). The site (www.anso.org.cn) is a TRS CMS: articles at
/news/anso/<YYYYMM>/t<YYYYMMDD>_<id>.html and /events/<section>/<YYYYMM>/t<YYYYMMDD>_<id>.html,
listing pages index.html, index_1.html… whose page count is in a `countPage` script variable.

Checked against the live site: nothing — no machine newswatch is developed on reaches it. URL
patterns come from the site's published pages; the TRS <meta name="PubDate"> and .TRS_Editor body
are the CMS's standard markup; the other selectors are those of the saved fixtures. Times are
Beijing time (UTC+8). Newer items open with a dateline ("Beijing, 28 April 2025 –").
"""

from __future__ import annotations

import re

from spiders.trs import TrsSpider

_CJK = re.compile(r"[\u4e00-\u9fff]")


class AnsoSpider(TrsSpider):
    name = "anso"
    institution = {
        "name": "Alliance of National and International Science Organizations for the Belt and Road Regions",
        "acronym": "ANSO",
        "former_names": ["Alliance of International Science Organizations"],
        "country": None,
    }
    base_url = "http://www.anso.org.cn"
    sections = {"news/anso": "ANSO News", "events/workshops": "Workshops"}
    article_path = r"^/(news|events)/[a-z_/]+/\d{6}/t\d{8}_\d+\.html$"
    language = "en"
    timezone = "+08:00"
    day_first = True  # "03 06, 2024" is 3 June 2024 (the article says "On 3 June 2024")
    extractor_version = "2"  # 2: numeric dates read day first
    live_checked = "no: URL patterns from the site's pages, TRS markup conventions, fixture selectors"

    @classmethod
    def extract_page(cls, sel, url):
        meta = lambda name: cls.meta(sel, name)  # noqa: E731
        source = meta("ContentSource") or cls.labelled(sel, "div.detail-info span", "Source")
        published = meta("PubDate") or cls.labelled(sel, "div.detail-info span", "Date")
        paragraphs, imgs = cls.body(sel, "div.TRS_Editor", url)
        title = meta("ArticleTitle") or cls.text(sel, "h2.detail-title") or cls.text(sel, "title")
        sample = " ".join(paragraphs[:3]) or title or ""
        language = "zh" if sample and len(_CJK.findall(sample)) > len(sample) * 0.2 else "en"
        return {
            "title": title,
            "published_raw": published,
            "source": source,
            "section": cls.crumbs(sel, "div.location a::text"),
            "language": language,
            "summary": meta("Description"),
            "body": paragraphs,
            "images": imgs,
            "canonical_url": sel.css('link[rel="canonical"]::attr(href)').get(),
        }
