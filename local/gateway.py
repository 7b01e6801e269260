"""A local stand-in for API Gateway: WebSocket + REST + ``@connections`` on one port.

It turns browser traffic into the same Lambda events AWS sends (``requestContext`` with
``routeKey``, ``eventType``, ``connectionId``, ``domainName``, ``stage``, ``apiId``; the query
string on ``$connect``; ``body``), calls the very handler functions that ``app.py`` defines, and
serves the Management API the handlers' boto3 client posts replies to. Development tooling only:
never packaged for Lambda (``chalice local`` has no WebSocket support, chalice #1674/#2007).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from chalicelib.limits import published
from local.faults import ERRORS, SLOW, DisconnectLoss, PostFaults, error_answer

log = logging.getLogger("gruppechat.local")

API_ID = "local"
STAGE = "local"
GOING_AWAY = 1001  # API Gateway: idle for 10 minutes, or the 2-hour lifetime is over
UNSUPPORTED_DATA = 1003  # API Gateway: a binary frame
MESSAGE_TOO_BIG = 1009  # API Gateway: a message over 128 KB

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss: http: https:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)


class LambdaContext:
    """Enough of Lambda's context object for Chalice."""

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 256

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


@dataclass(frozen=True)
class Limits:
    """API Gateway's quotas that a client or a handler can run into (AWS defaults)."""

    idle_timeout_s: float = 600.0  # no frame from the client for 10 minutes
    max_lifetime_s: float = 2 * 3600.0  # a WebSocket connection lasts at most 2 hours
    max_message_bytes: int = 128 * 1024  # a client's message; the app enforces its own 32 KB
    max_post_bytes: int = 128 * 1024  # one @connections post
    max_body_bytes: int = 10 * 1024 * 1024  # a REST request's body (API Gateway: 10 MB)


@dataclass
class Socket:
    connection_id: str
    ws: web.WebSocketResponse | None = None  # None until $connect has returned 200
    connected_at: float = field(default_factory=time.time)
    last_active: float = field(default_factory=time.time)


def new_connection_id() -> str:
    """Looks like API Gateway's: 12 random bytes, base64."""
    return base64.b64encode(secrets.token_bytes(12)).decode()


