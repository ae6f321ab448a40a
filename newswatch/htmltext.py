"""Paragraph text and images from an article's HTML element, independent of inline markup."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

#: Elements that start a new paragraph; everything else is inline and joins its neighbours.
BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "figure",
        "figcaption",
        "center",
        "br",
        "hr",
        "address",
    ]
)
SKIP = frozenset(
    ["script", "style", "noscript", "template", "iframe", "form", "button", "select", "textarea", "object", "svg"]
)


def block_texts(element) -> list[str]:
    """Texts of the block-level pieces of ``element``, in order; wrapper spans/divs don't matter."""
    blocks: list[list[str]] = [[]]

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in SKIP or not tag:
            if el.tail:
                blocks[-1].append(el.tail)
            return
        is_block = tag in BLOCKS
        if is_block:
            blocks.append([])
        if el.text:
            blocks[-1].append(el.text)
        for child in el:
            walk(child)
        if is_block:
            blocks.append([])
        if el.tail:
            blocks[-1].append(el.tail)

    if element.text:
        blocks[-1].append(element.text)
    for child in element:
        walk(child)
    return [t for t in ("".join(b).strip() for b in blocks) if t]


def images(element, base_url: str) -> list[dict]:
    """Absolute http(s) image URLs inside ``element`` with their alt text or caption, deduplicated."""
    seen, out = set(), []
    for img in element.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        url = urljoin(base_url, src)
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        caption = (img.get("alt") or img.get("title") or "").strip() or None
        out.append({"url": url, "caption": caption})
    return out


def html_root(html: str):
    """Parse HTML text into an lxml root (for callers that have text, not a selector)."""
    return etree.HTML(html) if html.strip() else None
