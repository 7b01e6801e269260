"""The local gateway behaves like API Gateway when things go wrong, and forgets what has expired.

Each option of ``python -m local.stack`` that makes it misbehave is checked from outside, the
way the product (boto3, a browser's WebSocket, a REST client) would meet it in AWS.
"""

from __future__ import annotations

import json
import time

import boto3
import pytest
import requests
from botocore.config import Config
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.conftest import connect, frames_until, start_stack, stop_stack

GROUP = "demo-torsdag"


def management(stack, attempts: int = 1):
    """The Management API client, as the handlers build it, but pointed at the local gateway."""
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=stack.url.rstrip("/"),
        region_name="eu-north-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"total_max_attempts": attempts}, read_timeout=10),
    )


def joined(stack, pseudonym: str):
    """A teen connected and in the demo group, with the connection id the gateway gave them."""
    token = stack.sign_up(pseudonym)["token"]
    ws = connect(f"{stack.ws}?token={token}")
    ws.send(json.dumps({"action": "join", "group_id": GROUP}))
    frames_until(ws, lambda f: f["type"] == "joined")
    return ws, connection_of(stack, pseudonym)


def connection_of(stack, pseudonym: str) -> str:
    items = stack.store().scan(TableName=stack.table("connections"))["Items"]
    ids = [item["connection_id"]["S"] for item in items if item["pseudonym"]["S"] == pseudonym]
    assert len(ids) == 1, ids
    return ids[0]


