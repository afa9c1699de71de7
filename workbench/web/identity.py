"""Who a browser request is, and where the server may listen (no aiohttp, no Textual: plain rules).

Two modes only. **Single user**: the server listens on loopback and every session is the coder given
to ``workbench serve`` (``--coder``, ``$WORKBENCH_CODER``, the login name). **Team**: the server trusts
one request header (``--user-header X-Forwarded-User``) set by the authenticating reverse proxy in front
of it; each request's coder is that header's value, checked as a coder name, and a request without it
is refused. Listening on anything but loopback without ``--user-header`` is refused, since textual-serve
itself has no login.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from workbench.errors import WorkbenchError
from workbench.services.project.coders import check_coder_name

if TYPE_CHECKING:  # aiohttp itself is imported only when the server runs
    from aiohttp import web

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def _request_key() -> web.RequestKey[str] | str:
    try:
        from aiohttp import web

        return web.RequestKey("user", str)
    except (ImportError, AttributeError):  # older aiohttp: a plain string key
        return "user"


USER = _request_key()  # where the server keeps a request's coder


class Refused(Exception):
    """A request the server answers with an HTTP error and no app process."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, user_header: str | None) -> None:
    """Refuse a non-loopback address in single-user mode (anyone who can reach it would act as you)."""
    if user_header is None and not is_loopback(host):
        raise WorkbenchError(
            f"--host {host} is reachable from other machines, and without --user-header every visitor would code as "
            "you; listen on 127.0.0.1, or put an authenticating proxy in front and pass --user-header X-Forwarded-User"
        )
    if user_header is not None and not user_header.strip():
        raise WorkbenchError("--user-header must name a header, e.g. X-Forwarded-User")


@dataclass(frozen=True)
class Identity:
    """How the server tells who a request is: the header to read, or the one single-user coder."""

    user_header: str | None
    single_user: str | None
    origins: frozenset[str] = frozenset()  # scheme://host[:port] the page may be served from (Origin checks)

    def user(self, headers: Mapping[str, str]) -> str:
        """The coder for a request (``Refused`` 403 when the header is missing or not a usable name)."""
        if self.user_header is None:
            assert self.single_user is not None
            return self.single_user
        value = headers.get(self.user_header)
        if value is None or not value.strip():
            raise Refused(403, f"no {self.user_header} header: sign in through the team's login")
        if not value.strip().isprintable():
            raise Refused(403, f"the {self.user_header} header is not a usable coder name")
        try:
            return check_coder_name(value)
        except WorkbenchError:
            raise Refused(403, f"the {self.user_header} header is not a usable coder name") from None

    def check_origin(self, headers: Mapping[str, str]) -> None:
        """Refuse cross-site websocket and upload requests (a browser always sends Origin on those)."""
        origin = headers.get("Origin")
        if origin is None or not self.origins:
            return
        if origin.rstrip("/").lower() not in self.origins:
            raise Refused(403, "this request comes from another site")


def allowed_origins(public_url: str | None, host: str, port: int) -> frozenset[str]:
    """The page's own origin: the public URL's, or (none given) this host and port under its loopback names."""
    if public_url is not None:
        return frozenset({origin_of(public_url).lower()})
    hosts = {host, "127.0.0.1", "localhost", "[::1]"} if is_loopback(host) else {host}
    return frozenset(f"http://{h}:{port}".lower() for h in hosts)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WorkbenchError(f"--public-url {url!r} must be an http:// or https:// address, e.g. https://workbench.example.org")
    return f"{parts.scheme}://{parts.netloc}"
