"""Generic extraction of one news article from a saved HTML page.

Used for sites without a dedicated spider. The main text comes from trafilatura,
structured metadata (JSON-LD, OpenGraph) from extruct and, when the page declares no
publication date, the date from htmldate. The result is a raw item: strings are kept
as the page gives them and the pipeline cleans and parses them later.

The page is parsed once. Every step that reads the untouched tree runs first; the text
extraction then prunes the tree in place, and a copy is made only for the date search,
on pages that declare no date.
"""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import htmldate
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from newswatch.datelines import dateline, info_line, without_line

__all__ = ["extract_article"]

logger = logging.getLogger(__name__)

# schema.org types whose node describes the article itself
_ARTICLE_TYPES = {"BlogPosting", "LiveBlogPosting", "Report", "PressRelease"}

# htmldate, when neither the markup nor the page's words state a date: the original publication
# date over "last updated", and its extensive search over the free text as the last resort.
_DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": True}

# Classes and ids are matched in Python: string functions or a regular expression in an
# XPath predicate cost more per element than the whole walk. A cheap test for the words a
# match must contain comes first.

# Removed before text extraction: lines trafilatura keeps when it falls back to
# readability on old layouts. Short date/byline blocks ("12.09.2022 | Views: 531"), block
# elements only so a date inside a sentence stays ("update" and "candidate" do not match):
_META_BLOCK = re.compile(
    r"(?<![a-z])(date|meta|byline|posted|submitted)|(news|post|entry|pub|article)[-_]?(date|meta|info)", re.IGNORECASE
)
_META_BLOCK_HINT = re.compile("date|meta|byline|posted|submitted|info")  # in every match, case-folded
_META_BLOCK_TAGS = ("div", "p", "ul", "section")
_SHORT_BLOCK = etree.XPath("string-length(normalize-space()) < 200")
# ... and blocks made only of links (at least one) and line breaks, with nothing but white
# space and separators between them: "Back to the list | Print version".
_LINK_BLOCK_CANDIDATES = etree.XPath("//div[a] | //p[a]")
_SEPARATORS = "|/·•»«›‹-–— \t\r\n"

# Page chrome removed before the date search, so that "last updated" stamps in footers
# and today's date in a site header are not taken for the publication date.
# Landmarks: navigation, asides, and the page's own header and footer (a <header> holding
# the <h1> introduces the article) ...
_CHROME_LANDMARKS = etree.XPath(
    "//nav | //aside"
    " | //footer[not(ancestor::article or ancestor::main)]"
    " | //header[not(ancestor::article or ancestor::main or .//h1)]"
)
# ... and, outside the <article>, blocks whose class or id names them.
_CHROME_CLASS = re.compile("footer|sidebar|cookie|breadcrumb")  # case-folded

# The precise extraction is retried in trafilatura's balanced mode when it returns some
# text but fewer words than this share of the words in the page's <p> paragraphs: it then
# took a side block (a reprint notice, a teaser) for the article. Pages whose paragraphs
# hold fewer words than an article has (error pages, cookie banners) are not retried.
_PRECISE_MIN_SHARE = 0.25
_ARTICLE_MIN_WORDS = 100
# The balanced text replaces the precise one when it has at least this many times its words,
# that is when it found a larger block rather than the same one with a heading or a caption.
_RETRY_MIN_GAIN = 2

_LAYOUT_TABLE_BLOCKS = etree.XPath(".//div|.//p|.//table|.//ul|.//ol|.//form|.//h1|.//h2|.//h3")
_WS = re.compile(r"\s+")


