"""The operator config: strict validation, parsed values, triggers, and `newswatch schedule`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner

import newswatch.commands.schedule  # noqa: F401  (registers the command on cli)
from newswatch.cli import cli
from newswatch.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    ConfigError,
    HealthConfig,
    NotifyConfig,
    SchedulerConfig,
    SiteConfig,
    find_config,
    format_duration,
    load_config,
    mask_url,
    parse_duration,
)
from newswatch.triggers import describe, next_run, trigger_for

SPIDERS = ["anso", "cae"]
SECRETS = ("s3cretpw", "T0KENSECRET", "dbs3cret")
SITE = '[sites.cae]\nspider = "cae"\ninterval = "6h"\n'
SECRET_NOTIFY = '[notify]\noperators = ["mailto://ops:s3cretpw@example.org"]\n'


def write(tmp_path, text: str):
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path, text: str) -> Config:
    return load_config(write(tmp_path, text), SPIDERS)


# (bad config, the key the message must name, a fragment of what it must say)
BAD_CONFIGS = [
    ("[scheduler\nmax_concurrent = 2\n" + SITE, "line 1, column", "invalid TOML"),
    (SITE + 'interval = "1d"\n', "line 4", "invalid TOML"),
    ("[storag]\n" + SITE, "storag", "unknown section; allowed sections: storage, scheduler, health, notify, sites"),
    ('interval = "6h"\n' + SITE, "interval", "unknown section"),
    ("[scheduler]\nmax_concurent = 2\n" + SITE, "scheduler.max_concurent", "allowed keys: max_concurrent, stagger"),
    ("[health]\nalert = 2\n" + SITE, "health.alert", "allowed keys: alert_after, remind_every"),
    (SITE + 'intervall = "6h"\n', "sites.cae.intervall", "allowed keys: spider, url, interval, cron, jitter"),
    ("scheduler = 3\n" + SITE, "scheduler", "expected a table [scheduler], got an integer"),
    ('[scheduler]\nmax_concurrent = "2"\n' + SITE, "scheduler.max_concurrent", "expected an integer ≥ 1, got a string"),
    ("[scheduler]\nmax_concurrent = true\n" + SITE, "scheduler.max_concurrent", "got a boolean"),
    (
        "[scheduler]\nmax_concurrent = 0\n" + SITE,
        "scheduler.max_concurrent",
        "must be at least 1, got 0; write e.g. max_concurrent = 2",
    ),
    ('[scheduler]\nstagger = "soon"\n' + SITE, "scheduler.stagger", '"soon" is not a duration; write e.g. 30s'),
    ('[scheduler]\nmisfire_grace = "0s"\n' + SITE, "scheduler.misfire_grace", "must be longer than 0s"),
    ("[health]\nalert_after = 0\n" + SITE, "health.alert_after", "must be at least 1"),
    ("[health]\nremind_every = -1\n" + SITE, "health.remind_every", "must be at least 1"),
    ("[health]\nremind_every = 1.5\n" + SITE, "health.remind_every", "got a float"),
    (SECRET_NOTIFY + 'digest = "weekly"\n' + SITE, "notify.digest", "write one of: per_run, hourly, daily"),
    ('[notify]\noperators = "mailto://ops:s3cretpw@example.org"\n' + SITE, "notify.operators", "expected an array"),
    ("[notify]\nanalysts = [42]\n" + SITE, "notify.analysts[0]", "expected an Apprise URL string, got an integer"),
    (
        '[notify]\noperators = ["mailto://ops:s3cretpw@"]\n' + SITE,
        "notify.operators[0]",
        "is not a notification URL Apprise accepts",
    ),
    (
        '[notify]\nanalysts = ["json://127.0.0.1/x", "nope://T0KENSECRET@host.example.org/T0KENSECRET/x?key=s3cretpw"]\n'
        + SITE,
        "notify.analysts[1]",
        "nope://****@host.example.org/****/****?key=****",
    ),
    ('[notify]\noperators = ["https//ops:s3cretpw@example.org"]\n' + SITE, "notify.operators[0]", "****"),
    ("[storage]\nurl = 5\n" + SITE, "storage.url", "expected a string, got an integer"),
    (
        '[storage]\nurl = "mysql://u:dbs3cret@db.example.org/nw"\n' + SITE,
        "storage.url",
        "write sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
    ),
    ("", "sites", "no sites configured"),
    ('sites = "cae"\n', "sites", "expected a table of [sites.NAME] tables"),
    ('[sites]\ncae = "cae"\n', "sites.cae", "expected a table [sites.cae], got a string"),
    ('[sites.News]\nspider = "cae"\ninterval = "6h"\n', "sites.News", "lowercase letters, digits and _"),
    ('[sites."my site"]\nurl = "https://example.org/"\ninterval = "6h"\n', 'sites."my site"', "rename the table"),
    (
        '[sites.cae]\ninterval = "6h"\n',
        "sites.cae",
        'no spider or url; give one: spider = "NAME" (a site with its own spider: anso, cae) or url = "https://',
    ),
    (
        '[sites.cae]\nspider = "cae"\nurl = "https://example.org/"\ninterval = "6h"\n',
        "sites.cae",
        "both spider and url given; keep one",
    ),
    ('[sites.cea]\nspider = "cea"\ninterval = "6h"\n', "sites.cea.spider", 'no spider "cea"; known spiders: anso, cae'),
    ('[sites.main]\nspider = "cae"\ninterval = "6h"\n', "sites.main.spider", "rename [sites.main] to [sites.cae]"),
    ('[sites.news]\nspider = 1\ninterval = "6h"\n', "sites.news.spider", "expected a string, got an integer"),
    ('[sites.news]\nurl = "ftp://example.org/news/"\ninterval = "6h"\n', "sites.news.url", "is not an http(s) URL"),
    ('[sites.news]\nurl = "https:///news/"\ninterval = "6h"\n', "sites.news.url", "is not an http(s) URL"),
    (
        '[sites.cae]\nurl = "https://example.org/news/"\ninterval = "6h"\n',
        "sites.cae",
        '"cae" is a site with its own spider',
    ),
    (
        '[sites.cae]\nspider = "cae"\n',
        "sites.cae",
        'no interval or cron; give one: interval = "6h" or cron = "0 */6 * * *"',
    ),
    (SITE + 'cron = "0 */6 * * *"\n', "sites.cae", "both interval and cron given; keep one"),
    ('[sites.cae]\nspider = "cae"\ninterval = "six hours"\n', "sites.cae.interval", '"six hours" is not a duration'),
    ('[sites.cae]\nspider = "cae"\ninterval = "0s"\n', "sites.cae.interval", "must be longer than 0s"),
    ('[sites.cae]\nspider = "cae"\ninterval = "-5m"\n', "sites.cae.interval", "is not a duration"),
    ('[sites.cae]\nspider = "cae"\ninterval = 3600\n', "sites.cae.interval", "expected a duration string"),
    ('[sites.cae]\nspider = "cae"\ncron = "0 */6 * *"\n', "sites.cae.cron", "Wrong number of fields; got 4"),
    ('[sites.cae]\nspider = "cae"\ncron = "61 * * * *"\n', "sites.cae.cron", "is not a cron expression"),
    ('[sites.cae]\nspider = "cae"\ncron = "0 9 * * 1-5"\n', "sites.cae.cron", "day of week as names (mon-fri"),
    (SITE + 'jitter = "6h"\n', "sites.cae.jitter", "6h is not shorter than the interval 6h"),
    (SITE + 'jitter = "lots"\n', "sites.cae.jitter", "is not a duration"),
    (SITE + 'enabled = "yes"\n', "sites.cae.enabled", "expected true or false, got a string"),
    (SITE + 'full_every = "weekly"\n', "sites.cae.full_every", '"weekly" is not a duration; write e.g. 30s'),
    (SITE + 'full_every = "0s"\n', "sites.cae.full_every", "must be longer than 0s"),
    (SITE + "full_every = 7\n", "sites.cae.full_every", "expected a duration string, got an integer"),
    (SITE + 'full_every = "1h"\n', "sites.cae.full_every", "1h is shorter than the interval 6h"),
    (SITE + 'settings = "NEWSWATCH_MAX_PAGES=5"\n', "sites.cae.settings", "expected a table"),
    (SITE + "settings = { max_pages = 5 }\n", "sites.cae.settings.max_pages", "upper-case Scrapy or NEWSWATCH_"),
    (SITE + 'settings = { NEWSWATCH_DB = "x.db" }\n', "sites.cae.settings.NEWSWATCH_DB", "use [storage] url"),
    (
        SITE + "settings = { NEWSWATCH_SECTIONS = [1, 2] }\n",
        "sites.cae.settings.NEWSWATCH_SECTIONS",
        "expected a string, number or boolean, got an array",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "fragment"), BAD_CONFIGS, ids=[f"{i:02d}-{row[1]}" for i, row in enumerate(BAD_CONFIGS)]
)
def test_bad_config_is_one_line_naming_file_and_key(tmp_path, text, key, fragment):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, SPIDERS)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}"), message
    assert fragment in message, message
    for secret in SECRETS:
        assert secret not in message


def test_the_documented_duration_message(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, '[sites.cae]\nspider = "cae"\ninterval = "six hours"\n')
    assert str(info.value) == (
        f'{tmp_path / "newswatch.toml"}: sites.cae.interval: "six hours" is not a duration; '
        "write e.g. 30s, 15m, 6h or 1d"
    )


def test_missing_directory_and_non_utf8_files(tmp_path):
    with pytest.raises(ConfigError, match=r"nowhere\.toml: no such file; copy the default with: cp .*newswatch\.toml"):
        load_config(tmp_path / "nowhere.toml", SPIDERS)
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path, SPIDERS)
    path = tmp_path / "latin1.toml"
    path.write_bytes(SITE.encode() + b"# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin1\.toml: line 4: not UTF-8 text"):
        load_config(path, SPIDERS)


def test_rejected_notify_urls_are_not_logged_with_their_secrets(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError):
        load(tmp_path, '[notify]\noperators = ["mailto://ops:s3cretpw@"]\n' + SITE)
    assert "s3cretpw" not in caplog.text


FULL = """
[storage]
url = "sqlite:///newswatch.db"

