"""The dashboard application: ``create_app(db_url, token, config)`` wires the store, security and routes."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from newswatch.web.cache import CachedPage, GenerationCache, new_csrf_mark
from newswatch.web.security import ACCESS_LOGGER, Guard, SecurityMiddleware, TokenRedactingFilter, http_url
from newswatch.web.views import BadRequest, show_value

HERE = Path(__file__).resolve().parent
#: Threads serving requests, and database connections kept open for them.
WEB_THREADS = 12
#: Atom documents kept per process, by URL and the feed's newest change.
FEED_CACHE = 64
KIND_LABELS = {"new": "New", "updated": "Updated", "removed": "Removed", "reappeared": "Reappeared"}
REVIEW_LABELS = {"reviewed": "Reviewed", "false_positive": "False positive"}


def _when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else "—"


def templates_env() -> Jinja2Templates:
    """Jinja2 with autoescaping on for every template, and the filters the pages use."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat of each file on every request
    )
    env.filters.update(http_url=http_url, when=_when, show=show_value)
    env.globals.update(KIND_LABELS=KIND_LABELS, REVIEW_LABELS=REVIEW_LABELS)
    return Jinja2Templates(env=env)


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A page, with the CSRF token its forms carry."""
    app = request.app
    context.setdefault("csrf_token", app.state.guard.csrf_for(request))
    context.setdefault("nav", "")
    return app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def render_page(request: Request, name: str, **context) -> CachedPage:
    """A page rendered to be kept (:mod:`newswatch.web.cache`): a placeholder where the CSRF token goes."""
    app = request.app
    context.setdefault("nav", "")
    context.update(request=request, csrf_token=app.state.csrf_mark)
    body = app.state.templates.get_template(name).render(context).encode()
    return CachedPage.of(body, "text/html; charset=utf-8", app.state.csrf_mark)


def get_store(request: Request):
    """The app's store (one engine, pooled connections)."""
    return request.app.state.store


DOCS_ASSETS = "/docs/assets"


def swagger_ui_dir() -> Path:
    """Swagger UI's files as shipped by the fastapi-offline package (served from here, no CDN)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def _docs_page(request: Request) -> HTMLResponse:
    """Swagger UI from this server's own copy, its one inline script allowed by hash (other pages allow none)."""
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="newswatch API",
        swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
    )
    body = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", body, flags=re.S)
    )
    csp = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return HTMLResponse(body, headers={"Content-Security-Policy": csp})


def create_app(
    db_url: str | None,
    token: str | None = None,
    config=None,
    clock: Callable[[], datetime] | None = None,
    hosts: Iterable[str] | None = None,
    secret: bytes | None = None,
) -> FastAPI:
    """The dashboard over the database at ``db_url`` (migrated on open); ``token`` guards every request.

    ``config`` (a :class:`newswatch.config.Config`) gives the sites page next run times; ``clock`` (the
    current UTC time by default) ends the changes-per-day window; ``hosts``, when given, are the only
    Host names answered (:func:`newswatch.web.security.allowed_hosts`), others get a 400; ``secret``
    signs CSRF tokens (random by default; worker processes of one server share it).
    """
    from storage import open_store
    from storage.generation import Generation

    store = open_store(db_url, pool_size=WEB_THREADS)
    generation = Generation(store.engine)
    guard = Guard(token, secret=secret, hosts=hosts)
    redact = TokenRedactingFilter()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # as many request threads as pooled connections: no connection is opened per request
        anyio.to_thread.current_default_thread_limiter().total_tokens = WEB_THREADS
        # added once the server has configured its logging, so the access log never shows the token
        logging.getLogger(ACCESS_LOGGER).addFilter(redact)
        try:
            yield
        finally:
            logging.getLogger(ACCESS_LOGGER).removeFilter(redact)
            generation.close()
            store.close()

    async def csrf(request: Request) -> None:
        await guard.check_csrf(request)

    app = FastAPI(
        title="newswatch",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(csrf)],
        description="Flagged changes of watched news sites: the change feed with reviews, items "
        "and their versions, diffs, events, site health and full-text search. "
        "POST requests need the X-CSRF-Token header (GET /api/csrf) and its cookie.",
    )
    app.state.store, app.state.guard, app.state.config = store, guard, config
    app.state.db_url = db_url
    app.state.clock = clock or (lambda: datetime.now(UTC))
    app.state.templates = templates_env()
    app.state.generation, app.state.cache = generation, GenerationCache()
    app.state.feeds = GenerationCache(FEED_CACHE)  # Atom documents by feed stamp (pages.py)
    app.state.csrf_mark = new_csrf_mark()

    app.add_middleware(SecurityMiddleware, guard=guard)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return render(request, "error.html", status_code=400, status=400, message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        message = f"{where}: {first.get('msg', 'invalid value')}"
        return render(request, "error.html", status_code=400, status=400, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(("/api/", "/openapi")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(
            request, "error.html", status_code=exc.status_code, status=exc.status_code, message=str(exc.detail)
        )

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return _docs_page(request)

    from newswatch.web import api, pages

    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_dir()), name="docs-assets")
    return app


#: Environment variable through which `newswatch serve --workers N` hands its settings to its workers.
SERVE_ENV = "NEWSWATCH_SERVE"


def app_from_environment() -> FastAPI:
    """The app of one worker process of `newswatch serve --workers N`, from the settings in SERVE_ENV."""
    import json
    import os

    from newswatch.web.security import TOKEN_ENV

    settings = json.loads(os.environ[SERVE_ENV])
    config = None
    if settings.get("config"):
        from newswatch.config import load_config
        from newswatch.crawling.runner import site_names

        config = load_config(Path(settings["config"]), site_names())
    hosts = settings.get("hosts")
    return create_app(
        settings["db"],
        token=os.environ.get(TOKEN_ENV) or None,
        config=config,
        hosts=None if hosts is None else frozenset(hosts),
        secret=bytes.fromhex(settings["secret"]),
    )


__all__ = ["SERVE_ENV", "app_from_environment", "create_app", "get_store", "render", "render_page"]
