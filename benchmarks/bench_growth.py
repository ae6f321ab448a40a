"""Growth benchmark on PostgreSQL: write cost, change feed and search as the store grows to 1M items.

For each size (10k, 100k, 1M items by default; stores built once by benchmarks/webstore.py in
schemas ``nwbench_<n>`` and kept for reruns) it measures:

- **writes**: per-item cost of ``Store.save_items`` as the store pipeline calls it (batches of
  NEWSWATCH_STORE_BATCH items of one site, in a run begun with ``begin_run``): ``--new`` new items
  and ``--updates`` updates of stored items per round, ms per item; the median of ``--rounds``
  rounds. Each round is undone afterwards (its items, versions, changes and run deleted, the
  updated items restored) so the sizes stay exact; the tables are vacuumed at the end, untimed.
  ``known_items(site)``, read once when a crawl starts, is shown beside it (a per-run cost);
- **feed**: the change feed as ``/changes`` reads it, in-process through the same functions the page
  handler calls (``FeedFilters.parse``, ``feed_page``, ``site_names``; ``/api/changes`` calls the same
  ``Store.change_page``): the first, a middle and the last page by number, the Next and Previous
  pages by keyset from the middle, the end of the feed reached by keyset, and pages filtered by
  site, by kind and by both;
- **search**: ``Store.search`` as the ``/search`` page calls it (first page of 20 with the match
  count it shows) for the words webstore plants: academy (90 %), hydrogen (30 %), fusion (0.5 %),
  a phrase, a negation, and one word within a site.

Beside each read's p50/p95 (wall clock, in-process) is its "server" time: the database's own
execution time of the statements it sends (EXPLAIN ANALYZE, once), which a loaded machine's
waits do not inflate. Reads run ``--repeat`` times, rounds interleaved across the sizes so a machine's drift hits them
alike. A table per size, then the ratios of the largest size to the smallest and the targets
(write cost ratio <= 1.5, feed and search p95 <= 300 ms at the largest size); the last line is JSON.
``--save FILE`` keeps that JSON, ``--baseline FILE`` prints a saved run's figures beside this one's.

    python benchmarks/bench_growth.py [--sizes 10000 100000 1000000] [--repeat 15] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import sqlalchemy as sa  # noqa: E402
from webstore import REMOVED_EVERY, SITES, _rows, _vocabulary, bench_store  # noqa: E402

from newswatch.settings import NEWSWATCH_STORE_BATCH  # noqa: E402
from newswatch.web.pages import SEARCH_PER_PAGE, site_names  # noqa: E402
from newswatch.web.views import FeedFilters, feed_page  # noqa: E402
from storage import ItemWrite, Store, open_store  # noqa: E402
from storage import tables as t  # noqa: E402

SEARCHES = {
    "academy (90%)": ("academy", None),
    "hydrogen (30%)": ("hydrogen", None),
    "fusion (0.5%)": ("fusion", None),
    "phrase": ('"hydrogen academy"', None),
    "negation": ("hydrogen -academy", None),
    "site cas": ("hydrogen", "cas"),
}
WRITE_PREFIX = "growth-"
TARGET_RATIO, TARGET_MS = 1.5, 300.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# -- feed ---------------------------------------------------------------------------------------


def parsed(**kw) -> FeedFilters:
    """The filters of a /changes query string (site, kind, page, after, before), parsed as the page does."""
    return FeedFilters.parse(
        kw.get("site"), kw.get("kind"), None, None, None, kw.get("page"), kw.get("after"), kw.get("before")
    )


def feed_cases(store: Store) -> dict[str, dict]:
    """The /changes query strings to time, found on this store (its middle and last pages)."""
    _, pages = feed_page(store, parsed())
    middle, _ = feed_page(store, parsed(page=pages // 2))
    before_last, _ = feed_page(store, parsed(page=max(pages - 1, 1)))
    _, site_pages = feed_page(store, parsed(site="cas"))
    _, kind_pages = feed_page(store, parsed(kind=["updated"]))
    return {
        "first page": {},
        "middle page": {"page": pages // 2},
        "last page": {"page": pages},
        "next (keyset)": {"after": middle.rows[-1].change.id},
        "previous (keyset)": {"before": middle.rows[0].change.id},
        "end by keyset": {"after": before_last.rows[-1].change.id},
        "site": {"site": "cas"},
        "site, middle": {"site": "cas", "page": site_pages // 2},
        "kind": {"kind": ["updated"]},
        "kind, middle": {"kind": ["updated"], "page": kind_pages // 2},
        "kind, last": {"kind": ["updated"], "page": kind_pages},
        "site+kind": {"site": "cas", "kind": ["removed"]},
        "two kinds": {"kind": ["updated", "removed"]},
    }


def time_feed(store: Store, cases: dict) -> dict[str, float]:
    """One timing (ms) of each feed case: parse, the page with its count, the site list (as the handler)."""
    out = {}
    for name, how in cases.items():
        start = time.perf_counter()
        page, _ = feed_page(store, parsed(**how))
        site_names(store)
        out[name] = (time.perf_counter() - start) * 1000
        assert page.rows or page.total == 0, name
    return out


# -- search -------------------------------------------------------------------------------------


def time_search(store: Store) -> tuple[dict[str, float], dict[str, str]]:
    """One timing (ms) of each search, and the match count the page would show."""
    times, shown = {}, {}
    for name, (query, site) in SEARCHES.items():
        start = time.perf_counter()
        result = store.search(query, site=site, limit=SEARCH_PER_PAGE, offset=0)
        times[name] = (time.perf_counter() - start) * 1000
        shown[name] = f"{result.total:,}" + ("+" if result.capped else "")
    return times, shown


# -- writes -------------------------------------------------------------------------------------


class WriteRound:
    """One crawl-like batch of writes on one site: new items and updates of stored ones, then undone."""

    def __init__(self, store: Store, n: int, number: int, new: int, updates: int) -> None:
        self.store, self.n, self.number = store, n, number
        self.site = SITES[number % len(SITES)]
        rng = random.Random(1000 + number)
        # Stored, active items of this site (webstore: item i is on SITES[i % 5]; one in REMOVED_EVERY removed).
        offset = SITES.index(self.site)
        pool = range(offset, n, len(SITES))
        picked: set[int] = set()
        while len(picked) < min(updates, len(pool)):
            i = rng.choice(pool)
            if i % REMOVED_EVERY != 7:
                picked.add(i)
        self.updated_ids = [f"{self.site}-{i:08d}" for i in sorted(picked)]
        self.new = new
        self.rng = rng

    def writes(self, run_id: int, at: datetime) -> list[ItemWrite]:
        with self.store.engine.connect() as conn:
            query = sa.select(t.items.c.id, t.items.c.data).where(t.items.c.id.in_(self.updated_ids))
            stored = {row[0]: row[1] for row in conn.execute(query)}
        out = []
        fresh = _rows(self.new, random.Random(self.number), _vocabulary(random.Random(7)), dict.fromkeys(SITES, run_id))
        for k, (item, _, _) in enumerate(fresh):
            data = dict(item["data"])
            data.update(
                id=f"{WRITE_PREFIX}{self.number}-{k}",
                site=self.site,
                url=f"https://{self.site}.example/growth/{self.number}/{k}.html",
                content_hash=f"growth-{self.number}-{k}",
                fetched_at=at.isoformat(),
            )
            out.append(ItemWrite(item=data, kind="new", at=at))
        for item_id in self.updated_ids:
            old = dict(stored[item_id])
            title = f"{old.get('title')} (growth {self.number})"
            item = {**old, "title": title, "content_hash": f"{old['content_hash']}-g{self.number}"}
            diff = {"title": {"words": [["=", old.get("title") or ""], ["+", f" (growth {self.number})"]]}}
            out.append(ItemWrite(item=item, kind="updated", at=at, changed_fields=["title"], diff=diff))
        self.rng.shuffle(out)
        return out

    def run(self) -> float:
        """Write the round as a crawl's store pipeline would; ms per item written, then undo it."""
        store = self.store
        at = datetime.now(UTC)
        with store.engine.connect() as conn:
            snapshot = [
                dict(r) for r in conn.execute(sa.select(t.items).where(t.items.c.id.in_(self.updated_ids))).mappings()
            ]
        run_id = store.begin_run(self.site, at)
        try:  # undone even when interrupted: a store whose size changed would be built again
            writes = self.writes(run_id, at)
            start = time.perf_counter()
            for k in range(0, len(writes), NEWSWATCH_STORE_BATCH):
                store.save_items(run_id, writes[k : k + NEWSWATCH_STORE_BATCH])
            elapsed = time.perf_counter() - start
        finally:
            self.undo(run_id, snapshot)
        return elapsed * 1000 / len(writes)

    def undo(self, run_id: int, snapshot: list[dict]) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(t.changes).where(t.changes.c.run_id == run_id))
            conn.execute(sa.delete(t.item_versions).where(t.item_versions.c.run_id == run_id))
            conn.execute(sa.delete(t.items).where(t.items.c.id.like(f"{WRITE_PREFIX}%")))
            for row in snapshot:
                conn.execute(sa.update(t.items).where(t.items.c.id == row["id"]).values(**row))
            conn.execute(sa.delete(t.runs).where(t.runs.c.id == run_id))


