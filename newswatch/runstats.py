"""One reader of a run's Scrapy stats: the counters its status (newswatch.runs) and health are judged on."""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCKED_STATUSES = frozenset({401, 403, 429})

# Download exceptions by class name: Scrapy ≥ 2.13 raises its own (scrapy.exceptions.*), older
# versions Twisted's (twisted.internet.error.*); both are recognised.
_DNS = frozenset({"DNSLookupError", "CannotResolveHostError", "gaierror"})
_TIMEOUT = frozenset({"TimeoutError", "TCPTimedOutError", "DownloadTimeoutError", "UserTimeoutError"})
_REFUSED = frozenset({"ConnectionRefusedError", "DownloadConnectionRefusedError"})
#: Exceptions counted by the downloader that say nothing about the site's availability.
_NOT_NETWORK = frozenset(
    {"IgnoreRequest", "UnsupportedURLSchemeError", "DownloadCancelledError", "NotSupported", "StopDownload"}
)


@dataclass(frozen=True, slots=True)
class RunStats:
    """The counters of a run that its status and its health are judged on, read once from its stats."""

    listing_pages: int = 0
    listing_failed: int = 0
    listing_not_html: int = 0
    listing_empty: int = 0
    listing_blocked: int = 0
    article_failed: int = 0
    article_blocked: int = 0
    article_not_modified: int = 0
    robots_forbidden: int = 0
    invalid: int = 0
    valid: int = 0
    store_errors: int = 0
    #: Items whose publication date was read, unread or missing: every item extracted.
    dated: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    network: tuple[str, ...] = ()
    invalid_fields: tuple[str, ...] = ()
    #: Article pages a site's selectors read, and per field how many of them fell back.
    selector_pages: int = 0
    fallback: tuple[tuple[str, int], ...] = ()

    @property
    def fallback_majority(self) -> tuple[tuple[str, int], ...]:
        """Fields the selectors missed on over half of the pages they read."""
        return tuple((name, n) for name, n in self.fallback if 2 * n > self.selector_pages > 0)

    @property
    def items_seen(self) -> int:
        """Items extracted, or unchanged (304) since they were."""
        return self.dated + self.article_not_modified

    @property
    def extracted(self) -> int:
        """Items extracted from article pages: those that passed validation and those dropped."""
        return self.valid + self.invalid

    @property
    def article_fetched(self) -> int:
        """Article pages that arrived (extracted or answered 304), to weigh article failures."""
        return self.extracted + self.article_not_modified

    @property
    def server_errors(self) -> list[int]:
        return sorted(code for code in self.statuses if 500 <= code < 600)

    @property
    def refusals(self) -> list[int]:
        return sorted(code for code in self.statuses if code in BLOCKED_STATUSES)

    @property
    def unavailable(self) -> bool:
        """Network errors or 5xx answers happened during the crawl."""
        return bool(self.network or self.server_errors)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read_stats(stats: dict) -> RunStats:
    """Pick a run's counters out of its stats (Scrapy's and newswatch's)."""

    def get(key: str) -> int:
        return _int(stats.get(key, 0))

    statuses: dict[int, int] = {}
    network: dict[str, int] = {}
    fields: dict[str, int] = {}
    fallback: dict[str, int] = {}
    diffs = 0
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            code = key.rsplit("/", 1)[1]
            if code.isdigit():
                statuses[int(code)] = _int(value)
        elif key.startswith("downloader/exception_type_count/"):
            name = key.rsplit("/", 1)[1].rsplit(".", 1)[-1]
            if name not in _NOT_NETWORK:
                network[_cause(name)] = network.get(_cause(name), 0) + _int(value)
        elif key.startswith("newswatch/validate/invalid/"):
            fields[key.removeprefix("newswatch/validate/invalid/")] = _int(value)
        elif key.startswith("newswatch/diff/"):
            diffs += _int(value)
        elif key.startswith("newswatch/fallback/"):
            fallback[key.removeprefix("newswatch/fallback/")] = _int(value)
    return RunStats(
        listing_pages=get("newswatch/listing/pages"),
        listing_failed=get("newswatch/listing/failed"),
        listing_not_html=get("newswatch/listing/not_html"),
        listing_empty=get("newswatch/listing/empty"),
        listing_blocked=get("newswatch/listing/blocked"),
        article_failed=get("newswatch/article/failed"),
        article_blocked=get("newswatch/article/blocked"),
        article_not_modified=get("newswatch/article/not_modified"),
        robots_forbidden=get("robotstxt/forbidden"),
        invalid=get("newswatch/validate/invalid"),
        valid=max(diffs, get("item_scraped_count")),
        store_errors=get("newswatch/store/errors"),
        dated=get("newswatch/dates/parsed") + get("newswatch/dates/unparsed") + get("newswatch/dates/missing"),
        statuses=statuses,
        network=tuple(sorted(network, key=lambda cause: -network[cause])),
        invalid_fields=tuple(sorted(fields, key=lambda name: (-fields[name], name))),
        selector_pages=get("newswatch/selectors/pages"),
        fallback=tuple(sorted(fallback.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _cause(exception_name: str) -> str:
    if exception_name in _DNS:
        return "DNS lookup failed"
    if exception_name in _TIMEOUT:
        return "timed out"
    if exception_name in _REFUSED:
        return "connection refused"
    return "connection failed"
