"""Cluster benchmark: one backlog of loopback sites crawled by 1, 2 and 4 `newswatch worker`s, and fail-over.

Every site is the same generated CAE-style site (``sitegen``) served from a loopback address of its
own (127.0.x.y, so its items are its own), each page answered after an injected latency. For each
worker count the backlog starts in a fresh PostgreSQL schema: all sites due at once, each worker
running ``--concurrency`` crawls. Printed per worker count: wall time, sites/min, pages/s, CPU
seconds per site crawl (the workers' and their crawls'), the duplicate-flag count (an item flagged NEW
more than once), the overlapping-run count (two runs of one site at once) and whether the flags
match the known truth exactly (every article NEW once, nothing else). Then an unchanged recheck of
every site (all due again, the workers still running) for the CPU seconds per unchanged site check:
the workers' own, and their crawl hosts' (live processes, read from /proc, their event workers
included). The baseline (``--baseline``, on by default) runs the first worker count again with a
fresh process per crawl (`newswatch worker --max-crawls-per-host 1`), as every crawl ran before
crawl hosts were kept warm.

Fail-over: a slow site, worker A crawling it, worker B idle; ``kill -9`` of A's process group;
timed until B has completed the site, over ``--trials`` trials, with `newswatch worker`'s default
heartbeat settings (target <= 30 s). Each trial prints its phases (seconds after the kill: A's run
closed as interrupted, its job queued again, taken by B, B's crawl begun, B's crawl done), the crawl's
own time (fixed work) and the fail-over overhead beside it, and checks that A's crawl died with it and
that no item was flagged twice.

    python benchmarks/bench_cluster.py [--sites 200] [--articles 20] [--workers 1,2,4] [--trials 5]
    python benchmarks/bench_cluster.py --failover-only --trials 5
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import sqlalchemy as sa  # noqa: E402
from sitegen import generate  # noqa: E402

from newswatch.cluster import HEARTBEAT, STALLED_AFTER, TICK  # noqa: E402
from newswatch.fixtureserver import serve  # noqa: E402

PG = os.environ.get("NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LISTING = "/cae/html/en/col2003/column_2003_1.html"
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "ROBOTSTXT_OBEY": "False",
    "LOG_LEVEL": "ERROR",
    "NEWSWATCH_EVENT_WORKERS": "0",
}


def worker_cpu(procs: list[subprocess.Popen]) -> float:
    """CPU seconds of running workers so far (user + system): their own, their finished children's, and
    those of their live descendants (the crawl hosts and their event workers, not counted by the
    kernel in the worker's until they end)."""
    stats = {p.name: _stat(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()}
    children: dict[str, list[str]] = {}
    for pid, fields in stats.items():
        if fields and len(fields) > 14:
            children.setdefault(fields[1], []).append(pid)
    total, todo = 0, [str(proc.pid) for proc in procs]
    while todo:
        pid = todo.pop()
        fields = stats.get(pid)
        if fields and len(fields) > 14:
            total += sum(int(f) for f in fields[11:15])
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def host(i: int) -> str:
    """A loopback address of its own for site ``i`` (127.0.0.2 onwards)."""
    return f"127.0.{(i + 2) // 250}.{(i + 2) % 250}"


def make_site(root: Path, articles: int, delay: float) -> Path:
    """The generated site, with every page (listing and articles) answered after ``delay`` seconds."""
    generate(root, n_articles=articles, overwrite=True)
    manifest = json.loads((root / "manifest.json").read_text())
    paths = [item["path"] for item in manifest["items"]] + [manifest["start_url"]]
    (root / "v1" / "_responses.json").write_text(json.dumps({p: {"delay": delay} for p in paths}))
    return root


class Schema:
    """A fresh PostgreSQL schema, its newswatch URL, dropped at the end."""

    def __init__(self):
        from sqlalchemy.engine import make_url

        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{self.name}"')
        self.url = make_url(PG).update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = self.url.render_as_string(hide_password=False)
        self.engine = sa.create_engine(self.url)

    def rows(self, sql: str) -> list:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()

    def execute(self, sql: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql))

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{self.name}" CASCADE')
        self.admin.dispose()


def write_config(path: Path, urls: list[str], cache: Path, **extra: str) -> Path:
    settings = {**SETTINGS, "HTTPCACHE_DIR": str(cache), **extra}
    inline = ", ".join(f'{k} = "{v}"' for k, v in settings.items())
    text = '[scheduler]\nstagger = "0s"\n'
    for i, url in enumerate(urls):
        text += f'\n[sites.s{i:04d}]\nurl = "{url}"\ninterval = "1d"\nsettings = {{ {inline} }}\n'
    path.write_text(text)
    return path


def start_worker(db: str, config: Path, log: Path, *options: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newswatch", "--db", db, "worker", "--config", str(config), *options]
    return subprocess.Popen(cmd, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def stop(workers: list[subprocess.Popen]) -> None:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    for w in workers:
        try:
            w.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"timed out after {timeout:.0f}s waiting for {what}")


def finished(schema: Schema) -> int:
    return schema.rows("SELECT count(*) FROM runs WHERE status <> 'running'")[0][0]


def duplicates(schema: Schema) -> int:
    """Items flagged NEW more than once."""
    sql = "SELECT count(*) FROM (SELECT item_id FROM changes WHERE kind = 'new' GROUP BY item_id HAVING count(*) > 1) d"
    return schema.rows(sql)[0][0]


def overlaps(schema: Schema) -> int:
    """Pairs of runs of one site that ran at the same time."""
    return schema.rows(
        "SELECT count(*) FROM runs a JOIN runs b ON a.site = b.site AND a.id < b.id "
        "AND a.started_at < coalesce(b.finished_at, now()) AND b.started_at < coalesce(a.finished_at, now())"
    )[0][0]


def init(schema: Schema, config: Path) -> None:
    """`newswatch worker --init`: tables and task queue in place before anything is timed."""
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "--db", schema.url, "worker", "--init", "--config", str(config)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)


def backlog(workers: int, urls: list[str], args, tmp: Path, *extra: str, tag: str = "") -> dict:
    """All sites due at once, ``workers`` workers (with ``extra`` options); the figures of the first
    crawl and of an unchanged recheck."""
    schema = Schema()
    n = len(urls)
    config = write_config(tmp / f"w{workers}{tag}.toml", urls, tmp / f"cache{workers}{tag}")
    init(schema, config)
    options = ("--concurrency", str(args.concurrency), "--tick", "1", *extra)
    t0 = time.monotonic()
    procs = [start_worker(schema.url, config, tmp / f"w{workers}{tag}-{i}.log", *options) for i in range(workers)]
    try:
        wait_for(lambda: finished(schema) >= n, args.timeout, f"{n} crawls with {workers} worker(s)")
        elapsed = time.monotonic() - t0
        cpu_first = worker_cpu(procs)
        pages = schema.rows("SELECT coalesce(sum(pages), 0) FROM runs")[0][0]
        flags = dict(schema.rows("SELECT kind, count(*) FROM changes GROUP BY kind"))
        per_site = schema.rows("SELECT site, status, new FROM runs")
        exact = (
            flags == {"new": n * args.articles}
            and len(per_site) == n
            and all(r[1] == "ok" and r[2] == args.articles for r in per_site)
        )
        # Unchanged recheck: every site due again now, the workers still running.
        t1 = time.monotonic()
        schema.execute("UPDATE site_schedule SET next_run_at = now()")
        wait_for(lambda: finished(schema) >= 2 * n, args.timeout, "the unchanged recheck")
        recheck = time.monotonic() - t1
        cpu_recheck = worker_cpu(procs) - cpu_first
        unchanged_flags = schema.rows("SELECT count(*) FROM changes")[0][0] - n * args.articles
    finally:
        stop(procs)
    result = {
        "workers": workers,
        "elapsed": elapsed,
        "sites_per_min": n / elapsed * 60,
        "pages_per_s": pages / elapsed,
        "duplicates": duplicates(schema),
        "overlaps": overlaps(schema),
        "exact": exact,
        "recheck_elapsed": recheck,
        "recheck_flags": unchanged_flags,
        "cpu_first": cpu_first / n,  # per site crawl, the workers' own share included
        "cpu_recheck": cpu_recheck / n,
    }
    schema.drop()
    return result


def _at(schema: Schema, sql: str, **params) -> float | None:
    """A database timestamp (epoch seconds) read by ``sql``; None when there is none yet."""
    with schema.engine.connect() as conn:
        value = conn.execute(sa.text(sql), params).scalar()
    return value.timestamp() if value is not None else None


def failover_trial(trial: int, url: str, args, tmp: Path) -> dict:
    """Kill -9 the worker crawling the slow site; seconds until another worker has completed it, by phase.

    Phases, in seconds after the kill (database timestamps, same clock as the kill's): ``detected``
    (the dead worker's run closed as interrupted), ``requeued`` (its crawl job back to "todo"),
    ``fetched`` (taken by the other worker), ``crawling`` (the new crawl's run begun: its process up),
    ``done`` (that run finished); ``crawl`` is the new crawl's own time (its run's start to end), the
    fixed work the fail-over overhead (``done - crawl``) is added to.
    """
    schema = Schema()
    config = write_config(tmp / f"fo{trial}.toml", [url], tmp / f"focache{trial}", CONCURRENT_REQUESTS="1")
    init(schema, config)
    options = ("--heartbeat", str(args.heartbeat), "--stalled-after", str(args.stalled_after), "--tick", str(args.tick))
    first = start_worker(schema.url, config, tmp / f"fo{trial}-a.log", *options)
    second = None
    try:
        name = f"{os.uname().nodename}:{first.pid}"
        wait_for(
            lambda: schema.rows(f"SELECT 1 FROM runs WHERE worker = '{name}' AND status = 'running'"),
            args.timeout,
            "the first worker's crawl",
        )
        crawl = wait_for(lambda: children(first.pid), 60, "the crawl process")
        job = schema.rows("SELECT id FROM procrastinate_jobs WHERE task_name = 'newswatch.crawl' AND status = 'doing'")
        second = start_worker(schema.url, config, tmp / f"fo{trial}-b.log", *options)
        wait_for(lambda: schema.rows("SELECT count(*) FROM cluster_workers")[0][0] == 4, 120, "the second worker")
        still_running = schema.rows("SELECT count(*) FROM runs WHERE status = 'running'")[0][0] == 1
        killed_wall, killed = time.time(), time.monotonic()
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        other = f"{os.uname().nodename}:{second.pid}"
        # The job's events go with it once it succeeds: read them while the new crawl runs.
        wait_for(
            lambda: schema.rows(f"SELECT 1 FROM runs WHERE worker = '{other}'"),
            args.timeout,
            "the second worker to start the site",
        )
        started = time.monotonic() - killed
        events = "SELECT max(at) FROM procrastinate_events WHERE job_id = :job AND type = :type"
        job_id = job[0][0] if job else -1
        requeued = _at(schema, events, job=job_id, type="deferred_for_retry")
        fetched = _at(schema, events, job=job_id, type="started")
        wait_for(
            lambda: schema.rows(f"SELECT 1 FROM runs WHERE worker = '{other}' AND status = 'ok'"),
            args.timeout,
            "the second worker to complete the site",
        )
        done = time.monotonic() - killed
        detected = _at(schema, "SELECT finished_at FROM runs WHERE worker = :w", w=name)
        began = _at(schema, "SELECT started_at FROM runs WHERE worker = :w", w=other)
        ended = _at(schema, "SELECT finished_at FROM runs WHERE worker = :w", w=other)
        orphans = [pid for pid in crawl if in_group(pid)]
        items = schema.rows("SELECT count(*) FROM items")[0][0]

        def since(at: float | None) -> float:
            return at - killed_wall if at is not None else float("nan")

        return {
            "failover": done,
            "restart": started,
            "detected": since(detected),
            "requeued": since(requeued),
            "fetched": since(fetched),
            "crawling": since(began),
            "done": since(ended),
            "crawl": (ended - began) if ended and began else float("nan"),
            "mid_crawl": still_running,
            "orphans": len(orphans),
            "duplicates": duplicates(schema),
            "complete": items == args.articles,
        }
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        stop([second] if second else [])
        schema.drop()


def _stat(pid: str) -> list[str] | None:
    try:
        return (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    return [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and (_stat(p.name) or [0, 0])[1] == str(pid)
    ]


def in_group(pgid: int) -> bool:
    for p in Path("/proc").iterdir():
        fields = _stat(p.name) if p.name.isdigit() else None
        if fields and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def print_row(label: str, r: dict) -> None:
    print(
        f"{label:>7} {r['elapsed']:>8.1f} {r['sites_per_min']:>9.1f} {r['pages_per_s']:>8.1f} "
        f"{r['duplicates']:>4} {r['overlaps']:>7} {'yes' if r['exact'] else 'NO':>5} "
        f"{r['recheck_elapsed']:>9.1f} {r['recheck_flags']:>13} "
        f"{r['cpu_first']:>11.2f} {r['cpu_recheck']:>13.2f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=200, help="loopback sites in the backlog (default: 200)")
    parser.add_argument("--articles", type=int, default=20, help="articles per site (default: 20)")
    parser.add_argument("--delay", type=float, default=0.05, help="injected latency per page, s (default: 0.05)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare (default: 1,2,4)")
    parser.add_argument("--concurrency", type=int, default=1, help="crawls at once per worker (default: 1)")
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the first worker count with a fresh process per crawl (--max-crawls-per-host 1)",
    )
    parser.add_argument("--trials", type=int, default=5, help="fail-over trials, 0 to skip (default: 5)")
    parser.add_argument("--failover-delay", type=float, default=0.3, help="latency of the slow site, s (default: 0.3)")
    parser.add_argument("--heartbeat", type=float, default=HEARTBEAT, help="as `newswatch worker`")
    parser.add_argument("--stalled-after", type=float, default=STALLED_AFTER, help="as `newswatch worker`")
    parser.add_argument("--tick", type=int, default=TICK, help="as `newswatch worker`")
    parser.add_argument("--failover-only", action="store_true", help="skip the backlog; only the fail-over trials")
    parser.add_argument("--timeout", type=float, default=7200, help="give up on a phase after this many seconds")
    args = parser.parse_args(argv)
    counts = [] if args.failover_only else [int(c) for c in args.workers.split(",") if c.strip()]

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp_name:
        tmp = Path(tmp_name)
        site = make_site(tmp / "site", args.articles, args.delay)
        servers = [serve(site, host=host(i)) for i in range(args.sites if counts else 0)]
        urls = [f"{s.url}{LISTING}" for s in servers]
        if counts:
            print(
                f"Backlog: {args.sites} sites x {args.articles} articles, {args.delay * 1000:.0f} ms per page, "
                f"{args.concurrency} crawl(s) per worker; {os.cpu_count()} cores",
                flush=True,
            )
            print(
                f"{'workers':>7} {'wall s':>8} {'sites/min':>9} {'pages/s':>8} {'dup':>4} {'overlap':>7} {'exact':>5} "
                f"{'recheck s':>9} {'recheck flags':>13} {'CPU s/crawl':>11} {'CPU s/recheck':>13}",
                flush=True,
            )
        results = []
        try:
            for count in counts:
                r = backlog(count, urls, args, tmp)
                results.append(r)
                print_row(str(r["workers"]), r)
            fresh = None
            if args.baseline and counts:
                fresh = backlog(counts[0], urls, args, tmp, "--max-crawls-per-host", "1", tag="fresh")
                print_row(f"{counts[0]} fresh", fresh)
        finally:
            for s in servers:
                s.stop()
        base = results[0]["sites_per_min"] if results else None
        for r in results[1:]:
            print(f"speed-up with {r['workers']} workers: {r['sites_per_min'] / base:.2f}x of {results[0]['workers']}")
        if results:
            warm = results[0]["cpu_recheck"]
            line = f"CPU seconds per unchanged small-site check ({args.articles + 1} pages), inside a running worker: "
            line += f"{warm:.2f} (target <= 0.5)"
            if fresh is not None:
                line += (
                    f"; {fresh['cpu_recheck']:.2f} with a fresh process per crawl (--max-crawls-per-host 1): "
                    f"{fresh['cpu_recheck'] / warm:.1f}x"
                )
            print(line, flush=True)

        if args.trials:
            slow = make_site(tmp / "slow", args.articles, args.failover_delay)
            server = serve(slow, host=host(0))
            try:
                print(
                    f"\nFail-over ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}): "
                    f"heartbeat {args.heartbeat:g}s, stalled after {args.stalled_after:g}s, "
                    f"tick {args.tick}s; slow site {args.articles} pages at {args.failover_delay * 1000:.0f} ms",
                    flush=True,
                )
                print(
                    f"{'trial':>5} {'detected':>8} {'requeued':>8} {'fetched':>8} {'crawling':>8} {'done':>6} "
                    f"{'total':>6} {'crawl':>6} {'overhead':>8}  checks",
                    flush=True,
                )
                results = []
                for trial in range(1, args.trials + 1):
                    r = failover_trial(trial, f"{server.url}{LISTING}", args, tmp)
                    results.append(r)
                    checks = (
                        f"mid-crawl {'yes' if r['mid_crawl'] else 'NO'}, orphans {r['orphans']}, "
                        f"duplicate flags {r['duplicates']}, all items {'yes' if r['complete'] else 'NO'}"
                    )
                    print(
                        f"{trial:>5} {r['detected']:>8.1f} {r['requeued']:>8.1f} {r['fetched']:>8.1f} "
                        f"{r['crawling']:>8.1f} {r['done']:>6.1f} {r['failover']:>6.1f} {r['crawl']:>6.1f} "
                        f"{r['failover'] - r['crawl']:>8.1f}  {checks}",
                        flush=True,
                    )

                def median(key: str) -> float:
                    values = sorted(r[key] for r in results)
                    return values[len(values) // 2]

                times = [r["failover"] for r in results]
                print(
                    f"fail-over: median {median('failover'):.1f} s, max {max(times):.1f} s (target <= 30 s); "
                    f"of which the crawl itself: median {median('crawl'):.1f} s; "
                    f"overhead median {sorted(r['failover'] - r['crawl'] for r in results)[len(results) // 2]:.1f} s"
                )
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
