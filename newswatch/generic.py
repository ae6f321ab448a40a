"""Generic extraction of one news article from a saved HTML page.

Used for sites without a dedicated spider. The main text comes from trafilatura,
structured metadata (JSON-LD, OpenGraph) from extruct and, when the page declares no
publication date, the date from htmldate. The result is a raw item: strings are kept
as the page gives them and the pipeline cleans and parses them later.
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
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

__all__ = ["extract_article"]

logger = logging.getLogger(__name__)

# schema.org types whose node describes the article itself
_ARTICLE_TYPES = {"BlogPosting", "LiveBlogPosting", "Report", "PressRelease"}

# htmldate: prefer the original publication date over "last updated", and skip the
# opportunistic free-text scan that picks up copyright years and deadlines.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}

_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}


def _class_matches(pattern: str) -> str:
    """XPath predicate: the element's class or id matches ``pattern`` (case-insensitive)."""
    return f"re:test(concat(@class, ' ', @id), '{pattern}', 'i')"


# Removed before text extraction: lines trafilatura keeps when it falls back to
# readability on old layouts. Short date/byline blocks ("12.09.2022 | Views: 531"), block
# elements only so a date inside a sentence stays ("update" and "candidate" do not match):
_META_BLOCK = r"(?<![a-z])(date|meta|byline|posted|submitted)|(news|post|entry|pub|article)[-_]?(date|meta|info)"
_SEPARATORS = "|/·•»«›‹-–— "
_PRUNE = etree.XPath(
    "//*[self::div or self::p or self::ul or self::section]"
    f"[{_class_matches(_META_BLOCK)}][string-length(normalize-space(.)) < 200]"
    # blocks made only of links and separators: "Back to the list | Print version"
    " | //*[self::div or self::p][a][not(*[not(self::a or self::br)])]"
    f"[not(text()[translate(normalize-space(.), '{_SEPARATORS}', '') != ''])]",
    namespaces=_REGEX_NS,
)

# Page chrome removed before the date search, so that "last updated" stamps in footers
# and today's date in a site header are not taken for the publication date.
_CHROME = etree.XPath(
    "//nav | //aside"
    " | //footer[not(ancestor::article or ancestor::main)]"
    " | //header[not(ancestor::article or ancestor::main or .//h1)]"
    " | //*[ancestor::body][not(ancestor-or-self::article)]"
    f"[{_class_matches('footer|sidebar|cookie|breadcrumb')}]",
    namespaces=_REGEX_NS,
)

_LAYOUT_TABLE_BLOCKS = etree.XPath(".//div|.//p|.//table|.//ul|.//ol|.//form|.//h1|.//h2|.//h3")
_WS = re.compile(r"\s+")


def extract_article(html: str, url: str) -> dict:
    """Extract one article from ``html`` saved from ``url`` as a raw item dict.

    Structured data (JSON-LD, then OpenGraph) wins over trafilatura's guesses for title,
    date, summary and images; a missing value is None, never invented.
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

    body, body_images = _main_text(tree, url)
    body = _drop_title_line(body, title)
    if not body and not article and og.get("@type") != "article":
        return _empty_item(url)

    return {
        "url": url,
        "canonical_url": _canonical_url(tree, og),
        "title": title,
        "published_raw": _published(tree, url, article, og),
        "source": source,
        "section": _breadcrumbs(nodes, index, title, url),
        "language": _language(tree, article, og),
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
    try:
        return extruct.extract(
            tree, base_url=url or None, syntaxes=["json-ld", "opengraph"], uniform=True, errors="ignore"
        )
    except Exception:  # a broken JSON-LD block is the page's fault, not a crawl failure
        logger.debug("structured data extraction failed for %s", url, exc_info=True)
        return {}


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


def _published(tree: HtmlElement, url: str, article: dict, og: dict) -> str | None:
    declared = _text(article.get("datePublished")) or _text(og.get("article:published_time"))
    if declared:
        return declared
    date_tree = copy.deepcopy(tree)
    _drop(_CHROME(date_tree))
    try:
        return htmldate.find_date(date_tree, url=url or None, **_DATE_PARAMS)
    except Exception:
        logger.debug("date search failed for %s", url, exc_info=True)
        return None


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
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates.append(og.get("og:url"))
    for candidate in candidates:
        candidate = _text(candidate)
        if candidate and urlsplit(candidate).scheme in ("http", "https") and urlsplit(candidate).netloc:
            return candidate
    return None


def _trafilatura_metadata(tree: HtmlElement, url: str) -> Document:
    try:
        return trafilatura.extract_metadata(tree, url or None, dict(_DATE_PARAMS))
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
    """Main text (paragraphs joined by a blank line) and the images trafilatura kept in it."""
    work = copy.deepcopy(tree)
    _unwrap_layout_tables(work)
    _drop(_PRUNE(work))
    try:
        document = trafilatura.bare_extraction(
            work,
            url=url or None,
            favor_precision=True,
            include_comments=False,
            include_images=True,
            include_links=False,
            with_metadata=False,
        )
    except Exception:
        logger.debug("text extraction failed for %s", url, exc_info=True)
        document = None
    if document is None or document.body is None:
        return "", []

    captions = _figure_captions(tree, url)
    images = []
    for graphic in document.body.iter("graphic"):
        src = _absolute(graphic.get("src"), url)
        if src:
            caption = captions.get(src) or _text(graphic.get("title")) or _text(graphic.get("alt"))
            images.append({"url": src, "caption": caption})
    etree.strip_elements(document.body, "graphic", with_tail=False)

    lines = (_WS.sub(" ", line).strip() for line in xmltotxt(document.body, False).split("\n"))
    return "\n\n".join(line for line in lines if line), images


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
            el for el in table.iter("thead", "tbody", "tfoot", "tr", "td")
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
