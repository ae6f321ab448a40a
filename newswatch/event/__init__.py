"""Event extraction: what happened, when, where and with whom, from an article's title and text."""

from newswatch.event.extract import extract_event

__all__ = ["extract_event"]
