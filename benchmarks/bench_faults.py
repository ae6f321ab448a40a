"""Fault benchmark: recovery after a crawl killed at 30%, and peak memory of a crawl fed oversized pages.

Recovery: a first crawl of a generated site (project settings: AutoThrottle on), then another crawl
of it into a fresh database and cache, killed with -9 once 30% of the articles are stored, and its
rerun (the pages fetched before the kill answer 304). The rerun is timed with newswatch's
AutoThrottle (304 answers lower the delay) and, from a copy of the same killed state, with Scrapy's
stock AutoThrottle (they do not). Target: rerun ≤ 1× the first crawl.

Memory: a crawl of a smaller generated site where one article is 60 MB of HTML and another a gzip
bomb (a few MB inflating to 1 GiB), against the same site without them. Printed: the peak RSS of the
crawl's process (the largest of the crawl and its event workers, from getrusage) and the peak of
the whole process tree (sampled), the items stored and the run's status. Target: ≤ 400 MB, the
crawl finishes and stores the other items.

    python benchmarks/bench_faults.py [--articles 1500] [--small 200] [--skip-recovery] [--skip-memory]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from sitegen import generate  # noqa: E402

from newswatch.fixtureserver import serve  # noqa: E402

#: Scrapy's own AutoThrottle in place of newswatch's, for the side-by-side rerun.
STOCK_THROTTLE = json.dumps(
    {
        "newswatch.crawling.monitor.MonitorExtension": 500,
        "newswatch.crawling.throttle.RevalidatingAutoThrottle": None,
        "scrapy.extensions.throttle.AutoThrottle": 0,
    }
)
MB = 1024 * 1024


def crawl_cmd(db: Path, cache: Path, url: str, *extra: str) -> list[str]:
    settings = [
        f"NEWSWATCH_BASE_URL={url}",
        "NEWSWATCH_SECTIONS=col2003",
        "NEWSWATCH_MAX_PAGES=1000",
        f"HTTPCACHE_DIR={cache}",
        "LOG_LEVEL=ERROR",
        *extra,
    ]
    return [
        sys.executable,
        "-m",
        "newswatch",
        "--db",
        f"sqlite:///{db}",
        "crawl",
        "cae",
        *(x for s in settings for x in ("-s", s)),
    ]


def timed(cmd: list[str], env: dict, ok=(0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return elapsed


def stored_items(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.Error:
        return 0


def last_run(db: Path) -> tuple[str, int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status, items, errors FROM runs ORDER BY id DESC LIMIT 1").fetchone()


def kill_at(cmd: list[str], env: dict, db: Path, target: int) -> float:
    """Start a crawl, kill it (and its event workers) with -9 once ``target`` items are stored."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while proc.poll() is None and stored_items(db) < target:
        time.sleep(0.05)
    if proc.poll() is not None:
        sys.exit(f"the crawl ended before {target} items were stored")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return time.perf_counter() - start


def recovery(tmp: Path, articles: int, env: dict) -> dict:
    generate(tmp / "site", n_articles=articles)
    with serve(tmp / "site") as server:
        first = timed(crawl_cmd(tmp / "first.db", tmp / "first-cache", server.url), env)
        killed_db, killed_cache = tmp / "killed.db", tmp / "killed-cache"
        timed([sys.executable, "-m", "newswatch", "--db", f"sqlite:///{killed_db}", "runs"], env)
        kill_at(crawl_cmd(killed_db, killed_cache, server.url), env, killed_db, int(0.3 * articles))
        at_kill = stored_items(killed_db)
        # the same killed state twice: one rerun per AutoThrottle
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{killed_db}{suffix}").exists():
                shutil.copy(f"{killed_db}{suffix}", f"{tmp / 'stock.db'}{suffix}")
        shutil.copytree(killed_cache, tmp / "stock-cache")
        server.clear_log()
        rerun = timed(crawl_cmd(killed_db, killed_cache, server.url), env)
        answers_304 = sum(1 for _, _, status in server.requests if status == 304)
        stock = timed(crawl_cmd(tmp / "stock.db", tmp / "stock-cache", server.url, f"EXTENSIONS={STOCK_THROTTLE}"), env)
        runs = [last_run(tmp / "killed.db"), last_run(tmp / "stock.db")]
    return {
        "articles": articles,
        "first_s": round(first, 2),
        "stored_at_kill": at_kill,
        "rerun_s": round(rerun, 2),
        "rerun_over_first": round(rerun / first, 2),
        "rerun_304_answers": answers_304,
        "rerun_stock_autothrottle_s": round(stock, 2),
        "stock_over_first": round(stock / first, 2),
        "rerun_runs": runs,
    }


