"""Link discovery on news listing pages of sites without a dedicated spider.

Pure functions over a ``parsel.Selector``: which links on a listing page lead to
articles, and which one leads to the next page of the listing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.html import strip_html5_whitespace
from w3lib.url import add_or_replace_parameter, canonicalize_url, url_query_parameter

__all__ = ["article_links", "next_page"]

# Containers whose links are site chrome, not listing items. Elements inside an
# <article> are kept: teasers often wrap their title link in a <header>.
_CHROME_CLASSES = (
    r"menu|nav|breadcrumb|footer|sidebar|pagination|pager|share|sharing|social"
    r"|most[-_]?read|most[-_]?viewed|related|widget"
)
_SEMANTIC_CHROME = (
    "ancestor::nav or ancestor::aside"
    " or ancestor::header[not(ancestor::article)] or ancestor::footer[not(ancestor::article)]"
)
_CLASS_CHROME = f"ancestor-or-self::*[ancestor::body][re:test(concat(@class, ' ', @id), '{_CHROME_CLASSES}', 'i')]"
_LINKS_OUTSIDE_CHROME = f"//a[@href][not({_SEMANTIC_CHROME})][not({_CLASS_CHROME})]"
_LINKS_OUTSIDE_LANDMARKS = f"//a[@href][not({_SEMANTIC_CHROME})]"

_FILE_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "odt",
        "rtf",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "ppt",
        "pptx",
        "odp",
        "zip",
        "rar",
        "7z",
        "gz",
        "tar",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "svg",
        "bmp",
        "tif",
        "tiff",
        "mp3",
        "wav",
        "ogg",
        "mp4",
        "avi",
        "mov",
        "wmv",
        "webm",
        "flv",
        "txt",
        "xml",
        "rss",
        "atom",
        "json",
        "exe",
        "dmg",
        "apk",
        "ics",
    ]
)
_PAGE_PARAMS = ("page", "p", "pageNo")
# query parameters that only select a page of the same listing
_PAGING_PARAMS = frozenset({"page", "p", "pageno", "paged", "pg", "start", "offset"})
_PAGE_SEGMENT = re.compile(r"/page/(\d+)/?$")
_INDEX_PAGE = re.compile(r"/index_\d+(\.\w+)$")
#: A path's last segment that names a page file rather than a folder: index.html, p2.html, list.php.
_PAGE_FILE = re.compile(r"[^/]+\.(?:s?html?|php\d?|aspx?|jsp|cfm|do)", re.I)

_NEXT_LABELS = frozenset({"next", "next page", "下一页", "下页", "suivant", "page suivante", "weiter", "nächste seite"})
_NEXT_SYMBOLS = frozenset({"›", "»"})
_ARROWS = " \u00a0›»>→"
_PAGER_MARKS = _ARROWS + "«‹<←"
_PAGER_LABELS = _NEXT_LABELS | {
    "previous",
    "prev",
    "previous page",
    "first",
    "last",
    "上一页",
    "首页",
    "尾页",
    "précédent",
    "zurück",
    "«",
    "‹",
}

_DIGITS = re.compile(r"\d+")
_SLUG = re.compile(r"[^\W\d_]{2,}\w*(?:[-_][^\W_]+)+", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_MIN_WORDS = 3
_HEADLINE_WORDS = 5


def article_links(sel: Selector, page_url: str, accept: Callable[[str], bool] | None = None) -> list[str]:
    """Absolute article URLs of a listing page, in page order, without duplicates.

    Links are grouped by URL shape (digits and slugs generalised); groups that sit
    deeper than the listing's folder and carry headline-like text or numbered paths are kept,
    and so are repeated slug links beside the listing (``/<slug>/`` next to ``/news/``). The
    folder, not the URL, is the measure: ``/news/index.html`` and ``/news/p2.html`` list the
    ``/news/n00001.html`` beside them.
    A site that knows its article URLs passes ``accept``: the links outside page chrome it accepts.
    """
    base = _base_url(sel, page_url)
    links = _candidates(sel.xpath(_LINKS_OUTSIDE_CHROME), base, page_url)
    if not links:  # a page-wide wrapper carrying e.g. "has-sidebar" hid everything
        links = _candidates(sel.xpath(_LINKS_OUTSIDE_LANDMARKS), base, page_url)
    if accept is not None:
        return [url for url in links if accept(url)]

    listing_depth = _folder_depth(page_url)
    groups: dict[str, list[str]] = {}
    for url in links:
        groups.setdefault(_template(url), []).append(url)
    chosen = {template for template, members in groups.items() if _looks_like_articles(members, links, listing_depth)}
    if any(len(groups[template]) > 1 for template in chosen):
        chosen = {template for template in chosen if len(groups[template]) > 1}
    return [url for url in links if _template(url) in chosen]


def next_page(sel: Selector, page_url: str) -> str | None:
    """URL of the next listing page, or None on the last page.

    Tries rel="next", then a "Next"-like anchor, then a link to the current page
    number plus one (``page``/``p``/``pageNo`` query parameter or ``/page/N/``).
    """
    base = _base_url(sel, page_url)
    current = _key(page_url)

    def usable(href: str | None) -> str | None:
        url = _absolute(href, base)
        return url if url and _key(url) != current else None

    for href in sel.xpath(
        "//link[@href][re:test(@rel, '(^|\\s)next(\\s|$)', 'i')]/@href"
        " | //a[@href][re:test(@rel, '(^|\\s)next(\\s|$)', 'i')]/@href"
    ).getall():
        if url := usable(href):
            return url

    for anchor in sel.xpath("//a[@href]"):
        if _is_next_label(_anchor_label(anchor)) and (url := usable(anchor.attrib.get("href"))):
            return url

    targets = {_key(candidate) for candidate in _following_pages(page_url)}
    for href in sel.xpath("//a/@href").getall():
        url = usable(href)
        if url and _key(url) in targets:
            return url
    return None


# --- candidates ---------------------------------------------------------------------


def _candidates(anchors: list[Selector], base: str, page_url: str) -> dict[str, str]:
    """Same-site, non-file, non-pagination links mapped to their longest anchor text.

    Links that differ only in spelling (www., trailing slash, parameter order) count once,
    under the first spelling met.
    """
    host = _host(page_url)
    listing = _listing_key(page_url)
    first_spelling: dict[str, str] = {}
    found: dict[str, str] = {}
    for anchor in anchors:
        url = _absolute(anchor.attrib.get("href"), base)
        if not url or _host(url) != host or _is_file(url) or _listing_key(url) == listing:
            continue
        label = _anchor_label(anchor)
        if label.isdigit() or label.strip(_PAGER_MARKS).casefold() in _PAGER_LABELS:
            continue
        url = first_spelling.setdefault(_key(url), url)
        if len(label) > len(found.get(url, "")) or url not in found:
            found[url] = label
    return found


def _looks_like_articles(members: list[str], labels: dict[str, str], listing_depth: int) -> bool:
    depth = min(_depth(url) for url in members)
    if depth < listing_depth:
        return False
    words = sum(_word_count(labels[url]) for url in members) / len(members)
    if depth == listing_depth:
        # Beside the listing rather than below it (WordPress /<slug>/ next to /news/): slug links
        # with headline-like text; a lone one (a last page) only with a headline's length.
        return (
            "{slug}" in _template(members[0]) and words >= _MIN_WORDS and (len(members) > 1 or words >= _HEADLINE_WORDS)
        )
    numbered = all(_DIGITS.search(url.split("/", 3)[-1]) for url in members)
    return words >= _MIN_WORDS or (words >= 1 and numbered)


def _template(url: str) -> str:
    """Shape of a URL: digit runs become 0, slug segments become {slug}, query values too."""
    parts = urlsplit(url)
    segments = [_segment_shape(segment) for segment in parts.path.split("/") if segment]
    query = sorted(
        f"{name}={_segment_shape(value)}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in _PAGING_PARAMS
    )
    return "/" + "/".join(segments) + ("?" + "&".join(query) if query else "")


def _segment_shape(segment: str) -> str:
    stem, dot, extension = segment.rpartition(".") if "." in segment else (segment, "", "")
    if _SLUG.fullmatch(stem):
        stem = "{slug}"
    return _DIGITS.sub("0", stem) + dot + extension


def _word_count(text: str) -> float:
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk / 2


def _depth(url: str) -> int:
    """Path segments plus query parameters, paging ones left out: distance from the root."""
    parts = urlsplit(url)
    path = _PAGE_SEGMENT.sub("/", parts.path)
    query = [name for name, _ in parse_qsl(parts.query) if name.lower() not in _PAGING_PARAMS]
    return len([segment for segment in path.split("/") if segment]) + len(query)


def _folder_depth(url: str) -> int:
    """Depth of the folder a listing page sits in: ``/news/p2.html`` and ``/news/`` are both 1."""
    last = _PAGE_SEGMENT.sub("/", urlsplit(url).path).rsplit("/", 1)[-1]
    return _depth(url) - (1 if _PAGE_FILE.fullmatch(last) else 0)


def _is_file(url: str) -> bool:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[-1].lower() in _FILE_EXTENSIONS


# --- pages ------------------------------------------------------------------------------


def _following_pages(page_url: str) -> Iterator[str]:
    """Candidate URLs of page N+1, given the page number the URL shows (1 if none)."""
    path = urlsplit(page_url).path
    numbered = False
    for name in _PAGE_PARAMS:
        value = url_query_parameter(page_url, name)
        if value is not None and value.isdigit():
            numbered = True
            yield add_or_replace_parameter(page_url, name, str(int(value) + 1))
    match = _PAGE_SEGMENT.search(path)
    if match:
        numbered = True
        new_path = f"{path[: match.start()]}/page/{int(match.group(1)) + 1}/"
        yield _replace_path(page_url, new_path)
    if not numbered:
        for name in _PAGE_PARAMS:
            yield add_or_replace_parameter(page_url, name, "2")
        yield _replace_path(page_url, path.rstrip("/") + "/page/2/")


def _listing_key(url: str) -> str:
    """Key shared by every page of one listing: paging parameters and segments removed."""
    parts = urlsplit(url)
    path = _PAGE_SEGMENT.sub("/", parts.path)
    path = _INDEX_PAGE.sub(r"/index\1", path)
    path = re.sub(r"/index\.\w+$", "/", path).rstrip("/")
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in _PAGING_PARAMS
    )
    return f"{_host(url)}{path}?{query}"


def _replace_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _is_next_label(label: str) -> bool:
    if label in _NEXT_SYMBOLS:
        return True
    return label.strip(_ARROWS).casefold() in _NEXT_LABELS


# --- helpers ------------------------------------------------------------------------------


def _anchor_label(anchor: Selector) -> str:
    """Visible text of a link, else its aria-label, title or image alt text."""
    element = anchor.root
    images = [img.get("alt") for img in element.iter("img")]
    for value in (" ".join(element.itertext()), element.get("aria-label"), element.get("title"), *images):
        if value and value.strip():
            return " ".join(value.split())
    return ""


def _base_url(sel: Selector, page_url: str) -> str:
    base = sel.xpath("//base/@href").get()
    return urljoin(page_url, strip_html5_whitespace(base)) if base else page_url


def _absolute(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL without fragment, or None for mailto:, javascript:, '#'."""
    if not href:
        return None
    url = urldefrag(urljoin(base, strip_html5_whitespace(href)))[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


@lru_cache(maxsize=4096)
def _key(url: str) -> str:
    """Comparison key: canonical form, without a trailing slash."""
    parts = urlsplit(canonicalize_url(url))
    return urlunsplit((parts.scheme, parts.netloc.removeprefix("www."), parts.path.rstrip("/"), parts.query, ""))
