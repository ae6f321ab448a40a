"""Commands for developing a site's spider: new-site, fixture save, check."""

from __future__ import annotations

import keyword
import re
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import click

from newswatch.cli import cli
from newswatch.inputs import site_name_problem, url_problem
from newswatch.text import strip_controls

PAGES = Path("tests") / "fixtures" / "pages"
#: Headers not worth keeping in a fixture (they vary per request or identify a session).
DROPPED_HEADERS = {"set-cookie", "connection", "keep-alive", "transfer-encoding"}

SPIDER_TEMPLATE = '''"""{host}: news of {name}.

Checked against the live site: nothing yet. Fill in the TODOs, save article pages with
`newswatch fixture save {name} URL`, correct their expected.json, then `newswatch check {name} --live`.
"""

from __future__ import annotations

from spiders.base import NewsSpider


class {cls}(NewsSpider):
    name = "{name}"
    institution = {{"name": "TODO: the institution's full name", "acronym": None, "former_names": [], "country": None}}
    base_url = "{base_url}"
    #: Section key -> section name. TODO: one entry per news section worth watching.
    sections = {{"news": "News"}}
    #: Listing path (page 1) of each section.
    listings = {{"news": "{listing_path}"}}
    #: Regex on a link's path: which links are articles. TODO: narrow it to article pages only.
    article_path = r"{article_path}"
    language = "en"
    timezone = None  # TODO: the UTC offset of the site's times, e.g. "+08:00"
    extractor_version = "1"
    live_checked = "no"

    def listing_url(self, section: str, page: int) -> str:
        url = self.base_url + self.listings[section]
        return url if page == 1 else f"{{url}}?page={{page}}"  # TODO: the site's page-N URL

    def next_page(self, response, section, page):
        href = response.css('a[rel="next"]::attr(href)').get()  # TODO: the site's "Next" link
        return response.urljoin(href) if href else None

    @classmethod
    def extract_page(cls, sel, url):
        article = sel.css("article")[:1] or sel  # TODO: the element holding the article
        paragraphs, imgs = cls.body(article, "article", url)  # TODO: the body element
        return {{
            "title": cls.text(article, "h1"),  # TODO
            "published_raw": cls.text(article, "time"),  # TODO
            "source": None,  # TODO
            "section": cls.crumbs(sel, ".breadcrumb a::text"),  # TODO
            "language": sel.css("html::attr(lang)").get() or None,
            "summary": sel.css('meta[name="description"]::attr(content)').get(),
            "body": paragraphs,
            "images": imgs,
            "canonical_url": sel.css('link[rel="canonical"]::attr(href)').get(),
        }}
'''


def _root(root: Path | None) -> Path:
    """The checkout: --root, else the current directory; it must hold spiders/base.py."""
    path = (root or Path.cwd()).resolve()
    if not (path / "spiders" / "base.py").is_file():
        raise click.BadParameter(f"{path} is not a newswatch checkout (no spiders/base.py)", param_hint="--root")
    return path


def _site_class(site: str):
    from newswatch.pagefixtures import spider_for_site

    try:
        return spider_for_site(site)
    except LookupError as exc:
        raise click.BadParameter(str(exc), param_hint="SITE") from None


def _user_agent() -> str:
    from newswatch.crawling.runner import project_settings

    return project_settings().get("USER_AGENT")


