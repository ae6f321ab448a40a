"""AutoThrottle on a revalidating rerun: a 304 lowers the delay as a 200 does; errors still cannot."""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newswatch.crawling.throttle import RevalidatingAutoThrottle
from spiders.cae import CaeSpider


def _delay_after(extension_class, status: int, answers: int = 20) -> float:
    """The slot's delay after ``answers`` fast (10 ms) answers of ``status``, from the 0.5 s start delay."""
    crawler = get_crawler(CaeSpider, {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.5})
    throttle = build_from_crawler(extension_class, crawler)
    throttle.mindelay, throttle.maxdelay = 0.0, 30.0
    slot = Slot(8, 0.5)
    for _ in range(answers):
        throttle._adjust_delay(slot, 0.01, Response("https://en.cae.cn/a.html", status=status))
    return slot.delay


def test_fast_304_answers_lower_the_delay_as_200s_do():
    assert _delay_after(AutoThrottle, 304) == 0.5  # Scrapy's rule: only a 200 may lower it
    assert _delay_after(RevalidatingAutoThrottle, 304) == _delay_after(AutoThrottle, 200) < 0.02


def test_error_answers_still_cannot_lower_the_delay():
    assert _delay_after(RevalidatingAutoThrottle, 503) == 0.5


def test_the_project_uses_it_in_place_of_scrapys():
    from newswatch.crawling.runner import project_settings

    extensions = project_settings().getdict("EXTENSIONS")
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "newswatch.crawling.throttle.RevalidatingAutoThrottle" in extensions
