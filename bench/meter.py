"""What the DynamoDB side of a request costs, and its answers kept to run the handler without moto.

Three instruments, installed by :func:`install` before any botocore client is built (they hook
botocore's ``_make_api_call``, ``Endpoint._do_get_response`` and its ``before-send`` event):

* :class:`Meter` counts DynamoDB requests by operation and prices each in write and read units
  by DynamoDB's documented rules, from the sizes of the items involved. moto answers
  ``ReturnConsumedCapacity`` with constants (1.0 or 0.5 whatever the size, nothing for indexes),
  so the units are computed here, from the items before and after each write as moto holds them:

  - item size: attribute names plus values (strings in UTF-8; numbers 1 byte per two significant
    digits plus 1; booleans and nulls 1; lists and maps 3 bytes plus 1 byte per element);
  - a write: 1 unit per started KB of the larger of the item before and after, at least 1;
    2 per KB inside ``TransactWriteItems``; a write whose condition fails still pays for the item;
  - each global secondary index: a write that adds or removes the item's index entry costs that
    entry's KBs; one that changes the entry's key costs both (delete and put); one that changes a
    projected attribute under the same key costs the larger entry; one that leaves every
    projected attribute alone costs nothing. Index writes are counted at 1 per KB also for writes
    inside a transaction;
  - a read: 1 unit per started 4 KB when strongly consistent, half when eventually consistent
    (every index query is), at least one such unit per request; a query is priced on the summed
    size of the items it returns (index entries for an index), rounded up once.

* :class:`Recorder` keeps every DynamoDB answer of the frames being recorded, twice: as botocore
  parsed it, and as moto sent it (status, headers, body).
* :class:`ClientCount` counts the botocore clients built while a frame is handled (none, in a
  warm container).
* :class:`Replay` answers the same requests from a recording, either in place of the whole
  botocore call (``"parsed"``: no serialising, signing or parsing, so the CPU measured is the
  handler's own) or as the HTTP response (``"wire"``: botocore does everything it does in Lambda
  except wait for the network). It checks that each request is the one recorded, in order.
"""

from __future__ import annotations

import copy
import math
import os
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import botocore.client
import botocore.endpoint
import botocore.handlers
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

KB = 1024
READ_BLOCK = 4 * KB
REGION = "eu-north-1"


def use_embedded_store() -> None:
    """Fake credentials and bench tables; call before anything imports chalicelib."""
    os.environ.update(
        AWS_DEFAULT_REGION=REGION,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        TABLE_PREFIX="bench-",
        TOKEN_SECRET="bench-secret-only-for-measuring-0123",
    )
    os.environ.pop("AWS_REGION", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("DYNAMODB_ENDPOINT", None)
    os.environ.pop("CONNECTIONS_ENDPOINT", None)


# --- item sizes, by DynamoDB's rules ---------------------------------------------------------------


def number_size(text: str) -> int:
    mantissa = text.lstrip("+-").lower().split("e")[0].replace(".", "")
    significant = len(mantissa.strip("0")) or 1
    return (significant + 1) // 2 + 1


def value_size(value: dict[str, Any]) -> int:
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        return number_size(str(raw))
    if kind == "B":
        return len(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(item.encode("utf-8")) for item in raw)
    if kind == "NS":
        return sum(number_size(str(item)) for item in raw)
    if kind == "BS":
        return sum(len(item) for item in raw)
    if kind == "L":
        return 3 + sum(1 + value_size(item) for item in raw)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size(item) for name, item in raw.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / KB))


def read_units(size: int, consistent: bool) -> float:
    blocks = max(1, math.ceil(size / READ_BLOCK))
    return float(blocks) if consistent else blocks / 2


# --- the meter --------------------------------------------------------------------------------------


@dataclass
class Priced:
    """One DynamoDB request and what it consumed, by table and index."""

    operation: str
    write: Counter[str] = field(default_factory=Counter)  # "table" or "table/index" -> write units
    read: Counter[str] = field(default_factory=Counter)  # "table" or "table/index" -> read units

    @property
    def write_units(self) -> float:
        return float(sum(self.write.values()))

    @property
    def read_units(self) -> float:
        return float(sum(self.read.values()))