def fetch(url: str, timeout: float = 30) -> tuple[bytes, dict, int]:
    """GET a page as newswatch does: body, headers (minus session ones) and status."""
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent(), "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            headers = {k: v for k, v in resp.headers.items() if k.lower() not in DROPPED_HEADERS}
            return resp.read(), headers, resp.status
    except urllib.error.HTTPError as exc:
        raise click.ClickException(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise click.ClickException(f"cannot fetch {url}: {reason}") from None


def _print(value) -> str:
    text = strip_controls(str(value))
    return text if len(text) <= 100 else text[:97] + "..."


# --- new-site ----------------------------------------------------------------------------------


@cli.command("new-site")
@click.argument("name")
@click.argument("url")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="The checkout (default: here).")
def new_site(name, url, root):
    """Scaffold a spider for a new site, from its news listing URL."""
    problem = site_name_problem(name)
    if problem:
        raise click.BadParameter(problem, param_hint="NAME")
    if keyword.iskeyword(name) or name in ("base", "generic"):
        raise click.BadParameter(f"{name!r} is a reserved word here; choose another site name", param_hint="NAME")
    if url_problem(url):
        raise click.BadParameter(url_problem(url), param_hint="URL")
    parts = urlsplit(url)
    checkout = _root(root)
    module = checkout / "spiders" / f"{name}.py"
    if module.exists():
        raise click.ClickException(f"site {name!r} already exists: {module}")
    if str(checkout) == str(Path.cwd().resolve()):
        from newswatch.pagefixtures import spiders

        if name in spiders():
            raise click.ClickException(f"site {name!r} already exists (a spider is named {name!r})")
    listing_path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    prefix = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    prefix = re.sub(r"/[^/]*\.\w+$", "", prefix)  # a listing file (news.html): its folder
    article_path = "^" + re.escape(prefix + "/").replace("\\/", "/") + ".+"
    cls = "".join(w.capitalize() for w in name.split("_") if w) + "Spider"
    module.write_text(
        SPIDER_TEMPLATE.format(
            host=parts.hostname,
            name=name,
            cls=cls,
            base_url=f"{parts.scheme}://{parts.netloc}",
            listing_path=listing_path,
            article_path=article_path,
        ),
        encoding="utf-8",
    )
    pages = checkout / PAGES / name
    pages.mkdir(parents=True, exist_ok=True)
    click.echo(
        f"Created {module.relative_to(checkout)} ({cls}) and {pages.relative_to(checkout)}/\n"
        f"Next:\n"
        f"  1. fill in the TODOs of spiders/{name}.py (institution, sections, listings, article_path, selectors)\n"
        f"  2. newswatch fixture save {name} ARTICLE-URL   (a few articles of different kinds)\n"
        f"  3. correct tests/fixtures/pages/{name}/*/expected.json where the extraction is wrong\n"
        f"  4. pytest tests/test_page_fixtures.py -k {name}   until green\n"
        f"  5. newswatch check {name} --live"
    )


# --- fixture save ------------------------------------------------------------------------------


@cli.group()
def fixture():
    """Saved article pages with their expected items (tests/fixtures/pages/)."""


def case_name(url: str) -> str:
    """A case name from an article URL: its last path segment without extension, as a slug."""
    last = [p for p in urlsplit(url).path.split("/") if p]
    stem = re.sub(r"\.\w+$", "", last[-1]) if last else "index"
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "index"


