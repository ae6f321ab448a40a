"""Run health: what a recorded crawl says about its site, judged from the run's Scrapy stats.

A run's *status* (ok, partial, failed) says whether its results can be trusted; its *health* says
why, in terms an operator acts on:

- ``site_down``: listing pages could not be fetched because of DNS failures, timeouts, refused or
  broken connections or 5xx answers; or no listing page was answered at all; or most article pages
  failed that way.
- ``blocked``: listing pages answered 401/403/429 or robots.txt forbids them; or most article
  pages were refused that way.
- ``layout_changed``: a listing answered HTTP 200 without a single article link, a listing failed
  without any network or server error (404, not HTML), over half of the items extracted were
  dropped as invalid (required fields empty), or a site's selectors missed a field (title, body,
  date) on over half of its article pages, which then came from the generic extraction. A broken
  selector never reads as "all removed"; fewer misses are noted beside an ok or quiet health.
- ``ok``: none of the above, and the run flagged changes (new, updated, removed, reappeared).
- ``quiet``: none of the above, nothing changed: the structure is intact, there is just no news.

Precedence, first match wins: site_down, blocked, layout_changed, ok, quiet. It follows the
layers a page goes through: a refusal is only meaningful from a server that answers, and a page's
layout can only be judged once it has arrived; so the most basic failing layer names the problem.

Judging is for finished runs: a run still "running" has recorded no stats yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage import RunRecord

OK, QUIET, SITE_DOWN, BLOCKED, LAYOUT_CHANGED = "ok", "quiet", "site_down", "blocked", "layout_changed"
#: Every health, best first.
HEALTHS = (OK, QUIET, SITE_DOWN, BLOCKED, LAYOUT_CHANGED)
#: Healths that mean the site needs attention (they build an alert streak).
FAILING = frozenset({SITE_DOWN, BLOCKED, LAYOUT_CHANGED})

BLOCKED_STATUSES = frozenset({401, 403, 429})
CHANGE_KINDS = ("new", "updated", "removed", "reappeared")

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
class Evidence:
    """The counters of a run that health is judged on, read once from its stats."""

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


def evidence(stats: dict) -> Evidence:
    """Pick health evidence out of a run's stats (Scrapy's and newswatch's counters)."""

    def get(key: str) -> int:
        return _int(stats.get(key, 0))

    statuses, network, fields, fallback, diffs = {}, {}, {}, {}, 0
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
    return Evidence(
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


# --- the rules, in precedence order ------------------------------------------------------------


def _nothing_answered(ev: Evidence) -> bool:
    return not (ev.listing_pages or ev.listing_failed or ev.listing_not_html or ev.listing_blocked)


def _site_down(ev: Evidence) -> bool:
    articles_down = ev.article_failed > ev.article_fetched and ev.unavailable
    return _nothing_answered(ev) or bool(ev.listing_failed and ev.unavailable) or articles_down


def _blocked(ev: Evidence) -> bool:
    return bool(ev.listing_blocked) or ev.article_blocked > ev.article_fetched


def _layout_changed(ev: Evidence) -> bool:
    listing_broken = ev.listing_empty or ev.listing_not_html or (ev.listing_failed and not ev.unavailable)
    return bool(listing_broken) or 2 * ev.invalid > ev.extracted > 0 or bool(ev.fallback_majority)


def _changes(run: RunRecord) -> int:
    return run.new + run.updated + run.removed + run.reappeared


def classify(run: RunRecord) -> str:
    """The run's health: site_down, blocked, layout_changed, ok or quiet (precedence in that order)."""
    ev = evidence(run.stats or {})
    if _site_down(ev):
        return SITE_DOWN
    if _blocked(ev):
        return BLOCKED
    if _layout_changed(ev):
        return LAYOUT_CHANGED
    return OK if _changes(run) else QUIET


# --- explanations ------------------------------------------------------------------------------


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _codes(codes: list[int]) -> str:
    return "/".join(map(str, codes))


def _pages_failed(count: int, noun: str, causes: list[str]) -> str:
    """'3 listing pages answered 503', '1 listing page timed out', '2 … failed: DNS lookup failed'."""
    pages = _n(count, noun)
    if len(causes) == 1 and causes[0].startswith(("answered", "timed out")):
        return f"{pages} {causes[0]}"
    return f"{pages} failed: {', '.join(causes)}" if causes else f"{pages} failed"


def _explain_down(run: RunRecord, ev: Evidence) -> str:
    causes = list(ev.network)
    if ev.server_errors:
        causes.append(f"answered {_codes(ev.server_errors)}")
    if ev.listing_failed and ev.unavailable:
        return _pages_failed(ev.listing_failed, "listing page", causes)
    if _nothing_answered(ev):
        ended = f" (crawl ended: {run.finish_reason})" if run.finish_reason not in (None, "finished") else ""
        return f"no response at all{ended}"
    tried = ev.article_failed + ev.article_fetched
    return _pages_failed(ev.article_failed, f"of {tried} article page", causes)


def _explain_blocked(ev: Evidence) -> str:
    codes = f"answered {_codes(ev.refusals)}" if ev.refusals else ""
    if 429 in ev.refusals:
        codes += " (rate limited)"
    if ev.listing_blocked:
        if ev.robots_forbidden and not codes:
            return f"robots.txt forbids {_n(ev.listing_blocked, 'listing page')}"
        pages = _n(ev.listing_blocked, "listing page")
        if codes and ev.robots_forbidden:
            return f"{pages} refused: {codes}, robots.txt forbids"
        return f"{pages} {codes}" if codes else f"{pages} refused (401/403/429 or robots.txt)"
    tried = ev.article_blocked + ev.article_fetched
    why = codes or ("robots.txt forbids them" if ev.robots_forbidden else "blocked")
    return f"{ev.article_blocked} of {_n(tried, 'article page')} refused: {why}"


def _fallback_line(site: str, misses: tuple[tuple[str, int], ...], pages: int) -> str:
    """'cae: selectors for body missed on 27 of 30 articles; generic extraction used'."""
    counts = ", ".join(
        f"for {name} missed on {n} of {pages}" if i == 0 else f"for {name} on {n} of {pages}"
        for i, (name, n) in enumerate(misses)
    )
    return f"{site}: selectors {counts} articles; generic extraction used"


def _explain_layout(run: RunRecord, ev: Evidence) -> str:
    parts = []
    if ev.listing_empty:
        parts.append(
            f"listing http 200 but no article links ({ev.listing_empty} of {_n(ev.listing_pages, 'listing page')})"
        )
    if ev.listing_not_html:
        parts.append(f"{_n(ev.listing_not_html, 'listing page')} not HTML")
    if ev.listing_failed and not ev.unavailable:
        client = sorted(c for c in ev.statuses if 400 <= c < 500 and c not in BLOCKED_STATUSES)
        verb = f"answered {_codes(client)}" if client else "failed"
        parts.append(f"{_n(ev.listing_failed, 'listing page')} {verb}")
    if 2 * ev.invalid > ev.extracted > 0:
        fields = f" ({', '.join(ev.invalid_fields)} empty or invalid)" if ev.invalid_fields else ""
        parts.append(f"{ev.invalid} of {_n(ev.extracted, 'extracted item')} dropped as invalid{fields}")
    if ev.fallback_majority:
        parts.append(_fallback_line(run.site, ev.fallback, ev.selector_pages))
    return "; ".join(parts)


def _notes(run: RunRecord, ev: Evidence) -> str:
    """Problems a healthy-looking run still had: failed articles, store errors, an early stop."""
    notes = []
    if ev.article_failed or ev.article_blocked:
        notes.append(f"{_n(ev.article_failed + ev.article_blocked, 'article page')} failed")
    if ev.invalid:
        notes.append(f"{_n(ev.invalid, 'invalid item')} dropped")
    if ev.store_errors:
        notes.append(f"{_n(ev.store_errors, 'store error')}")
    if run.finish_reason not in (None, "finished"):
        notes.append(f"crawl ended: {run.finish_reason}")
    fallback = f"; {_fallback_line(run.site, ev.fallback, ev.selector_pages)}" if ev.fallback else ""
    return (f"; {', '.join(notes)}" if notes else "") + fallback


def explain(run: RunRecord) -> str:
    """One line saying why the run has its health, e.g. "3 listing pages answered 503"."""
    if run.status == "running":
        return "still running"
    if not run.stats and run.finish_reason == "interrupted":  # says nothing about the site
        return "interrupted: the crawl's process ended before it recorded the run"
    ev = evidence(run.stats or {})
    health = classify(run)
    if health == SITE_DOWN:
        return _explain_down(run, ev)
    if health == BLOCKED:
        return _explain_blocked(ev)
    if health == LAYOUT_CHANGED:
        return _explain_layout(run, ev)
    if health == OK:
        counts = ", ".join(f"{getattr(run, kind)} {kind}" for kind in CHANGE_KINDS if getattr(run, kind))
        return counts + _notes(run, ev)
    return f"nothing new ({_n(ev.listing_pages, 'listing page')}, {_n(run.items, 'item')} seen)" + _notes(run, ev)
