"""On the local stack, the minute tick pushes a reminder to a push service on loopback, once.

As in AWS: an admin's group whose next session opens in half an hour, a teen who follows it and
hands over a browser's subscription through the REST API, and the tick (POST /_local/tick) sending a
VAPID-signed push that the loopback push service checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.e2e.conftest import mentor_token, start_stack, stop_stack
from tests.unit.pushkit import browser_subscription, check_vapid, start_push_service

ZONE = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def push_service():
    service = start_push_service()
    yield service
    service.stop()


@pytest.fixture
def reminding_stack(tmp_path, monkeypatch):
    """A stack that may push to loopback (as the tests' push service listens there); ticks on request."""
    monkeypatch.setenv("PUSH_SERVICE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:drift@example.org")
    process, stack = start_stack(tmp_path, "--no-persist", "--tick-seconds", "0")
    yield stack
    stop_stack(process)


def test_the_tick_pushes_a_reminder_to_a_loopback_endpoint_once(reminding_stack, push_service):
    stack = reminding_stack
    admin = {"Authorization": f"Bearer {mentor_token(stack, 'admin', 'demo-admin-1')}"}
    opens = (datetime.now(UTC) + timedelta(minutes=31)).replace(second=0, microsecond=0).astimezone(ZONE)
    group = requests.post(
        f"{stack.api}/admin/groups",
        json={
            "name": "Aftengruppen",
            "weekday": opens.weekday(),
            "start_time": opens.strftime("%H:%M"),
            "duration_minutes": 60,
            "tz": "Europe/Copenhagen",
        },
        headers=admin,
        timeout=10,
    )
    assert group.status_code == 201, group.text
    group_id = group.json()["id"]

    teen = {"Authorization": f"Bearer {stack.sign_up('Vibe')['token']}"}
    reminders = requests.get(f"{stack.api}/me/reminders", headers=teen, timeout=10).json()
    assert reminders["available"] and reminders["groups"] == []
    subscription = browser_subscription(push_service.endpoint("vibe"))
    refused = requests.put(
        f"{stack.api}/me/groups/{group_id}/reminder", json={"subscription": subscription}, headers=teen, timeout=10
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_following"
    assert requests.put(f"{stack.api}/me/groups/{group_id}", headers=teen, timeout=10).status_code == 200
    asked = requests.put(
        f"{stack.api}/me/groups/{group_id}/reminder", json={"subscription": subscription}, headers=teen, timeout=10
    )
    assert asked.status_code == 200, asked.text
    assert requests.get(f"{stack.api}/me/reminders", headers=teen, timeout=10).json()["groups"] == [group_id]

    for _ in range(2):  # the tick, twice (EventBridge delivers at least once)
        assert requests.post(stack.url + "_local/tick", timeout=30).status_code == 200
    [pushed] = push_service.to("vibe")
    checked = check_vapid(pushed.headers["authorization"], push_service.origin, datetime.now(UTC))
    assert checked.public_key == reminders["public_key"]
    assert pushed.body == b"" and 29 * 60 <= int(pushed.headers["ttl"]) <= 31 * 60
    # The push service's address is a capability: it is in no log line of the stack.
    assert "/push/vibe" not in stack.log.read_text()

    # "Stop reminders": the next week's session sends nothing to this browser.
    stopped = requests.delete(f"{stack.api}/me/groups/{group_id}/reminder", headers=teen, timeout=10)
    assert stopped.json() == {"group_id": group_id, "reminder": False, "removed": 1}
    assert requests.get(f"{stack.api}/me/reminders", headers=teen, timeout=10).json()["groups"] == []


def test_the_stack_makes_its_own_vapid_key_readable_by_nobody_else(reminding_stack):
    key_file = reminding_stack.data_dir / "vapid-private-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) == 43  # 32 bytes, base64url without padding
