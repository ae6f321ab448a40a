"""What an operator types, checked before anything runs: site names, http(s) URLs, settings given as text.

One rule each, shared by every command and the configuration, so a wrong value is one line naming
what is wrong, never a traceback from deep inside a crawl. Each check returns the problem as a
phrase (None when the value is fine); the caller says where the value came from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- site names ---------------------------------------------------------------------------------
# A site name becomes a file name (its HTTP cache), a database key, a URL path segment and a Python
# module name: lowercase letters, digits and _, starting with a letter.

SITE_NAME = re.compile(r"[a-z][a-z0-9_]*")
SITE_NAME_MAX = 64
SITE_NAME_RULE = f"lowercase letters, digits and _, starting with a letter, at most {SITE_NAME_MAX} characters"


def shown(value: str, limit: int = 80) -> str:
    """``value`` quoted for an error line: control characters escaped, long values cut."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"


def site_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a site, or None when it can."""
    if SITE_NAME.fullmatch(name) and len(name) <= SITE_NAME_MAX:
        return None
    return f"{shown(name, SITE_NAME_MAX)} is not a usable site name: use {SITE_NAME_RULE}"


# --- URLs ---------------------------------------------------------------------------------------

_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.?|[0-9A-Fa-f:.]+(?:%[\w.-]+)?")
URL_EXAMPLE = "https://example.org/news/"


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be crawled (not http(s), no usable host, a bad port), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        reason = str(exc)
        return f"{shown(url)} is not a valid URL ({reason[:1].lower() + reason[1:]})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{shown(url)} is not an http(s) URL (e.g. {URL_EXAMPLE})"
    if not _HOST.fullmatch(parts.hostname):
        return f"{shown(url)} has no valid host name (e.g. {URL_EXAMPLE})"
    if port == 0:
        return f"{shown(url)} names port 0; give a port from 1 to 65535"
    from w3lib.url import safe_url_string  # what Scrapy does to every request URL

    try:
        safe_url_string(url)
    except ValueError as exc:  # e.g. an IDNA label that is empty or too long
        return f"{shown(url)} is not a valid URL ({exc})"
    return None


# --- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How a setting given as text is read: ``int``, ``number``, ``bool``, ``url``, ``choice`` or ``text``."""

    name: str
    minimum: float | None = None
    choices: tuple[str, ...] = ()

    def problem(self, value: str) -> str | None:
        """Why ``value`` is not of this kind, or None."""
        if self.name == "bool":
            ok = value.strip() in ("True", "true", "False", "false") or _parses(int, value)
            return None if ok else "expected True or False (or 1 or 0)"
        if self.name in ("int", "number"):
            parsed = _parses(int if self.name == "int" else float, value)
            what = "a whole number" if self.name == "int" else "a number"
            if parsed is None or not math.isfinite(parsed):
                return f"expected {what}" + (f" ≥ {self.minimum:g}" if self.minimum is not None else "")
            if self.minimum is not None and parsed < self.minimum:
                return f"expected {what} ≥ {self.minimum:g}"
            return None
        if self.name == "url":
            return url_problem(value)
        if self.name == "choice" and value.strip().upper() not in self.choices:
            return f"expected one of {', '.join(self.choices)}"
        return None


def _parses(kind: type, value: str):
    try:
        return kind(value)
    except (ValueError, OverflowError):
        return None


INT_1, INT_0, NUMBER_0 = Kind("int", 1), Kind("int", 0), Kind("number", 0)
BOOL, URL, TEXT = Kind("bool"), Kind("url"), Kind("text")

#: newswatch's own settings, and the Scrapy ones read in a way their default does not show.
KINDS: dict[str, Kind] = {
    "NEWSWATCH_DB": TEXT,
    "NEWSWATCH_BASE_URL": URL,
    "NEWSWATCH_SECTIONS": TEXT,
    "NEWSWATCH_MAX_PAGES": INT_1,
    "NEWSWATCH_STORE_BATCH": INT_1,
    "NEWSWATCH_RECHECK_MISSING": BOOL,
    "NEWSWATCH_REVISIT_RECENT_DAYS": INT_0,
    "NEWSWATCH_REVISIT_OLDER_HOURS": NUMBER_0,
    "NEWSWATCH_EVENTS": BOOL,
    "NEWSWATCH_EVENT_WORKERS": INT_0,
    "NEWSWATCH_CRAWL_TIME_LIMIT": NUMBER_0,
    "NEWSWATCH_CONTACT_URL": URL,
    "LOG_LEVEL": Kind("choice", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
}


def _default(name: str):
    """The setting's default: newswatch's settings module first, then Scrapy's defaults."""
    from scrapy.settings import default_settings

    from newswatch import settings

    return getattr(settings, name, getattr(default_settings, name, None))


def kind_of(name: str) -> Kind | None:
    """The kind of a setting: declared above, else told by its default's type; None for an unknown
    NEWSWATCH_ name (a typo would otherwise be ignored without a word)."""
    if name in KINDS:
        return KINDS[name]
    default = _default(name)
    if name.startswith("NEWSWATCH_") and default is None:
        from newswatch import settings

        if not hasattr(settings, name):
            return None
    if isinstance(default, bool):
        return BOOL
    if isinstance(default, (int, float)):  # Scrapy reads many int defaults as floats (DOWNLOAD_DELAY = 0)
        return Kind("number", 0) if name.startswith("NEWSWATCH_") else Kind("number")
    return TEXT


def known_settings() -> list[str]:
    """newswatch's own settings, by name."""
    from newswatch import settings

    return sorted({*KINDS, *(n for n in vars(settings) if n.startswith("NEWSWATCH_"))} - {"LOG_LEVEL"})


def setting_problem(name: str, value: str) -> str | None:
    """Why ``value`` (text, as given to ``-s`` or in the configuration) cannot set ``name``, or None."""
    kind = kind_of(name)
    if kind is None:
        return f"unknown setting {name}; newswatch's settings are {', '.join(known_settings())}"
    problem = kind.problem(value)
    if problem is None:
        return None
    if kind.name == "url":
        return f"{name}: {problem}"
    example = _default(name)
    hint = f" (e.g. {name}={example})" if example is not None and kind.name in ("int", "number", "bool") else ""
    return f"{name}={shown(value)}: {problem}{hint}"
