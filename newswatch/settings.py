"""Scrapy settings for newswatch; every custom setting is prefixed NEWSWATCH_."""

from platformdirs import user_data_path

from newswatch import __version__

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- newswatch's own settings -------------------------------------------------------------
#: Database URL (SQLAlchemy); None means NEWSWATCH_DB from the environment, else ./newswatch.db.
NEWSWATCH_DB = None
#: Serve a site spider from another origin (a local mirror, a saved fixture site).
NEWSWATCH_BASE_URL = None
#: Crawl only these sections of a site (comma-separated keys of the spider's ``sections``); None: all.
NEWSWATCH_SECTIONS = None
#: Listing pages followed per section and run; items beyond are "scrolled off", never removed.
NEWSWATCH_MAX_PAGES = 10
#: Items written to the database per transaction.
NEWSWATCH_STORE_BATCH = 200
#: Recheck stored items missing from a clean crawl's listing, to detect removals (404/410).
NEWSWATCH_RECHECK_MISSING = True
#: Revisit policy: listings are fetched every run, and an article whose listing entry (title, date)
#: differs from the stored copy is rechecked at once. Articles published within this many days are
#: rechecked for edits every run…
NEWSWATCH_REVISIT_RECENT_DAYS = 30
#: …older ones a slice per run, least recently checked first: each within this many runs…
NEWSWATCH_REVISIT_WITHIN = 5
#: …and at least once per this many hours, however rarely the site is crawled (0: every article every run).
NEWSWATCH_REVISIT_OLDER_HOURS = 168
#: Recheck every listed article in this crawl (`newswatch crawl --full`).
NEWSWATCH_REVISIT_FULL = False
#: A full recheck at most this many hours after the last one (0: none; a site's `full_every`).
NEWSWATCH_REVISIT_FULL_EVERY_HOURS = 0
#: Extract the event each article reports (off only to measure what extraction costs).
NEWSWATCH_EVENTS = True
#: Worker processes that extract events beside the crawl (0: in the crawl's own process); None: one per
#: spare core, at most four.
NEWSWATCH_EVENT_WORKERS = None
#: Characters of an article's text given to event extraction (an event is reported in the lead).
NEWSWATCH_EVENT_TEXT_MAX = 20_000
#: Seconds between a crawl's renewals of its site's lease (see storage.locks).
NEWSWATCH_LEASE_HEARTBEAT = 30
#: Seconds a crawl run by `newswatch worker` may take before it is killed with its crawl host (0: no limit).
NEWSWATCH_CRAWL_TIME_LIMIT = 6 * 3600
#: The `newswatch worker` running this crawl (host:pid), recorded on its run; set by the worker.
NEWSWATCH_WORKER = None
#: Contact URL named in the User-Agent.
NEWSWATCH_CONTACT_URL = "https://github.com/newswatch/newswatch"

# --- politeness -----------------------------------------------------------------------------
# The User-Agent is "newswatch/<version> (+NEWSWATCH_CONTACT_URL)" unless USER_AGENT is set.
USER_AGENT = f"newswatch/{__version__} (+{NEWSWATCH_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 30
# News pages are tens to hundreds of kB: a page past 8 MiB (or a compressed page that inflates past it,
# a gzip bomb) is cancelled and counted as failed, which bounds what parsing and extraction are given.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
COOKIES_ENABLED = False
# Scrapy starts CONCURRENT_ITEMS asyncio workers for every callback's output; callbacks here yield
# one item or a page of links and the pipelines are synchronous, so 100 workers only cost time.
CONCURRENT_ITEMS = 8
# No control ports on an unattended monitor: neither the telnet console nor the remote-control server.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Error pages reach the spider so a 404/410 can prove a removal and a 5xx can fail a run.
HTTPERROR_ALLOWED_CODES = [404, 410]

# --- conditional requests: an unchanged page costs a 304 and no re-extraction ---------------
HTTPCACHE_ENABLED = True
# In the user's data directory ($XDG_DATA_HOME/newswatch/httpcache, by default ~/.local/share/...), so a
# crawl revalidates from any folder: Scrapy puts a relative cache dir only inside a project (scrapy.cfg).
HTTPCACHE_DIR = str(user_data_path("newswatch") / "httpcache")
HTTPCACHE_POLICY = "newswatch.crawling.httpcache.RevalidatePolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.DbmCacheStorage"
HTTPCACHE_DBM_MODULE = "newswatch.crawling.sqlitedbm"
HTTPCACHE_IGNORE_HTTP_CODES = [301, 302, 303, 307, 308, 404, 410, 429, 500, 502, 503, 504]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "newswatch.crawling.useragent.ContactUserAgentMiddleware": 500,
    "newswatch.crawling.httpcache.RevalidatingCacheMiddleware": 900,
}

EXTENSIONS = {
    "newswatch.crawling.monitor.MonitorExtension": 500,
    # 304 Not Modified lowers the delay as a 200 does (a revalidating rerun is not held back).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "newswatch.crawling.throttle.RevalidatingAutoThrottle": 0,
}

ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.dates.DatesPipeline": 200,
    "pipelines.events.EventsPipeline": 250,
    "pipelines.fingerprint.FingerprintPipeline": 300,
    "pipelines.dedupe.DedupePipeline": 400,
    "pipelines.validate.ValidatePipeline": 500,
    "pipelines.diff.DiffPipeline": 600,
    "pipelines.store.StorePipeline": 700,
}

FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
