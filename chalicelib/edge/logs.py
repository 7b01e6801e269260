"""Structured logs: one JSON object per line, with the request and connection id, and nothing personal.

The privacy promise is that no log line ever holds message text, a token, a password or an IP
address. Code should simply not log them; this module makes a slip harmless:

* ``RedactFilter`` replaces the value of any field named like ``text``, ``token``, ``password``,
  ``ip`` or ``sourceIp`` (also inside nested dicts, e.g. a whole Lambda event passed as ``extra``),
  and scrubs JWTs, ``token=`` query strings and IP addresses out of the rendered message and
  exception text;
* ``JsonFormatter`` writes the record, the bound context and the (redacted) ``extra`` fields as
  one line of JSON, so CloudWatch Logs Insights can filter on ``connection_id`` or ``request_id``.

Wiring (``app.py``)::

    app = Chalice(app_name="gruppechat")
    logs.configure(app)                                   # once, at import
    app.register_middleware(logs.context_middleware, "all")   # binds request/connection id

``configure`` also undoes Chalice's own logger set-up: Chalice gives the ``gruppechat`` logger
(the parent of every ``gruppechat.*`` logger in chalicelib) a plain-text handler, level ERROR and
``propagate = False``, which would silently drop every info and warning of the product.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

REDACTED = "[redacted]"

# Field names (compared lower-case, without "_" and "-") whose values never reach a log line.
SENSITIVE_NAMES = frozenset(
    {
        "text",  # message text
        "body",  # a WebSocket frame or HTTP body carries message text and passwords
        "token",
        "password",
        "recoverycode",
        "secret",
        "authorization",
        "cookie",
        "querystringparameters",  # ?token=JWT on $connect
        "multivaluequerystringparameters",
        "ip",
        "sourceip",
        "clientip",
        "ipaddress",
        "xforwardedfor",
        "endpoint",  # a push subscription's endpoint is a bearer capability for that browser
        "subscription",
    }
)
_SENSITIVE_SUFFIXES = ("token", "password", "secret")

_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"), "[redacted-jwt]"),
    (re.compile(r"(?i)\b(token|password|secret)=[^&\s\"']+"), r"\1=" + REDACTED),
    (re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"), "[redacted-ip]"),
    # IPv6: eight groups, or a compressed form with "::" (a time like 19:00:00 is neither).
    (
        re.compile(
            r"(?i)(?<![\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
            r"|(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{0,4})(?![\w:])"
        ),
        "[redacted-ip]",
    ),
)

# What LogRecord carries by itself; everything else on a record came from ``extra=``.
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}

_CONTEXT: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "gruppechat_log_context", default=MappingProxyType({})
)


def is_sensitive(name: str) -> bool:
    key = name.lower().replace("_", "").replace("-", "")
    return key in SENSITIVE_NAMES or key.endswith(_SENSITIVE_SUFFIXES)


def scrub(text: str) -> str:
    """Remove JWTs, ``token=…`` and IP addresses from free text."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any) -> Any:
    """A copy of ``value`` with every sensitive field's value replaced, at any depth."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if isinstance(key, str) and is_sensitive(key) else redact(item) for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return scrub(value)
    return value


class RedactFilter(logging.Filter):
    """Makes a record safe to write: redacts sensitive ``extra`` fields, scrubs the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in list(record.__dict__):
            if name in _RECORD_FIELDS:
                continue
            value = record.__dict__[name]
            record.__dict__[name] = REDACTED if is_sensitive(name) else redact(value)
        if isinstance(record.args, Mapping):
            record.args = redact(record.args)
        try:
            rendered = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            rendered = str(record.msg)
        record.msg, record.args = scrub(rendered), None
        return True


class ContextFilter(logging.Filter):
    """Adds the bound context (request id, connection id, route) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _CONTEXT.get().items():
            record.__dict__.setdefault(key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name, value in record.__dict__.items():
            if name not in _RECORD_FIELDS and name not in entry:
                entry[name] = REDACTED if is_sensitive(name) else redact(value)
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


def bind(**fields: Any) -> None:
    """Add fields (e.g. ``request_id``, ``connection_id``) to every following record of this call."""
    _CONTEXT.set({**_CONTEXT.get(), **{k: v for k, v in fields.items() if v is not None}})


def clear() -> None:
    _CONTEXT.set({})


def event_context(event: Any) -> dict[str, Any]:
    """Ids worth logging from a Chalice event of any kind; never its body, query or identity."""
    fields: dict[str, Any] = {}
    lambda_context = getattr(event, "lambda_context", None)
    if lambda_context is None and not isinstance(getattr(event, "context", None), dict):
        lambda_context = getattr(event, "context", None)
    fields["request_id"] = getattr(lambda_context, "aws_request_id", None)
    fields["function"] = getattr(lambda_context, "function_name", None)
    connection_id = getattr(event, "connection_id", None)
    if connection_id:
        fields["connection_id"] = connection_id
    request_context = getattr(event, "context", None)  # an HTTP Request's requestContext
    if not isinstance(request_context, dict):
        to_dict = getattr(event, "to_dict", None)
        request_context = (to_dict() or {}).get("requestContext", {}) if callable(to_dict) else {}
    if isinstance(request_context, dict):
        fields["route"] = request_context.get("routeKey") or request_context.get("resourcePath")
        fields["api_request_id"] = request_context.get("requestId")
    return {k: v for k, v in fields.items() if v}


def context_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware (``app.register_middleware(context_middleware, "all")``)."""
    clear()
    bind(**event_context(event))
    try:
        return get_response(event)
    finally:
        clear()


def configure(app: Any = None, level: str | int | None = None, stream: Any = None) -> logging.Handler:
    """Send every log record to ``stream`` (stdout: CloudWatch) as redacted JSON lines.

    Idempotent. ``app`` is the Chalice app, whose own logger is handed back to the root handler.
    """
    level = level or os.environ.get("LOG_LEVEL", "INFO")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_gruppechat", False) or type(handler).__name__ == "LambdaLoggerHandler":
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stdout)
    handler._gruppechat = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    if app is not None:
        chalice_log = app.log
        for existing in list(chalice_log.handlers):
            chalice_log.removeHandler(existing)
        chalice_log.setLevel(logging.NOTSET)
        chalice_log.propagate = True
    # botocore at DEBUG logs request bodies (message text); keep libraries quiet.
    for noisy in ("botocore", "boto3", "urllib3", "pynamodb"):
        logging.getLogger(noisy).setLevel(max(logging.getLogger().level, logging.WARNING))
    return handler