class Meter:
    """Prices the DynamoDB requests made while ``active`` (needs moto's in-process backend)."""

    def __init__(self) -> None:
        self.active = False
        self.requests: list[Priced] = []

    # the old interface, still used by bench/tick.py
    @property
    def calls(self) -> Counter[str]:
        return Counter(request.operation for request in self.requests)

    def clear(self) -> None:
        self.requests.clear()

    def take(self) -> list[Priced]:
        taken, self.requests = self.requests, []
        return taken

    # --- inside ------------------------------------------------------------------------------

    @staticmethod
    def _backend() -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]

    def _current(self, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item = self._backend().get_item(table_name, key)
        return copy.deepcopy(item.to_json()["Attributes"]) if item is not None else None

    def _key_of(self, table_name: str, item: dict[str, Any]) -> dict[str, Any]:
        table = self._backend().get_table(table_name)
        names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
        return {name: item[name] for name in names}

    def _writes_of(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
        """(table, key, changes the item) of every item a write request touches."""
        if operation == "PutItem":
            return [(params["TableName"], self._key_of(params["TableName"], params["Item"]), True)]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], True)]
        if operation == "TransactWriteItems":
            touched = []
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                key = self._key_of(body["TableName"], body["Item"]) if kind == "Put" else body["Key"]
                touched.append((body["TableName"], key, kind != "ConditionCheck"))
            return touched
        if operation == "BatchWriteItem":
            touched = []
            for table_name, entries in params["RequestItems"].items():
                for entry in entries:
                    if "PutRequest" in entry:
                        touched.append((table_name, self._key_of(table_name, entry["PutRequest"]["Item"]), True))
                    else:
                        touched.append((table_name, entry["DeleteRequest"]["Key"], True))
            return touched
        return []

    def before(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool, Any]]:
        return [(table, key, tx, self._current(table, key)) for table, key, tx in self._writes_of(operation, params)]

    def after(
        self,
        operation: str,
        params: dict[str, Any],
        response: dict[str, Any] | None,
        touched: list[tuple[str, dict[str, Any], bool, Any]],
    ) -> None:
        priced = Priced(operation)
        for table_name, key, changes_item, old in touched:
            new = self._current(table_name, key)
            self._price_write(priced, table_name, old, new, changes_item, operation == "TransactWriteItems")
        if response is not None:
            self._price_read(priced, operation, params, response)
        self.requests.append(priced)

    def _price_write(
        self, priced: Priced, table_name: str, old: Any, new: Any, changes_item: bool, in_transaction: bool
    ) -> None:
        units = write_units(max(item_size(old), item_size(new)))
        priced.write[table_name] += units * (2 if in_transaction else 1)
        if not changes_item:  # a ConditionCheck writes no index
            return
        table = self._backend().get_table(table_name)
        for index in table.global_indexes:
            units = index_write_units(index, old, new)
            if units:
                priced.write[f"{table_name}/{index.name}"] += units

    def _price_read(self, priced: Priced, operation: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        if operation == "GetItem":
            priced.read[params["TableName"]] += read_units(
                item_size(response.get("Item")), bool(params.get("ConsistentRead"))
            )
        elif operation in ("Query", "Scan"):
            index = params.get("IndexName")
            name = f"{params['TableName']}/{index}" if index else params["TableName"]
            items = response.get("Items", [])
            size = sum(item_size(item) for item in items)
            scanned, returned = response.get("ScannedCount", len(items)), len(items)
            if returned and scanned > returned:  # a filter dropped items: they were read too
                size = math.ceil(size * scanned / returned)
            priced.read[name] += read_units(size, bool(params.get("ConsistentRead")) and not index)
        elif operation == "BatchGetItem":
            for table_name, items in response.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table_name].get("ConsistentRead"))
                for item in items:
                    priced.read[table_name] += read_units(item_size(item), consistent)
        elif operation == "TransactGetItems":
            for entry, answer in zip(params["TransactItems"], response.get("Responses", []), strict=False):
                priced.read[entry["Get"]["TableName"]] += 2 * read_units(item_size(answer.get("Item")), True)


def index_write_units(index: Any, old: dict[str, Any] | None, new: dict[str, Any] | None) -> int:
    """What one item write costs a global secondary index (``index`` as moto describes it)."""
    before, after = _entry(index, old), _entry(index, new)
    if before is None and after is None:
        return 0
    if before is None or after is None:
        return write_units(item_size(before or after))
    if _entry_key(index, before) != _entry_key(index, after):
        return write_units(item_size(before)) + write_units(item_size(after))
    if before != after:
        return write_units(max(item_size(before), item_size(after)))
    return 0