def extract_article(html: str, url: str, day_first: bool | None = None) -> dict:
    """Extract one article from ``html`` saved from ``url`` as a raw item dict.

    Structured data (JSON-LD, then OpenGraph) wins over trafilatura's guesses for title,
    date, summary and images; a missing value is None, never invented. The date is then read
    from the page's words (an info line near the title, a dateline; numeric dates in the site's
    order ``day_first``), and only then searched by htmldate. The info line is metadata: its
    source is kept, its text leaves body and summary.
    """
    tree = _parse(html)
    if tree is None:
        return _empty_item(url)

    structured = _structured_data(tree, url)
    nodes = _jsonld_nodes(structured.get("json-ld", []))
    index = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    article = next((node for node in nodes if _is_article(node)), {})
    og = next(iter(structured.get("opengraph", [])), {})

    title = _text(article.get("headline")) or _text(article.get("name")) or _text(og.get("og:title"))
    summary = _text(article.get("description")) or _text(og.get("og:description"))
    source = _name(_deref(article.get("publisher"), index)) or _text(og.get("og:site_name"))
    if not (title and summary and source):
        meta = _trafilatura_metadata(tree, url)
        title = title or _text(meta.title)
        summary = summary or _text(meta.description)
        source = source or _sitename(meta.sitename, url)
    language = _language(tree, article, og)
    languages = (language,) if language else None  # dates are read in the page's language first
    info = info_line(tree, title, day_first, languages)
    source = info.source or source
    if source and title and (_same(source, title) or (len(source) > 20 and source.casefold() in title.casefold())):
        source = None  # a site name read from <title> that is the article's title

    canonical_url = _canonical_url(tree, og)
    published = _text(article.get("datePublished")) or _text(og.get("article:published_time")) or info.date

    # The text extraction consumes its tree: keep the original for the date search if one is due.
    body, body_images = _main_text(copy.deepcopy(tree) if published is None else tree, url)
    body = without_line(_drop_title_line(body, title), info.text) or ""
    if not body and not article and og.get("@type") != "article":
        return _empty_item(url)
    if published is None:
        published = dateline(body.partition("\n\n")[0], day_first, languages) or _find_date(tree, url)
    summary = without_line(summary, info.text, title)

    return {
        "url": url,
        "canonical_url": canonical_url,
        "title": title,
        "published_raw": published,
        "source": source,
        "section": _breadcrumbs(nodes, index, title, url),
        "language": language,
        "summary": summary,
        "body": body,
        "images": _images(article, og, index, body_images, url),
    }


def _empty_item(url: str) -> dict:
    item = dict.fromkeys(("url", "canonical_url", "title", "published_raw", "source"))
    return {**item, "url": url, "section": [], "language": None, "summary": None, "body": "", "images": []}


def _parse(html: str) -> HtmlElement | None:
    """Parse once with trafilatura's loader, which rejects text that is not HTML."""
    if not html or not isinstance(html, (str, bytes)):
        return None
    try:
        tree = trafilatura.load_html(html)
    except Exception:  # malformed input must not break a crawl
        logger.debug("unparsable page", exc_info=True)
        return None
    return tree if isinstance(tree, HtmlElement) else None


# --- structured data -----------------------------------------------------------------


def _structured_data(tree: HtmlElement, url: str) -> dict[str, list[dict]]:
    """JSON-LD and OpenGraph items, read by extruct when the page has either kind of markup."""
    if not _has_structured_markup(tree):
        return {}
    try:
        return extruct.extract(
            tree, base_url=url or None, syntaxes=["json-ld", "opengraph"], uniform=True, errors="ignore"
        )
    except Exception:  # a broken JSON-LD block is the page's fault, not a crawl failure
        logger.debug("structured data extraction failed for %s", url, exc_info=True)
        return {}


def _has_structured_markup(tree: HtmlElement) -> bool:
    """Whether the page holds a JSON-LD script or a <meta property> in its head.

    The same elements extruct reads: without them it finds nothing, so it need not run.
    """
    if tree.find('.//script[@type="application/ld+json"]') is not None:
        return True
    return any(meta.get("content") is not None for meta in tree.iterfind(".//head/meta[@property]"))


