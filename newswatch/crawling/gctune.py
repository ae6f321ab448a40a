"""Garbage-collector settings for a crawl: fewer, cheaper collections of the objects a crawl makes.

A crawl allocates millions of short-lived containers (responses, selectors, items); with CPython's
default thresholds (700, 10, 10) the cyclic collector ran about 700 times and took a tenth of a
1,500-article crawl, re-scanning the modules and settings loaded before it. Those live as long as
the process, so they are frozen out of the collector, and young collections run less often.
"""

from __future__ import annotations

import gc

#: Allocations between young collections, and collections between older ones.
THRESHOLDS = (50_000, 20, 20)


def tune_for_crawl() -> None:
    """Collect what start-up left, freeze the survivors, and raise the collection thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
