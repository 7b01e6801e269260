"""Structured logs never carry message text, tokens, passwords or IP addresses."""

from __future__ import annotations

import io
import json
import logging
from types import SimpleNamespace

import pytest
from chalice import Chalice
from chalice.app import WebsocketEvent

from chalicelib.edge import logs

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwLTEyMyJ9.c2lnbmF0dXJl"
TEXT = "jeg hedder Sofie og bor på Nørrebrogade 12"
PASSWORD = "hemmelig-kode-42"
IPV4 = "192.0.2.44"
IPV6 = "2001:db8:85a3::8a2e:370:7334"
SECRETS = (JWT, TEXT, PASSWORD, IPV4, IPV6, "Sofie")


@pytest.fixture
def captured():
    """configure() on a fresh stream; the global logging state is put back afterwards."""
    root = logging.getLogger()
    chalice_log = logging.getLogger("gruppechat")
    saved = (list(root.handlers), root.level, list(chalice_log.handlers), chalice_log.level, chalice_log.propagate)
    stream = io.StringIO()
    app = Chalice(app_name="gruppechat")  # gives "gruppechat" a plain handler, ERROR, no propagation
    logs.configure(app, level="INFO", stream=stream)
    yield stream
    logs.clear()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    chalice_log.handlers[:] = saved[2]
    chalice_log.setLevel(saved[3])
    chalice_log.propagate = saved[4]


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_nothing_personal(stream: io.StringIO) -> None:
    written = stream.getvalue()
    for secret in SECRETS:
        assert secret not in written, f"{secret!r} reached the log: {written}"


def test_sensitive_extra_fields_are_redacted(captured):
    log = logging.getLogger("gruppechat.chat")
    log.info(
        "message stored",
        extra={
            "text": TEXT,
            "token": JWT,
            "password": PASSWORD,
            "ip": IPV4,
            "sourceIp": IPV6,
            "message_id": "01JDX5",
            "recovery_code": "ABCD-EFGH",
        },
    )
    [entry] = lines(captured)
    assert entry["message"] == "message stored"
    assert entry["level"] == "INFO" and entry["logger"] == "gruppechat.chat"
    for name in ("text", "token", "password", "ip", "sourceIp", "recovery_code"):
        assert entry[name] == logs.REDACTED
    assert entry["message_id"] == "01JDX5"  # ids are fine
    assert_nothing_personal(captured)


def test_a_whole_lambda_event_logged_by_mistake_keeps_no_personal_field(captured):
    event = {
        "requestContext": {
            "routeKey": "$connect",
            "connectionId": "c-1",
            "identity": {"sourceIp": IPV4, "userAgent": "Mozilla"},
        },
        "queryStringParameters": {"token": JWT},
        "headers": {"X-Forwarded-For": f"{IPV4}, {IPV6}", "Authorization": f"Bearer {JWT}"},
        "body": json.dumps({"action": "send", "text": TEXT}),
    }
    logging.getLogger("gruppechat.edge").warning("odd event", extra={"event": event})
    [entry] = lines(captured)
    assert entry["event"]["requestContext"]["identity"]["sourceIp"] == logs.REDACTED
    assert entry["event"]["queryStringParameters"] == logs.REDACTED
    assert entry["event"]["body"] == logs.REDACTED
    assert entry["event"]["requestContext"]["connectionId"] == "c-1"
    assert_nothing_personal(captured)


def test_tokens_and_addresses_are_scrubbed_from_message_text_and_arguments(captured):
    log = logging.getLogger("gruppechat.edge")
    log.info("connect from %s with %s", IPV4, f"wss://x/?token={JWT}")
    log.info("peer %s", IPV6)
    log.info("fields %(text)s %(session)s", {"text": TEXT, "session": "s-1"})
    log.info("session opens at 19:00:00 on 2026-11-26, version 1.2")
    entries = lines(captured)
    assert "[redacted-ip]" in entries[0]["message"]
    assert entries[1]["message"] == "peer [redacted-ip]"
    assert entries[2]["message"] == f"fields {logs.REDACTED} s-1"
    assert entries[3]["message"] == "session opens at 19:00:00 on 2026-11-26, version 1.2"
    assert_nothing_personal(captured)


def test_exceptions_are_one_json_line_and_scrubbed(captured):
    try:
        raise ValueError(f"bad token {JWT} from {IPV4}")
    except ValueError:
        logging.getLogger("gruppechat.edge").exception("request failed")
    assert len(captured.getvalue().splitlines()) == 1
    [entry] = lines(captured)
    assert "ValueError" in entry["exception"] and "Traceback" in entry["exception"]
    assert_nothing_personal(captured)


def test_chalice_logger_no_longer_swallows_product_logs(captured):
    logging.getLogger("gruppechat.sessions").info("session opened")
    logging.getLogger("gruppechat").warning("chalice says")
    assert [entry["message"] for entry in lines(captured)] == ["session opened", "chalice says"]


def test_middleware_binds_request_and_connection_id_for_the_call_only(captured):
    event = WebsocketEvent(
        {
            "requestContext": {
                "routeKey": "$default",
                "eventType": "MESSAGE",
                "connectionId": "conn-7",
                "apiId": "abc123",
                "stage": "prod",
                "domainName": "x",
                "requestId": "api-r-1",
                "identity": {"sourceIp": IPV4},
            },
            "body": json.dumps({"action": "send", "text": TEXT}),
        },
        SimpleNamespace(aws_request_id="req-42", function_name="gruppechat-prod-websocket_message"),
    )

    def handler(event):
        logging.getLogger("gruppechat.chat").info("frame handled")
        return {"statusCode": 200}

    assert logs.context_middleware(event, handler) == {"statusCode": 200}
    logging.getLogger("gruppechat.chat").info("after the call")
    during, after = lines(captured)
    assert during["request_id"] == "req-42"
    assert during["connection_id"] == "conn-7"
    assert during["route"] == "$default"
    assert during["function"] == "gruppechat-prod-websocket_message"
    assert "connection_id" not in after and "request_id" not in after
    assert_nothing_personal(captured)


def test_configure_is_idempotent(captured):
    stream = io.StringIO()
    logs.configure(level="INFO", stream=stream)
    logs.configure(level="INFO", stream=stream)
    logging.getLogger("gruppechat.chat").info("once")
    assert stream.getvalue().count("once") == 1
    assert captured.getvalue() == ""


def test_middleware_binds_the_rest_route_and_request_id(captured):
    app = Chalice(app_name="gruppechat-logs-test")
    app.register_middleware(logs.context_middleware, "all")

    @app.route("/groups")
    def groups():
        logging.getLogger("gruppechat.groups").info("listed")
        return {}

    from chalice.test import Client

    with Client(app) as client:
        assert client.http.get("/groups", headers={"X-Forwarded-For": IPV4}).status_code == 200
    [entry] = lines(captured)
    assert entry["route"] == "/groups" and entry["request_id"]
    assert_nothing_personal(captured)
