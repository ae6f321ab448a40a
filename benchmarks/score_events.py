"""Score event extraction on the labelled set: per-field precision, recall and F1, dev and test side by side.

python benchmarks/score_events.py [--misses] [ROOT]

ROOT (default tests/fixtures/events) holds the splits dev/ and test/; a missing or empty split is
shown as such. --misses lists the dev split's wrong fields; the test split's are never printed,
so that it stays unseen by whoever tunes the rules.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newswatch.event.scoring import evaluate_splits, load_splits, side_by_side  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=ROOT / "tests" / "fixtures" / "events", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every field that went wrong on the dev split")
    args = parser.parse_args()
    if not args.root.is_dir():
        print(f"error: {args.root} is not a folder; give the folder that holds dev/ and test/", file=sys.stderr)
        return 2
    splits = load_splits(args.root)
    from newswatch.event import extract_event

    extract_event("Workshop", "On 4 May the workshop was held in Nairobi.", "2024-05-06", "en")  # load the gazetteers
    started, cpu = time.perf_counter(), time.process_time()
    reports = evaluate_splits(splits)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = max(1, sum(len(labels or ()) for labels in splits.values()))
    # CPU time too: on a busy machine the wall-clock time mostly measures the wait for a core
    print(f"{count} labelled articles, {elapsed * 1000 / count:.1f} ms each ({cpu * 1000 / count:.1f} ms of CPU)")
    print(side_by_side(splits, reports))
    if args.misses and reports.get("dev"):
        print("\n".join(reports["dev"].misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
