"""Extraction benchmark: newswatch's generic article extraction vs plain trafilatura.

Scores the body text of ``newswatch.generic.extract_article`` and of
``trafilatura.extract(html, url=url)`` (default settings, the published baseline: F1 0.958 with
trafilatura 2.0.0) on the 181 pages of the public article extraction benchmark, with that
benchmark's scoring: both texts are split into ``\\w+`` words and cut into 4-word shingles,
counted as multisets; per page, TP = shared shingles, FP = extra predicted ones, FN = missing
ones, giving a precision and a recall (a page with no predicted shingles is left out of
precision); the score is the F1 of the mean precision and the mean recall.

Also prints the mean extraction time per page of each extractor and their ratio. Both run on the
same pages in the same process, interleaved page by page (alternating which goes first) after
one warm-up page, so a machine's drift hits them alike. ``--worst N`` lists the pages where
newswatch scores lowest. The last line is a JSON object with every figure.

The data (``html/<id>.html.gz`` and ``ground-truth.json``) is expected in
``../shared/benchmarks/article-extraction-benchmark/`` beside the checkout, or in ``--data DIR``.

    python benchmarks/bench_extraction.py [--data DIR] [--worst 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import trafilatura  # noqa: E402

from newswatch.generic import extract_article  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "benchmarks" / "article-extraction-benchmark"
PUBLISHED_F1 = "trafilatura 2.0.0: F1 0.958"
SHINGLE = 4
_WORD = re.compile(r"\w+")


# --- scoring -------------------------------------------------------------------------------


def shingles(text: str, n: int = SHINGLE) -> Counter:
    """The text's ``n``-word shingles as a multiset.

    As in the benchmark's reference scorer, a text of fewer than ``n`` words (but at least one)
    is a single shorter shingle, and an empty text has none.
    """
    words = _WORD.findall(text or "")
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words[i : i + n])


def match(true: str, pred: str) -> tuple[int, int, int]:
    """TP, FP, FN between the shingles of the true and the predicted text."""
    expected, predicted = shingles(true), shingles(pred)
    tp = sum((expected & predicted).values())
    return tp, sum(predicted.values()) - tp, sum(expected.values()) - tp


@dataclass
class PageScore:
    id: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted: such a page is left out of the mean precision."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- running -------------------------------------------------------------------------------


@dataclass
class Extractor:
    name: str
    run: Callable[[str, str], str]
    times: list[float] = field(default_factory=list)
    scores: list[PageScore] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def timed(self, page_id: str, html: str, url: str) -> str:
        start = time.perf_counter()
        try:
            text = self.run(html, url)
        except Exception as exc:
            text = ""
            self.failures.append(f"{page_id}: {type(exc).__name__}: {exc}")
        self.times.append(time.perf_counter() - start)
        return text or ""

    def summary(self) -> dict:
        precisions = [s.precision for s in self.scores if s.precision is not None]
        recalls = [s.recall for s in self.scores if s.recall is not None]
        precision = statistics.fmean(precisions) if precisions else 0.0
        recall = statistics.fmean(recalls) if recalls else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1(precision, recall), 4),
            "ms_per_page": round(1000 * statistics.fmean(self.times), 2),
            "empty_pages": sum(1 for s in self.scores if s.precision is None),
            "failures": len(self.failures),
        }


def newswatch_body(html: str, url: str) -> str:
    return extract_article(html, url)["body"]


def trafilatura_text(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url)


def load(data: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) for every page of the ground truth, sorted by id."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = data / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            raise FileNotFoundError(f"page {page_id} of ground-truth.json has no {path}")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append((page_id, truth[page_id].get("url") or "", html, truth[page_id].get("articleBody") or ""))
    return pages


def _fmt(value: float | None) -> str:
    return "    —" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="benchmark folder with html/ and ground-truth.json (default: %(default)s)",
    )
    parser.add_argument(
        "--worst",
        type=int,
        default=10,
        metavar="N",
        help="list the N pages where newswatch's F1 is lowest (default: %(default)s; 0: none)",
    )
    args = parser.parse_args()

    data = args.data
    if not (data / "ground-truth.json").is_file() or not (data / "html").is_dir():
        print(
            f"error: benchmark data not found in {data} (expected ground-truth.json and html/); pass --data DIR",
            file=sys.stderr,
        )
        sys.exit(2)
    try:
        pages = load(data)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read benchmark data in {data}: {exc}", file=sys.stderr)
        sys.exit(2)
    if not pages:
        print(f"error: no pages in {data / 'ground-truth.json'}", file=sys.stderr)
        sys.exit(2)

    # Extraction libraries warn about odd pages; the figures are what matters here.
    logging.getLogger().addHandler(logging.NullHandler())

    newswatch = Extractor("newswatch", newswatch_body)
    baseline = Extractor("trafilatura", trafilatura_text)
    extractors = (newswatch, baseline)

    warm_id, warm_url, warm_html, _ = pages[0]
    for extractor in extractors:
        extractor.timed(warm_id, warm_html, warm_url)
        extractor.times.clear()
        extractor.failures.clear()

    started = time.perf_counter()
    for i, (page_id, url, html, true) in enumerate(pages):
        order = extractors if i % 2 == 0 else extractors[::-1]
        outputs = {extractor.name: extractor.timed(page_id, html, url) for extractor in order}
        for extractor in extractors:
            extractor.scores.append(PageScore(page_id, *match(true, outputs[extractor.name])))
    elapsed = time.perf_counter() - started

    results = {extractor.name: extractor.summary() for extractor in extractors}
    ratio = results["newswatch"]["ms_per_page"] / results["trafilatura"]["ms_per_page"]
    worst = sorted(newswatch.scores, key=lambda s: (s.f1, s.id))[: max(args.worst, 0)]

    print(f"article extraction · {len(pages)} pages · trafilatura {trafilatura.__version__} · published {PUBLISHED_F1}")
    print(f"{'':<26}{'precision':>10}{'recall':>8}{'F1':>8}{'ms/page':>10}")
    labels = {"newswatch": "newswatch extract_article", "trafilatura": "trafilatura.extract"}
    for name, figures in results.items():
        print(
            f"{labels[name]:<26}{figures['precision']:>10.3f}{figures['recall']:>8.3f}"
            f"{figures['f1']:>8.3f}{figures['ms_per_page']:>10.1f}"
        )
    print(
        f"time ratio newswatch / trafilatura: {ratio:.2f}× · both timed in {elapsed:.1f} s, "
        "interleaved after one warm-up page"
    )
    for extractor in extractors:
        figures = results[extractor.name]
        if figures["empty_pages"] or figures["failures"]:
            print(f"{extractor.name}: {figures['empty_pages']} page(s) with no text, {figures['failures']} failure(s)")
        for failure in extractor.failures:
            print(f"  {failure}")
    if worst:
        print(f"\nworst {len(worst)} pages by newswatch F1:")
        print(f"{'id':<66}{'P':>6}{'R':>7}{'F1':>7}")
        for score in worst:
            print(f"{score.id:<66}{_fmt(score.precision):>6}{_fmt(score.recall):>7}{score.f1:>7.3f}")

    print(
        json.dumps(
            {
                "pages": len(pages),
                "trafilatura_version": trafilatura.__version__,
                **results,
                "time_ratio": round(ratio, 3),
                "seconds": round(elapsed, 1),
                "worst": [
                    {
                        "id": s.id,
                        "precision": None if s.precision is None else round(s.precision, 4),
                        "recall": None if s.recall is None else round(s.recall, 4),
                        "f1": round(s.f1, 4),
                    }
                    for s in worst
                ],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
