"""Text cleaning: whitespace, invisible and control characters, site boilerplate, mis-declared encodings."""

from __future__ import annotations

import re
import unicodedata

from w3lib.encoding import html_to_unicode

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")

#: Terminal escape sequences (ECMA-48): CSI (colours, cursor moves), string commands ended by BEL or
#: ST (OSC titles and hyperlinks, DCS, SOS, PM, APC), then any other two- or three-character escape.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?"
)
#: Characters a terminal acts on instead of showing, and explicit bidi formatting (which can make a
#: line read otherwise than it is stored; the bidi algorithm orders plain text without them).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Control characters that separate words become a space; the others go.
_CONTROLS = {
    **dict.fromkeys(range(0x20), None),
    **dict.fromkeys(range(0x7F, 0xA0), None),
    **dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None),
    **dict.fromkeys(map(ord, "\x0b\x0c\r\x1c\x1d\x1e\x1f\x85"), " "),
    ord("\n"): "\n",
    ord("\t"): "\t",
}

#: Lines that are page furniture, not content, on the sites newswatch knows (whole-line matches).
BOILERPLATE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"font\s*size\s*:?\s*(big|large)?\s*(medium|middle)?\s*(small)?",
            r"(share|share to)\s*:?.*",
            r"(print|close|print this page|close window|back to top|top)",
            r"(views|hits|visits|clicks)\s*:?\s*\d+",
            r"字号\s*[:：]?\s*(大|中|小|\s)*",
            r"(【?\s*打印\s*】?|【?\s*关闭\s*】?|\s)+",
        )
    ),
    re.I,
)
_BOILERPLATE_MAX = 80  # furniture lines are short; longer lines are never tested


def strip_controls(text: str) -> str:
    """Text safe to show on a terminal: escape sequences, control characters (but newline and tab)
    and bidi overrides removed. Scraped text is cleaned with it, and printed text passes through it."""
    if not _UNSAFE.search(text):
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _ESCAPES.sub("", text).translate(_CONTROLS)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_json(text: str) -> str:
    """JSON text with the characters a terminal would act on escaped as \\uXXXX (json.dumps escapes
    only C0 controls when it keeps non-ASCII text): the same data, safe to print."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def normalize_space(text: str | None) -> str:
    """One line of text with runs of spaces, tabs, NBSP and invisible characters collapsed."""
    if not text:
        return ""
    text = strip_controls(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_INVISIBLE).split())


def normalize_block(text: str | None) -> str:
    """Multi-line text: spaces collapsed within lines, line breaks kept, blank runs removed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(text)).translate(_INVISIBLE)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def is_boilerplate(line: str) -> bool:
    """True for page furniture such as 'Font size: BigMediumSmall' or 'Views: 1532'."""
    return len(line) <= _BOILERPLATE_MAX and BOILERPLATE.fullmatch(line) is not None


def clean_paragraphs(paragraphs: list[str] | str | None) -> list[str]:
    """Paragraphs with whitespace normalised, empties and boilerplate lines removed."""
    if paragraphs is None:
        return []
    if isinstance(paragraphs, str):
        paragraphs = re.split(r"\n\s*\n", paragraphs)
    out = []
    for para in paragraphs:
        para = normalize_space(para)
        if para and not is_boilerplate(para):
            out.append(para)
    return out


def clean_body(body: list[str] | str | None) -> str:
    """The clean body text: paragraphs separated by one blank line."""
    return "\n\n".join(clean_paragraphs(body))


def comparable(text: str | None) -> str:
    """A form of text that ignores whitespace differences, for hashing and comparing."""
    return normalize_space(text)


#: Legacy encodings tried, in order, for bytes that are not what the page declares: Windows-1252
#: (Latin pages saved by old editors), and GB18030 (a superset of GBK and GB2312) for Chinese pages.
LEGACY_ENCODINGS = ("cp1252", "gb18030")
CHINESE_LEGACY_ENCODINGS = ("gb18030", "cp1252")
_LANG_ZH = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?zh", re.I)


def decode_html(body: bytes, declared: str | None, language: str | None = None) -> tuple[str, str]:
    """Decode a page, trusting a declared encoding (HTTP header, then <meta>) only if the bytes agree.

    A GBK page served as "charset=utf-8" would otherwise turn into replacement characters, as
    would a cp1252 page whose <meta> says UTF-8. Bytes that fit no declaration are tried in the
    usual legacy encodings (GB18030 first for a Chinese page, by ``language`` or its <html lang>);
    only then does w3lib's detection decide, with replacement characters.
    """
    from w3lib.encoding import html_body_declared_encoding

    chinese = (language or "").lower().startswith("zh") or _LANG_ZH.search(body[:2048]) is not None
    candidates = [declared, html_body_declared_encoding(body)]
    candidates += CHINESE_LEGACY_ENCODINGS if chinese else LEGACY_ENCODINGS
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    encoding, text = html_to_unicode(None, body)
    return text, encoding