[scheduler]
max_concurrent = 4
stagger = "1m"
misfire_grace = "1h30m"

[health]
alert_after = 2
remind_every = 12

[notify]
analysts = ["json://127.0.0.1:8000/digest"]
operators = ["mailto://user:s3cretpw@example.org"]
digest = "hourly"

[sites.cae]
spider = "cae"
interval = "6h"
jitter = "5m"
enabled = true
settings = { NEWSWATCH_MAX_PAGES = "5", AUTOTHROTTLE_ENABLED = false, DOWNLOAD_DELAY = 1.5 }

[sites.example_news]
url = "https://example.org/news/"
cron = "30  7 * * mon-fri"
enabled = false
"""


def test_full_config_parses_to_dataclasses(tmp_path):
    config = load(tmp_path, FULL)
    assert config == Config(
        path=tmp_path / "newswatch.toml",
        storage_url="sqlite:///newswatch.db",
        scheduler=SchedulerConfig(max_concurrent=4, stagger=timedelta(minutes=1), misfire_grace=timedelta(minutes=90)),
        health=HealthConfig(alert_after=2, remind_every=12),
        notify=NotifyConfig(
            analysts=("json://127.0.0.1:8000/digest",),
            operators=("mailto://user:s3cretpw@example.org",),
            digest="hourly",
        ),
        sites={
            "cae": SiteConfig(
                name="cae",
                spider="cae",
                url=None,
                interval=timedelta(hours=6),
                cron=None,
                jitter=timedelta(minutes=5),
                enabled=True,
                settings={"NEWSWATCH_MAX_PAGES": "5", "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "1.5"},
            ),
            "example_news": SiteConfig(
                name="example_news",
                spider=None,
                url="https://example.org/news/",
                interval=None,
                cron="30 7 * * mon-fri",
                jitter=timedelta(0),
                enabled=False,
                settings={},
            ),
        },
    )
    assert list(config.sites) == ["cae", "example_news"]


def test_defaults(tmp_path):
    config = load(tmp_path, SITE)
    assert config.storage_url is None
    assert config.scheduler == SchedulerConfig(2, timedelta(seconds=30), timedelta(minutes=10))
    assert config.health == HealthConfig(3, 6)
    assert config.notify == NotifyConfig((), (), "per_run")
    site = config.sites["cae"]
    assert (site.jitter, site.enabled, site.settings, site.url, site.cron) == (timedelta(0), True, {}, None, None)


def test_crawl_args(tmp_path):
    config = load(tmp_path, FULL)
    assert config.sites["cae"].crawl_args() == [
        "cae",
        "-s",
        "NEWSWATCH_MAX_PAGES=5",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "DOWNLOAD_DELAY=1.5",
    ]
    assert config.sites["example_news"].crawl_args() == ["--url", "https://example.org/news/", "--name", "example_news"]
    site = SiteConfig(
        name="blog", url="https://example.org/blog/", interval=timedelta(days=1), settings={"NEWSWATCH_MAX_PAGES": "2"}
    )
    assert site.crawl_args() == ["--url", "https://example.org/blog/", "--name", "blog", "-s", "NEWSWATCH_MAX_PAGES=2"]


def test_full_every_becomes_the_crawls_full_recheck_period(tmp_path):
    config = load(tmp_path, SITE + 'full_every = "7d"\n')
    site = config.sites["cae"]
    assert site.full_every == timedelta(days=7)
    assert site.crawl_args() == ["cae", "-s", "NEWSWATCH_REVISIT_FULL_EVERY_HOURS=168"]
    assert load(tmp_path, SITE).sites["cae"].full_every is None
    assert "NEWSWATCH_REVISIT_FULL_EVERY_HOURS" not in " ".join(load(tmp_path, SITE).sites["cae"].crawl_args())
    cron = load(tmp_path, '[sites.cae]\nspider = "cae"\ncron = "0 6 * * *"\nfull_every = "1d12h"\n')
    assert cron.sites["cae"].crawl_args() == ["cae", "-s", "NEWSWATCH_REVISIT_FULL_EVERY_HOURS=36"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("6h", timedelta(hours=6)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(minutes=90)),
        ("2d12h", timedelta(hours=60)),
        (" 10m ", timedelta(minutes=10)),
        ("0", timedelta(0)),
        ("0s", timedelta(0)),
    ],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "6", "6 h", "six hours", "1w", "30m1h", "-5m", "1.5h", "h"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="is not a duration; write e.g. 30s, 15m, 6h or 1d"):
        parse_duration(text)


def test_format_duration_round_trips():
    for text in ("30s", "15m", "6h", "1d", "1h30m", "1d2h3m4s", "0s"):
        assert format_duration(parse_duration(text)) == text


def test_find_config(tmp_path, monkeypatch):
    explicit = tmp_path / "elsewhere.toml"
    assert find_config(explicit) == explicit
    monkeypatch.chdir(tmp_path)
    assert find_config(None) == DEFAULT_CONFIG_PATH
    (tmp_path / "newswatch.toml").write_text(SITE, encoding="utf-8")
    assert find_config(None).resolve() == (tmp_path / "newswatch.toml").resolve()
    assert find_config(explicit) == explicit


def test_packaged_default_loads_with_the_real_spiders():
    from newswatch.crawling.runner import site_names

    config = load_config(DEFAULT_CONFIG_PATH, site_names())
    assert DEFAULT_CONFIG_PATH.name == "newswatch.toml" and DEFAULT_CONFIG_PATH.parent.name == "newswatch"
    assert set(config.sites) == {"cae", "anso"}
    for name, site in config.sites.items():
        assert (site.spider, site.interval, site.jitter, site.enabled) == (
            name,
            timedelta(hours=6),
            timedelta(minutes=10),
            True,
        )
    assert config.notify == NotifyConfig()
    assert config.scheduler.max_concurrent >= 1 and config.health.alert_after >= 1


def test_mask_url_hides_secrets():
    assert mask_url("json://127.0.0.1:8000/digest") == "json://127.0.0.1:8000/digest"
    masked = mask_url("mailto://user:s3cretpw@example.org")
    assert "s3cretpw" not in masked and masked.startswith("mailto://user:")
    assert "T0KENSECRET" not in mask_url("gotify://gotify.example.org/T0KENSECRET")
    assert mask_url("json://hooks.example.org/services/T0KENSECRET42") == "json://hooks.example.org/services/****"
    assert mask_url("ntfy://ops:s3cretpw@ntfy.sh/newswatch") == "ntfy://ops:****@ntfy.sh/newswatch"
    assert (
        mask_url("nope://u:s3cretpw@example.org/T0KENSECRET?token=x#y")
        == "nope://****@example.org/****?token=****#****"
    )
    assert mask_url("T0KENSECRET") == "****"


# triggers


def site(**kw) -> SiteConfig:
    return SiteConfig(**{"name": "cae", "spider": "cae", **kw})


def test_interval_trigger_and_next_run_within_jitter():
    s = site(interval=timedelta(hours=6), jitter=timedelta(minutes=10))
    trigger = trigger_for(s)
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == timedelta(hours=6) and trigger.jitter == 600
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    runs = [next_run(s, now) for _ in range(50)]
    assert all(now + timedelta(hours=6) <= r <= now + timedelta(hours=6, minutes=10) for r in runs)
    assert len(set(runs)) > 1 and all(r.tzinfo is not None and r.utcoffset() == timedelta(0) for r in runs)
    assert next_run(site(interval=timedelta(minutes=15)), now) == now + timedelta(minutes=15)
    assert trigger_for(site(interval=timedelta(hours=1))).jitter is None


def test_cron_trigger_and_next_run():
    s = site(cron="0 */6 * * *")
    trigger = trigger_for(s)
    assert isinstance(trigger, CronTrigger) and str(trigger.timezone) == "UTC"
    assert next_run(s, datetime(2026, 1, 1, 7, 30, tzinfo=UTC)) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert next_run(s, datetime(2026, 1, 1, 7, 30)) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)  # naive is UTC
    east = timezone(timedelta(hours=8))
    assert next_run(s, datetime(2026, 1, 1, 15, 30, tzinfo=east)) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    weekdays = site(cron="30 7 * * mon-fri")
    assert next_run(weekdays, datetime(2026, 1, 3, 9, 0, tzinfo=UTC)) == datetime(2026, 1, 5, 7, 30, tzinfo=UTC)
    jittered = site(cron="0 */6 * * *", jitter=timedelta(minutes=5))
    assert trigger_for(jittered).jitter == 300
    base = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    for _ in range(20):
        assert base <= next_run(jittered, datetime(2026, 1, 1, 7, 30, tzinfo=UTC)) <= base + timedelta(minutes=5)


def test_disabled_site_has_no_next_run_and_describe():
    assert next_run(site(interval=timedelta(hours=6), enabled=False), datetime.now(UTC)) is None
    assert describe(site(interval=timedelta(hours=6), jitter=timedelta(minutes=10))) == "every 6h ±10m"
    assert describe(site(cron="0 */6 * * *")) == "cron 0 */6 * * *"
    assert describe(site(interval=timedelta(minutes=90))) == "every 1h30m"


# newswatch schedule

SCHEDULE_CONFIG = """
[sites.cae]
spider = "cae"
interval = "6h"
jitter = "10m"