def _jsonld_nodes(items: list[Any]) -> list[dict]:
    """Flatten JSON-LD documents, @graph arrays and nested objects, shallowest first."""
    nodes: list[dict] = []
    queue: list[Any] = list(items)
    while queue:
        item = queue.pop(0)
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            if "@type" in item:
                nodes.append(item)
            queue.extend(value for value in item.values() if isinstance(value, (dict, list)))
    return nodes


def _types(node: dict) -> set[str]:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return {t.rstrip("/").rsplit("/", 1)[-1].split(":")[-1] for t in types if isinstance(t, str)}


def _is_article(node: dict) -> bool:
    return any(t.endswith("Article") or t in _ARTICLE_TYPES for t in _types(node))


def _deref(value: Any, index: dict[str, dict]) -> Any:
    """Resolve a bare {"@id": ...} reference to the node it names in the same page."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in index:
        return index[value["@id"]]
    return value


def _text(value: Any) -> str | None:
    """A non-empty string with HTML entities decoded, or None."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    value = html_lib.unescape(value).strip()
    return value or None


def _name(value: Any) -> str | None:
    return _text(value.get("name")) if isinstance(value, dict) else _text(value)


def _find_date(tree: HtmlElement, url: str) -> str | None:
    """Publication date found by htmldate outside the page chrome; removes the chrome from ``tree``."""
    _drop(_chrome(tree))
    try:
        return htmldate.find_date(tree, url=url or None, **_DATE_PARAMS)
    except Exception:
        logger.debug("date search failed for %s", url, exc_info=True)
        return None


def _chrome(tree: HtmlElement) -> list[HtmlElement]:
    """Page chrome: landmarks, then the blocks of <body> outside any <article> that its class
    or id names (footer, sidebar, cookie banner, breadcrumbs)."""
    found = _CHROME_LANDMARKS(tree)
    for body in tree.iter("body"):
        for element in body.iterdescendants(etree.Element):
            if (
                _class_matches(element, _CHROME_CLASS)
                and element.tag != "article"
                and next(element.iterancestors("article"), None) is None
            ):
                found.append(element)
    return found


def _class_matches(element: HtmlElement, hint: re.Pattern, pattern: re.Pattern | None = None) -> bool:
    """Whether the element's class or id, case-folded, contains ``hint`` and, if ``pattern``
    is given, matches it as written."""
    class_, id_ = element.get("class"), element.get("id")
    if class_ is None and id_ is None:
        return False
    names = f"{class_ or ''} {id_ or ''}"
    if hint.search(names.casefold()) is None:
        return False
    return pattern is None or pattern.search(names) is not None


def _breadcrumbs(nodes: list[dict], index: dict[str, dict], title: str | None, url: str) -> list[str]:
    """Names of the BreadcrumbList trail, without a last entry naming the article itself."""
    trail = next((node for node in nodes if "BreadcrumbList" in _types(node)), None)
    if trail is None:
        return []
    elements = trail.get("itemListElement")
    elements = [e for e in (elements if isinstance(elements, list) else [elements]) if isinstance(e, dict)]
    if all(isinstance(e.get("position"), int) for e in elements):
        elements.sort(key=lambda e: e["position"])
    crumbs: list[tuple[str, str | None]] = []
    for element in elements:
        item = _deref(element.get("item"), index)
        name = _text(element.get("name")) or (_name(item) if isinstance(item, dict) else None)
        link = (item.get("@id") or item.get("url")) if isinstance(item, dict) else item
        if name:
            crumbs.append((name, link if isinstance(link, str) else None))
    if crumbs:
        name, link = crumbs[-1]
        if link is None or link.rstrip("/") == (url or "").rstrip("/") or (title and _same(name, title)):
            crumbs.pop()
    return [name for name, _ in crumbs]


def _language(tree: HtmlElement, article: dict, og: dict) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        in_language = article.get("inLanguage")
        lang = _name(in_language) if isinstance(in_language, dict) else _text(in_language)
    return _text(lang) or _text(og.get("og:locale"))