def server_ms(store: Store, action) -> float:
    """The database's own execution time (EXPLAIN ANALYZE) of the SELECTs ``action()`` sends, summed:
    what the query costs on the server, whatever the waits of a loaded machine around it."""
    sent: list[tuple[str, object]] = []

    def hook(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "alembic_version" not in statement:
            sent.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", hook)
    try:
        action()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", hook)
    total = 0.0
    with store.engine.connect() as conn:
        for statement, parameters in sent:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
            total += plan[0]["Execution Time"]
    return total


def vacuum(store: Store) -> None:
    """What autovacuum would do after the rounds (it is off on the benchmark server): untimed."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("items", "item_versions", "changes", "runs"):
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


def time_known_items(store: Store, site: str = "cas") -> float:
    start = time.perf_counter()
    store.known_items(site)
    return (time.perf_counter() - start) * 1000


# -- report -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=15, help="timings of each read query per size")
    parser.add_argument("--rounds", type=int, default=5, help="write rounds per size (median shown)")
    parser.add_argument("--new", type=int, default=2000, help="new items per write round")
    parser.add_argument("--updates", type=int, default=500, help="updated items per write round")
    parser.add_argument("--save", type=Path, help="write the result JSON to this file")
    parser.add_argument("--baseline", type=Path, help="a saved result JSON to print beside this run")
    args = parser.parse_args()
    if any(n < 1000 for n in args.sizes):
        parser.error("--sizes: at least 1000 items each")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else {}

    sizes = sorted(set(args.sizes))
    stores = {n: open_store(bench_store("postgresql", n)) for n in sizes}
    write_ms: dict[int, list[float]] = {n: [] for n in sizes}
    known_ms: dict[int, list[float]] = {n: [] for n in sizes}
    for number in range(args.rounds):
        for n, store in stores.items():
            write_ms[n].append(WriteRound(store, n, number, args.new, args.updates).run())
            known_ms[n].append(time_known_items(store))
    for store in stores.values():
        vacuum(store)

    cases = {n: feed_cases(store) for n, store in stores.items()}
    feed: dict[int, dict[str, list[float]]] = {n: {} for n in sizes}
    search: dict[int, dict[str, list[float]]] = {n: {} for n in sizes}
    shown: dict[int, dict[str, str]] = {}
    for n, store in stores.items():  # warm-up: caches, plans
        time_feed(store, cases[n])
        time_search(store)
    for _ in range(args.repeat):
        for n, store in stores.items():
            for name, ms in time_feed(store, cases[n]).items():
                feed[n].setdefault(name, []).append(ms)
            times, shown[n] = time_search(store)
            for name, ms in times.items():
                search[n].setdefault(name, []).append(ms)

    server: dict[int, dict[str, float]] = {n: {} for n in sizes}
    for n, store in stores.items():  # once each, after the timed runs
        for name, how in cases[n].items():
            server[n][f"feed_{name}"] = server_ms(store, lambda s=store, h=how: feed_page(s, parsed(**h)))
        for name, (query, site) in SEARCHES.items():
            server[n][f"search_{name}"] = server_ms(
                store, lambda s=store, q=query, w=site: s.search(q, site=w, limit=SEARCH_PER_PAGE)
            )

    result: dict[str, float] = {}
    for n in sizes:
        write = statistics.median(write_ms[n])
        result[f"write_ms_per_item_{n}"] = round(write, 3)
        result[f"known_items_ms_{n}"] = round(statistics.median(known_ms[n]), 1)
        print(f"\nPostgreSQL · {n:,} items")
        print(
            f"  write: {write:.3f} ms per item (median of {args.rounds} rounds of {args.new:,} new + "
            f"{args.updates:,} updated, batches of {NEWSWATCH_STORE_BATCH}; rounds "
            + ", ".join(f"{ms:.3f}" for ms in write_ms[n])
            + f"); known_items(site) at a crawl's start {result[f'known_items_ms_{n}']:.0f} ms"
        )
        print(
            f"  {'feed (/changes)':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'server':>9}"
            f"   {'search':<16}{'shown':>8}{'p50 ms':>9}{'p95 ms':>9}{'server':>9}"
        )
        feed_rows = [(name, ms) for name, ms in feed[n].items()]
        search_rows = [(name, ms) for name, ms in search[n].items()]
        for k in range(max(len(feed_rows), len(search_rows))):
            left = right = ""
            if k < len(feed_rows):
                name, samples = feed_rows[k]
                left = f"  {name:<22}{percentile(samples, 50):>9.1f}{percentile(samples, 95):>9.1f}{max(samples):>9.1f}"
                left += f"{server[n]['feed_' + name]:>9.1f}"
                result[f"feed_{name}_server_ms_{n}"] = round(server[n]["feed_" + name], 1)
            if k < len(search_rows):
                name, samples = search_rows[k]
                right = (
                    f"   {name:<16}{shown[n][name]:>8}{percentile(samples, 50):>9.1f}{percentile(samples, 95):>9.1f}"
                    f"{server[n]['search_' + name]:>9.1f}"
                )
                result[f"search_{name}_server_ms_{n}"] = round(server[n]["search_" + name], 1)
            print(f"{left:<60}{right}")
            if k < len(feed_rows):
                result[f"feed_{feed_rows[k][0]}_p95_ms_{n}"] = round(percentile(feed_rows[k][1], 95), 1)
            if k < len(search_rows):
                result[f"search_{search_rows[k][0]}_p95_ms_{n}"] = round(percentile(search_rows[k][1], 95), 1)
        every_feed = [ms for values in feed[n].values() for ms in values]
        every_search = [ms for values in search[n].values() for ms in values]
        result[f"feed_p95_ms_{n}"] = round(percentile(every_feed, 95), 1)
        result[f"feed_worst_p95_ms_{n}"] = round(max(percentile(ms, 95) for ms in feed[n].values()), 1)
        result[f"search_p95_ms_{n}"] = round(percentile(every_search, 95), 1)
        result[f"search_worst_p95_ms_{n}"] = round(max(percentile(ms, 95) for ms in search[n].values()), 1)
        result[f"feed_worst_server_ms_{n}"] = round(max(v for k, v in server[n].items() if k.startswith("feed_")), 1)
        result[f"search_worst_server_ms_{n}"] = round(
            max(v for k, v in server[n].items() if k.startswith("search_")), 1
        )
        print(
            f"  all feed queries p95 {result[f'feed_p95_ms_{n}']:.1f} ms"
            f" (worst query's {result[f'feed_worst_p95_ms_{n}']:.1f})"
            f" · all searches p95 {result[f'search_p95_ms_{n}']:.1f} ms"
            f" (worst query's {result[f'search_worst_p95_ms_{n}']:.1f})"
        )
    for store in stores.values():
        store.close()

    small, large = sizes[0], sizes[-1]
    print(f"\n{large:,} / {small:,} items:")
    for key in (
        "write_ms_per_item",
        "known_items_ms",
        "feed_p95_ms",
        "feed_worst_p95_ms",
        "feed_worst_server_ms",
        "search_p95_ms",
        "search_worst_p95_ms",
        "search_worst_server_ms",
    ):
        ratio = result[f"{key}_{large}"] / max(result[f"{key}_{small}"], 0.001)
        result[f"{key}_ratio"] = round(ratio, 2)
        print(f"  {key:<22}{result[f'{key}_{small}']:>10}{result[f'{key}_{large}']:>10}  ×{ratio:.2f}")
    checks = {
        f"write cost {large:,}/{small:,} <= {TARGET_RATIO}×": result["write_ms_per_item_ratio"] <= TARGET_RATIO,
        f"feed p95 at {large:,} <= {TARGET_MS:.0f} ms": result[f"feed_worst_p95_ms_{large}"] <= TARGET_MS,
        f"search p95 at {large:,} <= {TARGET_MS:.0f} ms": result[f"search_worst_p95_ms_{large}"] <= TARGET_MS,
    }
    print(
        "targets (feed and search: each query's p95): "
        + " · ".join(f"{k}: {'met' if ok else 'MISSED'}" for k, ok in checks.items())
    )
    if baseline:
        print("\nbaseline → this run (ratio):")
        for key, value in result.items():
            if key in baseline and isinstance(baseline[key], (int, float)):
                old = baseline[key]
                print(f"  {key:<40}{old:>10} → {value:<10} ×{value / max(old, 0.001):.2f}")
    if args.save:
        args.save.write_text(json.dumps(result))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
