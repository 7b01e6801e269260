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
import logging
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from aiohttp import WSMsgType, web

log = logging.getLogger("gruppechat.local")

API_ID = "local"
STAGE = "local"
IDLE_TIMEOUT_S = 600  # API Gateway closes a WebSocket after 10 idle minutes
MAX_FRAME_BYTES = 128 * 1024  # the gateway's message limit; the app enforces its own 32 KB

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
    def __init__(self, app: Any, web_root: Path, workers: int = 16) -> None:
        from chalice.config import Config
        from chalice.local import LocalGateway as ChaliceRestGateway

        self.app = app
        self.web_root = web_root
        self.sockets: dict[str, Socket] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda")
        self.rest = ChaliceRestGateway(app, Config.create(lambda_timeout=29, lambda_memory_size=256))
        self.handlers = {
            route_key: self._handler_for(route_key) for route_key in ("$connect", "$disconnect", "$default")
        }
        self.port = 0

    def _handler_for(self, route_key: str) -> Callable[[dict, Any], dict]:
        """The Lambda entry point Chalice would deploy for this route (e.g. ``app.connect``)."""
        return self.app.handler_map[self.app.websocket_handlers[route_key].name]

    # --- events ---------------------------------------------------------------------------------

    def _event(self, route_key: str, event_type: str, connection_id: str, request: web.Request,
               body: str | None = None) -> dict[str, Any]:
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
            if connection_id in self.sockets else now_ms,
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

    async def _invoke(self, route_key: str, event: dict[str, Any]) -> dict[str, Any]:
        handler = self.handlers[route_key]
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, handler, event, LambdaContext(route_key))
        except Exception:
            # API Gateway answers an integration failure with a generic error; we log and go on.
            log.exception("handler %s failed", route_key)
            return {"statusCode": 500}

    # --- WebSocket ----------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        connection_id = new_connection_id()
        socket = Socket(connection_id)
        self.sockets[connection_id] = socket
        result = await self._invoke("$connect", self._event("$connect", "CONNECT", connection_id, request))
        status = int(result.get("statusCode", 200))
        if not 200 <= status < 300:
            del self.sockets[connection_id]
            return web.json_response({"message": "Forbidden"}, status=status)
        ws = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES, heartbeat=None)
        await ws.prepare(request)
        socket.ws = ws
        try:
            while True:
                try:
                    msg = await ws.receive(timeout=IDLE_TIMEOUT_S)
                except asyncio.TimeoutError:
                    await ws.close(code=1001, message=b"Going away")
                    break
                if msg.type == WSMsgType.TEXT:
                    socket.last_active = time.time()
                    event = self._event("$default", "MESSAGE", connection_id, request, msg.data)
                    await self._invoke("$default", event)
                elif msg.type == WSMsgType.BINARY:
                    socket.last_active = time.time()
                    event = self._event("$default", "MESSAGE", connection_id, request,
                                        msg.data.decode("utf-8", errors="replace"))
                    await self._invoke("$default", event)
                else:
                    break
        finally:
            self.sockets.pop(connection_id, None)
            await self._invoke("$disconnect", self._event("$disconnect", "DISCONNECT", connection_id, request))
        return ws

    # --- Management API (@connections) ------------------------------------------------------------

    def _live(self, request: web.Request) -> Socket | None:
        socket = self.sockets.get(request.match_info["connection_id"])
        if socket is None or socket.ws is None or socket.ws.closed:
            return None
        return socket

    @staticmethod
    def _gone() -> web.Response:
        return web.json_response(
            {"message": "Connection is gone"}, status=410, headers={"x-amzn-ErrorType": "GoneException"}
        )

    async def post_to_connection(self, request: web.Request) -> web.Response:
        socket = self._live(request)
        if socket is None:
            return self._gone()
        data = await request.read()
        try:
            await socket.ws.send_str(data.decode("utf-8"))
        except (ConnectionError, RuntimeError):
            return self._gone()
        return web.Response(status=200)

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
        path = request.path_qs[len("/api"):] or "/"
        body = await request.read()
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
            {"apiUrl": f"http://{host}/api", "wsUrl": f"ws://{host}/ws", "stage": STAGE},
            headers={"Cache-Control": "no-store"},
        )

    async def static(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info.get("path") or "index.html"
        target = (self.web_root / relative).resolve()
        if not str(target).startswith(str(self.web_root.resolve())) or not target.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(target, headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        })

    def web_app(self) -> web.Application:
        application = web.Application(client_max_size=MAX_FRAME_BYTES)
        application.add_routes([
            web.get("/ws", self.websocket),
            web.post("/@connections/{connection_id}", self.post_to_connection),
            web.get("/@connections/{connection_id}", self.get_connection),
            web.delete("/@connections/{connection_id}", self.delete_connection),
            web.route("*", "/api{tail:.*}", self.rest_api),
            web.get("/config.json", self.config_json),
            web.get("/", self.static),
            web.get("/{path:.+}", self.static),
        ])
        return application

    async def close_all(self) -> None:
        for socket in list(self.sockets.values()):
            if socket.ws is not None and not socket.ws.closed:
                await socket.ws.close(code=1001, message=b"Server shutting down")


def call_rest(rest: Any, method: str, path: str, headers: dict[str, str],
              body: bytes | None) -> tuple[int, dict[str, str], bytes]:
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
