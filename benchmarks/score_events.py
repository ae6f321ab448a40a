"""Score event extraction on the labelled set: per-field precision, recall and F1.

python benchmarks/score_events.py [--misses] [DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newswatch.event.scoring import evaluate, load_labels, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default=ROOT / "tests" / "fixtures" / "events", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every field that went wrong")
    args = parser.parse_args()
    labels = load_labels(args.directory)
    started = time.perf_counter()
    report = evaluate(labels)
    elapsed = time.perf_counter() - started
    events = sum(1 for label in labels if label.get("expected"))
    print(
        f"{report.articles} labelled articles ({events} with an event), {elapsed * 1000 / max(1, len(labels)):.1f} ms each"
    )
    print(table(report))
    if args.misses:
        print("\n".join(report.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
