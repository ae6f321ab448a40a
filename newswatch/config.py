"""The operator's TOML configuration: which sites to crawl when, and who hears about it.

Loading validates everything up front; each mistake is one :class:`ConfigError` line that names the
file and the key and says what to write instead. Notification URLs are never shown unmasked.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from newswatch.inputs import SITE_NAME_RULE, setting_problem, site_name_problem, url_problem

DEFAULT_CONFIG_PATH = Path(__file__).with_name("newswatch.toml")
CONFIG_NAME = "newswatch.toml"
DIGESTS = ("per_run", "hourly", "daily")
DURATION_HINT = "write e.g. 30s, 15m, 6h or 1d"
CRON_HINT = 'write five fields: minute hour day month weekday, e.g. "0 */6 * * *"'

SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_HOSTLIKE = re.compile(r"^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\[[0-9A-Fa-f:.]+\])(?::\d+)?$")
_TOKENISH = re.compile(r"^(?=.*\d)[\w-]{8,}$|^[\w-]{20,}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")

SECTIONS = ("storage", "scheduler", "health", "notify", "sites")
SITE_KEYS = ("spider", "url", "interval", "cron", "jitter", "full_every", "enabled", "settings")


class ConfigError(Exception):
    """A configuration mistake, as one line: file, key, what is wrong and what to do."""


@dataclass(frozen=True)
class SiteConfig:
    """One site to crawl on a schedule: a spider of its own, or a listing URL for the generic spider."""

    name: str
    spider: str | None = None
    url: str | None = None
    interval: timedelta | None = None
    cron: str | None = None
    jitter: timedelta = timedelta(0)
    #: Recheck every listed article at most this long after the last full recheck (None: never).
    full_every: timedelta | None = None
    enabled: bool = True
    settings: dict[str, str] = field(default_factory=dict)

    def crawl_args(self) -> list[str]:
        """The `newswatch crawl` arguments that crawl this site once."""
        args = [self.spider] if self.spider else ["--url", self.url, "--name", self.name]
        if self.full_every:
            args += ["-s", f"NEWSWATCH_REVISIT_FULL_EVERY_HOURS={self.full_every.total_seconds() / 3600:g}"]
        for name, value in self.settings.items():
            args += ["-s", f"{name}={value}"]
        return args


@dataclass(frozen=True)
class SchedulerConfig:
    """How the scheduler runs crawls: how many at once, how spread out after a start, how late is too late."""

    max_concurrent: int = 2
    stagger: timedelta = timedelta(seconds=30)
    misfire_grace: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class HealthConfig:
    """When a failing site becomes an operator alert, and how often it is repeated."""

    alert_after: int = 3
    remind_every: int = 6


@dataclass(frozen=True)
class NotifyConfig:
    """Apprise URLs for change digests (analysts) and health alerts (operators)."""

    analysts: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    digest: str = "per_run"


@dataclass(frozen=True)
class Config:
    """The whole configuration file, validated."""

    path: Path
    storage_url: str | None = None
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    sites: dict[str, SiteConfig] = field(default_factory=dict)


def parse_duration(text: str) -> timedelta:
    """'30s', '15m', '6h', '1d' or combinations in that order ('1h30m') → timedelta; '0' is zero."""
    text = text.strip()
    if text == "0":
        return timedelta(0)
    m = _DURATION.match(text)
    if not text or not m:
        raise ValueError(f"{_show(text)} is not a duration; {DURATION_HINT}")
    days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`: timedelta(hours=1, minutes=30) → '1h30m'."""
    total = int(value.total_seconds())
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if total >= size:
            parts.append(f"{total // size}{unit}")
            total %= size
    return "".join(parts)


def find_config(explicit: Path | None = None) -> Path:
    """The config file to use: ``explicit``, else ./newswatch.toml if present, else the packaged default."""
    if explicit is not None:
        return Path(explicit)
    local = Path(CONFIG_NAME)
    return local if local.is_file() else DEFAULT_CONFIG_PATH


@contextmanager
def _quiet_apprise() -> Iterator[None]:
    """Apprise logs rejected URLs in full, secrets included; keep it silent while we check them."""
    logger = logging.getLogger("apprise")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def apprise_accepts(url: str) -> bool:
    """True when Apprise recognises ``url`` as a notification URL."""
    import apprise

    with _quiet_apprise():
        return bool(apprise.Apprise().add(url))


