"""A local HTTP server for saved fixture sites, each kept in several layered versions.

A site root holds version folders (``v1/``, ``v2/``, ...). A file's path under a version
folder is its URL path. Versions are layered: a path looked up in ``v3`` is searched in
``v3``, then ``v2``, then ``v1``, so a later version holds only what changed. Each version
may hold ``_responses.json`` mapping URL paths to overrides (``status``, ``headers``,
``delay``, ``body``, ``reset``: the connection is reset instead of answered); a later version's
entry for a path replaces an earlier one.

Only the standard library is used, so end-to-end crawl tests need nothing else.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import mimetypes
import posixpath
import re
import signal
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["FixtureServer", "main", "serve"]

RESPONSES_FILE = "_responses.json"

# Last-Modified of a file is the date of the version layer it comes from: deterministic
# across checkouts (file mtimes are not) and later for files changed in a later version.
LAYER_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

# Text types are declared UTF-8; other extensions fall back to the mimetypes module.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".shtml": "text/html; charset=utf-8",  # TRS CMS sites (CAS) publish .shtml pages
}


def content_type_for(path: str) -> str:
    """Guess a Content-Type from a path's extension; text types are declared UTF-8."""
    ext = posixpath.splitext(path)[1].lower()
    if ext in CONTENT_TYPES:
        return CONTENT_TYPES[ext]
    guessed, _ = mimetypes.guess_type(path, strict=True)
    if guessed is None:
        return "application/octet-stream"
    return guessed + "; charset=utf-8" if guessed.startswith("text/") else guessed


def version_key(name: str) -> tuple:
    """Sort version folder names naturally, so ``v10`` comes after ``v9``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def http_date(moment: datetime) -> str:
    """Format a datetime as an RFC 9110 HTTP date."""
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """Tell whether an If-None-Match header names ``etag`` (weak comparison, ``*`` matches)."""
    wanted = etag.removeprefix("W/")
    tags = [tag.strip() for tag in header.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in tags)


@dataclass
class Resolved:
    """What the server answers for one path: status, body, headers, delay and date."""

    status: int
    body: bytes | None
    content_type: str
    headers: dict[str, str]
    delay: float
    modified: datetime | None
    reset: bool = False


class Site:
    """The version folders of one site root and path lookups through their layers."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site root not found: {self.root}")
        self.versions = sorted(
            (p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))),
            key=version_key,
        )
        if not self.versions:
            raise FileNotFoundError(f"no version folders under {self.root}")

    def layers(self, version: str) -> list[str]:
        """Return the versions searched for ``version``, newest first."""
        if version not in self.versions:
            raise ValueError(f"unknown version {version!r}; have {', '.join(self.versions)}")
        upto = self.versions.index(version)
        return list(reversed(self.versions[: upto + 1]))

    def layer_time(self, version: str) -> datetime:
        """Return the fixed Last-Modified time of files that come from ``version``."""
        return LAYER_EPOCH + timedelta(days=self.versions.index(version))

    def overrides(self, version: str) -> dict[str, tuple[str, dict]]:
        """Merge the ``_responses.json`` files of a version's layers: path -> (layer, entry)."""
        merged: dict[str, tuple[str, dict]] = {}
        for layer in reversed(self.layers(version)):
            spec = self.root / layer / RESPONSES_FILE
            if not spec.is_file():
                continue
            with spec.open(encoding="utf-8") as fh:
                entries = json.load(fh)
            if not isinstance(entries, dict):
                raise ValueError(f"{spec}: expected an object of path -> response")
            for path, entry in entries.items():
                merged[path] = (layer, dict(entry))
        return merged

    def find_file(self, version: str, url_path: str) -> tuple[str, Path] | tuple[str, None]:
        """Find the file for a URL path through the layers: ``(layer, file)``.

        Returns ``("dir", None)`` when the path names a folder without its trailing
        slash, and ``("", None)`` when nothing matches.
        """
        rel = url_path.lstrip("/")
        if rel == "" or url_path.endswith("/"):
            rel += "index.html"
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts) or not parts or parts[-1] == RESPONSES_FILE:
            return "", None
        for layer in self.layers(version):
            candidate = self.root.joinpath(layer, *parts)
            if candidate.is_file():
                return layer, candidate
            if candidate.is_dir() and (candidate / "index.html").exists():
                return "dir", None
        return "", None

    def resolve(self, version: str, url_path: str) -> Resolved:
        """Work out the response for a URL path in a version: file, overrides, fallbacks."""
        layer, file = self.find_file(version, url_path)
        entry_layer, entry = self.overrides(version).get(url_path, ("", {}))
        status = int(entry.get("status", 200))
        headers = {str(k): str(v) for k, v in entry.get("headers", {}).items()}
        delay = float(entry.get("delay", 0))
        content_type = content_type_for(url_path if not url_path.endswith("/") else url_path + "index.html")

        if entry.get("reset"):
            return Resolved(status, None, content_type, headers, delay, None, reset=True)
        if "body" in entry:
            body = entry["body"].encode("utf-8")
            return Resolved(status, body, content_type, headers, delay, self.layer_time(entry_layer))
        if layer == "dir" and status == 200:
            headers.setdefault("Location", url_path + "/")
            return Resolved(301, b"", "text/html; charset=utf-8", headers, delay, None)
        if file is None:
            status = status if status != 200 else 404
            return Resolved(status, None, "text/html; charset=utf-8", headers, delay, None)
        if status != 200:
            return Resolved(status, None, "text/html; charset=utf-8", headers, delay, None)
        return Resolved(200, file.read_bytes(), content_type, headers, delay, self.layer_time(layer))


class FixtureHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD from the server's current version; log every answer."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "FixtureServer/1.0"
    timeout = 30
    # Headers and body leave in one write, without Nagle: keep-alive clients get no 40 ms stalls.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _method_not_allowed(self) -> None:
        body = self._error_body(405)
        self._send(405, body, {"Content-Type": "text/html; charset=utf-8", "Allow": "GET, HEAD"}, True)

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        """Stay quiet: tests read the request log instead."""

    def _respond(self, send_body: bool) -> None:
        fixture = self.server.fixture
        url_path = unquote(urlsplit(self.path).path) or "/"
        try:
            res = fixture.site.resolve(fixture.version, url_path)
        except (OSError, ValueError) as exc:
            self._send(500, self._error_body(500, str(exc)), {"Content-Type": "text/html; charset=utf-8"}, send_body)
            return
        if res.delay > 0:
            time.sleep(res.delay)
        if res.reset:  # close with SO_LINGER 0: the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return

        headers = {"Content-Type": res.content_type}
        if res.status == 200 and res.body is not None:
            etag = '"%s"' % hashlib.sha256(res.body).hexdigest()[:32]
            headers["ETag"] = etag
            if res.modified is not None:
                headers["Last-Modified"] = http_date(res.modified)
            _merge_headers(headers, res.headers)
            if self._not_modified(etag, res.modified):
                kept = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified", "Cache-Control")}
                self._send(304, None, kept, send_body)
                return
            self._send(200, res.body, headers, send_body)
            return
        body = res.body if res.body is not None else self._error_body(res.status)
        _merge_headers(headers, res.headers)
        self._send(res.status, body, headers, send_body)

    def _not_modified(self, etag: str, modified: datetime | None) -> bool:
        """Apply RFC 9110 conditionals: If-None-Match wins over If-Modified-Since."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag_matches(inm, etag)
        ims = self.headers.get("If-Modified-Since")
        if ims is None or modified is None:
            return False
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified <= since

    def _send(self, status: int, body: bytes | None, headers: dict[str, str], send_body: bool) -> None:
        # Logged before answering, so a client that has its response finds it in the log.
        self.server.fixture._log(self.command, self.path, status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        if send_body and body and status != 304:
            self.wfile.write(body)

    def _error_body(self, status: int, detail: str = "") -> bytes:
        title = f"{status} {self.responses.get(status, ('Error',))[0]}"
        page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{detail}</body></html>"
        return page.encode("utf-8")


def _merge_headers(headers: dict[str, str], extra: dict[str, str]) -> None:
    """Apply header overrides, replacing defaults whatever their case."""
    for name, value in extra.items():
        for existing in [k for k in headers if k.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that can drop its open keep-alive connections on stop."""

    daemon_threads = True

    def __init__(self, address, fixture: FixtureServer):
        self.fixture = fixture
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, FixtureHandler)

    def process_request(self, request, client_address):
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conn_lock:
            open_now = list(self._connections)
            self._connections.clear()
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        """Ignore clients that hang up; report anything else."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """Serve one site root on 127.0.0.1 from a background thread, switching versions on demand."""

    def __init__(self, root: str | Path, version: str = "v1", host: str = "127.0.0.1", port: int = 0):
        self.site = Site(root)
        self.site.layers(version)  # fail early on an unknown version
        self._version = version
        self._host = host
        self._port = port
        self._log_lock = threading.Lock()
        self._requests: list[tuple[str, str, int]] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def root(self) -> Path:
        return self.site.root

    @property
    def versions(self) -> list[str]:
        return list(self.site.versions)

    @property
    def version(self) -> str:
        return self._version

    def set_version(self, version: str) -> None:
        """Serve ``version`` from the next request on; raises ValueError if unknown."""
        self.site.layers(version)
        self._version = version

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8123`` (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """A snapshot of the answered requests as ``(method, path, status)``, oldest first."""
        with self._log_lock:
            return list(self._requests)

    def clear_log(self) -> None:
        with self._log_lock:
            self._requests.clear()

    def _log(self, method: str, path: str, status: int) -> None:
        with self._log_lock:
            self._requests.append((method, path, status))

    def start(self) -> FixtureServer:
        """Bind and start answering in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"fixtureserver-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering, close the socket and any open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def serve(root: str | Path, version: str = "v1", host: str = "127.0.0.1", port: int = 0) -> FixtureServer:
    """Start serving ``root`` at ``version`` and return the running server."""
    return FixtureServer(root, version=version, host=host, port=port).start()


def main(argv: list[str] | None = None) -> int:
    """Command line: serve a fixture site until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m newswatch.fixtureserver",
        description="Serve a saved fixture site (ROOT/v1, ROOT/v2, ...) on a local port.",
    )
    parser.add_argument("root", help="site root holding the version folders")
    parser.add_argument("--version", default="v1", help="version to serve (default: v1)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind, 0 for any (default: 8000)")
    args = parser.parse_args(argv)

    try:
        server = serve(args.root, version=args.version, host=args.host, port=args.port)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print(f"Serving {server.root} version {args.version} (of {', '.join(server.versions)}) at {server.url}", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
