"""Reminders: a teen who follows a group gets a browser push 30 minutes before it opens, once.

The server side against a push service on loopback (tests/unit/pushkit.py): Debian's Chromium
has none, so the browser test can only show the page's side.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import botocore.client
import pytest

from chalicelib import reminders, storage
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.tokens import PARTICIPANT, Identity
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.reminders import keys
from chalicelib.reminders.push import GONE, REFUSED, RETRY, SENT, Pushed, push_origin
from chalicelib.sessions.keeper import SessionKeeper
from chalicelib.storage import reminders as stored
from tests.conftest import NOW, RecordingSender, make_group, make_org, signed_up
from tests.unit.faultkit import THROTTLING, dynamo_faults
from tests.unit.pushkit import browser_subscription, check_vapid, start_push_service

OPENS = NOW + timedelta(minutes=30)
FCM = "https://fcm.googleapis.com/fcm/send/"


def clear_caches() -> None:
    keys.reminder_settings.cache_clear()
    keys.vapid_key.cache_clear()
    reminders.default_pusher.cache_clear()


@pytest.fixture
def vapid(monkeypatch):
    """Reminders switched on: a VAPID key in the environment, as the local stack sets it."""
    private = keys.new_private_key()
    monkeypatch.setenv("VAPID_PRIVATE_KEY", private)
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:drift@example.org")
    monkeypatch.setenv("PUSH_SERVICE_HOSTS", "127.0.0.1,fcm.googleapis.com")
    monkeypatch.delenv("VAPID_PRIVATE_KEY_PARAM", raising=False)
    clear_caches()
    yield keys.VapidKey(private)
    clear_caches()


@pytest.fixture
def push_service():
    service = start_push_service()
    yield service
    service.stop()


@pytest.fixture
def world(tables, vapid):
    """A group whose next session opens at OPENS, scheduled as the planner leaves it (due when it opens)."""
    make_org()
    make_group("g1")
    make_group("g2")
    return scheduled("g1")


def scheduled(group_id: str, starts_at: datetime = OPENS) -> storage.Session:
    session = storage.Session(
        f"{group_id}:{starts_at:%Y%m%dT%H%MZ}",
        group_id=group_id,
        org_id="org-a",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        status=storage.SCHEDULED,
        due_bucket=storage.PENDING,
        due_at=starts_at,
    )
    session.save()
    return session


def teen(name: str, *groups: str) -> Identity:
    account = signed_up(name)
    identity = Identity(account.participant_id, account.pseudonym, PARTICIPANT)
    for group_id in groups:
        accounts.follow(identity, group_id, NOW)
    return identity


def ask(identity: Identity, group_id: str, endpoint: str, now: datetime = NOW) -> dict:
    return reminders.subscribe(identity, group_id, {"subscription": browser_subscription(endpoint)}, now)


@dataclass
class FakePush:
    """A push service seen from the sender: records endpoints, answers the status chosen for each."""

    status: dict[str, int] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, endpoint: str, now: datetime, ttl_s: int, topic: str) -> Pushed:
        from chalicelib.reminders.push import meaning

        with self.lock:
            self.sent.append(endpoint)
        code = self.status.get(endpoint, 201)
        return Pushed(code, meaning(code))

    def to(self, endpoint: str) -> int:
        return self.sent.count(endpoint)


# --- asking for a reminder, and taking it back --------------------------------------------------------


def test_a_follower_asks_and_only_the_endpoint_is_kept_for_the_idle_period(world, vapid):
    ida = teen("Ida", "g1")
    answer = ask(ida, "g1", FCM + "ida-phone")
    assert answer["reminder"] is True
    [kept] = stored.reminders_of(ida.user_id)
    assert kept.group_id == "g1" and kept.endpoint == FCM + "ida-phone"
    assert kept.expires_at == NOW + timedelta(days=60)
    # The browser's keys came along (toJSON gives them) but a data-less push needs none: not stored.
    assert "p256dh" not in str(kept.attribute_values) and "auth" not in kept.attribute_values
    view = reminders.view(ida, NOW)
    assert view["available"] and view["groups"] == ["g1"] and view["minutes_before"] == 30
    assert view["public_key"] == vapid.public_key  # the applicationServerKey the page subscribes with


def test_asking_again_on_a_later_visit_renews_it_without_a_second_reminder(world):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida-phone")
    reminders.remind(NOW, push := FakePush())
    ask(ida, "g1", FCM + "ida-phone", NOW + timedelta(minutes=1))  # the page renews it while open
    [kept] = stored.reminders_of(ida.user_id)
    assert kept.created_at == NOW and kept.expires_at == NOW + timedelta(minutes=1, days=60)
    reminders.remind(NOW + timedelta(minutes=1), push)
    assert push.to(FCM + "ida-phone") == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://evil.example/fcm.googleapis.com",  # not a push service
        "https://fcm.googleapis.com.evil.example/x",
        "https://169.254.169.254/latest/meta-data",  # the metadata service: the tick would POST there
        "https://user:pw@fcm.googleapis.com/x",
        "https://127.0.0.1.fcm.googleapis.com.example/x",
        "http://127.0.0.2/push",
        "",
        "https://fcm.googleapis.com/" + "x" * 1100,
    ],
)
def test_a_subscription_must_point_at_a_push_service(world, endpoint):
    ida = teen("Ida", "g1")
    with pytest.raises(ChatError) as refused:
        ask(ida, "g1", endpoint)
    assert refused.value.code == "bad_subscription" and refused.value.status == 400
    assert stored.reminders_of(ida.user_id) == []


def test_push_services_of_the_browsers_teens_use_are_accepted():
    hosts = keys.DEFAULT_PUSH_HOSTS
    assert push_origin("https://fcm.googleapis.com/fcm/send/abc", hosts) == "https://fcm.googleapis.com"
    assert push_origin("https://updates.push.services.mozilla.com/wpush/v2/x", hosts) == (
        "https://updates.push.services.mozilla.com"
    )
    assert push_origin("https://web.push.apple.com/QGx", hosts) == "https://web.push.apple.com"
    assert push_origin("https://wns2-par02p.notify.windows.com/w/?token=x", hosts) is not None
    assert push_origin("http://127.0.0.1:9000/push/x", hosts) is None  # loopback only when configured


def test_reminders_are_for_followed_groups_and_need_a_key(world, monkeypatch):
    ida = teen("Ida", "g1")
    with pytest.raises(ChatError) as refused:
        ask(ida, "g2", FCM + "ida")
    assert refused.value.code == "not_following" and refused.value.status == 409
    monkeypatch.delenv("VAPID_PRIVATE_KEY")
    clear_caches()
    assert reminders.view(ida, NOW)["available"] is False
    with pytest.raises(ChatError) as off:
        ask(ida, "g1", FCM + "ida")
    assert off.value.code == "reminders_unavailable" and off.value.status == 503


def test_unsubscribe_stops_every_browser_of_that_group_only(world):
    ida = teen("Ida", "g1", "g2")
    ask(ida, "g1", FCM + "phone")
    ask(ida, "g1", FCM + "laptop")
    ask(ida, "g2", FCM + "phone")
    assert reminders.unsubscribe(ida, "g1") == {"group_id": "g1", "reminder": False, "removed": 2}
    assert [r.group_id for r in stored.reminders_of(ida.user_id)] == ["g2"]
    reminders.remind(NOW, push := FakePush())
    assert push.sent == []


def test_unfollowing_a_group_ends_its_reminders(world):
    ida = teen("Ida", "g1", "g2")
    ask(ida, "g1", FCM + "phone")
    ask(ida, "g2", FCM + "phone")
    accounts.unfollow(ida, "g1", NOW)
    assert [r.group_id for r in stored.reminders_of(ida.user_id)] == ["g2"]


def test_deleting_the_account_deletes_its_reminders_and_the_export_shows_them_without_the_endpoint(world):
    ida, bo = teen("Ida", "g1"), teen("Bo", "g1")
    ask(ida, "g1", FCM + "ida")
    ask(bo, "g1", FCM + "bo")
    exported = accounts.export(ida, NOW)["reminders"]
    assert exported == [
        {
            "group_id": "g1",
            "push_service": "https://fcm.googleapis.com",
            "created_at": NOW.isoformat(),
            "renewed_at": NOW.isoformat(),
            "expires_at": (NOW + timedelta(days=60)).isoformat(),
        }
    ]
    participant = storage.find_participant("ida")
    accounts.erase(participant, Delivery(RecordingSender()))
    assert stored.reminders_of(ida.user_id) == []
    reminders.remind(NOW, push := FakePush())
    assert push.sent == [FCM + "bo"]


# --- the tick: whom, when, once ------------------------------------------------------------------------


def test_the_tick_reminds_the_groups_followers_through_its_index_never_a_scan(world, monkeypatch):
    ida, bo, cy = teen("Ida", "g1"), teen("Bo", "g1"), teen("Cy", "g2")
    for who in (ida, bo):
        ask(who, "g1", FCM + who.name)
    ask(cy, "g2", FCM + "Cy")  # g2 meets another day
    calls: list[tuple[str, str, str | None]] = []
    original = botocore.client.BaseClient._make_api_call

    def recording(client, operation, params):
        calls.append((operation, params.get("TableName", ""), params.get("IndexName")))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    done = reminders.remind(NOW, push := FakePush())
    assert sorted(push.sent) == [FCM + "Bo", FCM + "Ida"]
    assert done.sent == 2
    assert not [call for call in calls if call[0] == "Scan"]
    queries = [call for call in calls if call[0] == "Query"]
    assert queries == [("Query", "test-sessions", "due"), ("Query", "test-reminders", "by_group")]


@pytest.mark.parametrize(
    ("minutes_before", "reminded"),
    [(33, False), (32, False), (31, True), (30, True), (29, True), (28, False), (0, False)],
)
def test_the_reminder_goes_30_minutes_before_give_or_take_a_tick(world, minutes_before, reminded):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    reminders.remind(OPENS - timedelta(minutes=minutes_before), push := FakePush())
    assert push.sent == ([FCM + "ida"] if reminded else [])


def test_a_tick_run_twice_or_twice_at_once_reminds_each_browser_once(world):
    followers = [teen(f"Teen{i}", "g1") for i in range(4)]
    for who in followers:
        ask(who, "g1", FCM + who.name)
    push = FakePush()
    threads = [threading.Thread(target=reminders.remind, args=(NOW, push)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reminders.remind(NOW, push)
    reminders.remind(NOW + timedelta(minutes=1), push)  # the next tick, still in the window
    assert sorted(push.sent) == sorted(FCM + who.name for who in followers)


def test_a_tick_that_fails_half_way_leaves_the_rest_to_the_next_tick_without_repeating(world):
    ida, bo = teen("Ida", "g1"), teen("Bo", "g1")
    ask(ida, "g1", FCM + "ida")
    ask(bo, "g1", FCM + "bo")
    push = FakePush()
    with dynamo_faults() as faults:
        faults.record()
        reminders.remind(NOW, FakePush())  # a dry run, to count the calls: find the second claim
        claims = [i for i, call in enumerate(faults.calls) if call == ("UpdateItem", "reminders")]
    # Start over: nobody reminded yet. Fail the third update (the second reminder's claim).
    for who in (ida, bo):
        for reminder in stored.reminders_of(who.user_id):
            reminder.update(actions=[storage.Reminder.reminded_for.remove()])
    with dynamo_faults() as faults:
        faults.arm(claims[2], THROTTLING)
        done = reminders.remind(NOW, push)
    assert faults.hit == ("UpdateItem", "reminders")
    assert len(push.sent) == 1 and done.failed == [world.session_id]
    first = push.sent[0]
    reminders.remind(NOW + timedelta(minutes=1), push)  # the next tick
    assert sorted(push.sent) == sorted([FCM + "ida", FCM + "bo"])
    assert push.to(first) == 1


def test_the_keeper_tick_sends_reminders_and_survives_their_failure(world, monkeypatch):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    calls = []
    monkeypatch.setattr(reminders, "remind", lambda now: calls.append(now) or (_ for _ in ()).throw(OSError("down")))
    report = SessionKeeper(Delivery(RecordingSender())).tick(NOW)
    assert calls == [NOW] and "reminders" in report.failed


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_browser_dropped_is_forgotten(world, status):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    done = reminders.remind(NOW, FakePush(status={FCM + "ida": status}))
    assert done.gone == 1 and stored.reminders_of(ida.user_id) == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_push_service_is_tried_again_by_the_next_tick_within_the_window(world, status):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    busy = FakePush(status={FCM + "ida": status})
    assert reminders.remind(NOW - timedelta(minutes=1), busy).retry == 1  # 31 minutes before
    assert reminders.remind(NOW, busy).retry == 1
    well = FakePush()
    assert reminders.remind(NOW + timedelta(minutes=1), well).sent == 1  # 29 minutes before: the last tick
    reminders.remind(NOW + timedelta(minutes=1), well)
    assert well.sent == [FCM + "ida"]
    # Once the window has closed, no late "opens soon" for a reminder that never got through.
    bo = teen("Bo", "g1")
    ask(bo, "g1", FCM + "bo")
    late = FakePush()
    reminders.remind(NOW + timedelta(minutes=2), late)
    assert late.sent == []


def test_a_refused_push_is_not_hammered(world):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    refusing = FakePush(status={FCM + "ida": 403})
    assert reminders.remind(NOW, refusing).refused == 1
    reminders.remind(NOW + timedelta(minutes=1), refusing)
    assert refusing.sent == [FCM + "ida"]
    assert stored.reminders_of(ida.user_id) != []  # a key mismatch is ours to fix, not the teen's loss


def test_an_idle_reminder_is_not_sent_and_goes(world):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida", NOW - timedelta(days=61))
    reminders.remind(NOW, push := FakePush())
    assert push.sent == [] and stored.reminders_of(ida.user_id) == []


@pytest.mark.parametrize("status", [storage.OPEN, storage.CANCELLED])
def test_a_session_opened_early_or_cancelled_is_not_announced(world, status):
    ida = teen("Ida", "g1")
    ask(ida, "g1", FCM + "ida")
    world.update(actions=[storage.Session.status.set(status)])
    reminders.remind(NOW, push := FakePush())
    assert push.sent == []


def test_nothing_is_logged_that_names_an_endpoint(world, caplog, push_service, monkeypatch):
    ida = teen("Ida", "g1")
    secret_path = "capability-8f2b1c"
    ask(ida, "g1", push_service.endpoint(secret_path))
    push_service.status[secret_path] = 403
    monkeypatch.setenv("PUSH_SERVICE_HOSTS", "127.0.0.1")
    with caplog.at_level(logging.DEBUG, logger="gruppechat"):
        reminders.remind(NOW)
        push_service.stop()  # and now nobody answers at all
        teen_b = teen("Bo", "g1")
        ask(teen_b, "g1", push_service.endpoint(secret_path + "b"))
        reminders.remind(NOW)
    assert "refused" in caplog.text
    assert secret_path not in caplog.text and "127.0.0.1" not in caplog.text


# --- the must-show: a reminder pushed to a loopback endpoint ---------------------------------------------


def test_a_reminder_is_pushed_to_a_loopback_push_service_with_a_valid_vapid_signature(world, vapid, push_service):
    """The minute tick, as in AWS, with the real sender: a browser's subscription made in the test."""
    ida = teen("Ida", "g1")
    assert ask(ida, "g1", push_service.endpoint("ida"))["reminder"]
    public_key = reminders.view(ida, NOW)["public_key"]
    report = SessionKeeper(Delivery(RecordingSender())).tick(NOW)
    assert report.reminded == ["pushed"]
    [pushed] = push_service.to("ida")
    checked = check_vapid(pushed.headers["authorization"], push_service.origin, NOW)
    assert checked.public_key == public_key  # the key the page subscribed with
    assert checked.claims["sub"] == "mailto:drift@example.org"
    assert pushed.body == b""  # data-less: the push service learns nothing; the worker shows the text
    assert int(pushed.headers["ttl"]) == 30 * 60 and pushed.headers["topic"] == reminders.TOPIC
    # Twice more in the window: still one push.
    SessionKeeper(Delivery(RecordingSender())).tick(NOW + timedelta(minutes=1))
    assert len(push_service.to("ida")) == 1