def close_code(ws, timeout: float = 10.0) -> int:
    """Wait for the server to close the socket; its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ws.recv(timeout=deadline - time.monotonic())
    return closed.value.rcvd.code


def set_faults(stack, spec: str | None, delay_ms: int = 1000, seed: int | None = 1) -> dict:
    response = requests.put(
        f"{stack.url}_local/faults", json={"post_faults": spec, "delay_ms": delay_ms, "seed": seed}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    """Every @connections post answers 429, from the command line."""
    process, stack = start_stack(
        tmp_path_factory.mktemp("failing"),
        "--no-persist",
        "--tick-seconds",
        "0",
        "--post-faults",
        "429",
        "--fault-seed",
        "7",
    )
    yield stack
    stop_stack(process)


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """Short-lived sockets, lost $disconnects, a small REST limit and a purge every second."""
    process, stack = start_stack(
        tmp_path_factory.mktemp("strict"),
        "--no-persist",
        "--tick-seconds",
        "0",
        "--max-connection-seconds",
        "4",
        "--skip-disconnect",
        "--max-body-bytes",
        "2048",
        "--purge-seconds",
        "1",
    )
    yield stack
    stop_stack(process)


# --- @connections faults ----------------------------------------------------------------------------


def test_a_throttled_post_raises_limit_exceeded_in_boto3_as_in_aws(failing):
    client = management(failing)
    with pytest.raises(client.exceptions.LimitExceededException) as raised:
        client.post_to_connection(ConnectionId="c2Vzc2lvbi0x", Data=b'{"type":"pong"}')
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    state = requests.get(f"{failing.url}_local/faults", timeout=10).json()["post_faults"]
    assert state["injected"]["429"] >= 1 and state["shares"] == {"429": 1.0}


def test_a_throttled_stack_still_takes_frames_but_its_replies_never_arrive(failing):
    token = failing.sign_up("Stormvejr")["token"]
    with connect(f"{failing.ws}?token={token}") as ws:
        ws.send(json.dumps({"action": "ping"}))
        with pytest.raises(TimeoutError):
            ws.recv(timeout=1.5)  # the pong was posted and refused with 429


def test_forbidden_and_server_errors_raise_what_aws_raises(failing):
    client = management(failing)
    try:
        set_faults(failing, "403")
        with pytest.raises(client.exceptions.ForbiddenException):
            client.post_to_connection(ConnectionId="c2Vzc2lvbi0x", Data=b"{}")
        set_faults(failing, "500")
        with pytest.raises(client.exceptions.ClientError) as raised:
            client.post_to_connection(ConnectionId="c2Vzc2lvbi0x", Data=b"{}")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert raised.value.response["Error"]["Code"] == "InternalServerErrorException"
    finally:
        set_faults(failing, "429")


def test_a_share_of_failures_is_the_same_for_the_same_seed(failing):
    client = management(failing)

    def fates() -> list[str]:
        set_faults(failing, "429:0.3,500:0.2", seed=42)
        seen = []
        for _ in range(40):
            try:
                client.post_to_connection(ConnectionId="bm8tc3VjaA==", Data=b"{}")
            except client.exceptions.LimitExceededException:
                seen.append("429")
            except client.exceptions.GoneException:
                seen.append("410")  # not failed on purpose: the connection does not exist
            except client.exceptions.ClientError:
                seen.append("500")
        return seen

    try:
        first, second = fates(), fates()
    finally:
        set_faults(failing, "429")
    assert first == second
    assert 4 <= first.count("429") <= 20 and 2 <= first.count("500") <= 16 and first.count("410") >= 10


def test_a_slow_post_arrives_late(stack):
    ws, connection_id = joined(stack, "Sneglen")
    try:
        set_faults(stack, "slow", delay_ms=600)
        started = time.monotonic()
        management(stack).post_to_connection(ConnectionId=connection_id, Data=b'{"type":"pong"}')
        assert time.monotonic() - started >= 0.6
        assert frames_until(ws, lambda f: f["type"] == "pong")
    finally:
        set_faults(stack, None)
        ws.close()


def test_a_post_over_128_kb_is_refused_as_payload_too_large(stack):
    client = management(stack)
    with pytest.raises(client.exceptions.PayloadTooLargeException):
        client.post_to_connection(ConnectionId="bm8tc3VjaA==", Data=b"x" * (128 * 1024 + 1))


# --- WebSocket limits -----------------------------------------------------------------------------------


def test_a_text_message_over_128_kb_closes_the_socket_with_1009_and_disconnects(stack):
    ws, connection_id = joined(stack, "Kæmpebrev")
    ws.send("x" * (129 * 1024))
    assert close_code(ws) == 1009
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and stack.store().get_item(
        TableName=stack.table("connections"), Key={"connection_id": {"S": connection_id}}
    ).get("Item"):
        time.sleep(0.1)
    assert "Item" not in stack.store().get_item(
        TableName=stack.table("connections"), Key={"connection_id": {"S": connection_id}}
    )


def test_a_binary_frame_closes_the_socket_with_1003(stack):
    token = stack.sign_up("Binær")["token"]
    with connect(f"{stack.ws}?token={token}") as ws:
        ws.send(b'{"action":"ping"}')
        assert close_code(ws) == 1003


def test_a_refused_connect_answers_with_the_handlers_status_and_body(stack):
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.ws}?token=forfalsket")
    assert refused.value.response.status_code == 401
    assert json.loads(refused.value.response.body)["error"]["code"] == "unauthorized"


def test_a_connection_ends_after_its_maximum_lifetime(strict):
    token = strict.sign_up("Døgnflue")["token"]
    with connect(f"{strict.ws}?token={token}") as ws:
        started = time.monotonic()
        ws.send(json.dumps({"action": "ping"}))  # activity does not extend the lifetime
        assert close_code(ws, timeout=10) == 1001
        assert 3.5 <= time.monotonic() - started <= 6


def test_without_disconnect_the_connection_item_stays_but_the_gateway_answers_gone(strict):
    ws, connection_id = joined(strict, "Forsvundet")
    ws.close()
    time.sleep(1.0)
    item = strict.store().get_item(TableName=strict.table("connections"), Key={"connection_id": {"S": connection_id}})
    assert "Item" in item  # no $disconnect reached the handler
    client = management(strict)
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId=connection_id, Data=b"{}")
    with pytest.raises(client.exceptions.GoneException):
        client.get_connection(ConnectionId=connection_id)
    state = requests.get(f"{strict.url}_local/faults", timeout=10).json()
    assert state["disconnects_skipped"] >= 1


def test_a_rest_body_over_the_limit_gets_our_json_error_with_413(strict):
    too_big = requests.post(
        f"{strict.api}/participants", json={"pseudonym": "Stor", "password": "x" * 3000}, timeout=10
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "payload_too_large"
    assert too_big.json()["error"]["limit_bytes"] == 2048
    assert strict.sign_up("Lille")["pseudonym"] == "Lille"  # under the limit all is as before


# --- TTL --------------------------------------------------------------------------------------------------


def test_expired_items_are_purged_and_live_ones_kept(strict):
    store = strict.store()
    table = strict.table("receipts")
    now = int(time.time())
    store.put_item(
        TableName=table,
        Item={"receipt_key": {"S": "udløbet"}, "message_id": {"S": "m1"}, "expires_at": {"N": str(now - 60)}},
    )
    store.put_item(
        TableName=table,
        Item={"receipt_key": {"S": "levende"}, "message_id": {"S": "m2"}, "expires_at": {"N": str(now + 3600)}},
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "Item" in store.get_item(
        TableName=table, Key={"receipt_key": {"S": "udløbet"}}
    ):
        time.sleep(0.2)
    assert "Item" not in store.get_item(TableName=table, Key={"receipt_key": {"S": "udløbet"}})
    assert "Item" in store.get_item(TableName=table, Key={"receipt_key": {"S": "levende"}})


def test_an_expired_connection_left_by_a_lost_disconnect_is_purged_on_demand(stack):
    store = stack.store()
    table = stack.table("connections")
    store.put_item(
        TableName=table,
        Item={
            "connection_id": {"S": "Z2FtbWVs"},
            "user_id": {"S": "u"},
            "pseudonym": {"S": "Gammel"},
            "role": {"S": "participant"},
            "api_id": {"S": "local"},
            "stage": {"S": "local"},
            "connected_at": {"S": "2026-01-01T00:00:00.000000+0000"},
            "expires_at": {"N": str(int(time.time()) - 1)},
        },
    )
    purged = requests.post(f"{stack.url}_local/purge", timeout=10).json()["purged"]
    assert purged.get(table, 0) >= 1
    assert "Item" not in store.get_item(TableName=table, Key={"connection_id": {"S": "Z2FtbWVs"}})


def test_the_snapshot_keeps_neither_connections_nor_expired_items(tmp_path):
    process, stack = start_stack(tmp_path, "--tick-seconds", "0")
    try:
        token = stack.sign_up("Arkiv")["token"]
        with connect(f"{stack.ws}?token={token}"):
            stack.store().put_item(
                TableName=stack.table("receipts"),
                Item={
                    "receipt_key": {"S": "forældet"},
                    "message_id": {"S": "m"},
                    "expires_at": {"N": str(int(time.time()) - 10)},
                },
            )
            stop_stack(process)  # saves the snapshot while the socket is still open
    finally:
        stop_stack(process)
    dump = json.loads((tmp_path / "data" / "store.json").read_text())
    assert stack.table("connections") not in dump
    assert all(item["receipt_key"]["S"] != "forældet" for item in dump[stack.table("receipts")])
    assert any(item["pseudonym"]["S"] == "Arkiv" for item in dump[stack.table("participants")])


# --- the embedded store's memory ------------------------------------------------------------------------


def test_a_cancelled_transaction_leaves_every_item_as_it_was(stack):
    store = stack.store()
    table = stack.table("receipts")
    store.put_item(TableName=table, Item={"receipt_key": {"S": "før"}, "message_id": {"S": "m0"}})
    with pytest.raises(store.exceptions.TransactionCanceledException):
        store.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"receipt_key": {"S": "ny"}, "message_id": {"S": "m1"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"receipt_key": {"S": "før"}},
                        "UpdateExpression": "SET message_id = :m",
                        "ExpressionAttributeValues": {":m": {"S": "m2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"receipt_key": {"S": "findes-ikke"}},
                        "ConditionExpression": "attribute_exists(receipt_key)",
                    }
                },
            ]
        )
    assert "Item" not in store.get_item(TableName=table, Key={"receipt_key": {"S": "ny"}})
    assert store.get_item(TableName=table, Key={"receipt_key": {"S": "før"}})["Item"]["message_id"]["S"] == "m0"
    store.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"receipt_key": {"S": "ny"}, "message_id": {"S": "m1"}}}},
            {"Delete": {"TableName": table, "Key": {"receipt_key": {"S": "før"}}}},
        ]
    )
    assert store.get_item(TableName=table, Key={"receipt_key": {"S": "ny"}})["Item"]["message_id"]["S"] == "m1"
    assert "Item" not in store.get_item(TableName=table, Key={"receipt_key": {"S": "før"}})


def test_the_store_does_not_keep_a_copy_of_every_item_it_has_seen(stack):
    token = stack.sign_up("Glemsom")["token"]
    with connect(f"{stack.ws}?token={token}") as ws:
        ws.send(json.dumps({"action": "join", "group_id": GROUP}))
        frames_until(ws, lambda f: f["type"] == "joined")
        ws.send(json.dumps({"action": "send", "text": "bare en besked", "client_id": "g1"}))
        frames_until(ws, lambda f: f["type"] == "message")
    endpoint = (stack.data_dir / "dynamodb-endpoint").read_text()
    dashboard = requests.get(f"{endpoint}/moto-api/data.json", timeout=30).json()
    assert dashboard["dynamodb"]["Item"] == [] and dashboard["dynamodb"]["Table"] == []


def test_faults_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRUPPECHAT_POST_FAULTS", "403")
    monkeypatch.setenv("GRUPPECHAT_FAULT_SEED", "3")
    process, stack = start_stack(tmp_path, "--no-persist", "--tick-seconds", "0")
    try:
        assert "Injecting @connections faults: 403" in stack.log.read_text()
        client = management(stack)
        with pytest.raises(client.exceptions.ForbiddenException):
            client.post_to_connection(ConnectionId="bWlsasO4", Data=b"{}")
    finally:
        stop_stack(process)
