"""A crawl's process freezes what start-up loaded and collects young objects less often."""

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
with mock.patch.object(CrawlerProcess, "start", start), mock.patch.object(CrawlerProcess, "crawl", lambda *a, **k: None):
    run_crawls([("cae", {})], project_settings())
print(seen["threshold"] == THRESHOLDS, seen["frozen"] > 10_000)
"""


def test_crawls_start_with_start_up_objects_frozen_and_raised_thresholds():
    # its own interpreter: freezing the test runner's objects would outlive the test
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True"]
