"""NewsSpider: listing pages → article pages → raw items; sites declare where and which selectors."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import parsel
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newswatch import CORE_EXTRACTOR_VERSION
from newswatch.crawling import META
from newswatch.fallback import fill_missing, version_suffix
from newswatch.htmltext import block_texts, images
from newswatch.listed import listed_entries
from newswatch.text import decode_html, normalize_space

logger = logging.getLogger(__name__)

#: Answers that mean the site refuses newswatch, rather than failing.
BLOCKED_STATUSES = frozenset({401, 403, 429})
#: request.meta key carrying a request's role ("listing" or "article") and its listing position.


def failure_reason(failure) -> str:
    """A failed request's reason in a few words, never empty (a reset connection has no message)."""
    message = " ".join(failure.getErrorMessage().split())
    cause = failure.value.__cause__ or failure.value  # Scrapy wraps Twisted's ResponseFailed
    reasons = getattr(cause, "reasons", None)  # ResponseFailed and friends carry the failures behind them
    if reasons:
        inner = [r.value for r in reasons if hasattr(r, "value")]
        words = [" ".join(str(e).split()) or type(e).__name__ for e in inner]
        message = "; ".join(dict.fromkeys(w for w in words if w)) or message
    name = type(failure.value).__name__
    if not message or message.startswith("[<twisted.python.failure.Failure"):
        return name
    return message if name in message else f"{name}: {message}"


