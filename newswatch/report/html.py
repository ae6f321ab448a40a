"""The report as one self-contained HTML page: inline CSS, no script, printable, safe with hostile text.

Jinja2 autoescapes every value; the only markup not written by the template is the word diff of
``newswatch.htmldiff.inline``, which escapes each run of words itself. Links are emitted for http(s)
URLs only, and a Content-Security-Policy forbids scripts and external resources even if one slipped in.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from newswatch.changes import FLAG_KINDS
from newswatch.htmldiff import inline
from newswatch.report import Report, web_url
from newswatch.report.render import KIND_TITLES, counts_line, heading, plain, when

TEMPLATE = "report.html.j2"
#: No scripts, no external resources: only the page's own inline style and data: images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
DIFF_CONTEXT = 12


def word_diff(ops: list[list[str]]) -> Markup:
    """Inline <del>/<ins> word diff, long unchanged runs shortened (escaped by htmldiff)."""
    return inline(ops, context=DIFF_CONTEXT)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report: autoescape on for .j2 templates, undefined names fail."""
    env = Environment(
        loader=PackageLoader("newswatch", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(web_url=web_url, when=when, plain=plain, word_diff=word_diff)
    env.globals.update(KINDS=FLAG_KINDS, KIND_TITLES=KIND_TITLES, CSP=CSP, counts_line=counts_line, heading=heading)
    return env


def to_html(report: Report) -> str:
    """The whole page."""
    return environment().get_template(TEMPLATE).render(report=report)
