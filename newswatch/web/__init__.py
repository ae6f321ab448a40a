"""The analyst dashboard: change feed with reviews, item diffs, events, sites, search, Atom feeds, JSON API."""

from newswatch.web.app import create_app

__all__ = ["create_app"]