class NewsSpider(scrapy.Spider):
    """Base for site spiders. Subclasses declare the institution, sections and selectors.

    Crawling is shared: every section's listing is followed page by page (up to
    NEWSWATCH_MAX_PAGES), each article link is fetched once, and ``extract_page`` turns an
    article page into a raw item. ``extract_page`` is a classmethod over a parsel Selector, so
    saved pages are extracted without a crawler (``newswatch extract``).
    """

    #: Institution shown by `newswatch sites`: name, acronym, former_names, country.
    institution: dict = {}
    #: The site's origin; NEWSWATCH_BASE_URL replaces it (mirrors, saved fixture sites).
    base_url: str = ""
    #: Section key → section name; NEWSWATCH_SECTIONS (comma-separated keys) narrows them.
    sections: dict[str, str] = {}
    #: Regex matched against an absolute link's path: which links are articles.
    article_path: str = r"$^"
    #: CSS for the listing's links (narrow it to the list to keep sidebars and menus out).
    listing_links: str = "a"
    language: str | None = "en"
    #: UTC offset of the site's publication times, e.g. "+08:00".
    timezone: str | None = None
    #: The site's order of all-numeric dates: True day first ("03 06, 2024" is 3 June), False month
    #: first, None not declared. Read by the dates step.
    day_first: bool | None = None
    #: Other host names serving the same site (e.g. without "www."), accepted by ``matches``.
    aliases: tuple[str, ...] = ()
    #: Bump when this site's selectors change: stored items are re-baselined, not flagged.
    extractor_version: str = "1"
    #: The site's order of numeric dates: True for day first ("03 06, 2024" is 3 June), None unknown.
    day_first: bool | None = None
    #: Whether a title, body or date the selectors miss comes from the generic extraction.
    generic_fallback: bool = True
    #: What of this spider was verified against the live site (shown by `newswatch sites`).
    live_checked: str = "not checked against the live site"
    #: Set by the crawl (the revisit policy): called with an article's URL, what the listing shows of it
    #: and its listing position; False for a listed article not to request from its listing.
    article_filter = None

    def __init__(
        self,
        *args,
        base_url: str | None = None,
        sections: str | None = None,
        max_pages: int | str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if base_url:
            self.base_url = base_url.rstrip("/")
        keys = [s.strip() for s in sections.split(",")] if isinstance(sections, str) and sections else None
        if keys:
            unknown = [k for k in keys if k not in self.sections]
            if unknown:
                raise ValueError(
                    f"unknown section {', '.join(unknown)} for {self.name}; known: {', '.join(self.sections)}"
                )
            self.sections = {k: self.sections[k] for k in keys}
        self.max_pages = int(max_pages) if max_pages else 10
        self._article_re = re.compile(self.article_path)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        settings = crawler.settings
        kwargs.setdefault("base_url", settings.get("NEWSWATCH_BASE_URL"))
        kwargs.setdefault("sections", settings.get("NEWSWATCH_SECTIONS"))
        kwargs.setdefault("max_pages", settings.getint("NEWSWATCH_MAX_PAGES", 10))
        return super().from_crawler(crawler, *args, **kwargs)

    @classmethod
    def version_tag(cls, fallback: list[str] | tuple[str, ...] = ()) -> str:
        """The item's extractor_version: this spider's selectors plus the shared cleaning code, and the
        fields that came from the generic extraction (a redesign re-baselines items, never flags them)."""
        return f"{cls.name}-{cls.extractor_version}.core-{CORE_EXTRACTOR_VERSION}{version_suffix(list(fallback))}"

    # --- crawling ---------------------------------------------------------------------------

    def listing_url(self, section: str, page: int) -> str:
        """URL of page ``page`` (1-based) of a section's listing."""
        raise NotImplementedError

    def next_page(self, response: TextResponse, section: str, page: int) -> str | None:
        """URL of the listing page after ``page``, or None on the last page."""
        return None

    def article_links(self, response: TextResponse) -> list[str]:
        """Absolute article URLs of a listing page, in page order, without repeats."""
        seen, out = set(), []
        for href in response.css(self.listing_links).xpath("@href").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            if url not in seen and self._article_re.search(urlsplit(url).path):
                seen.add(url)
                out.append(url)
        return out

    async def start(self):
        for section in self.sections:
            yield self.listing_request(self.listing_url(section, 1), section, 1)

    def listing_request(self, url: str, section: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            priority=10,
            meta={META: {"role": "listing", "listing": section, "page": page}},
        )

    def article_request(self, url: str, section: str | None, page: int | None, **extra) -> scrapy.Request:
        """An article request; a refetch or recheck (``extra``) repeats a URL, so skips the dupefilter."""
        info = {"role": "article", "listing": section, "page": page, **extra}
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.failed, meta={META: info}, dont_filter=bool(extra)
        )

    def parse(self, response):
        """A listing page: article requests, then the next listing page."""
        info = response.meta[META]
        stats = self.crawler.stats
        if not self._is_html(response, "listing"):
            return
        if response.status >= 400:
            stats.inc_value("newswatch/listing/failed")
            logger.error("listing %s answered %s", response.url, response.status)
            return
        stats.inc_value("newswatch/listing/pages")
        stats.max_value(f"newswatch/listing/reached/{info['listing']}", info["page"])
        links = self.article_links(response)
        if not links:
            stats.inc_value("newswatch/listing/empty")
            logger.error("listing %s has no article links: layout changed or page empty", response.url)
            return
        wanted = self.article_filter
        shown = listed_entries(self.selector(response), response.url, links) if wanted is not None else {}
        for url in links:
            if wanted is None or wanted(url, shown.get(url), info["listing"], info["page"]):
                yield self.article_request(url, info["listing"], info["page"])
        nxt = self.next_page(response, info["listing"], info["page"])
        if nxt and nxt != response.url:
            if info["page"] < self.max_pages:
                yield self.listing_request(nxt, info["listing"], info["page"] + 1)
            else:
                stats.inc_value("newswatch/listing/truncated")

    def parse_article(self, response):
        """An article page: the raw item, unless the page is gone or unchanged (HTTP 304)."""
        info = response.meta.get(META, {})
        if response.status in (404, 410):
            return
        if "cached" in response.flags and not info.get("refetch"):
            return  # 304 Not Modified: stored copy is current; the monitor records it as seen
        if not self._is_html(response, "article"):
            return
        item, fallback = self.extract_fields(response)
        if self.generic_fallback:
            stats = self.crawler.stats
            stats.inc_value("newswatch/selectors/pages")
            for name in fallback:
                stats.inc_value(f"newswatch/fallback/{name}")
        item.update(
            site=self.name,
            url=response.url,
            extractor_version=self.version_tag(fallback),
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        if not item.get("language"):
            item["language"] = self.language
        if info.get("listing"):
            item["position"] = {"listing": info["listing"], "page": info["page"]}
        yield item

    def failed(self, failure):
        """Errback: count a request that could not be downloaded (timeout, DNS, robots.txt…)."""
        request = failure.request
        role = request.meta.get(META, {}).get("role", "other")
        if failure.check(HttpError):  # an IgnoreRequest too, so tested first
            kind = "blocked" if failure.value.response.status in BLOCKED_STATUSES else "failed"
        elif failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            kind = "blocked"
        else:  # network errors; also a redirect loop or a page past DOWNLOAD_MAXSIZE (IgnoreRequest)
            kind = "failed"
        self.crawler.stats.inc_value(f"newswatch/{role}/{kind}")
        logger.error("%s %s %s: %s", role, request.url, kind, failure_reason(failure))

    def _is_html(self, response, role: str) -> bool:
        """An HTML page by its declared Content-Type (Scrapy may go by the URL's .html instead)."""
        declared = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if isinstance(response, TextResponse) and declared in (b"", b"text/html", b"application/xhtml+xml"):
            return True
        ctype = declared.decode("latin-1") or "no content type"
        self.crawler.stats.inc_value(f"newswatch/{role}/not_html")
        logger.warning("skipped %s: not an HTML page (%s)", response.url, ctype)
        return False

    @staticmethod
    def selector(response: TextResponse, language: str | None = None) -> parsel.Selector:
        """The page's selector, re-decoded when the declared encoding does not fit the bytes.

        Scrapy trusts the HTTP header, then the page's <meta>, and replaces what does not decode;
        bytes that fit neither are tried in the legacy encodings (GB18030 first for ``language`` zh).
        """
        try:
            response.body.decode(response.encoding)
            return response.selector
        except (UnicodeDecodeError, LookupError):
            text, encoding = decode_html(response.body, None, language)
            logger.warning("%s declares %s but is %s; decoded as such", response.url, response.encoding, encoding)
            return parsel.Selector(text=text, base_url=response.url)

    # --- extraction ---------------------------------------------------------------------------

    def extract_response(self, response) -> dict:
        """Raw item fields of a downloaded article page."""
        return self.extract_fields(response)[0]

    def extract_fields(self, response) -> tuple[dict, list[str]]:
        """Raw item fields of a downloaded page, and the fields that came from the generic extraction."""
        sel = self.selector(response, self.language)
        html = response.text if sel is response.selector else sel.get
        return self._with_fallback(sel, html, response.url)

    @classmethod
    def extract_html(cls, html: str, url: str) -> dict:
        """Raw item fields of a saved article page's HTML text."""
        return cls.extract_html_fields(html, url)[0]

    @classmethod
    def extract_html_fields(cls, html: str, url: str) -> tuple[dict, list[str]]:
        """Raw item fields of a saved page's HTML, and the fields that came from the generic extraction."""
        return cls._with_fallback(parsel.Selector(text=html, base_url=url), html, url)

    @classmethod
    def _with_fallback(cls, sel: parsel.Selector, html, url: str) -> tuple[dict, list[str]]:
        raw = cls.extract_page(sel, url)
        if not cls.generic_fallback:
            return raw, []
        return raw, fill_missing(raw, html, url, cls.timezone, cls.day_first)

    # Declarations read by the default extract_page (a site whose page differs overrides it).
    #: The article's container; fields are looked up inside it (one scan of the page).
    article_css: str | None = None
    #: Elements holding "Label: value" lines, and the labels of the date and source lines.
    info_css: str | None = None
    date_label: str = "Published"
    source_label: str = "Source"
    title_css: str = "h1"
    #: Regex removed from the end of <title> when the page has no title element.
    title_suffix: str | None = None
    body_css: str | None = None
    crumbs_css: str | None = None

    @classmethod
    def extract_page(cls, sel: parsel.Selector, url: str) -> dict:
        """Raw item fields from an article page, from the class's selector declarations."""
        article = (sel.css(cls.article_css)[:1] if cls.article_css else None) or sel
        title = cls.text(article, cls.title_css) or cls.text(sel, cls.title_css)
        if not title:
            title = normalize_space(sel.css("title::text").get())
            if cls.title_suffix:
                title = re.sub(rf"{cls.title_suffix}\s*$", "", title).strip()
        paragraphs, imgs = cls.body(article, cls.body_css, url) if cls.body_css else ([], [])
        return {
            "title": title or None,
            "published_raw": cls.labelled(article, cls.info_css, cls.date_label) if cls.info_css else None,
            "source": cls.labelled(article, cls.info_css, cls.source_label) if cls.info_css else None,
            "section": cls.crumbs(sel, cls.crumbs_css) if cls.crumbs_css else [],
            "language": sel.css("html::attr(lang)").get() or None,
            "summary": cls.meta(sel, "description"),
            "body": paragraphs,
            "images": imgs,
            "canonical_url": sel.css('link[rel="canonical"]::attr(href)').get(),
        }

    @classmethod
    def matches(cls, url: str) -> bool:
        """True when ``url`` is an article of this site (used to pick a site for saved pages)."""
        parts = urlsplit(url)
        hosts = {urlsplit(cls.base_url).hostname, *cls.aliases}
        return parts.hostname in hosts and re.search(cls.article_path, parts.path) is not None

    # helpers for subclasses
    @staticmethod
    def text(sel, query: str) -> str | None:
        """Whitespace-normalised text of the first match of a CSS query, or None."""
        node = sel.css(query)
        if not node:
            return None
        return normalize_space(node[0].xpath("string()").get()) or None

    @staticmethod
    def meta(sel, name: str) -> str | None:
        """Content of ``<meta name=…>`` (TRS CMS pages carry PubDate, ArticleTitle, ContentSource)."""
        return (sel.css(f'meta[name="{name}"]::attr(content)').get() or "").strip() or None

    @staticmethod
    def labelled(sel, query: str, label: str) -> str | None:
        """The value of a "Label: value" line among the elements matched by ``query``."""
        pattern = re.compile(rf"^{re.escape(label)}\s*[:：]\s*", re.I)
        for text in sel.css(query).xpath("string()").getall():
            text = normalize_space(text)
            if pattern.match(text):
                return pattern.sub("", text) or None
        return None

    @staticmethod
    def crumbs(sel, query: str, skip=("home", "首页")) -> list[str]:
        """Breadcrumb texts without the leading 'Home'."""
        out = [normalize_space(t) for t in sel.css(query).getall()]
        return [t for t in out if t and t.lower() not in skip]

    @staticmethod
    def body(sel, query: str, url: str) -> tuple[list[str], list[dict]]:
        """Paragraphs and images of the article body element."""
        node = sel.css(query)
        if not node:
            return [], []
        root = node[0].root
        return block_texts(root), images(root, url)
