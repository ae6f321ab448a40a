"""`newswatch crawl`: run site spiders (or the generic one) into the store and summarise the runs."""

from __future__ import annotations

import sys

import click

from newswatch.cli import cli, open_db


def _settings_overrides(pairs: tuple[str, ...]) -> dict:
    """-s NAME=VALUE pairs, each value checked against its setting's type before any crawl starts."""
    from newswatch.inputs import setting_problem

    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s")
        problem = setting_problem(name.strip(), value)
        if problem:
            raise click.BadParameter(problem, param_hint="-s")
        out[name.strip()] = value
    return out


def _check_url(url: str) -> str:
    from newswatch.inputs import url_problem

    problem = url_problem(url)
    if problem:
        raise click.BadParameter(problem, param_hint="--url")
    return url


def _check_name(name: str, derived: bool = False) -> str:
    from newswatch.inputs import site_name_problem

    problem = site_name_problem(name)
    if problem:
        hint = " (made from the URL's host); give one with --name" if derived else ""
        raise click.BadParameter(problem + hint, param_hint="--name")
    return name


def _check_sections(value: str | None, sites: list[str], classes: dict) -> None:
    """NEWSWATCH_SECTIONS must name sections of every site crawled."""
    if not value:
        return
    wanted = [s.strip() for s in value.split(",") if s.strip()]
    for site in sites:
        unknown = [s for s in wanted if s not in classes[site].sections]
        if unknown:
            raise click.BadParameter(
                f"unknown section {', '.join(unknown)} for {site}; known: {', '.join(classes[site].sections)}",
                param_hint="-s NEWSWATCH_SECTIONS",
            )


class _Progress:
    """A live pages/items line per site on a terminal; silent otherwise."""

    def __init__(self, sites: list[str], enabled: bool):
        self.enabled = enabled
        self.counts = {s: {"page": 0, "item": 0} for s in sites}
        self.live = None

    def __enter__(self):
        if self.enabled:
            from rich.live import Live

            self.live = Live(self.render(), refresh_per_second=4, transient=True, redirect_stderr=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.__exit__(*exc)

    def render(self):
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        for site, c in self.counts.items():
            table.add_row(f"[bold]{site}[/]", f"{c['page']} pages", f"{c['item']} items")
        return table

    def __call__(self, site: str, what: str) -> None:
        self.counts.setdefault(site, {"page": 0, "item": 0})[what] += 1
        if self.live is not None:
            self.live.update(self.render())


@cli.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every site that has a spider.")
@click.option("--url", metavar="URL", help="Crawl a listing page with the generic spider.")
@click.option("--name", metavar="NAME", help="Site name for --url (default: from the host).")
@click.option("--full", is_flag=True, help="Recheck every listed article now (conditional requests: 304s are cheap).")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or NEWSWATCH_ setting, as `scrapy crawl -s` does.",
)
@click.pass_context
def crawl(ctx, sites, all_sites, url, name, full, overrides):
    """Crawl sites (SITE..., --all, or --url LISTING) and flag new, updated, removed and reappeared items.

    Exits 0 when every crawl succeeded, 1 when one failed (its run is recorded as failed and no
    removals are flagged).
    """
    from newswatch.crawling.runner import run_crawls

    plan = plan_crawl(ctx.obj["db"], sites, all_sites, url, name, full, overrides)
    ctx.obj["db"] = plan.db
    store = open_db(ctx)  # fail early, with one line, on a bad database
    store.close()
    own = _own_runs(plan.db, plan.names)
    with own, _Progress(plan.names, sys.stderr.isatty()) as progress:
        own.crawlers = run_crawls(plan.jobs, plan.settings, progress)
    _summary(own.runs)
    for problem in own.problems:
        click.echo(f"Error: {problem}", err=True)
    if not own.succeeded:
        ctx.exit(1)


def plan_crawl(db, sites, all_sites, url, name, full, overrides):
    """The crawls one `newswatch crawl` command line asks for (jobs, Scrapy settings, database), every
    argument checked before anything (database, cache, site) is created; a click error otherwise."""
    from newswatch.crawling.host import CrawlPlan
    from newswatch.crawling.runner import GENERIC, project_settings, site_names, spider_classes
    from spiders.generic import site_name_for

    if sum(map(bool, (sites, all_sites, url))) != 1:
        raise click.UsageError("name the sites to crawl, or give --all, or --url LISTING (one of them)")
    if name and not url:
        raise click.UsageError("--name goes with --url")
    settings_overrides = _settings_overrides(overrides)
    db = db or settings_overrides.get("NEWSWATCH_DB")
    if full:
        settings_overrides["NEWSWATCH_REVISIT_FULL"] = "True"
    if db:
        settings_overrides["NEWSWATCH_DB"] = db
    settings_overrides.setdefault("LOG_LEVEL", "WARNING")
    settings = project_settings(settings_overrides)
    known = site_names(settings)
    if url:
        site = _check_name(name or site_name_for(_check_url(url)), derived=not name)
        if site in known:
            raise click.BadParameter(
                f"{site!r} is a site with its own spider; choose another --name", param_hint="--name"
            )
        jobs = [(GENERIC, {"url": url, "name": site})]
    else:
        unknown = [s for s in sites if s not in known]
        if unknown:
            raise click.BadParameter(
                f"unknown site {', '.join(map(repr, unknown))}; known sites: {', '.join(known)}", param_hint="SITE"
            )
        jobs = [(s, {}) for s in (known if all_sites else dict.fromkeys(sites))]
        _check_sections(settings.get("NEWSWATCH_SECTIONS"), [s for s, _ in jobs], spider_classes(settings))
    return CrawlPlan(jobs, settings, db)


@cli.command("crawl-host", hidden=True)
def crawl_host():
    """Run crawls one after another for `newswatch worker`: `newswatch crawl` arguments in, results out,
    one JSON line each on stdin and stdout (see newswatch.crawling.host)."""
    from newswatch.crawling.host import PlanRefused, serve

    def plan(args: list[str], db: str | None):
        try:
            with crawl.make_context("crawl", list(args)) as ctx:
                return plan_crawl(db, **ctx.params)
        except click.ClickException as exc:
            raise PlanRefused(exc.format_message(), exc.exit_code) from None

    sys.exit(serve(plan))


def _own_runs(db, names):
    """This command's sites taken (one line, exit 75, when one is being crawled); its runs are read back after."""
    from newswatch.crawling.ownruns import BUSY_EXIT, OwnRuns, SiteBusy
    from storage import StoreError

    try:
        return OwnRuns(db, names).take()
    except SiteBusy as exc:
        error = click.ClickException(str(exc))
        error.exit_code = BUSY_EXIT
        raise error from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _summary(runs) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Crawl summary", title_justify="left")
    for col in ("site", "status", "pages", "items", "new", "updated", "removed", "reappeared", "errors"):
        table.add_column(col, justify="left" if col in ("site", "status") else "right")
    for run in runs:
        if run is None:
            continue
        table.add_row(
            run.site,
            run.status,
            *(str(getattr(run, c)) for c in ("pages", "items", "new", "updated", "removed", "reappeared", "errors")),
        )
    Console(width=None if sys.stdout.isatty() else 100).print(table)
