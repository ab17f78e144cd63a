import pytest
from starlette.types import Message, Receive, Scope, Send

from thesaurus.server_timing import ServerTiming

pytestmark = pytest.mark.unit


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def _call(scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await ServerTiming(_app)(scope, receive, send)
    return sent


async def test_the_response_says_how_long_the_application_took():
    start, body = await _call({"type": "http"})
    headers = dict(start["headers"])
    assert headers[b"x-a"] == b"1"
    name, _, duration = headers[b"server-timing"].decode().partition(";dur=")
    assert name == "app"
    assert float(duration) >= 0
    assert body == {"type": "http.response.body", "body": b"ok"}


async def test_other_scopes_pass_through_untouched():
    start, _ = await _call({"type": "websocket"})
    assert b"server-timing" not in dict(start["headers"])
