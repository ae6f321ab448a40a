"""A crawl host: one long-lived process that runs crawls one after another in one Twisted reactor.

`newswatch worker` keeps one per crawl slot (newswatch.cluster.hosts), so that Scrapy, newswatch
and its rules are loaded once, and the database pool and the event workers stay up between crawls.
A request is one JSON line on stdin, ``{"args": [newswatch crawl arguments], "db": URL}``. The
crawl is planned by `newswatch crawl`'s own code, takes its sites' leases, runs in a CrawlerRunner
of its own with its own settings, and has its runs read back; its result is one JSON line on stdout,
``{"exit": 0 | 1 | 2 | 75, "error", "problems", "runs", "crawls", "rss"}`` with the exit status
`newswatch crawl` would have ended with. The host says ``{"ready": pid}`` once started and ends
when its stdin closes. On SIGTERM it stops its crawl (the run is recorded as closed by "shutdown",
as Scrapy does on SIGTERM), answers, and ends.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from newswatch.errors import NewswatchError

logger = logging.getLogger(__name__)

#: Longest request line accepted (a crawl's arguments are a few hundred bytes).
MAX_LINE = 1 << 20


class PlanRefused(NewswatchError):
    """A request `newswatch crawl` would refuse (bad arguments): its message and exit status."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class CrawlPlan:
    """What one `newswatch crawl` command line asks for: (spider, kwargs) jobs, settings, database."""

    jobs: list[tuple[str, dict]]
    settings: Any
    db: str | None

    @property
    def names(self) -> list[str]:
        """The sites crawled (a generic crawl's is its ``name``)."""
        return [kwargs.get("name", spider) for spider, kwargs in self.jobs]


#: Turns a request's crawl arguments and database into a plan; raises PlanRefused.
Plan = Callable[[list[str], str | None], CrawlPlan]


def _one_line(exc: BaseException) -> str:
    from storage.engine import describe_error

    return describe_error(exc)


def _rss() -> int:
    """This process's resident memory, in bytes."""
    import psutil

    return psutil.Process().memory_info().rss


class Host:
    """The crawls of one host, one at a time; ``send`` writes a result, ``stop`` ends the reactor."""

    def __init__(self, plan: Plan, send: Callable[[dict], None], stop: Callable[[], None]):
        self.plan, self.send, self.stop = plan, send, stop
        self.crawls = 0
        self.busy = False
        self.ending = False
        self.runner: Any = None  # the running crawl's CrawlerRunner

    def request(self, line: bytes) -> None:
        """A request line: start its crawl (one at a time)."""
        from twisted.internet.defer import Deferred

        if self.busy or self.ending:
            self.send({"exit": 2, "error": "the crawl host is busy" if self.busy else "the crawl host is ending"})
            return
        try:
            request = json.loads(line)
            args, db = [str(a) for a in request["args"]], request.get("db")
        except (ValueError, TypeError, KeyError) as exc:
            self.send({"exit": 2, "error": f"not a crawl request: {exc}"})
            return
        self.busy = True
        Deferred.fromCoroutine(self.crawl(args, db)).addBoth(self._answer)

    async def crawl(self, args: list[str], db: str | None) -> dict:
        """One `newswatch crawl` of ``args``, as that command would run it; its result."""
        from scrapy.resolver import dnscache

        from newswatch.crawling.ownruns import BUSY_EXIT, OwnRuns, SiteBusy
        from newswatch.crawling.runner import start_crawls
        from storage import StoreError

        try:
            plan = self.plan(args, db)
        except PlanRefused as exc:
            return {"exit": exc.exit_code, "error": str(exc)}
        try:
            own = OwnRuns(plan.db, plan.names).take()
        except SiteBusy as exc:
            return {"exit": BUSY_EXIT, "error": str(exc)}
        except StoreError as exc:
            return {"exit": 1, "error": str(exc)}
        dnscache.clear()  # a site's address is looked up afresh by each crawl, as in a process of its own
        with own:
            self.runner, own.crawlers, done = start_crawls(plan.jobs, plan.settings)
            try:
                if self.ending:  # SIGTERM came while the crawl was being set up
                    self._stop_crawls()
                await done
            finally:
                self.runner = None
        return {
            "exit": 0 if own.succeeded else 1,
            "problems": own.problems,
            "runs": [run.id if run is not None else None for run in own.runs],
        }

    def _answer(self, result) -> None:
        if not isinstance(result, dict):  # a Failure: the crawl broke outside Scrapy's own error handling
            logger.error("crawl failed: %s", result.getTraceback())
            result = {"exit": 1, "error": _one_line(result.value)}
        self.crawls += 1
        gc.collect()  # what the crawl left goes now, so that the memory reported is what the host keeps
        self.busy = False
        self.send({**result, "crawls": self.crawls, "rss": _rss(), "ending": self.ending})
        if self.ending:
            self.stop()

    def terminate(self) -> None:
        """SIGTERM, or the worker closed our input: stop the crawl (its run is recorded), then end."""
        if self.ending:
            return
        self.ending = True
        if self.runner is not None:
            logger.info("stopping the crawl: the crawl host is ending")
            self._stop_crawls()
        elif not self.busy:
            self.stop()

    def _stop_crawls(self) -> None:
        """Stop the crawl's engines as Scrapy does on SIGTERM (the spider closes with "shutdown").

        An engine still starting cannot be stopped yet (Scrapy would let it run on): the crawls are
        looked at again shortly, until every crawl of the request has ended.
        """
        from scrapy.utils.defer import deferred_from_coro

        runner = self.runner
        if runner is None:
            return
        starting = False
        for crawler in list(runner.crawlers):
            engine = _engine_of(crawler)
            if engine is None or not engine.running:  # starting, or already closing: looked at again
                starting = True
                continue
            if hasattr(engine, "stop_async"):
                deferred_from_coro(engine.stop_async())
            else:  # Scrapy before 2.14
                engine.stop()
        if starting:
            _reactor().callLater(0.1, self._stop_crawls)


