"""Crawl benchmark: full newswatch pipeline vs a bare Scrapy spider over the same loopback site.

Prints the first crawl, the bare spider, their ratio, and an unchanged recrawl against the first
crawl: with the default revisit policy (listings and recent articles every run, older articles in
a rolling slice: a fifth of them each run, by conditional request) and with `--full` (every
article rechecked by a conditional request).
Targets: first ≤ 1.5× bare; unchanged recrawl ≤ 0.35× first. The bare spider (bare_spider.py)
extracts the same fields with plain Scrapy selectors into a JSON Lines feed, under the project's
settings without newswatch's pipelines, extensions and cache; a title-only spider is shown for
reference. Event extraction is measured as the first crawl against the same crawl without events
(target: adds ≤ 20%; the median of each repeat's pair of runs), by default in worker processes and
also in the crawl's own process, with the CPU time each spends. All runs are interleaved, so a
machine's drift hits them alike. The database is created (migrated) before the first crawl is timed.
`--events-only` runs just the three first crawls (with events in workers, without, in-process).

    python benchmarks/bench_crawl.py [--articles 1500] [--repeat 3] [--events-only]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sitegen import generate  # noqa: E402

from newswatch.fixtureserver import serve  # noqa: E402

COMMON = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS=16",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s",
    "LOG_LEVEL=ERROR",
    "-s",
    "ROBOTSTXT_OBEY=False",
]


CPU: dict[str, list[float]] = {}


def cpu_seconds() -> float:
    """User + system time of every finished child process (workers of a crawl included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict, cpu_key: str | None = None) -> float:
    start, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    if cpu_key:
        CPU.setdefault(cpu_key, []).append(cpu_seconds() - cpu)
    return elapsed


def paired(results: dict[str, list[float]], key: str) -> float:
    """The median over repeats of key's time against the crawl without events run beside it."""
    return statistics.median(a / b for a, b in zip(results[key], results["first_no_events"], strict=False)) - 1