def _peak(cmd: list[str], env: dict) -> tuple[float, float]:
    """Run ``cmd``: (peak RSS of its largest process from getrusage, peak RSS of its process tree sampled)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", wrapper, *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    tree_peak = 0
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            procs = parent.children(recursive=True)  # the crawl and its event workers, not this wrapper
            tree_peak = max(tree_peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    err = proc.stderr.read()
    if proc.returncode not in (0, 1):
        sys.exit(f"crawl failed ({proc.returncode}): {err[-2000:]}")
    return int(err.strip().splitlines()[-1]) / 1024, tree_peak / MB


def memory(tmp: Path, articles: int, env: dict) -> dict:
    site = tmp / "msite"
    generate(site, n_articles=articles)
    manifest = json.loads((site / "manifest.json").read_text("utf-8"))
    huge, bomb = (site / "v1" / item["path"].lstrip("/") for item in manifest["items"][:2])
    shutil.copytree(site, tmp / "plain")
    html = huge.read_text("utf-8")
    filler = "<p>" + "A very long article paragraph that goes on and on. " * 20 + "</p>\n"
    huge.write_text(html.replace("</body>", filler * (60 * MB // len(filler)) + "</body>"), "utf-8")
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        chunk = b" " * MB
        for _ in range(1024):
            out.write(chunk)
    bomb_path = manifest["items"][1]["path"]
    (site / "v1" / "_responses.json").write_text(json.dumps({bomb_path: {"headers": {"Content-Encoding": "gzip"}}}))
    out = {
        "articles": articles,
        "huge_mb": round(huge.stat().st_size / MB, 1),
        "bomb_mb": round(bomb.stat().st_size / MB, 2),
    }
    for key, root in (("hostile", site), ("plain", tmp / "plain")):
        with serve(root) as server:
            db = tmp / f"{key}.db"
            largest, tree = _peak(crawl_cmd(db, tmp / f"{key}-cache", server.url, "AUTOTHROTTLE_ENABLED=False"), env)
            bomb_fetches = sum(1 for _, p, _ in server.requests if p == bomb_path)
        status, _, errors = last_run(db)
        out[key] = {
            "peak_rss_mb": round(largest, 1),
            "peak_tree_rss_mb": round(tree, 1),
            "stored": stored_items(db),
            "status": status,
            "errors": errors,
            "bomb_fetches": bomb_fetches,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500, help="articles of the recovery site")
    parser.add_argument("--small", type=int, default=200, help="articles of the memory site")
    parser.add_argument("--skip-recovery", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    report = {}
    with tempfile.TemporaryDirectory(prefix="nw-faults-") as tmp:
        tmp = Path(tmp)
        if not args.skip_recovery:
            r = report["recovery"] = recovery(tmp, args.articles, env)
            print(f"recovery · {r['articles']} articles · killed at {r['stored_at_kill']} stored")
            print(f"first crawl                       {r['first_s']:7.2f} s")
            print(
                f"rerun after kill -9 at 30%        {r['rerun_s']:7.2f} s   ratio {r['rerun_over_first']:.2f}× first "
                f"(target ≤ 1.00) · {r['rerun_304_answers']} answers were 304"
            )
            print(
                f"  with Scrapy's stock AutoThrottle {r['rerun_stock_autothrottle_s']:6.2f} s   "
                f"ratio {r['stock_over_first']:.2f}× first (304s never lower its delay)"
            )
        if not args.skip_memory:
            m = report["memory"] = memory(tmp, args.small, env)
            print(
                f"memory · {m['articles']} articles, one of them {m['huge_mb']} MB of HTML, "
                f"one a {m['bomb_mb']} MB gzip bomb inflating to 1 GiB"
            )
            for key in ("hostile", "plain"):
                v = m[key]
                print(
                    f"{key:8} peak RSS {v['peak_rss_mb']:7.1f} MB (largest process; target ≤ 400) · "
                    f"process tree {v['peak_tree_rss_mb']:7.1f} MB · {v['stored']} items stored · run {v['status']} "
                    f"with {v['errors']} errors · bomb fetched {v['bomb_fetches']}×"
                )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
