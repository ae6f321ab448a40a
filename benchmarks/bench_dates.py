"""Publication-date benchmark: precision, recall and F of newswatch's generic extraction against plain
htmldate (its extensive search) on the pages of benchmarks/date_pages.py: tuned, held-out and unseen splits.

A page's date counts as found when its day matches the known date; a date given for a page that
states none, or a wrong day, is a false positive. Target: F ≥ 0.95 on pages the reading was not shaped by.

    python benchmarks/bench_dates.py [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import htmldate  # noqa: E402
from date_pages import pages  # noqa: E402

from newswatch.dates import parse_date  # noqa: E402
from newswatch.generic import extract_article  # noqa: E402


def newswatch_date(page) -> str | None:
    raw = extract_article(page.html, page.url, day_first=page.day_first)["published_raw"]
    parsed = parse_date(raw, None, None, page.day_first) if raw else None
    return parsed[:10] if parsed else None


def htmldate_date(page) -> str | None:
    try:
        return htmldate.find_date(page.html, url=page.url, extensive_search=True)
    except Exception:
        return None


def score(results: list[tuple[str | None, str | None]]) -> tuple[float, float, float]:
    """Precision, recall and F over (found, gold) pairs."""
    tp = sum(1 for found, gold in results if found is not None and found == gold)
    fp = sum(1 for found, gold in results if found is not None and found != gold)
    fn = sum(1 for found, gold in results if gold is not None and found != gold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="List every page a method got wrong.")
    args = parser.parse_args()
    everything = pages()
    methods = {"newswatch": newswatch_date, "htmldate": htmldate_date}
    print(f"{'split':<8} {'pages':>5}  {'method':<10} {'precision':>9} {'recall':>7} {'F':>6}")
    for split in ("tuned", "heldout", "unseen"):
        chosen = [p for p in everything if p.split == split]
        for name, method in methods.items():
            results = [(method(p), p.gold) for p in chosen]
            precision, recall, f = score(results)
            print(f"{split:<8} {len(chosen):>5}  {name:<10} {precision:>9.3f} {recall:>7.3f} {f:>6.3f}")
            if args.errors:
                for page, (found, gold) in zip(chosen, results, strict=True):
                    if found != gold:
                        print(f"    {page.style:<24} found {found} expected {gold}  {page.url}")


if __name__ == "__main__":
    main()
