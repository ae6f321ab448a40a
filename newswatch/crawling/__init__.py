"""Scrapy components of newswatch: thin adapters between the crawler and the core functions."""