class _Requests:
    """Requests read from stdin by the reactor, a line each; the end of input ends the host."""

    def __init__(self, host: Host, fd: int = 0):
        self.host, self.fd = host, fd
        self.received = bytearray()
        os.set_blocking(fd, False)

    def fileno(self) -> int:
        return self.fd

    def logPrefix(self) -> str:
        return "crawl host input"

    def doRead(self):
        from twisted.internet.error import ConnectionDone

        try:
            chunk = os.read(self.fd, 65536)
        except BlockingIOError:
            return None
        if not chunk:
            return ConnectionDone()  # the reactor then calls connectionLost
        self.received += chunk
        while b"\n" in self.received:
            line, _, rest = bytes(self.received).partition(b"\n")
            self.received = bytearray(rest)
            if line.strip():
                self.host.request(line)
        if len(self.received) > MAX_LINE:
            self.received.clear()
            self.host.send({"exit": 2, "error": "a request line longer than the host reads"})
        return None

    def connectionLost(self, reason=None) -> None:
        _reactor().removeReader(self)
        self.host.terminate()


def _engine_of(crawler) -> Any:
    """A crawler's engine, None before the crawl creates it (Scrapy 2.14 keeps it as ``_engine``)."""
    return crawler.__dict__.get("_engine") or crawler.__dict__.get("engine")


def _reactor() -> Any:
    """The installed reactor (its type is only known at run time)."""
    from twisted.internet import reactor

    return reactor


def _prepare(settings) -> None:
    """What `CrawlerProcess` does before its reactor runs (logging, DNS resolver, thread pool), and the
    modules every crawl uses imported now, before the start-up objects are frozen out of the collector."""
    from scrapy.utils.log import configure_logging
    from scrapy.utils.misc import load_object

    from newswatch.crawling.gctune import tune_for_crawl
    from newswatch.crawling.runner import spider_classes

    reactor = _reactor()
    configure_logging(settings)
    resolver = load_object(settings["TWISTED_DNS_RESOLVER"]).from_crawler(SimpleNamespace(settings=settings), reactor)
    resolver.install_on_reactor()
    reactor.getThreadPool().adjustPoolsize(maxthreads=settings.getint("REACTOR_THREADPOOL_MAXSIZE"))
    spider_classes(settings)
    for setting in ("ITEM_PIPELINES", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES"):
        for path, order in settings.getwithbase(setting).items():
            if order is not None:
                load_object(path)
    tune_for_crawl()


def serve(plan: Plan) -> int:
    """Run crawl requests from stdin until it closes or SIGTERM; the exit status."""
    from scrapy.utils.reactor import install_reactor

    from newswatch.crawling.runner import project_settings
    from newswatch.crawling.stores import close_kept, keep_open

    results = os.dup(1)
    os.dup2(2, 1)  # anything printed goes to the log, never into the results
    settings = project_settings({"LOG_LEVEL": "WARNING"})  # each crawl's own settings take over as it starts
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    reactor = _reactor()

    _prepare(settings)
    keep_open()

    os.set_blocking(results, True)

    def send(message: dict) -> None:
        """One result line, written whole before anything else happens (the reactor may stop next)."""
        data = memoryview(json.dumps(message).encode() + b"\n")
        while data:
            data = data[os.write(results, data) :]

    def stop() -> None:
        if reactor.running:
            reactor.stop()

    host = Host(plan, send, stop)
    reactor.addReader(_Requests(host))
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: reactor.callFromThread(host.terminate))
    send({"ready": os.getpid()})
    reactor.run(installSignalHandlers=False)
    close_kept()
    return 0
