"""The errors newswatch's library code raises for a user's mistake; the CLI prints each as one line."""

from __future__ import annotations


class NewswatchError(Exception):
    """Something the user can fix: the message says what is wrong and what to do."""


class NotAPageError(NewswatchError):
    """A file given as a saved page is empty or not HTML."""


class JobStoreError(NewswatchError):
    """The scheduler's job store cannot be opened or read."""