def mask_url(url: str) -> str:
    """``url`` with passwords, tokens and keys hidden, safe for logs and error messages."""
    import apprise

    with _quiet_apprise():
        try:
            plugin = apprise.Apprise.instantiate(url)
        except Exception:
            plugin = None
        if plugin is not None:
            # Apprise hides what each service treats as secret; generic webhooks may still carry a token in the path
            masked = plugin.url(privacy=True).split("?", 1)[0]
            head, sep, path = masked.partition("://")[2].partition("/")
            segments = ("****" if _TOKENISH.match(seg) else seg for seg in path.split("/"))
            return masked.partition("://")[0] + "://" + head + sep + "/".join(segments)
    return _mask_generic(url)


def _mask_generic(url: str) -> str:
    """Keep the scheme and a host name; hide the user info, every path segment, query value and fragment."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or not _SCHEME.match(scheme):
        return "****"
    rest, hash_, _fragment = rest.partition("#")
    rest, qmark, query = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    _userinfo, at, hostport = netloc.rpartition("@")
    out = f"{scheme}://{'****@' if at else ''}{hostport if _HOSTLIKE.match(hostport) else '****'}"
    if slash:
        out += "/" + "/".join("****" if s else "" for s in path.split("/"))
    if qmark:
        out += "?" + "&".join(f"{p.partition('=')[0]}=****" for p in query.split("&") if p)
    return out + ("#****" if hash_ else "")


def _show(value, limit: int = 60) -> str:
    """A value quoted on one line, shortened when long."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 2] + '…"'


def _key(name: str) -> str:
    """A TOML key as written in a dotted path (quoted when it is not a bare key)."""
    return name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)


def _kind(value) -> str:
    """The TOML type of a parsed value, with its article."""
    if isinstance(value, bool):
        return "a boolean"
    for types, name in (
        (str, "a string"),
        (int, "an integer"),
        (float, "a float"),
        (list, "an array"),
        (dict, "a table"),
        ((datetime, date, time), "a date/time"),
    ):
        if isinstance(value, types):
            return name
    return type(value).__name__