@fixture.command("save")
@click.argument("site")
@click.argument("url")
@click.option("--name", "case", metavar="CASE", help="The case's folder name (default: from the URL).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="The checkout (default: here).")
@click.option("--force", is_flag=True, help="Replace an existing case of that name.")
def fixture_save(site, url, case, root, force):
    """Download an article page and save it with its current extraction as the expected item."""
    from newswatch.pagefixtures import save_fixture

    _site_class(site)
    if url_problem(url):
        raise click.BadParameter(url_problem(url), param_hint="URL")
    checkout = _root(root)
    case = case or case_name(url)
    if not re.match(r"^[\w.-]+$", case):
        raise click.BadParameter(f"{case!r}: use letters, digits, '.', '-' and '_'", param_hint="--name")
    folder = checkout / PAGES / site / case
    if folder.exists() and not force:
        raise click.ClickException(f"{folder.relative_to(checkout)} exists; choose another --name or use --force")
    body, headers, status = fetch(url)
    folder = save_fixture(checkout / PAGES, site, case, url, body, headers, datetime.now(UTC), status)
    item = __import__("json").loads((folder / "expected.json").read_text("utf-8"))
    click.echo(f"Saved {folder.relative_to(checkout)}/ (body.html {len(body)} bytes, meta.json, expected.json)")
    width = max(len(k) for k in item)
    for key, value in item.items():
        click.echo(f"  {key:<{width}}  {_print(value)}")
    click.echo(
        f"Review expected.json (correct any wrong value), then: pytest tests/test_page_fixtures.py -k '{site}:{case}:'"
    )


# --- check -------------------------------------------------------------------------------------


def _report(title: str, report: dict, origins: list[dict[str, str]] | None = None) -> None:
    """Print one coverage report: a table of fields, then unparsed dates and errors.

    With ``origins`` (per page, where each raw field came from), the table also says how many
    pages the site's selectors filled each field on and how many fell back to generic extraction.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(title, highlight=False, markup=False, soft_wrap=True)
    table = Table()
    table.add_column("field", no_wrap=True)
    table.add_column("filled", justify="right", no_wrap=True)
    if origins is not None:
        table.add_column("selectors", justify="right", no_wrap=True)
        table.add_column("fallback", justify="right", no_wrap=True)
    table.add_column("empty in", overflow="fold", ratio=1)
    total = report["total"]
    for field, info in report["fields"].items():
        counts = []
        if origins is not None:
            key = "published_raw" if field == "published" else field
            known = [o[key] for o in origins if key in o]
            by_selectors, by_generic = known.count("selectors"), known.count("generic")
            derived = not (by_selectors or by_generic) and info["filled"]  # set by the pipeline (canonical_url)
            counts = [str(by_selectors), str(by_generic)] if known and not derived else ["-", "-"]
        table.add_row(field, f"{info['filled']}/{total}", *counts, ", ".join(info["empty"]))
    console.print(table)
    if report["unparsed_dates"]:
        console.print("Dates that failed to parse:", highlight=False)
        for entry in report["unparsed_dates"]:
            console.print(f"  {entry['case']}: {entry['published_raw']!r}", highlight=False, markup=False)
    else:
        console.print(f"Dates: every published_raw parsed ({total} page(s)).", highlight=False)
    for case, error in report["errors"].items():
        console.print(f"Extraction failed on {case}: {error}", highlight=False, markup=False)


def live_items(cls, base_url: str | None, articles: int) -> tuple[str, dict[str, dict], list[dict[str, str]]]:
    """The site's first listing page, the items of its first ``articles`` articles, and per article
    where each field came from (the site's selectors or the generic extraction)."""
    from scrapy.http import HtmlResponse

    from newswatch.fallback import field_origins
    from newswatch.pagefixtures import charset_of, extract_body
    from newswatch.text import decode_html

    spider = cls(base_url=base_url) if base_url else cls()
    failures = []
    for section in spider.sections:  # the first section whose listing answers
        listing = spider.listing_url(section, 1)
        try:
            body, headers, _ = fetch(listing, timeout=15)
        except click.ClickException as exc:
            failures.append(exc.format_message().removeprefix("cannot fetch "))
            continue
        for failure in failures:
            click.echo(f"skipped listing {failure}", err=True)
        break
    else:
        raise click.ClickException(f"could not reach the site: {failures[-1] if failures else 'no sections'}")
    response = HtmlResponse(listing, body=body, headers=headers)
    links = spider.article_links(response)
    if not links:
        raise click.ClickException(f"no article links on {listing}: check article_path and the listing URL")
    items, origins = {}, []
    for link in links[:articles]:
        try:
            page, page_headers, _ = fetch(link, timeout=15)
            items[link] = extract_body(cls.name, page, link, page_headers)
        except click.ClickException as exc:
            click.echo(f"skipped {link}: {exc.format_message()}", err=True)
            continue
        origins.append(field_origins(cls, decode_html(page, charset_of(page_headers))[0], link))
    return listing, items, origins


@cli.command()
@click.argument("site")
@click.option("--live", is_flag=True, help="Also crawl the first listing page and a few articles.")
@click.option("--articles", type=click.IntRange(min=1), default=3, show_default=True, help="Articles read with --live.")
@click.option("--base-url", metavar="URL", help="With --live: read the site from this origin (a mirror).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="The checkout (default: here).")
def check(site, live, articles, base_url, root):
    """Report how well a site's extraction fills each field, on saved fixtures (and live pages)."""
    from newswatch.pagefixtures import coverage, item_coverage, load_fixtures

    cls = _site_class(site)
    checkout = _root(root)
    fixtures = load_fixtures(checkout / PAGES, site)
    if fixtures:
        _report(f"{site}: {len(fixtures)} saved fixture(s) in {PAGES / site}", coverage(fixtures)[site])
    else:
        click.echo(
            f"No saved fixtures for {site} in {PAGES / site}; add some with `newswatch fixture save {site} URL`."
        )
        if not live:
            sys.exit(1)
    if live:
        listing, items, origins = live_items(cls, base_url, articles)
        if not items:
            raise click.ClickException(f"no article of {listing} could be read")
        report = item_coverage({case_name(url): item for url, item in items.items()})
        _report(f"{site}: {len(items)} live article(s) from {listing}", report, origins)
