"""HTTP hardening of every answer, and the request size limit.

- ``Content-Security-Policy``: scripts, styles and images from the portal only, no inline
  script or style, forms posted to the portal or to Keycloak (login, logout), never framed;
- ``Referrer-Policy``, ``X-Content-Type-Options``, ``Cross-Origin-Opener-Policy``, and
  ``Strict-Transport-Security`` when served over HTTPS;
- a body larger than the limit is refused with a French 413 before it is read.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE_PAGE = (
    "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Envoi trop volumineux"
    " — Portail COSAR</title><link rel='stylesheet' href='/static/portal.css'></head><body>"
    "<main class='wrap'><h1>Envoi trop volumineux</h1><p>Ce que vous avez envoyé dépasse la "
    "taille autorisée ({limit} Mo). Rien n'a été enregistré.</p><p><a href='/'>Revenir à "
    "l'accueil</a></p></main></body></html>"
)


def content_security_policy(keycloak_origin: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action 'self' {keycloak_origin}",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, csp: str, https: bool) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": csp,
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        if https:
            self.headers["Strict-Transport-Security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        body = TOO_LARGE_PAGE.format(limit=self.max_bytes // (1024 * 1024)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)


class _TooLarge(Exception):
    pass
