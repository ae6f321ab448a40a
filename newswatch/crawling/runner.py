"""Run crawls in this process: project settings, overrides, one crawler per site, live progress.

`newswatch crawl` runs its crawls in a reactor of its own (``run_crawls``); a crawl host starts
each crawl in its long-running reactor (``start_crawls``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess, CrawlerRunner
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from twisted.internet.defer import Deferred

from newswatch.crawling.gctune import tune_for_crawl
from newswatch.event.workers import workers_for

GENERIC = "generic"


def project_settings(overrides: dict | None = None):
    """newswatch's Scrapy settings (wherever the command runs) with ``overrides`` at command priority."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newswatch.settings")
    settings = get_project_settings()
    settings.setdict(overrides or {}, priority="cmdline")
    cache = settings.get("HTTPCACHE_DIR")
    if cache and not os.path.isabs(cache):  # relative to this folder, in a project or not
        settings.set(
            "HTTPCACHE_DIR", os.path.abspath(cache), priority=settings.getpriority("HTTPCACHE_DIR") or "cmdline"
        )
    return settings


def spider_classes(settings=None) -> dict[str, Any]:
    """Site name → spider class, for every spider in the project."""
    loader = SpiderLoader.from_settings(settings or project_settings())
    return {name: loader.load(name) for name in loader.list()}


def site_names(settings=None) -> list[str]:
    """Names of the sites with their own spider (the generic spider is not a site)."""
    return sorted(n for n in spider_classes(settings) if n != GENERIC)


def _add_crawls(runner, jobs: list[tuple[str, dict]], on_event: Callable[[str, str], None] | None) -> list:
    """Create and start a crawler per job on ``runner``; the crawlers, in the jobs' order."""
    crawlers = []
    for spider, kwargs in jobs:
        crawler = runner.create_crawler(spider)
        crawlers.append(crawler)
        site = kwargs.get("name", spider)
        if on_event is not None:
            crawler.signals.connect(
                lambda *a, site=site, **k: on_event(site, "page"), signal=signals.response_received, weak=False
            )
            crawler.signals.connect(
                lambda *a, site=site, **k: on_event(site, "item"), signal=signals.item_scraped, weak=False
            )
        runner.crawl(crawler, **kwargs)
    return crawlers


def _warm_workers(settings) -> None:
    """Start the event workers first: their start-up (about a second) overlaps Scrapy's own."""
    workers = workers_for(settings)
    if workers is not None:
        workers.warm()


def run_crawls(jobs: list[tuple[str, dict]], settings, on_event: Callable[[str, str], None] | None = None) -> list:
    """Crawl each (spider name, spider kwargs) job concurrently in one reactor; blocks until done.

    ``on_event(site, what)`` is called with "page" and "item" as the crawls progress. Returns the
    crawlers, in the jobs' order (each knows the run it recorded: its MonitorExtension's ``session``).
    """
    _warm_workers(settings)
    process = CrawlerProcess(settings)
    crawlers = _add_crawls(process, jobs, on_event)
    tune_for_crawl()
    process.start()
    return crawlers


def start_crawls(jobs: list[tuple[str, dict]], settings) -> tuple[CrawlerRunner, list, Deferred]:
    """Start the jobs' crawls in the running reactor (a crawl host's): the runner, its crawlers, and
    a Deferred that fires once every crawl has ended (its run recorded)."""
    _warm_workers(settings)
    runner = CrawlerRunner(settings)
    crawlers = _add_crawls(runner, jobs, None)
    return runner, crawlers, runner.join()
