"""HTTP cache for monitoring: always revalidate, so an unchanged page costs a 304, never hide errors."""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import RFC2616Policy


class RevalidatePolicy(RFC2616Policy):
    """RFC 2616 caching where every cached page is revalidated (ETag / If-Modified-Since).

    A monitor must see each run's truth: a cached copy is reused only when the server answers
    304 Not Modified, never because it looks fresh and never in place of a 5xx error.
    """

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


class RevalidatingCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware without error recovery: a timeout stays a failure.

    It also keeps one "cached" flag on a stored response: Scrapy adds one each time the entry is
    revalidated and stores it back, so an entry would grow by a flag every run.
    """

    def process_request(self, request):
        result = super().process_request(request)
        cached = request.meta.get("cached_response")
        if cached is not None:
            cached.flags = list(dict.fromkeys(cached.flags))
        if result is not None:
            result.flags = list(dict.fromkeys(result.flags))
        return result

    def process_exception(self, request, exception):
        request.meta.pop("cached_response", None)
        return None