def _canonical_url(tree: HtmlElement, og: dict) -> str | None:
    candidates = [
        link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates.append(og.get("og:url"))
    for candidate in candidates:
        candidate = _text(candidate)
        if candidate and urlsplit(candidate).scheme in ("http", "https") and urlsplit(candidate).netloc:
            return candidate
    return None


def _trafilatura_metadata(tree: HtmlElement, url: str) -> Document:
    """Title, description and site name as ``trafilatura.extract_metadata`` finds them.

    The same steps, in the same order, without the author, date, category, tag and
    licence searches, whose results are not used here.
    """
    try:
        meta = examine_meta(tree)
        try:
            meta = extract_meta_json(tree, meta)
        except Exception:  # a broken JSON-LD block leaves the <meta> values
            logger.debug("JSON-LD metadata extraction failed for %s", url, exc_info=True)
        if not meta.title:
            meta.title = extract_title(tree)
        if not meta.url:
            meta.url = extract_url(tree, url or None)
        if not meta.sitename:
            meta.sitename = extract_sitename(tree)
        if meta.sitename:
            meta.sitename = meta.sitename.lstrip("@")
            if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
                meta.sitename = meta.sitename.title()
        elif meta.url and (host := META_URL.match(meta.url)):
            meta.sitename = host[1]
        meta.clean_and_trim()
        return meta
    except Exception:
        logger.debug("metadata extraction failed for %s", url, exc_info=True)
        return Document()


def _sitename(sitename: str | None, url: str) -> str | None:
    """trafilatura's site name, unless it merely repeats the host name of the URL."""
    sitename = _text(sitename)
    host = urlsplit(url or "").hostname or ""
    if sitename and "." in sitename and sitename.lower().removeprefix("www.") in host:
        return None
    return sitename


# --- main text and images --------------------------------------------------------------


def _main_text(tree: HtmlElement, url: str) -> tuple[str, list[dict]]:
    """Main text (paragraphs joined by a blank line) and the images trafilatura kept in it.

    Prunes ``tree`` in place. trafilatura runs in precision mode, which keeps menus and
    teasers out. When that yields some text but under a quarter of the words the page's
    paragraphs hold (and they hold enough for an article), it is taken to have picked a side
    block, and the balanced mode's text is used instead if it is at least twice as long. A
    page where precision mode finds no text at all is taken to hold no article.
    """
    captions = _figure_captions(tree, url)
    paragraph_words = sum(len(paragraph.text_content().split()) for paragraph in tree.iter("p"))
    _unwrap_layout_tables(tree)
    _drop(_pruned_blocks(tree))

    body, images = _rendered(_extract(tree, url, precise=True), url, captions)
    words = len(body.split())
    if paragraph_words >= _ARTICLE_MIN_WORDS and 0 < words < _PRECISE_MIN_SHARE * paragraph_words:
        balanced, balanced_images = _rendered(_extract(tree, url, precise=False), url, captions)
        if len(balanced.split()) >= _RETRY_MIN_GAIN * words:
            body, images = balanced, balanced_images
    return body, images


def _extract(tree: HtmlElement, url: str, precise: bool) -> Document | None:
    """trafilatura's extraction of the main text of ``tree``, which it leaves untouched."""
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url or None,
            favor_precision=precise,
            include_comments=False,
            include_images=True,
            include_links=False,
            with_metadata=False,
        )
    except Exception:
        logger.debug("text extraction failed for %s", url, exc_info=True)
        return None
    return document if isinstance(document, Document) else None


def _rendered(document: Document | None, url: str, captions: dict[str, str]) -> tuple[str, list[dict]]:
    """The text of an extracted document, one line per paragraph, and its images."""
    if document is None or document.body is None:
        return "", []
    images = []
    for graphic in document.body.iter("graphic"):
        src = _absolute(graphic.get("src"), url)
        if src:
            caption = captions.get(src) or _text(graphic.get("title")) or _text(graphic.get("alt"))
            images.append({"url": src, "caption": caption})
    etree.strip_elements(document.body, "graphic", with_tail=False)

    lines = (_WS.sub(" ", line).strip() for line in xmltotxt(document.body, False).split("\n"))
    return "\n\n".join(line for line in lines if line), images


