"""CrawlerPipeline: the construction every pipeline step shares."""


class CrawlerPipeline:
    """Keeps the crawler, for its stats, settings, spider and crawl session."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