def test_the_real_sender_reads_410_as_gone_and_429_as_later(world, push_service):
    ida, bo = teen("Ida", "g1"), teen("Bo", "g1")
    ask(ida, "g1", push_service.endpoint("ida"))
    ask(bo, "g1", push_service.endpoint("bo"))
    push_service.status.update({"ida": 410, "bo": 429})
    done = reminders.remind(NOW)
    assert (done.gone, done.retry) == (1, 1)
    assert stored.reminders_of(ida.user_id) == [] and len(stored.reminders_of(bo.user_id)) == 1
    push_service.status["bo"] = 201
    assert reminders.remind(NOW + timedelta(minutes=1)).sent == 1
    assert len(push_service.to("bo")) == 2


def test_outcomes_of_push_service_answers():
    from chalicelib.reminders.push import meaning

    assert [meaning(s) for s in (201, 404, 410, 429, 500, 502, 400, 401, 403, 413)] == [
        SENT, GONE, GONE, RETRY, RETRY, RETRY, REFUSED, REFUSED, REFUSED, REFUSED
    ]  # fmt: skip


def test_a_cold_start_of_the_app_loads_no_signing_library():
    code = "import sys, app; print(sorted(m for m in sys.modules if m.split('.')[0] in ('ecdsa', 'pywebpush')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