def _pruned_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """Short date, meta and byline blocks, and blocks made only of links and separators."""
    found = [
        element
        for element in tree.iter(*_META_BLOCK_TAGS)
        if _class_matches(element, _META_BLOCK_HINT, _META_BLOCK) and _SHORT_BLOCK(element)
    ]
    found.extend(element for element in _LINK_BLOCK_CANDIDATES(tree) if _links_only(element))
    return found


def _links_only(element: HtmlElement) -> bool:
    """Whether the element holds links and line breaks only, with separators between them."""
    children = [child for child in element if isinstance(child.tag, str)]  # elements, not comments
    if any(child.tag not in ("a", "br") for child in children):
        return False
    return all(not text or not text.strip(_SEPARATORS) for text in (element.text, *(child.tail for child in element)))


def _drop(elements: list[HtmlElement]) -> None:
    """Remove elements from their tree, keeping the text that follows each one."""
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables used for page layout into plain blocks.

    A table without header cells that holds paragraphs, lists or other tables lays out the
    page rather than presenting data; left alone, trafilatura renders the whole page,
    menus and footer included, as one table.
    """
    for table in list(tree.iter("table")):
        if table.tag != "table" or table.find(".//th") is not None or table.find(".//caption") is not None:
            continue
        if not _LAYOUT_TABLE_BLOCKS(table):
            continue
        parts = [
            el
            for el in table.iter("thead", "tbody", "tfoot", "tr", "td")
            if next(el.iterancestors("table"), None) is table
        ]
        for element in (table, *parts):
            element.tag = "div"


def _figure_captions(tree: HtmlElement, url: str) -> dict[str, str]:
    """Map absolute image URL -> text of the <figcaption> of its <figure>."""
    captions: dict[str, str] = {}
    for figure in tree.iter("figure"):
        caption = figure.find(".//figcaption")
        text = _text(_WS.sub(" ", caption.text_content())) if caption is not None else None
        if not text:
            continue
        for img in figure.iter("img"):
            src = _absolute(img.get("src"), url)
            if src:
                captions.setdefault(src, text)
    return captions


def _images(article: dict, og: dict, index: dict[str, dict], body_images: list[dict], url: str) -> list[dict]:
    """Declared images first (JSON-LD, og:image), then those in the text, one entry per URL."""
    found: list[dict] = []
    declared = article.get("image")
    for image in declared if isinstance(declared, list) else [declared]:
        image = _deref(image, index)
        if isinstance(image, dict):
            src = _text(image.get("url")) or _text(image.get("contentUrl"))
            found.append({"url": src, "caption": _text(image.get("caption"))})
        else:
            found.append({"url": _text(image), "caption": None})
    found.append({"url": _text(og.get("og:image")), "caption": _text(og.get("og:image:alt"))})
    found.extend(body_images)

    merged: dict[str, dict] = {}
    for image in found:
        src = _absolute(image["url"], url)
        if not src:
            continue
        if src in merged:
            merged[src]["caption"] = merged[src]["caption"] or image["caption"]
        else:
            merged[src] = {"url": src, "caption": image["caption"]}
    return list(merged.values())


def _absolute(src: str | None, url: str) -> str | None:
    src = _text(src)
    if not src:
        return None
    src = urljoin(url or "", src)
    return src if urlsplit(src).scheme in ("http", "https") else None


def _same(a: str, b: str) -> bool:
    return _WS.sub(" ", a).strip().casefold() == _WS.sub(" ", b).strip().casefold()


def _drop_title_line(body: str, title: str | None) -> str:
    """Remove a leading heading that only repeats the title."""
    if not body or not title:
        return body
    first, _, rest = body.partition("\n\n")
    heading = _WS.sub(" ", first).strip().casefold()
    if _same(first, title) or (len(heading.split()) >= 3 and heading in title.casefold()):
        return rest
    return body
