"""The dashboard's defences: security headers, the access token, CSRF tokens and origin checks.

Scraped text is shown on every page, so the pages forbid inline script outright (CSP); a state
change (POST) needs a signed double-submit CSRF token and a same-origin request; off localhost
every request needs the access token (Bearer header, or ``?token=`` once, which sets a cookie).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Host names a loopback server answers to; any other Host header is a DNS-rebinding attempt.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "localhost.localdomain"})
ACCESS_LOGGER = "uvicorn.access"
_CONTROL = re.compile("[\x00-\x1f\x7f]")
#: Query parameters of free text, where a NUL is dropped by the search rather than refused.
FREE_TEXT = frozenset({"q"})
_TOKEN_IN_QUERY = re.compile(r"(?i)((?:^|[?&])token=)[^&#\s]*")
TOKEN_ENV = "NEWSWATCH_TOKEN"
SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make browsers send "Origin: null" on POSTs
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_local(host: str) -> bool:
    """True for a loopback bind address (the only ones allowed without a token)."""
    return host.strip("[]") in LOCAL_HOSTS


def host_name(header: str) -> str:
    """The host name of a Host header, without port or IPv6 brackets, lower case ('' when malformed)."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        return name if bracket and (not rest or rest[:1] == ":") else ""
    name, _, port = header.partition(":")
    return name if not port or port.isdigit() else ""


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """Host names a server bound to ``bind`` answers to: the loopback names (plus ``extra``) on
    loopback, None (any, the access token guards it) elsewhere unless ``extra`` names some."""
    named = frozenset(host_name(h) or h.strip().lower() for h in extra if h.strip())
    if is_local(bind):
        return LOOPBACK_NAMES | named
    return named or None


def redact_token(text: str) -> str:
    """``text`` (a request target) with the value of any ``token=`` query parameter replaced by ***."""
    return _TOKEN_IN_QUERY.sub(r"\1***", text)