def _entry(index: Any, item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The item's entry in a global secondary index, or None when it has no index key (sparse)."""
    if item is None or any(name not in item for name in index.schema_key_attrs):
        return None
    projection = (index.projection or {}).get("ProjectionType", "ALL")
    if projection == "ALL":
        return item
    keep = set(index.table_key_attrs) | set(index.schema_key_attrs)
    if projection == "INCLUDE":
        keep |= set(index.projection.get("NonKeyAttributes", []))
    return {name: value for name, value in item.items() if name in keep}


def _entry_key(index: Any, entry: dict[str, Any]) -> list[Any]:
    return [entry.get(name) for name in index.schema_key_attrs]


# --- recording and replaying ------------------------------------------------------------------------


@dataclass
class Answer:
    """One DynamoDB answer, as botocore parsed it and as it came over the wire."""

    operation: str
    parsed: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Recorder:
    """Keeps the DynamoDB answers while ``active``."""

    def __init__(self) -> None:
        self.active = False
        self.answers: list[Answer] = []

    def take(self) -> list[Answer]:
        taken, self.answers = self.answers, []
        return taken


class ReplayMismatch(AssertionError):
    """The handler asked for something else than it did when recorded."""


class Replay:
    """Answers DynamoDB requests from a recording: ``mode`` is None (off), "parsed" or "wire"."""

    def __init__(self) -> None:
        self.mode: str | None = None
        self.latency_s = 0.0  # waited per DynamoDB request, to stand in for the network
        self.stub_posts = False  # answer @connections posts 200 at once (client-side CPU of a post)
        self._queue: deque[Answer] = deque()
        self.mismatches: list[str] = []  # the handler swallows exceptions: look here after a run

    def load(self, answers: list[Answer]) -> None:
        """The answers for the next run; pass a copy the run may use up (parsed answers are not copied)."""
        self._queue = deque(answers)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def next(self, operation: str) -> Answer:
        if not self._queue:
            self.mismatches.append(f"{operation}: nothing recorded")
            raise ReplayMismatch(self.mismatches[-1])
        answer = self._queue.popleft()
        if answer.operation != operation:
            self.mismatches.append(f"{operation} asked, {answer.operation} recorded")
            raise ReplayMismatch(self.mismatches[-1])
        if self.latency_s:
            time.sleep(self.latency_s)
        return answer


class ClientCount:
    """botocore clients built while ``active`` (a client built per call cost 77 ms of CPU)."""

    def __init__(self) -> None:
        self.active = False
        self.built: Counter[str] = Counter()


METER = Meter()
RECORDER = Recorder()
REPLAY = Replay()
CLIENTS = ClientCount()
_installed = False


def install() -> None:
    """Hook botocore once; before any client exists (sessions copy their handlers when made)."""
    global _installed
    if _installed:
        return
    _installed = True
    import moto  # noqa: F401  (its own before-send hook goes first, ours after it)

    original_call = botocore.client.BaseClient._make_api_call
    original_response = botocore.endpoint.Endpoint._do_get_response

    def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name != "dynamodb":
            return original_call(client, operation, params)
        if REPLAY.mode == "parsed":
            # Handed over as recorded, not copied: copying would be counted as the handler's CPU.
            # Callers load a fresh copy of a recording for every run (see Replay.load).
            answer = REPLAY.next(operation)
            if answer.error is not None:
                raise ClientError(answer.error, operation)
            return answer.parsed
        touched = METER.before(operation, params) if METER.active else []
        recording = RECORDER.active
        if recording:
            RECORDER.answers.append(Answer(operation))
            slot = RECORDER.answers[-1]
        try:
            response = original_call(client, operation, params)
        except ClientError as error:
            if recording:
                slot.error = copy.deepcopy(error.response)
            if METER.active:
                METER.after(operation, params, None, touched)
            raise
        if recording:
            slot.parsed = copy.deepcopy(response)
        if METER.active:
            METER.after(operation, params, response, touched)
        return response

    def do_get_response(endpoint: Any, request: Any, operation_model: Any, context: Any) -> Any:
        result = original_response(endpoint, request, operation_model, context)
        if RECORDER.active and operation_model.service_model.service_name == "dynamodb" and result[0]:
            http_response = result[0][0]
            slot = RECORDER.answers[-1]
            slot.status = http_response.status_code
            slot.headers = dict(http_response.headers)
            slot.body = http_response.content
        return result

    def answer_from_wire(request: Any, **_: Any) -> AWSResponse | None:
        if REPLAY.mode != "wire":
            return None
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        answer = REPLAY.next(operation)
        from moto.core.botocore_stubber import MockRawResponse

        return AWSResponse(request.url, answer.status, answer.headers, MockRawResponse(answer.body))

    def answer_post(request: Any, **_: Any) -> AWSResponse | None:
        if not REPLAY.stub_posts:
            return None
        from moto.core.botocore_stubber import MockRawResponse

        return AWSResponse(request.url, 200, {}, MockRawResponse(b""))

    original_create_client = botocore.session.Session.create_client

    def create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        if CLIENTS.active:
            CLIENTS.built[service_name] += 1
        return original_create_client(session, service_name, *args, **kwargs)

    botocore.session.Session.create_client = create_client
    botocore.client.BaseClient._make_api_call = make_api_call
    botocore.endpoint.Endpoint._do_get_response = do_get_response
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send.dynamodb", answer_from_wire))
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send.apigatewaymanagementapi", answer_post))
