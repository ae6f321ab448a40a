"""Baseline for the crawl benchmark: a bare Scrapy spider over the same pages, no pipelines, no cache."""

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "HTTPCACHE_ENABLED": False,
                       "DOWNLOADER_MIDDLEWARES": {}}

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    async def start(self):
        yield scrapy.Request(f"{self.base_url}/cae/html/en/col2003/column_2003_1.html")

    def parse(self, response):
        for href in response.css("ul.news_list a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        nxt = response.css("div.page a:contains('Next')::attr(href)").get()
        if nxt and response.urljoin(nxt) != response.url:
            yield response.follow(nxt, self.parse)

    def parse_article(self, response):
        yield {"url": response.url, "title": response.css("h1::text").get()}