[sites.anso]
spider = "anso"
cron = "0 */6 * * *"

[sites.example_news]
url = "https://example.org/news/"
interval = "1d"
enabled = false
"""


def run_schedule(tmp_path, db, *args):
    config = tmp_path / "sites.toml"
    if not config.exists():
        config.write_text(SCHEDULE_CONFIG, encoding="utf-8")
    return CliRunner().invoke(cli, ["--db", f"sqlite:///{db}", "schedule", "--config", str(config), *args])


def test_schedule_estimates_without_a_job_store(tmp_path):
    db = tmp_path / "newswatch.db"
    before = datetime.now(UTC).replace(microsecond=0)
    result = run_schedule(tmp_path, db, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["site"]: r for r in json.loads(result.output)}
    assert list(rows) == ["cae", "anso", "example_news"]
    cae = rows["cae"]
    assert (cae["spider"], cae["url"], cae["trigger"], cae["enabled"], cae["source"]) == (
        "cae",
        None,
        "every 6h ±10m",
        True,
        "estimated",
    )
    when = datetime.fromisoformat(cae["next_run"])
    assert before + timedelta(hours=6) <= when <= before + timedelta(hours=6, minutes=11)
    anso = datetime.fromisoformat(rows["anso"]["next_run"])
    assert anso.minute == 0 and anso.hour % 6 == 0 and rows["anso"]["trigger"] == "cron 0 */6 * * *"
    assert rows["example_news"] == {
        "site": "example_news",
        "spider": None,
        "url": "https://example.org/news/",
        "trigger": "every 1d",
        "enabled": False,
        "next_run": None,
        "source": "disabled",
    }
    assert not db.exists()  # showing the schedule creates no database

    table = run_schedule(tmp_path, db)
    assert table.exit_code == 0, table.output
    assert "every 6h ±10m" in table.output and "estimated" in table.output and "disabled" in table.output


def test_schedule_reads_the_scheduler_job_store(tmp_path):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    db = tmp_path / "newswatch.db"
    fixed = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{db}")}, timezone=UTC)
    scheduler.start(paused=True)
    scheduler.add_job("time:sleep", "interval", hours=6, args=[0], id="crawl:cae", next_run_time=fixed)
    scheduler.add_job("time:sleep", "interval", hours=6, args=[0], id="crawl:anso", next_run_time=None)
    scheduler.shutdown(wait=False)

    result = run_schedule(tmp_path, db, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["site"]: r for r in json.loads(result.output)}
    assert (rows["cae"]["next_run"], rows["cae"]["source"]) == ("2031-05-01T12:00:00+00:00", "scheduled")
    assert (rows["anso"]["next_run"], rows["anso"]["source"]) == (None, "paused")
    assert rows["example_news"]["source"] == "disabled"

    table = run_schedule(tmp_path, db)
    assert table.exit_code == 0, table.output
    assert "2031-05-01 12:00" in table.output and "scheduled" in table.output


def test_schedule_with_a_bad_config_is_one_error_line(tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text('[sites.cae]\nspider = "cae"\ninterval = "six hours"\n', encoding="utf-8")
    result = run_schedule(tmp_path, tmp_path / "nw.db")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f'Error: {config}: sites.cae.interval: "six hours" is not a duration; write e.g. 30s, 15m, 6h or 1d'
    ]
