"""ANSO — Alliance of National and International Science Organizations for the Belt and Road Regions.

Named "Alliance of International Science Organizations" until its renaming; both names are kept
as data (``institution``). The site is a TRS CMS served at www.anso.org.cn and at anso.org.cn:
articles at /<area>/<section>/<YYYYMM>/t<YYYYMMDD>_<id>.html, listing pages index.html,
index_1.html… whose page count is in a `countPage` script variable. Its date lines are day
first: "03 06, 2024" is 3 June 2024 (``day_first``).

Evidence (stored copies of the site's published pages; search corpus "pages"):

- http://www.anso.org.cn/news/anso/201911/t20191118_525656.html — news in ``news/anso``.
- http://www.anso.org.cn/events/boardMeeting/202110/t20211025_666936.html — camelCase section
  ``events/boardMeeting`` ("Governing Board Meeting"); date line "9 Oct 2021 2021-10-09".
- http://anso.org.cn/events/groupMeeting/201904/t20190430_485981.html — the host without
  ``www``, section ``events/groupMeeting``; date line "13 05, 2019" for a meeting of 13-14 May 2019.
- http://anso.org.cn/index/slide/202406/t20240621_790599.html and
  http://www.anso.org.cn/index/slide/202011/t20201113_593067.html — headline slides in
  ``index/slide`` ("Home>SLIDE"); date line "03 06, 2024" for a meeting held "On 3 June 2024".
- http://www.anso.org.cn/programmes/talent/scholarship/ (linked by other people's pages in the
  code corpus) — a programme page, not an article.
- ``events/workshops`` was never seen on a published page and is not crawled.

Checked against the live site: nothing — no machine newswatch is developed on reaches it. The
TRS <meta name="PubDate"> and .TRS_Editor body are the CMS's standard markup; the other
selectors (the ``span.date`` date line among them) are those of the saved fixtures. Times are
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
    aliases = ("anso.org.cn",)
    sections = {
        "news/anso": "ANSO News",
        "events/boardMeeting": "Governing Board Meeting",
        "events/groupMeeting": "Working Group Meeting",
        "index/slide": "Slide",
    }
    #: /news/anso/, /events/boardMeeting/, /events/groupMeeting/, /index/slide/ (sections are camelCase).
    article_path = r"^/(?:news|events|index)/[A-Za-z][A-Za-z0-9_]*/\d{6}/t\d{8}_\d+\.html$"
    language = "en"
    timezone = "+08:00"
    day_first = True  # "03 06, 2024" is 3 June 2024 (the article says "On 3 June 2024")
    extractor_version = "2"  # 2: numeric dates read day first
    live_checked = "no: URL patterns from the site's pages, TRS markup conventions, fixture selectors"

    @classmethod
    def extract_page(cls, sel, url):
        meta = lambda name: cls.meta(sel, name)  # noqa: E731
        source = meta("ContentSource") or cls.labelled(sel, "div.detail-info span", "Source")
        published = (
            meta("PubDate")
            or cls.labelled(sel, "div.detail-info span", "Date")
            or cls.text(sel, "div.detail-info span.date")  # a bare day-first line: "03 06, 2024"
        )
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