def events_only(args, results: dict[str, list[float]]) -> None:
    """The event lines of the report, for the first crawls alone."""
    med = {k: statistics.median(v) for k, v in results.items() if v}
    cpu = {k: round(statistics.median(v), 2) for k, v in CPU.items()}
    print(f"articles {args.articles} · median of {args.repeat} runs · first crawls only")
    print(f"newswatch first crawl {med['first']:7.2f} s")
    print(
        f"  without events      {med['first_no_events']:7.2f} s   event extraction adds "
        f"{paired(results, 'first') * 100:.1f}% (target ≤ 20%)"
    )
    print(
        f"  events in-process   {med['first_inline']:7.2f} s   (NEWSWATCH_EVENT_WORKERS=0) adds "
        f"{paired(results, 'first_inline') * 100:.1f}%"
    )
    print(
        f"  CPU time (s)        first {cpu['first']:.2f} · without events {cpu['first_no_events']:.2f} · "
        f"in-process events {cpu['first_inline']:.2f} (crawl and worker processes, user + system)"
    )
    report = {
        "articles": args.articles,
        "repeat": args.repeat,
        "events_overhead": round(paired(results, "first"), 3),
        "events_inline_overhead": round(paired(results, "first_inline"), 3),
        "cpu_s": cpu,
        "runs": {k: [round(x, 2) for x in v] for k, v in results.items() if v},
    }
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is reported")
    parser.add_argument("--events-only", action="store_true", help="only the first crawls with and without events")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    results: dict[str, list[float]] = {
        "minimal": [],
        "bare": [],
        "first": [],
        "first_no_events": [],
        "first_inline": [],
        "recrawl": [],
        "recrawl_all": [],
    }
    not_modified: list[int] = []
    all_not_modified: list[int] = []
    rolled: list[int] = []
    with tempfile.TemporaryDirectory(prefix="nw-bench-") as tmp:
        tmp = Path(tmp)
        generate(tmp / "site", n_articles=args.articles)
        with serve(tmp / "site") as server:
            for i in range(args.repeat):
                for spider, fields in () if args.events_only else (("minimal", "title"), ("bare", "all")):
                    results[spider].append(
                        timed(
                            [
                                sys.executable,
                                "-m",
                                "scrapy",
                                "runspider",
                                str(HERE / "bare_spider.py"),
                                "-a",
                                f"fields={fields}",
                                "-a",
                                f"base_url={server.url}",
                                "-o",
                                str(tmp / f"{spider}{i}.jsonl"),
                                *COMMON,
                            ],
                            env,
                        )
                    )
                db, cache = f"sqlite:///{tmp / f'bench{i}.db'}", str(tmp / f"cache{i}")
                crawl = [
                    sys.executable,
                    "-m",
                    "newswatch",
                    "--db",
                    db,
                    "crawl",
                    "cae",
                    "-s",
                    f"NEWSWATCH_BASE_URL={server.url}",
                    "-s",
                    "NEWSWATCH_SECTIONS=col2003",
                    "-s",
                    "NEWSWATCH_MAX_PAGES=1000",
                    "-s",
                    f"HTTPCACHE_DIR={cache}",
                    *COMMON,
                ]
                # The database is created beforehand, untimed: a one-off (Alembic) that no crawl but
                # the very first pays, and that the bare spider, which stores nothing, never does.
                timed([sys.executable, "-m", "newswatch", "--db", db, "runs"], env)
                results["first"].append(timed(crawl, env, "first"))
                # The same first crawl without event extraction (and so without linking), and with extraction
                # in the crawl's own process (no worker), each into its own database.
                for key, setting in (
                    ("first_no_events", "NEWSWATCH_EVENTS=False"),
                    ("first_inline", "NEWSWATCH_EVENT_WORKERS=0"),
                ):
                    db2, cache2 = f"sqlite:///{tmp / f'{key}{i}.db'}", str(tmp / f"{key}-cache{i}")
                    timed([sys.executable, "-m", "newswatch", "--db", db2, "runs"], env)
                    results[key].append(
                        timed(
                            [*[db2 if a == db else a for a in crawl], "-s", f"HTTPCACHE_DIR={cache2}", "-s", setting],
                            env,
                            key,
                        )
                    )
                if args.events_only:
                    continue
                server.clear_log()
                results["recrawl"].append(timed(crawl, env, "recrawl"))
                not_modified.append(sum(1 for _, _, status in server.requests if status == 304))
                rolled.append(sum(1 for _, path, _ in server.requests if "column_" not in path))
                server.clear_log()
                results["recrawl_all"].append(timed([*crawl[:7], "--full", *crawl[7:]], env, "recrawl_all"))
                all_not_modified.append(sum(1 for _, _, status in server.requests if status == 304))
            if args.events_only:
                events_only(args, results)
                return
            with open(tmp / "bare0.jsonl") as feed:
                items = sum(1 for _ in feed)
    med = {k: statistics.median(v) for k, v in results.items()}

    report = {
        "articles": args.articles,
        "bare_items": items,
        "repeat": args.repeat,
        "minimal_s": round(med["minimal"], 2),
        "bare_s": round(med["bare"], 2),
        "first_crawl_s": round(med["first"], 2),
        "first_over_bare": round(med["first"] / med["bare"], 2),
        "first_no_events_s": round(med["first_no_events"], 2),
        "events_overhead": round(paired(results, "first"), 3),
        "first_inline_s": round(med["first_inline"], 2),
        "events_inline_overhead": round(paired(results, "first_inline"), 3),
        "cpu_s": {k: round(statistics.median(v), 2) for k, v in CPU.items()},
        "unchanged_recrawl_s": round(med["recrawl"], 2),
        "recrawl_over_first": round(med["recrawl"] / med["first"], 2),
        "recrawl_cpu_over_first": round(statistics.median(CPU["recrawl"]) / statistics.median(CPU["first"]), 2),
        "recrawl_all_cpu_over_first": round(statistics.median(CPU["recrawl_all"]) / statistics.median(CPU["first"]), 2),
        "recrawl_304_answers": not_modified[-1],
        "recrawl_articles_rechecked": rolled[-1],
        "recrawl_all_s": round(med["recrawl_all"], 2),
        "recrawl_all_over_first": round(med["recrawl_all"] / med["first"], 2),
        "recrawl_all_304_answers": all_not_modified[-1],
        "runs": {k: [round(x, 2) for x in v] for k, v in results.items()},
    }
    print(f"articles {args.articles} · median of {args.repeat} runs")
    print(f"title-only spider     {report['minimal_s']:7.2f} s   (reference: the cost of fetching the pages)")
    print(f"bare Scrapy spider    {report['bare_s']:7.2f} s   (same fields, plain selectors, JSON Lines feed)")
    print(
        f"newswatch first crawl {report['first_crawl_s']:7.2f} s   "
        f"ratio {report['first_over_bare']:.2f}× bare (target ≤ 1.50)"
    )
    print(
        f"  without events      {report['first_no_events_s']:7.2f} s   event extraction adds "
        f"{report['events_overhead'] * 100:.1f}% (target ≤ 20%)"
    )
    print(
        f"  events in-process   {report['first_inline_s']:7.2f} s   (NEWSWATCH_EVENT_WORKERS=0) adds "
        f"{report['events_inline_overhead'] * 100:.1f}%"
    )
    cpu = report["cpu_s"]
    print(
        f"  CPU time (s)        first {cpu['first']:.2f} · without events {cpu['first_no_events']:.2f} · "
        f"in-process events {cpu['first_inline']:.2f} (crawl and worker processes, user + system)"
    )
    print(
        f"unchanged recrawl     {report['unchanged_recrawl_s']:7.2f} s   "
        f"ratio {report['recrawl_over_first']:.2f}× first "
        f"(target ≤ 0.35) · rolling recheck of {report['recrawl_articles_rechecked']} articles · "
        f"{report['recrawl_304_answers']} answers were 304"
    )
    print(
        f"                        CPU {cpu['recrawl']:.2f} s, {report['recrawl_cpu_over_first']:.2f}× the first crawl's"
    )
    print(
        f"  --full              {report['recrawl_all_s']:7.2f} s   ratio {report['recrawl_all_over_first']:.2f}× first "
        f"· every article rechecked · {report['recrawl_all_304_answers']} answers were 304, none re-extracted"
    )
    print(f"{'':24}CPU {cpu['recrawl_all']:.2f} s, {report['recrawl_all_cpu_over_first']:.2f}× the first crawl's")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
