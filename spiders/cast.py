"""China Association for Science and Technology, English site (english.cast.org.cn).

Two generations of pages. The older column pages /col/col<ID>/index.html list items in
``div.list li`` linking to articles at /art/<YYYY>/<M>/<D>/art_<column>_<number>.html; the
spider follows each listing's "Next" link (``div.pages a.next``; later pages are index_2.html,
index_3.html…). Since 2023 news sits in sections such as /fzlm/syzsxx/ with articles at
/<section>/art/<YYYY>/art_<32 hex digits>.html; their list pages are an empty shell whose
``<script parseType="bulidstatic" url=… querydata=…>`` names a JSON endpoint: the spider asks it
for page N (``paramJson={"pageNo":N,"pageSize":…}``) and reads the ``<li>`` items of the answer's
``data.html``; a page shorter than the page size is the last. An article's publication time is
in ``<meta name="PubDate">`` ("YYYY-MM-DD HH:MM", Beijing time), else in the "Date: …" line.

Evidence:

- http://english.cast.org.cn/fzlm/syzsxx/art/2023/art_d392d598f87149acad43d44ff651aff2.html and
  http://english.cast.org.cn/fzlm/syzsxx/art/2024/art_98fe0e8f980c460ca5945d2e01bbce89.html
  (stored pages) — the 2023+ English article shape.
- http://english.cast.org.cn/art/2020/8/12/art_1441_130443.html and
  http://english.cast.org.cn/art/2019/7/2/art_1249_97880.html (stored pages, "Homepage > News")
  — the older shape.
- DIYgod/RSSHub lib/routes/cast/index.ts (code corpus) — the Chinese site www.cast.org.cn: list
  pages /<column>/<subColumn>[/<category>]/index.html carry ``script[parseType="bulidstatic"]``
  whose ``url`` and ``querydata`` (single-quoted JSON) give the endpoint, paged by
  ``paramJson={"pageNo":1,"pageSize":N}``; the answer's ``data.html`` holds ``<li><a href>``
  items; article bodies are ``#zoom`` and dates ``meta[name=PubDate]`` as "YYYY-MM-DD HH:mm",
  UTC+8. lib/routes/cast/radar.ts: older list pages /col/:column/index.html.
- https://www.cast.org.cn/xw/MTBD/art/2024/art_fc467c326e0d4983907ad612c00102b4.html (cited in
  another project's notes, code corpus) — the same hex article shape on the Chinese site.

Checked against the live site: nothing — this spider was not run against english.cast.org.cn
from here (no network). The ``#zoom`` body, PubDate and the URL patterns are the CMS's; the
column number col471, the listing markup, the pager and the other class names are those of the
saved fixtures and must be confirmed on the live site.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import HtmlResponse

from newswatch.text import normalize_space
from spiders.base import META, NewsSpider

logger = logging.getLogger(__name__)

#: The list shell's script naming the JSON endpoint (lxml lower-cases the attribute name).
_BUILD_SCRIPT = 'script[parsetype="bulidstatic"]'


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
    sections = {"col471": "News", "fzlm/syzsxx": "News"}
    #: /art/<Y>/<M>/<D>/art_<column>_<n>.html, and /<section>/art/<Y>/art_<hex>.html since 2023.
    article_path = (
        r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$|^/(?:[A-Za-z0-9]+/)+art/\d{4}/art_[0-9a-f]{32}\.html$"
    )
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
        "no (no network from here): #zoom body, PubDate and /col/, /art/ URL patterns are the CMS's; "
        "column numbers, listing, pager and other class names from saved fixtures"
    )
    #: Items asked of the JSON list endpoint per page.
    json_page_size = 20

    def listing_url(self, section: str, page: int) -> str:
        """Column pages: index.html, then index_<page>.html; sections: their list shell."""
        if not section.startswith("col"):
            return f"{self.base_url}/{section}/index.html"
        name = "index.html" if page == 1 else f"index_{page}.html"
        return f"{self.base_url}/col/{section}/{name}"

    def next_page(self, response, section, page):
        """The pager's "Next" link of a column page (JSON pages are followed by ``parse_json_listing``)."""
        if response.meta.get(META, {}).get("json"):
            return None
        for link in response.css("div.pages a"):
            text = normalize_space(link.xpath("string()").get() or "")
            href = link.attrib.get("href")
            if href and ("next" in link.attrib.get("class", "").split() or text.lower().startswith("next")):
                return response.urljoin(href)
        return None

    # --- lists served as JSON -------------------------------------------------------------

    def parse(self, response):
        """A list shell asks its JSON endpoint for the page; any other listing is parsed as HTML."""
        script = response.css(_BUILD_SCRIPT) if isinstance(response, HtmlResponse) else []
        info = response.meta[META]
        if response.status < 400 and script and script[0].attrib.get("url") and not info.get("json"):
            endpoint = {
                "url": urljoin(response.url, script[0].attrib["url"]),
                "query": json.loads((script[0].attrib.get("querydata") or "{}").replace("'", '"')),
            }
            yield self.json_listing_request(endpoint, info["listing"], info["page"])
            return
        yield from super().parse(response)

    def json_listing_request(self, endpoint: dict, section: str, page: int):
        request = self.listing_request(self.json_listing_url(endpoint, page), section, page)
        request.meta[META]["json"] = endpoint
        return request.replace(callback=self.parse_json_listing)

    def json_listing_url(self, endpoint: dict, page: int) -> str:
        """The endpoint's URL for one page: its own query plus ``paramJson`` with the page number."""
        query = {**endpoint["query"], "paramJson": json.dumps({"pageNo": page, "pageSize": self.json_page_size})}
        return f"{endpoint['url']}?{urlencode(query)}"

    def parse_json_listing(self, response):
        """The endpoint's answer: its ``data.html`` items parsed as a listing page."""
        if response.status >= 400:
            yield from super().parse(response)  # counted and logged as a failed listing
            return
        try:
            html = json.loads(response.text)["data"]["html"]
        except (ValueError, KeyError, TypeError):
            self.crawler.stats.inc_value("newswatch/listing/failed")
            logger.error("listing %s: not the expected JSON list (data.html)", response.url)
            return
        page = HtmlResponse(url=response.url, body=html.encode("utf-8"), encoding="utf-8", request=response.request)
        if not page.css("li") and response.meta[META]["page"] > 1:
            return  # the page after an exactly full one: the list has ended
        yield from super().parse(page)
        info = response.meta[META]
        if len(page.css("li")) >= self.json_page_size:  # a full page: there may be another
            if info["page"] < self.max_pages:
                yield self.json_listing_request(info["json"], info["listing"], info["page"] + 1)
            else:
                self.crawler.stats.inc_value("newswatch/listing/truncated")

    def article_links(self, response) -> list[str]:
        """Column pages: ``div.list li`` links; JSON pages: every ``li`` link."""
        if not response.meta.get(META, {}).get("json"):
            return super().article_links(response)
        seen, out = set(), []
        for href in response.css("li a::attr(href)").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            if url not in seen and self._article_re.search(urlsplit(url).path):
                seen.add(url)
                out.append(url)
        return out

    @classmethod
    def extract_page(cls, sel, url):
        """The declared fields, with the time of ``<meta name="PubDate">`` over the "Date:" line."""
        item = super().extract_page(sel, url)
        item["published_raw"] = cls.meta(sel, "PubDate") or item["published_raw"]
        return item
