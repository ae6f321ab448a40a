"""Search benchmark: latency of ``store.search`` on stores of 10k and 100k items, SQLite and PostgreSQL.

Each query of QUERIES (a word in 90 % of the items, one in 30 %, a rare one, a phrase, a prefix, an
excluded word alone, 220 repeats of one word, a query of 120 distinct words) runs ``--repeat``
times per store, rounds interleaved across the stores so a machine's drift hits them alike; prints
p50/p95/max per store and query, the p95 over all queries of each store, and the ratio of p95 at
100k to p95 at 10k (1.0 means the cost does not grow with the store); then the change feed's first,
middle and last page of 50 and a keyset page from the middle. The last line is JSON.

    python benchmarks/bench_search.py [--sizes 10000 100000] [--backends sqlite postgresql] [--repeat 20]

Stores are built once by benchmarks/webstore.py and kept for reruns.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from webstore import bench_store  # noqa: E402

from storage import open_store  # noqa: E402

QUERIES = {
    "academy (90%)": "academy",
    "hydrogen (30%)": "hydrogen",
    "fusion (0.5%)": "fusion",
    "phrase": '"hydrogen academy"',
    "prefix": "hydro*",
    "two words": "hydrogen academy",
    "-zzz": "-zzz",
    "220 repeats": " ".join(["hydrogen"] * 220),
    "120 words": " ".join(f"w{i}" for i in range(120)),
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    stores = {(b, n): open_store(bench_store(b, n)) for b in args.backends for n in args.sizes}
    times: dict[tuple, dict[str, list[float]]] = {key: {q: [] for q in QUERIES} for key in stores}
    totals: dict[tuple, dict[str, str]] = {key: {} for key in stores}
    for store in stores.values():  # warm-up: caches, prepared plans
        for query in QUERIES.values():
            store.search(query)
    for _ in range(args.repeat):
        for key, store in stores.items():
            for name, query in QUERIES.items():
                start = time.perf_counter()
                page = store.search(query, limit=20)
                times[key][name].append((time.perf_counter() - start) * 1000)
                totals[key][name] = f"{page.total}" + ("+" if page.capped else "")
    result = {}
    for key in stores:
        backend, n = key
        print(f"\n{backend} · {n:,} items")
        print(f"  {'query':<16}{'matches':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        every = []
        for name in QUERIES:
            ms = times[key][name]
            every += ms
            shown = totals[key][name]
            print(f"  {name:<16}{shown:>9}{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}{max(ms):>9.1f}")
        p95 = percentile(every, 95)
        print(f"  {'all queries':<16}{'':>9}{percentile(every, 50):>9.1f}{p95:>9.1f}{max(every):>9.1f}")
        result[f"{backend}_{n}_p95_ms"] = round(p95, 1)
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        print()
        for backend in args.backends:
            ratio = result[f"{backend}_{large}_p95_ms"] / max(result[f"{backend}_{small}_p95_ms"], 0.001)
            result[f"{backend}_p95_ratio"] = round(ratio, 2)
            print(f"{backend}: p95 at {large:,} / p95 at {small:,} = {ratio:.2f}")
    print("\nchange feed pages of 50 (p50 / p95 ms): first, middle, last by number, and Next by keyset from the middle")
    for key, store in stores.items():
        total = store.change_page(limit=1).total
        middle = store.change_page(limit=1, offset=total // 2).rows[0].change.id
        pages = {
            "first": {"offset": 0},
            "middle": {"offset": total // 2},
            "last": {"offset": (total - 1) // 50 * 50},
            "keyset": {"after": middle},
        }
        shown = []
        for name, how in pages.items():
            ms = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                store.change_page(limit=50, **how)
                ms.append((time.perf_counter() - start) * 1000)
            shown.append(f"{name} {percentile(ms, 50):.1f} / {percentile(ms, 95):.1f}")
            result[f"{key[0]}_{key[1]}_feed_{name}_p95_ms"] = round(percentile(ms, 95), 1)
        print(f"  {key[0]:<10} {key[1]:>7,}  " + " · ".join(shown))
    for store in stores.values():
        store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