class _Loader:
    """Walks the parsed TOML, turning each mistake into one ConfigError line."""

    def __init__(self, path: Path, known_spiders: Iterable[str]):
        self.path = path
        self.known = sorted(set(known_spiders))

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {message}")

    def table(self, data: dict, name: str, key: str, allowed: Iterable[str]) -> dict:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table [{key}], got {_kind(value)}")
        allowed = tuple(allowed)
        for extra in value:
            if extra not in allowed:
                raise self.fail(f"{key}.{_key(extra)}", f"unknown key; allowed keys: {', '.join(allowed)}")
        return value

    def integer(self, data: dict, name: str, key: str, default: int, minimum: int) -> int:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected an integer ≥ {minimum}, got {_kind(value)}; write e.g. {name} = {default}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}; write e.g. {name} = {default}")
        return value

    def string(self, data: dict, name: str, key: str, example: str) -> str:
        value = data[name]
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {_kind(value)}; write e.g. {name} = {_show(example)}")
        return value

    def duration(self, data: dict, name: str, key: str, default: timedelta, positive: bool = False) -> timedelta:
        if name not in data:
            return default
        value = data[name]
        if not isinstance(value, str):
            raise self.fail(key, f"expected a duration string, got {_kind(value)}; {DURATION_HINT}")
        try:
            result = parse_duration(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None
        if positive and not result:
            raise self.fail(key, f"must be longer than 0s; {DURATION_HINT}")
        return result

    def load(self, data: dict) -> Config:
        for name in data:
            if name not in SECTIONS:
                raise self.fail(_key(name), f"unknown section; allowed sections: {', '.join(SECTIONS)}")
        return Config(
            self.path, self.storage(data), self.scheduler(data), self.health(data), self.notify(data), self.sites(data)
        )

    def storage(self, data: dict) -> str | None:
        section = self.table(data, "storage", "storage", ["url"])
        if "url" not in section:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from storage import StoreError
        from storage.engine import SUPPORTED_BACKENDS, normalise_url
        from storage.engine import mask_url as mask_db_url

        url = self.string(section, "url", "storage.url", "sqlite:///newswatch.db")
        try:
            backend = make_url(normalise_url(url)).get_backend_name()
        except (ArgumentError, StoreError):
            backend = None
        if backend not in SUPPORTED_BACKENDS:
            raise self.fail(
                "storage.url",
                f"{_show(mask_db_url(url))} is not a database URL newswatch supports; "
                "write sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
            )
        return url

    def scheduler(self, data: dict) -> SchedulerConfig:
        d = SchedulerConfig()
        s = self.table(data, "scheduler", "scheduler", ["max_concurrent", "stagger", "misfire_grace"])
        return SchedulerConfig(
            max_concurrent=self.integer(s, "max_concurrent", "scheduler.max_concurrent", d.max_concurrent, 1),
            stagger=self.duration(s, "stagger", "scheduler.stagger", d.stagger),
            misfire_grace=self.duration(s, "misfire_grace", "scheduler.misfire_grace", d.misfire_grace, positive=True),
        )

    def health(self, data: dict) -> HealthConfig:
        d = HealthConfig()
        s = self.table(data, "health", "health", ["alert_after", "remind_every"])
        return HealthConfig(
            alert_after=self.integer(s, "alert_after", "health.alert_after", d.alert_after, 1),
            remind_every=self.integer(s, "remind_every", "health.remind_every", d.remind_every, 1),
        )

    def notify(self, data: dict) -> NotifyConfig:
        s = self.table(data, "notify", "notify", ["analysts", "operators", "digest"])
        channels = {}
        for name in ("analysts", "operators"):
            urls = s.get(name, [])
            if not isinstance(urls, list):
                raise self.fail(
                    f"notify.{name}",
                    f'expected an array of Apprise URLs, got {_kind(urls)}; write {name} = ["json://host/path", …]',
                )
            for i, url in enumerate(urls):
                key = f"notify.{name}[{i}]"
                if not isinstance(url, str):
                    raise self.fail(key, f"expected an Apprise URL string, got {_kind(url)}")
                if not apprise_accepts(url):
                    raise self.fail(
                        key,
                        f"{mask_url(url)} is not a notification URL Apprise accepts; see "
                        "https://github.com/caronc/apprise/wiki for each service's URL",
                    )
            channels[name] = tuple(urls)
        digest = s.get("digest", "per_run")
        if not isinstance(digest, str) or digest not in DIGESTS:
            shown = _show(digest) if isinstance(digest, str) else _kind(digest)
            raise self.fail("notify.digest", f"{shown} is not a digest schedule; write one of: {', '.join(DIGESTS)}")
        return NotifyConfig(digest=digest, **channels)

    def sites(self, data: dict) -> dict[str, SiteConfig]:
        section = data.get("sites")
        if section is None or section == {}:
            raise self.fail("sites", 'no sites configured; add a [sites.NAME] table with spider = "…" or url = "…"')
        if not isinstance(section, dict):
            raise self.fail("sites", f"expected a table of [sites.NAME] tables, got {_kind(section)}")
        return {name: self.site(name, section) for name in section}

    def site(self, name: str, section: dict) -> SiteConfig:
        key = f"sites.{_key(name)}"
        if site_name_problem(name):
            raise self.fail(key, f"a site name is {SITE_NAME_RULE}; rename the table, e.g. [sites.example_news]")
        s = self.table(section, name, key, SITE_KEYS)
        known = ", ".join(self.known) or "(none)"
        if ("spider" in s) == ("url" in s):
            what = "both spider and url given; keep one" if "spider" in s else "no spider or url; give one"
            raise self.fail(
                key,
                f'{what}: spider = "NAME" (a site with its own spider: {known}) or url = "https://…" '
                "(a listing page for the generic spider)",
            )
        spider = url = None
        if "spider" in s:
            spider = self.string(s, "spider", f"{key}.spider", name)
            if spider not in self.known:
                raise self.fail(f"{key}.spider", f"no spider {_show(spider)}; known spiders: {known}")
            if spider != name:
                raise self.fail(
                    f"{key}.spider", f"a site with its own spider is named after it; rename [{key}] to [sites.{spider}]"
                )
        else:
            url = self.string(s, "url", f"{key}.url", "https://example.org/news/")
            if url_problem(url) or any(c.isspace() for c in url):
                raise self.fail(
                    f"{key}.url",
                    f"{_show(url)} is not an http(s) URL; write the listing page, e.g. https://example.org/news/",
                )
            if name in self.known:
                raise self.fail(
                    key,
                    f"{_show(name)} is a site with its own spider; write spider = {_show(name)} "
                    "or give this url site another name",
                )
        if ("interval" in s) == ("cron" in s):
            what = "both interval and cron given; keep one" if "interval" in s else "no interval or cron; give one"
            raise self.fail(key, f'{what}: interval = "6h" or cron = "0 */6 * * *" (UTC)')
        interval = (
            self.duration(s, "interval", f"{key}.interval", timedelta(0), positive=True) if "interval" in s else None
        )
        cron = self.cron(s, f"{key}.cron") if "cron" in s else None
        jitter = self.duration(s, "jitter", f"{key}.jitter", timedelta(0))
        if interval is not None and jitter >= interval:
            raise self.fail(
                f"{key}.jitter",
                f"{format_duration(jitter)} is not shorter than the interval "
                f"{format_duration(interval)}; use a jitter well below the interval",
            )
        full_every = None
        if "full_every" in s:
            full_every = self.duration(s, "full_every", f"{key}.full_every", timedelta(0), positive=True)
            if interval is not None and full_every < interval:
                raise self.fail(
                    f"{key}.full_every",
                    f"{format_duration(full_every)} is shorter than the interval {format_duration(interval)}: "
                    "every run would be a full recheck; leave full_every out, or make it longer, e.g. full_every = "
                    '"7d"',
                )
        enabled = s.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.fail(f"{key}.enabled", f"expected true or false, got {_kind(enabled)}")
        return SiteConfig(
            name=name,
            spider=spider,
            url=url,
            interval=interval,
            cron=cron,
            jitter=jitter,
            full_every=full_every,
            enabled=enabled,
            settings=self.settings(s, f"{key}.settings"),
        )

    def cron(self, s: dict, key: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        expr = self.string(s, "cron", key, "0 */6 * * *")
        try:
            CronTrigger.from_crontab(expr, timezone="UTC")
        except ValueError as exc:
            raise self.fail(
                key, f"{_show(expr)} is not a cron expression ({' '.join(str(exc).split())}); {CRON_HINT}"
            ) from None
        if any(c.isdigit() for c in expr.split()[4]):
            raise self.fail(
                key,
                f"{_show(expr)}: write the day of week as names (mon-fri, sun), not numbers: "
                "crontab counts weekdays from Sunday, the scheduler from Monday",
            )
        return " ".join(expr.split())

    def settings(self, s: dict, key: str) -> dict[str, str]:
        value = s.get("settings", {})
        if not isinstance(value, dict):
            raise self.fail(
                key, f'expected a table, got {_kind(value)}; write settings = {{ NEWSWATCH_MAX_PAGES = "5" }}'
            )
        out = {}
        for name, setting in value.items():
            where = f"{key}.{_key(name)}"
            if not SETTING_NAME.match(name):
                raise self.fail(
                    where, "a setting name is an upper-case Scrapy or NEWSWATCH_ setting, e.g. NEWSWATCH_MAX_PAGES"
                )
            if name == "NEWSWATCH_DB":
                raise self.fail(where, "the database is set once for all sites; use [storage] url instead")
            if isinstance(setting, (bool, int, float)):
                setting = str(setting)
            elif not isinstance(setting, str):
                raise self.fail(where, f"expected a string, number or boolean, got {_kind(setting)}")
            problem = setting_problem(name, setting)
            if problem:
                raise self.fail(where, problem)
            out[name] = setting
        return out


def _read(path: Path) -> dict:
    """The parsed TOML document, or a ConfigError for a missing, unreadable or malformed file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such file; copy the default with: cp {DEFAULT_CONFIG_PATH} {CONFIG_NAME}"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory; give the path of a TOML config file") from None
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read it ({exc.strerror or exc}); check the path and its permissions"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = " ".join(str(exc).split())
        m = re.search(r"^(.*?)\s*\(at line (\d+), column (\d+)\)$", message)
        where, reason = (f"line {m[2]}, column {m[3]}", m[1]) if m else ("syntax", message)
        raise ConfigError(f"{path}: {where}: invalid TOML: {reason}; fix the syntax (see https://toml.io)") from None


def load_config(path: Path, known_spiders: Iterable[str]) -> Config:
    """Read and validate the config at ``path``; ``known_spiders`` are the sites with a spider of their own."""
    path = Path(path)
    return _Loader(path, known_spiders).load(_read(path))
