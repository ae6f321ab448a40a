"""Scrapy components of newswatch: thin adapters between the crawler and the core functions."""

#: Key of newswatch's own entry in a request's ``meta``: the page's role, listing and position.
META = "newswatch"
