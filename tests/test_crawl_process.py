"""A crawl's process: start-up objects frozen out of the collector, event workers started first."""

import subprocess
import sys

CODE = """
import gc
from unittest import mock
from scrapy.crawler import CrawlerProcess
from newswatch.crawling.gctune import THRESHOLDS
from newswatch.crawling.runner import project_settings, run_crawls

seen = {}
def start(self, *args, **kwargs):
    seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())
with (
    mock.patch.object(CrawlerProcess, "start", start),
    mock.patch.object(CrawlerProcess, "crawl", lambda *a, **k: None),
):
    run_crawls([("cae", {})], project_settings())
print(seen["threshold"] == THRESHOLDS, seen["frozen"] > 10_000)
"""


def test_crawls_start_with_start_up_objects_frozen_and_raised_thresholds():
    # its own interpreter: freezing the test runner's objects would outlive the test
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"]


WORKERS = """
from unittest import mock
from scrapy.crawler import CrawlerProcess
from newswatch.crawling.runner import project_settings, run_crawls
from newswatch.event.workers import EventWorkers

seen = {}
def start(self, *args, **kwargs):
    shared = EventWorkers._shared
    seen["pids"] = shared.pids if shared is not None else []
with (
    mock.patch.object(CrawlerProcess, "start", start),
    mock.patch.object(CrawlerProcess, "crawl", lambda *a, **k: None),
):
    run_crawls([("cae", {})], project_settings({"NEWSWATCH_EVENT_WORKERS": WORKERS_SETTING}))
print(len(seen["pids"]))
"""


def test_event_workers_start_before_the_crawl_does():
    """Their start-up (gazetteer, rules) overlaps Scrapy's; none start with events extracted in-process."""
    for setting, expected in ((1, "1"), (0, "0")):
        done = subprocess.run(
            [sys.executable, "-c", WORKERS.replace("WORKERS_SETTING", str(setting))],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.split() == [expected]
