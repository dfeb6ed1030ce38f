"""The booth's files as a phone on a slow network should get them: compressed, and cached
as long as they cannot change.

- Compression: a text file (HTML, CSS, JavaScript, source map, JSON) is sent gzip-encoded
  when the client accepts gzip, compressed once per version of the file and kept in memory.
  Only these static files: the API's answers are not compressed (a compressed answer that
  holds a secret next to text an attacker chose leaks it, BREACH; and they are small).
- Versions: a file's version is the first 16 hex digits of the SHA-256 of its bytes. A page
  is served with each of its relative `src`/`href` references to another file of the folder
  given `?v=VERSION`; a file asked for with its current version is immutable
  (`Cache-Control: public, max-age=31536000, immutable`): a new build changes the version in
  the page, and so the address. Without it, or with another version, a file and the pages
  themselves are `no-cache`: the browser keeps them but asks again each time (an ETag makes
  that a 304).
- Files are read again when their size or modification time changes, and pages on every
  request: a rebuilt booth is served without restarting the board.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

__all__ = ["StaticAssets", "IMMUTABLE", "REVALIDATE"]

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
_COMPRESSIBLE = {".html", ".css", ".js", ".map", ".json", ".svg"}

#: A relative reference in a page: src="..." or href="..." not starting with a scheme, "/",
#: "#" or "?" (those are not files of the folder).
_REFERENCE = re.compile(r'(?P<attr>\b(?:src|href))="(?P<path>(?![a-z]+:|/|#|\?)[^"?#]+)"')


@dataclass(frozen=True, slots=True)
class _File:
    stamp: tuple[int, int]  # (mtime_ns, size): read again when it changes
    body: bytes
    gzipped: bytes | None  # None when not worth it (not text, or no smaller)
    version: str


def _accepts_gzip(request: Request) -> bool:
    """Whether the request's Accept-Encoding allows gzip (by name or `*`, with q above 0)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        return q > 0
    return False


class StaticAssets:
    """The files of one folder, each by its path relative to it (nothing outside it)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: dict[str, _File] = {}
        self._lock = threading.Lock()

    def _load(self, relative: str, within: str = "") -> _File | None:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root / within) or not path.is_file():
            return None
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        # A page is made again each time: it names the versions of the files it loads,
        # which change without it.
        page = path.suffix == ".html"
        with self._lock:
            cached = None if page else self._files.get(relative)
        if cached is not None and cached.stamp == stamp:
            return cached
        body = path.read_bytes()
        if page:
            body = self._versioned_page(body.decode("utf-8"), relative).encode("utf-8")
        gzipped = None
        if path.suffix in _COMPRESSIBLE:
            packed = gzip.compress(body, compresslevel=9, mtime=0)
            gzipped = packed if len(packed) < len(body) else None
        version = hashlib.sha256(body).hexdigest()[:16]
        loaded = _File(stamp, body, gzipped, version)
        if not page:
            with self._lock:
                self._files[relative] = loaded
        return loaded

    def version(self, relative: str) -> str | None:
        loaded = self._load(relative)
        return None if loaded is None else loaded.version

    def _versioned_page(self, text: str, page: str) -> str:
        base = Path(page).parent

        def versioned(m: re.Match[str]) -> str:
            target = (base / m["path"]).as_posix()
            version = None if target.endswith(".html") else self.version(target)
            if version is None:
                return m[0]
            return f'{m["attr"]}="{m["path"]}?v={version}"'

        return _REFERENCE.sub(versioned, text)

    def response(
        self, request: Request, relative: str, page: bool = False, within: str = ""
    ) -> Response | None:
        """The file at `relative` as the answer to `request`; None if there is no such file
        in the folder's subfolder `within`. `page`: an HTML page, always revalidated."""
        loaded = self._load(relative, within)
        if loaded is None:
            return None
        current = not page and request.query_params.get("v") == loaded.version
        etag = f'"{loaded.version}"'
        headers = {
            "Cache-Control": IMMUTABLE if current else REVALIDATE,
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        media_type = _TYPES.get(Path(relative).suffix, "application/octet-stream")
        if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            return Response(status_code=304, headers=headers)
        if loaded.gzipped is not None and _accepts_gzip(request):
            headers["Content-Encoding"] = "gzip"
            return Response(loaded.gzipped, media_type=media_type, headers=headers)
        return Response(loaded.body, media_type=media_type, headers=headers)