class LocalGateway:
    def __init__(
        self,
        app: Any,
        web_root: Path,
        workers: int = 16,
        limits: Limits | None = None,
        post_faults: PostFaults | None = None,
        disconnect_loss: DisconnectLoss | None = None,
    ) -> None:
        from chalice.config import Config
        from chalice.local import LocalGateway as ChaliceRestGateway

        self.app = app
        self.web_root = web_root
        self.limits = limits or Limits()
        self.post_faults = post_faults or PostFaults()
        self.disconnect_loss = disconnect_loss or DisconnectLoss()
        self.sockets: dict[str, Socket] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda")
        self.rest = ChaliceRestGateway(app, Config.create(lambda_timeout=29, lambda_memory_size=256))
        self.handlers = {
            route_key: self._handler_for(route_key) for route_key in ("$connect", "$disconnect", "$default")
        }
        self.port = 0
        self.shutting_down = False

    def _handler_for(self, route_key: str) -> Callable[[dict, Any], dict]:
        """The Lambda entry point Chalice would deploy for this route (e.g. ``app.connect``)."""
        return self.app.handler_map[self.app.websocket_handlers[route_key].name]

    # --- events ---------------------------------------------------------------------------------

    def _event(
        self,
        route_key: str,
        event_type: str,
        connection_id: str,
        request: web.Request,
        body: str | None = None,
        **extra_context: Any,
    ) -> dict[str, Any]:
        now_ms = int(time.time() * 1000)
        context = {
            "routeKey": route_key,
            "eventType": event_type,
            "connectionId": connection_id,
            "domainName": request.host,
            "stage": STAGE,
            "apiId": API_ID,
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "messageDirection": "IN",
            "requestTimeEpoch": now_ms,
            "connectedAt": int(self.sockets[connection_id].connected_at * 1000)
            if connection_id in self.sockets
            else now_ms,
            **extra_context,
            # As in AWS: the product only ever hashes it (chalicelib.abuse.sources), never keeps it.
            "identity": {"sourceIp": request.remote or ""},
        }
        if event_type == "MESSAGE":
            context["messageId"] = str(uuid.uuid4())
        event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
        if route_key == "$connect":
            query = dict(request.query)
            event["queryStringParameters"] = query or None
            event["multiValueQueryStringParameters"] = {k: request.query.getall(k) for k in query} or None
            # Headers that carry no client address (X-Forwarded-For is left out), plus the test-only
            # source that the product honours from loopback alone.
            kept = ("host", "origin", "user-agent", "x-test-source")
            headers = {k: v for k, v in request.headers.items() if k.lower() in kept}
            event["headers"] = headers
            event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        if body is not None:
            event["body"] = body
        return event

    async def _invoke(self, route_key: str, event: dict[str, Any]) -> dict[str, Any] | None:
        """The handler's answer, or None when it raised (an integration failure in AWS terms)."""
        handler = self.handlers[route_key]
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, handler, event, LambdaContext(route_key)) or {}
        except Exception:
            if self.shutting_down:  # its replies had nowhere to go: not a bug worth a traceback
                log.info("handler %s cut short by the shutdown", route_key)
            else:
                log.exception("handler %s failed", route_key)
            return None

    # --- WebSocket ----------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        connection_id = new_connection_id()
        socket = Socket(connection_id)
        self.sockets[connection_id] = socket
        answer = await self._invoke("$connect", self._event("$connect", "CONNECT", connection_id, request))
        status = 502 if answer is None else int(answer.get("statusCode", 200))
        if not 200 <= status < 300:
            # No socket, no $disconnect: the upgrade is answered with the integration's status.
            del self.sockets[connection_id]
            return refused_connect(status, answer)
        protocol = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}.get("sec-websocket-protocol")
        ws = web.WebSocketResponse(
            max_msg_size=self.limits.max_message_bytes, heartbeat=None, protocols=(protocol,) if protocol else ()
        )
        await ws.prepare(request)
        socket.ws = ws
        try:
            await self._converse(socket, ws, request)
        finally:
            self.sockets.pop(connection_id, None)
            await self._disconnected(socket, ws, request)
        return ws

    async def _converse(self, socket: Socket, ws: web.WebSocketResponse, request: web.Request) -> None:
        """Frames in until the client leaves or API Gateway would end the connection."""
        ends_at = socket.connected_at + self.limits.max_lifetime_s
        while True:
            now = time.time()
            wait = min(ends_at - now, socket.last_active + self.limits.idle_timeout_s - now)
            if wait <= 0:
                await ws.close(code=GOING_AWAY, message=b"Going away")
                return
            try:
                msg = await ws.receive(timeout=wait)
            except TimeoutError:
                continue  # the loop decides: idle too long, or the lifetime is over
            if msg.type == WSMsgType.TEXT:
                socket.last_active = time.time()
                event = self._event("$default", "MESSAGE", socket.connection_id, request, msg.data)
                await self._invoke("$default", event)
            elif msg.type == WSMsgType.BINARY:
                await ws.close(code=UNSUPPORTED_DATA, message=b"Binary frames are not supported")
                return
            elif msg.type == WSMsgType.ERROR:
                # aiohttp has already closed the socket, with 1009 for a message over the limit.
                if ws.close_code != WSCloseCode.MESSAGE_TOO_BIG:
                    log.info("websocket error, close code %s", ws.close_code)
                return
            else:  # CLOSE, CLOSING, CLOSED
                return

    async def _disconnected(self, socket: Socket, ws: web.WebSocketResponse, request: web.Request) -> None:
        """``$disconnect``, unless this close is one of those AWS never reports (best effort)."""
        if self.shutting_down:
            return  # the handlers' replies would go to a gateway that is gone; the items die with us
        if self.disconnect_loss.skip():
            log.info("$disconnect skipped on purpose (--skip-disconnect)")
            return
        event = self._event(
            "$disconnect",
            "DISCONNECT",
            socket.connection_id,
            request,
            connectedAt=int(socket.connected_at * 1000),
            disconnectStatusCode=ws.close_code or 1006,
            disconnectReason=CLOSE_REASONS.get(ws.close_code or 1006, ""),
        )
        await self._invoke("$disconnect", event)

    # --- Management API (@connections) ------------------------------------------------------------

    def _live(self, request: web.Request) -> Socket | None:
        socket = self.sockets.get(request.match_info["connection_id"])
        if socket is None or socket.ws is None or socket.ws.closed:
            return None
        return socket

    @staticmethod
    def _management_error(status: int, error_type: str, message: str) -> web.Response:
        status, headers, body = error_answer(status, error_type, message)
        return web.Response(status=status, headers=headers, body=body)

    def _gone(self) -> web.Response:
        return self._management_error(410, "GoneException", "Connection is gone")

    async def post_to_connection(self, request: web.Request) -> web.Response:
        fate = self.post_faults.draw()
        if fate in ERRORS:
            await drain(request, self.limits.max_post_bytes)
            return self._management_error(*ERRORS[fate])
        if fate == SLOW:
            await asyncio.sleep(self.post_faults.delay_ms / 1000)
        data = await read_limited(request, self.limits.max_post_bytes)
        if data is None:
            return self._management_error(413, "PayloadTooLargeException", "Message too long")
        socket = self._live(request)
        if socket is None:
            return self._gone()
        try:
            await socket.ws.send_str(data.decode("utf-8", errors="replace"))
        except (ConnectionError, RuntimeError):
            return self._gone()
        return web.Response(status=200, headers={"x-amzn-RequestId": str(uuid.uuid4())})

    async def get_connection(self, request: web.Request) -> web.Response:
        socket = self._live(request)
        if socket is None:
            return self._gone()
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
        return web.json_response({"connectedAt": iso(socket.connected_at), "lastActiveAt": iso(socket.last_active)})

    async def delete_connection(self, request: web.Request) -> web.Response:
        socket = self._live(request)
        if socket is None:
            return self._gone()
        await socket.ws.close(code=1000, message=b"Closed by server")
        return web.Response(status=204)

    # --- REST (Chalice's own local API Gateway emulation, authorizers included) --------------------

    async def rest_api(self, request: web.Request) -> web.Response:
        path = request.path_qs[len("/api") :] or "/"
        body = await read_limited(request, self.limits.max_body_bytes)
        if body is None:
            return payload_too_large(self.limits.max_body_bytes)
        headers = {k.lower(): v for k, v in request.headers.items()}
        loop = asyncio.get_running_loop()
        status, out_headers, payload = await loop.run_in_executor(
            self.pool, call_rest, self.rest, request.method, path, headers, body or None
        )
        return web.Response(status=status, body=payload, headers=out_headers)

    # --- static site --------------------------------------------------------------------------------

    async def config_json(self, request: web.Request) -> web.Response:
        """The frontend's endpoints, for whatever host name the browser used."""
        host = request.host
        return web.json_response(
            {"apiUrl": f"http://{host}/api", "wsUrl": f"ws://{host}/ws", "stage": STAGE, "limits": published()},
            headers={"Cache-Control": "no-store"},
        )

    async def static(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info.get("path") or "index.html"
        target = (self.web_root / relative).resolve()
        if not str(target).startswith(str(self.web_root.resolve())) or not target.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(
            target,
            headers={
                "Content-Security-Policy": CSP,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache",
            },
        )

    def web_app(self) -> web.Application:
        # Bodies are read (and limited) by each route itself, like API Gateway's own quotas.
        application = web.Application(client_max_size=max(self.limits.max_body_bytes, self.limits.max_post_bytes) + 1)
        application.add_routes(
            [
                web.get("/ws", self.websocket),
                web.post("/@connections/{connection_id}", self.post_to_connection),
                web.get("/@connections/{connection_id}", self.get_connection),
                web.delete("/@connections/{connection_id}", self.delete_connection),
                web.get("/_local/faults", self.faults_state),
                web.put("/_local/faults", self.set_faults),
                web.route("*", "/api{tail:.*}", self.rest_api),
                web.get("/config.json", self.config_json),
                web.get("/", self.static),
                web.get("/{path:.+}", self.static),
            ]
        )
        return application

    # --- local only: the injected faults -----------------------------------------------------------

    async def faults_state(self, request: web.Request) -> web.Response:
        """How many posts were made and which faults were injected (benches and tests read it)."""
        return web.json_response(
            {"post_faults": self.post_faults.describe(), "disconnects_skipped": self.disconnect_loss.skipped}
        )

    async def set_faults(self, request: web.Request) -> web.Response:
        """Change the post faults of a running stack: ``{"post_faults": "429:0.1", "delay_ms": 500, "seed": 1}``."""
        try:
            body = await request.json()
            self.post_faults = PostFaults.parse(
                body.get("post_faults"), int(body.get("delay_ms", 1000)), body.get("seed")
            )
        except (ValueError, TypeError, AttributeError) as error:
            return web.json_response({"error": {"code": "bad_request", "message": str(error)}}, status=400)
        return await self.faults_state(request)

    async def close_all(self) -> None:
        self.shutting_down = True
        for socket in list(self.sockets.values()):
            if socket.ws is not None and not socket.ws.closed:
                await socket.ws.close(code=1001, message=b"Server shutting down")


def call_rest(
    rest: Any, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, dict[str, str], bytes]:
    """One REST request through Chalice's API Gateway emulation (routing, CORS, authorizers)."""
    from chalice.local import LocalGatewayException

    try:
        response = rest.handle_request(method, path, headers, body)
    except LocalGatewayException as error:
        return error.CODE, dict(error.headers), error.body or b""
    except Exception as error:
        if str(error) == "Unauthorized":  # what API Gateway does with this authorizer exception
            return 401, {"Content-Type": "application/json"}, b'{"message":"Unauthorized"}'
        raise
    out_headers = {k: v for k, v in (response.get("headers") or {}).items() if k.lower() != "content-length"}
    for key, values in (response.get("multiValueHeaders") or {}).items():
        out_headers[key] = ", ".join(values)
    payload = response.get("body") or b""
    if response.get("isBase64Encoded"):
        payload = base64.b64decode(payload)
    elif isinstance(payload, str):
        payload = payload.encode("utf-8")
    return response["statusCode"], out_headers, payload


CLOSE_REASONS = {
    1000: "Normal closure",
    1001: "Going away",
    1003: "Unsupported data",
    1006: "Abnormal closure",
    1009: "Message too big",
}


def refused_connect(status: int, answer: dict[str, Any] | None) -> web.Response:
    """API Gateway's answer to an upgrade that ``$connect`` refused.

    The client gets the integration's status code (a browser only sees the socket fail, 1006).
    A handler that raised is an integration failure: 502 with API Gateway's generic body.
    """
    if answer is None:
        return web.json_response({"message": "Internal server error"}, status=502)
    headers = {
        k: v
        for k, v in (answer.get("headers") or {}).items()
        if k.lower() not in ("content-length", "connection", "upgrade")
    }
    body = answer.get("body")
    if body is None:
        return web.json_response({"message": "Forbidden"}, status=status, headers=headers)
    headers.setdefault("Content-Type", "application/json")
    return web.Response(status=status, body=body.encode() if isinstance(body, str) else body, headers=headers)


def payload_too_large(limit: int) -> web.Response:
    """The project's own error shape, so a client handles it like any other refusal."""
    body = {
        "error": {
            "code": "payload_too_large",
            "message": f"The request body is larger than {limit} bytes.",
            "limit_bytes": limit,
        }
    }
    return web.Response(
        status=413,
        body=json.dumps(body),
        content_type="application/json",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
    )


async def read_limited(request: web.Request, limit: int) -> bytes | None:
    """The whole body, or None when it is over ``limit`` bytes (the rest is drained, not kept)."""
    if request.content_length is not None and request.content_length > limit:
        await drain(request, limit)
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            await drain(request, limit)
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def drain(request: web.Request, limit: int) -> None:
    """Read and drop what the client is still sending, so it sees our answer, not a reset.

    Past a generous bound we stop reading and let aiohttp close the connection instead.
    """
    bound = 4 * limit + 1024 * 1024
    seen = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        seen += len(chunk)
        if seen > bound:
            if request.transport is not None:
                request.transport.close()
            return
