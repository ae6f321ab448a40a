"""Baselines for the crawl benchmark: plain Scrapy spiders over the same pages, no newswatch parts.

``bare`` is what a developer would write for this site with Scrapy alone: the same listing walk
and the same fields (title, date line, source, breadcrumb, body paragraphs, images) with plain
selectors, into a JSON Lines feed; no cleaning, validation, diffing, storage or HTTP cache.
With ``-a fields=title`` it reads only each article's title: the cost of fetching the pages.
"""

import scrapy

PLAIN = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "HTTPCACHE_ENABLED": False, "DOWNLOADER_MIDDLEWARES": {}}


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = PLAIN

    def __init__(self, base_url: str, fields: str = "all", **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.title_only = fields == "title"

    async def start(self):
        yield scrapy.Request(f"{self.base_url}/cae/html/en/col2003/column_2003_1.html")

    def parse(self, response):
        for href in response.css("ul.news_list a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        nxt = response.css("div.page a:contains('Next')::attr(href)").get()
        if nxt and response.urljoin(nxt) != response.url:
            yield response.follow(nxt, self.parse)

    def parse_article(self, response):
        if self.title_only:
            yield {"url": response.url, "title": response.css("h1::text").get()}
            return
        article = response.css("div.article")
        info = article.css("div.info li::text").getall()
        yield {
            "url": response.url,
            "title": article.css("h1::text").get(),
            "published": next((t for t in info if t.startswith("Published")), None),
            "source": next((t for t in info if t.startswith("Source")), None),
            "section": response.css("div.position a::text").getall()[1:],
            "body": [" ".join(p.css("::text").getall()).strip() for p in article.css("#zoom p")],
            "images": [response.urljoin(src) for src in article.css("#zoom img::attr(src)").getall()],
        }
