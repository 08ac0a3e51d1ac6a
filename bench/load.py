"""A closed-loop HTTP/1.1 load generator on raw asyncio streams, cheap on CPU (it shares the server's cores).

cookie = sign_in(base_url, "admin@example", password)
results = measure(base_url, {"dashboard": "/"}, cookie=cookie)
token, cookie = form_token(base_url, "/transfer/", cookie)   # a form's CSRF token, for a POST
upload = Upload("/transfer/import", {"csrf_token": token}, "file", "area.xlsx", body, expect=303)
results = measure(base_url, {"import upload": upload}, cookie=cookie)
preview = post_once(base_url, upload, cookie)   # where the upload redirects: its preview page

python -m bench.load URL PATH [--cookie C | --email E --password P] [--connections 8] [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

USER_AGENT = "bench-load"  # the same for signing in and for loading: flask-login's session protection hashes it
REQUEST_TIMEOUT = 60.0
CSRF_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf_token\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


@dataclass
class Result:
    """Measured responses: `count` answered 200 (the latencies describe these), `errors` did not."""

    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float
    requests_per_second: float
    error_detail: str = ""  # e.g. "status 302 x40"


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    """Apply a response's Set-Cookie headers to `jar` (a cookie set to expire is removed)."""
    for header in response.msg.get_all("Set-Cookie") or []:
        pair, _, attributes = header.partition(";")
        name, _, value = pair.strip().partition("=")
        if not value or re.search(r"max-age=0\b|expires=thu, 01 jan 1970", attributes, re.IGNORECASE):
            jar.pop(name, None)
        else:
            jar[name] = value


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign in through the form (session cookie and CSRF token from GET /sign-in); the Cookie header to send."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=30)
    jar: dict[str, str] = {}
    try:
        connection.request("GET", "/sign-in", headers={"User-Agent": USER_AGENT})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        _cookies(response, jar)
        tag = CSRF_INPUT.search(page)
        token = VALUE.search(tag.group(0)) if tag else None
        if response.status != 200 or token is None or "session" not in jar:
            raise RuntimeError(f"GET /sign-in gave {response.status} without a session cookie and CSRF token")
        body = urlencode({"email": email, "password": password, "csrf_token": token.group(1)})
        cookies = "; ".join(f"{k}={v}" for k, v in jar.items())
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
        connection.request("POST", "/sign-in", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        _cookies(response, jar)
    finally:
        connection.close()
    location = response.getheader("Location", "")
    if response.status != 302 or urlsplit(location).path.startswith("/sign-in"):
        why = "a code is needed (two-factor)" if "/sign-in/code" in location else "wrong password, or throttled?"
        raise RuntimeError(f"sign-in as {email} failed: POST /sign-in gave {response.status} {location!r} ({why})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def form_token(base_url: str, path: str, cookie: str) -> tuple[str, str]:
    """The CSRF token of the form on `path` (GET with the session cookie); the token and the Cookie
    header to send with it (the session as the response left it)."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=30)
    jar = dict(pair.split("=", 1) for pair in cookie.split("; ") if "=" in pair)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Cookie": cookie})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        _cookies(response, jar)
    finally:
        connection.close()
    tag = CSRF_INPUT.search(page)
    token = VALUE.search(tag.group(0)) if tag else None
    if response.status != 200 or token is None:
        raise RuntimeError(f"GET {path} gave {response.status} without a CSRF token")
    return token.group(1), "; ".join(f"{k}={v}" for k, v in jar.items())


def post_once(base_url: str, upload: Upload, cookie: str) -> str:
    """POST an Upload once; the path its answer redirects to (e.g. a workbook's preview page)."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=120)
    boundary = "bench-once"
    headers = {
        "User-Agent": USER_AGENT,
        "Cookie": cookie,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    try:
        connection.request("POST", upload.path, body=upload.body(boundary), headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    location = urlsplit(response.getheader("Location", "")).path
    if response.status != upload.expect or not location:
        raise RuntimeError(f"POST {upload.path} gave {response.status} {location!r}, not {upload.expect} and a page")
    return location


@dataclass(frozen=True)
class Upload:
    """A form posted with one file (multipart/form-data), e.g. a workbook to preview; `expect` is
    the status of a response that counts as answered (303 for a post that redirects)."""

    path: str
    fields: dict[str, str]
    file_field: str
    filename: str
    content: bytes
    content_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    expect: int = 200

    def body(self, boundary: str) -> bytes:
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in self.fields.items()
        ]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{self.file_field}"; filename="{self.filename}"'
            f"\r\nContent-Type: {self.content_type}\r\n\r\n"
        )
        return b"".join([*parts, head.encode(), self.content, f"\r\n--{boundary}--\r\n".encode()])


def _request(host: str, port: int, page: str | Upload, cookie: str | None) -> bytes:
    """The bytes of one request: a GET of a path, or the POST of an Upload."""
    path = page if isinstance(page, str) else page.path
    method = "GET" if isinstance(page, str) else "POST"
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {USER_AGENT}", "Accept: */*"]
    lines += [f"Cookie: {cookie}"] if cookie else []
    body = b""
    if isinstance(page, Upload):
        boundary = "bench-" + "0123456789abcdef" * 2
        body = page.body(boundary)
        lines += [f"Content-Type: multipart/form-data; boundary={boundary}", f"Content-Length: {len(body)}"]
    return "\r\n".join([*lines, "Connection: keep-alive", "", ""]).encode("latin-1") + body


class _Closed(Exception):
    """The server closed the connection before sending any of the response."""


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole response; its status and whether the connection stays open."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial:
            raise _Closed from None
        raise
    status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
    version, status = status_line.split(" ", 2)[:2]
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    connection = headers.get("connection", "").lower()
    keep = "keep-alive" in connection if version == "HTTP/1.0" else "close" not in connection
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
            pass
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif not (status.startswith("1") or status in ("204", "304")):
        await reader.read()  # delimited by the end of the connection
        keep = False
    return int(status), keep


class _Client:
    """One connection, kept open while the server allows; reopened (and that time measured) when it closes."""

    def __init__(self, host: str, port: int, request: bytes) -> None:
        self.host, self.port, self.request = host, port, request
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self) -> int:
        """Send the request and read the whole response; its status."""
        reused = self.streams is not None
        try:
            return await self._exchange()
        except (_Closed, ConnectionError):
            self.close()
            if not reused:
                raise
        return await self._exchange()  # a kept-alive connection the server had closed meanwhile: one retry

    async def _exchange(self) -> int:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        reader, writer = self.streams
        writer.write(self.request)
        await writer.drain()
        status, keep = await _read_response(reader)
        if not keep:
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest rank, in milliseconds."""
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1] * 1000 if ordered else 0.0


async def run(
    base_url: str, path: str | Upload, *, cookie: str | None = None, connections: int = 8, requests: int = 400,
    warmup: int = 40,
) -> Result:  # fmt: skip
    """GET `path` (or POST an Upload) from `connections` concurrent clients until `requests` responses
    after `warmup` are measured."""
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    request = _request(host, port, path, cookie)
    expect = path.expect if isinstance(path, Upload) else 200
    issued, span = 0, [0.0, 0.0]  # span: the first measured request's start, the last one's end
    latencies: list[float] = []
    errors: Counter[str] = Counter()

    async def worker() -> None:
        nonlocal issued
        client = _Client(host, port, request)
        while issued < warmup + requests:
            measured, issued = issued >= warmup, issued + 1
            start = time.perf_counter()  # before connecting too, when the connection must be (re)opened
            if measured and not span[0]:
                span[0] = start
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    status = await client.get()
                error = "" if status == expect else f"status {status}"
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, _Closed) as exc:
                client.close()
                error = f"{type(exc).__name__}: {exc}"
            if measured:
                span[1] = time.perf_counter()
                if error:
                    errors[error] += 1
                else:
                    latencies.append(span[1] - start)
        client.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    ordered, elapsed = sorted(latencies), span[1] - span[0]
    return Result(
        count=len(ordered),
        errors=sum(errors.values()),
        p50_ms=_percentile(ordered, 50),
        p95_ms=_percentile(ordered, 95),
        mean_ms=sum(ordered) / len(ordered) * 1000 if ordered else 0.0,
        max_ms=ordered[-1] * 1000 if ordered else 0.0,
        requests_per_second=requests / elapsed if elapsed > 0 else 0.0,
        error_detail=", ".join(f"{what} x{n}" for what, n in errors.most_common(3)),
    )


def measure(
    base_url: str, pages: dict[str, str | Upload], *, cookie: str | None = None, connections: int = 8,
    requests: int = 400, warmup: int = 40,
) -> dict[str, Result]:  # fmt: skip
    """Each page in turn ({name: path or Upload}); the Result for each name."""
    return {
        name: asyncio.run(run(base_url, path, cookie=cookie, connections=connections, requests=requests, warmup=warmup))
        for name, path in pages.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Load one page: closed loop, HTTP/1.1, keep-alive when allowed.")
    parser.add_argument("url", help="base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("path", help="e.g. /records/data_flows")
    parser.add_argument("--cookie", help="Cookie header to send")
    parser.add_argument("--email", help="sign in as this user first (with --password)")
    parser.add_argument("--password", default="")
    for option, default in (("--connections", 8), ("--requests", 400), ("--warmup", 40)):
        parser.add_argument(option, type=int, default=default)
    a = parser.parse_args()
    cookie = sign_in(a.url, a.email, a.password) if a.email else a.cookie
    result = asyncio.run(
        run(a.url, a.path, cookie=cookie, connections=a.connections, requests=a.requests, warmup=a.warmup)
    )
    print(f"{a.path}: {result}")


if __name__ == "__main__":
    main()