class TokenRedactingFilter(logging.Filter):
    """Removes the access token from uvicorn's access-log lines (their third argument is the target)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "token=" in args[2].lower():
            record.args = (*args[:2], redact_token(args[2]), *args[3:])
        return True


def http_url(url: object) -> str | None:
    """The URL when it is an absolute http(s) URL safe to put in href, else None."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    if any(ord(ch) < 0x21 or ch in "\"'<>`\\" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to redirect to after a form (never another site: no scheme, no //host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 for ch in target):
        return default
    return target


class Guard:
    """Checks one app's requests: the access token (when set) and CSRF tokens signed with a secret."""

    def __init__(self, token: str | None, secret: bytes | None = None, hosts: Iterable[str] | None = None) -> None:
        self.token = token or None
        self.secret = secret or secrets.token_bytes(32)
        self.hosts = frozenset(hosts) if hosts is not None else None

    def refuse_input(self, request: Request) -> Response | None:
        """A 400 for a request no page can answer: a Host this server does not serve, a NUL character."""
        message = None
        if self.hosts is not None and host_name(request.headers.get("host", "")) not in self.hosts:
            message = "unknown Host header: this server answers only to " + ", ".join(sorted(self.hosts))
        elif _CONTROL.search(request.scope.get("path", "")):  # url.path would drop tabs and newlines
            message = "control characters (NUL, newline, ...) are not allowed in a path"
        elif any("\x00" in value for key, value in request.query_params.multi_items() if key not in FREE_TEXT):
            message = "NUL characters are not allowed in a path or a query parameter"
        if message is None:
            return None
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=400)
        return PlainTextResponse(message, status_code=400)

    # -- access token -----------------------------------------------------

    def _session_value(self) -> str:
        return hmac.new(self.token.encode(), b"newswatch session", hashlib.sha256).hexdigest()

    def _token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def authenticate(self, request: Request) -> Response | None:
        """None when the request may proceed, else the response refusing (or redirecting) it."""
        if self.token is None:
            return None
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._token_ok(given.strip()):
            return None
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie and hmac.compare_digest(cookie.encode(), self._session_value().encode()):
            return None
        query = request.query_params.get("token")
        if query is not None and self._token_ok(query) and request.method in SAFE_METHODS:
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            # "//evil.example/x" must not become a scheme-relative (off-site) Location
            path = "/" + request.url.path.lstrip("/")
            target = safe_next(path + ("?" + urlencode(rest) if rest else ""), "/")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                SESSION_COOKIE,
                self._session_value(),
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )
            return response
        message = "access token required: send Authorization: Bearer TOKEN, or open a page once with ?token=TOKEN"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return PlainTextResponse(message, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    # -- CSRF ---------------------------------------------------------------

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()

    def new_csrf(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def csrf_valid(self, value: str | None) -> bool:
        """True for a token this app signed (whatever its nonce)."""
        if not value or value.count(".") != 1:
            return False
        nonce, signature = value.split(".")
        return hmac.compare_digest(signature.encode(), self._sign(nonce).encode())

    def csrf_for(self, request: Request) -> str:
        """The request's CSRF token: its cookie's when valid, else a new one (set on the response)."""
        current = request.cookies.get(CSRF_COOKIE)
        if self.csrf_valid(current):
            return current
        if not getattr(request.state, "new_csrf", None):
            request.state.new_csrf = self.new_csrf()
        return request.state.new_csrf

    @staticmethod
    def same_origin(request: Request) -> bool:
        """False for a request a browser says is cross-site, or whose Origin is not this server."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return False
        origin = request.headers.get("origin")
        if origin is None:
            return True
        host = request.headers.get("host", "")
        return origin in (f"http://{host}", f"https://{host}")

    async def check_csrf(self, request: Request) -> None:
        """Refuse (403) a state-changing request that is cross-site or lacks the cookie's signed token."""
        if request.method in SAFE_METHODS:
            return
        if not self.same_origin(request):
            raise HTTPException(403, "cross-site request refused")
        cookie = request.cookies.get(CSRF_COOKIE)
        given = request.headers.get(CSRF_HEADER)
        if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            given = (await request.form()).get(CSRF_FIELD)
        if not (
            self.csrf_valid(cookie) and isinstance(given, str) and hmac.compare_digest(given.encode(), cookie.encode())
        ):
            raise HTTPException(403, "missing or invalid CSRF token; reload the page and try again")

    def finish(self, request: Request, response: Response) -> Response:
        """Add the security headers, and the CSRF cookie when one was issued."""
        self.finish_headers(request, response.headers)
        return response

    def finish_headers(self, request: Request, headers: MutableHeaders) -> None:
        """The security headers (and the CSRF cookie when one was issued) added to a response's headers."""
        for name, value in HEADERS.items():
            headers.setdefault(name, value)
        headers.setdefault("Content-Security-Policy", CSP)
        if not request.url.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        new = getattr(request.state, "new_csrf", None)
        if new:
            scratch = Response()
            scratch.set_cookie(
                CSRF_COOKIE, new, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
            )
            headers.append("set-cookie", scratch.headers["set-cookie"])


class SecurityMiddleware:
    """The guard as plain ASGI middleware: refuses what it must, then adds the headers to every response.

    (Plain ASGI rather than ``@app.middleware``: no extra task and body stream per request.)
    """

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app, self.guard = app, guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refused = self.guard.refuse_input(request) or self.guard.authenticate(request)
        if refused is not None:
            await self.guard.finish(request, refused)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.guard.finish_headers(request, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)


__all__ = [
    "ACCESS_LOGGER",
    "CSP",
    "LOCAL_HOSTS",
    "LOOPBACK_NAMES",
    "TOKEN_ENV",
    "Guard",
    "SecurityMiddleware",
    "TokenRedactingFilter",
    "allowed_hosts",
    "host_name",
    "http_url",
    "is_local",
    "redact_token",
    "safe_next",
]
