"""Attacks, tried as a script would try them: floods, guessing, raids of reports, revoked access.

Each test prints the figures it measured (``pytest -s`` shows them); docs/abuse.md quotes them.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import pytest
from chalice.config import Config
from chalice.local import LocalGateway

from chalicelib import storage
from chalicelib.abuse import challenge, limiter, sources
from chalicelib.accounts import mentors
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.tokens import Identity, issue
from chalicelib.config import token_secret
from chalicelib.delivery import Delivery
from chalicelib.edge import websocket as edge
from chalicelib.edge.auth import mentor_of
from chalicelib.edge.http import utcnow
from chalicelib.errors import ChatError
from chalicelib.limits import NAME_TURN_S, rate
from chalicelib.organisation import admin
from chalicelib.organisation import settings as org_settings
from local.gateway import call_rest
from tests.conftest import NOW, caller, join, logged_in, signed_up


def figures(line: str) -> None:
    print(f"\n[figures] {line}")


def this_hour():
    """The start of the current hour: in the past (as a token's issue time must be), and at the start
    of every rate window, so a test's attempts never straddle two windows."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


# --- REST through Chalice's own API Gateway emulation (source address 127.0.0.1) ------------------


@pytest.fixture
def gateway(tables):
    import app as lambda_app

    return LocalGateway(lambda_app.app, Config.create(lambda_timeout=29, lambda_memory_size=256))


def rest(gateway, method: str, path: str, body=None, source: str | None = None, token: str | None = None):
    headers = {"content-type": "application/json", "host": "localhost"}
    if source:
        headers["x-test-source"] = source
    if token:
        headers["authorization"] = f"Bearer {token}"
    raw = json.dumps(body).encode() if body is not None else None
    status, _, payload = call_rest(gateway, method, path, headers, raw)
    return status, json.loads(payload or b"{}")


def solved_challenge(gateway) -> dict:
    status, fresh = rest(gateway, "GET", "/participants/challenge")
    assert status == 200 and fresh["algorithm"] == "SHA-256" and fresh["maxNumber"] == 500
    return challenge.solve(fresh)


class TestSignUpFlood:
    def test_a_flood_from_one_source_gets_at_most_the_limit_through(self, gateway, fixed_clock):
        limit = rate("sign_up_per_source").limit
        answers = []
        for number in range(25):
            body = {"pseudonym": f"Bot {number}", "password": "hemmelig-kode", "challenge": solved_challenge(gateway)}
            answers.append(rest(gateway, "POST", "/participants", body, source="one-laptop"))
        created = [a for s, a in answers if s == 201]
        refused = [a for s, a in answers if s == 429]
        figures(f"sign-up flood from one source: 25 tried, {len(created)} created, {len(refused)} refused (429)")
        assert len(created) == limit == 10 and len(refused) == 15
        assert {a["error"]["code"] for a in refused} == {"too_many_sign_ups"}
        assert all(0 < a["error"]["retry_after"] <= 3600 for a in refused)
        # Another device (a teen on the same evening) is not affected.
        body = {"pseudonym": "Ægte Teen", "password": "hemmelig-kode", "challenge": solved_challenge(gateway)}
        assert rest(gateway, "POST", "/participants", body, source="teen-phone")[0] == 201

    def test_no_account_without_a_solved_challenge(self, gateway, fixed_clock):
        fresh = rest(gateway, "GET", "/participants/challenge")[1]
        solved = challenge.solve(fresh)
        wrong_number = {**solved, "number": (solved["number"] + 1) % 501}
        forged = {**solved, "salt": solved["salt"].replace("expires=", "expires=9")}
        attempts = {
            "none": None,
            "unsolved": {**fresh, "number": 0} if solved["number"] else {**fresh, "number": 1},
            "wrong number": wrong_number,
            "forged expiry": forged,
            "garbage": "bm90IGpzb24=",
        }
        outcomes = {}
        for what, proof in attempts.items():
            body = {"pseudonym": "Snyder", "password": "hemmelig-kode", "challenge": proof}
            status, answer = rest(gateway, "POST", "/participants", body, source=f"script-{what}")
            outcomes[what] = (status, answer["error"]["code"])
        figures(f"sign-ups without a solved challenge: {len(attempts)} tried, 0 created: {outcomes}")
        assert all(outcome == (400, "challenge_required") for outcome in outcomes.values()), outcomes
        assert storage.find_participant("snyder") is None
        body = {"pseudonym": "Snyder", "password": "hemmelig-kode", "challenge": solved}
        assert rest(gateway, "POST", "/participants", body, source="laptop")[0] == 201
        # A solved challenge buys one account, not two.
        body = {"pseudonym": "Snyder To", "password": "hemmelig-kode", "challenge": solved}
        status, answer = rest(gateway, "POST", "/participants", body, source="laptop")
        assert (status, answer["error"]["code"]) == (400, "challenge_expired")

    def test_an_expired_challenge_is_refused(self, tables):
        solved = challenge.solve(challenge.new_challenge(NOW))
        with pytest.raises(ChatError) as refused:
            accounts.sign_up("Sent", "hemmelig-kode", solved, "laptop", NOW + timedelta(minutes=11))
        assert refused.value.code == "challenge_expired"

    def test_bad_input_is_refused_before_the_challenge_is_spent(self, tables):
        solved = challenge.solve(challenge.new_challenge(NOW))
        with pytest.raises(ChatError):
            accounts.sign_up("x", "hemmelig-kode", solved, "laptop", NOW)
        assert accounts.sign_up("Rigtigt Navn", "hemmelig-kode", solved, "laptop", NOW).token

    def test_a_taken_pseudonym_does_not_use_up_the_sources_allowance(self, tables):
        signed_up("Optaget")
        for _ in range(12):
            with pytest.raises(ChatError) as taken:
                signed_up("optaget", source="club-wifi")
            assert taken.value.code == "pseudonym_taken"
        assert signed_up("Ledig", source="club-wifi").token


# --- where a request comes from --------------------------------------------------------------------


class TestSources:
    def test_the_test_source_is_honoured_on_loopback_only(self):
        assert sources.source("127.0.0.1", "a", NOW) != sources.source("127.0.0.1", "b", NOW)
        assert sources.source("::1", "a", NOW) == sources.source("127.0.0.1", "a", NOW)
        assert sources.source("198.51.100.7", "a", NOW) == sources.source("198.51.100.7", "b", NOW)
        assert sources.source("198.51.100.7", "a", NOW) == sources.source("198.51.100.7", None, NOW)

    def test_a_source_is_a_salted_hash_whose_salt_changes_daily(self):
        today = sources.source("198.51.100.7", None, NOW)
        assert "198.51.100.7" not in today and len(today) == 24
        assert sources.source("198.51.100.7", None, NOW + timedelta(hours=1)) == today
        assert sources.source("198.51.100.7", None, NOW + timedelta(days=1)) != today

    def test_no_address_or_name_is_stored_or_logged(self, gateway, caplog):
        caplog.set_level(logging.INFO)
        signed_up("Hemmelig", "en-anden-kode-7", now=utcnow(), source="x")  # not made from the name
        for _ in range(3):
            rest(gateway, "POST", "/participants/login", {"pseudonym": "Hemmelig", "password": "forkert-kode"})
        body = {"pseudonym": "Ny Her", "password": "hemmelig-kode", "challenge": solved_challenge(gateway)}
        rest(gateway, "POST", "/participants", body)
        items = [item.attribute_values for item in storage.Throttle.scan()]
        stored = json.dumps(items, default=str)
        assert items and "127.0.0.1" not in stored and "hemmelig" not in stored.casefold()
        assert "ny her" not in stored.casefold()
        assert all(item["expires_at"] <= utcnow() + timedelta(hours=1, minutes=6) for item in items)
        assert "127.0.0.1" not in caplog.text


# --- password guessing ------------------------------------------------------------------------------


class TestPasswordGuessing:
    def test_a_guesser_is_stopped_after_k_tries_while_the_owner_still_gets_in(self, gateway, fixed_clock):
        signed_up("Maja", "majas-kode-123")
        k = rate("log_in_per_name_and_source").limit
        statuses = [
            rest(
                gateway, "POST", "/participants/login", {"pseudonym": "maja", "password": f"gæt-{n}"}, source="stranger"
            )[0]
            for n in range(12)
        ]
        right = rest(
            gateway,
            "POST",
            "/participants/login",
            {"pseudonym": "Maja", "password": "majas-kode-123"},
            source="stranger",
        )
        owner = rest(
            gateway,
            "POST",
            "/participants/login",
            {"pseudonym": "Maja", "password": "majas-kode-123"},
            source="majas-phone",
        )
        figures(
            f"password guessing from one source: {statuses.count(401)} checked, "
            f"{statuses.count(429)} refused; the right password from that source: {right[0]}; "
            f"the owner from her phone: {owner[0]}"
        )
        assert statuses == [401] * k + [429] * (12 - k)
        assert right[0] == 429 and right[1]["error"]["code"] == "too_many_attempts"
        assert owner[0] == 200 and owner[1]["pseudonym"] == "Maja"

    def test_a_name_guessed_from_many_sources_is_slowed_not_locked(self, tables):
        start = this_hour()  # device tokens are real tokens: issued in the past, not at the fixed test instant
        signed_up("Ida", "idas-kode-123", now=start)
        device = logged_in("Ida", "idas-kode-123", now=start, source="idas-phone").device_token
        free = rate("log_in_per_name").limit
        outcomes = []
        for n in range(15):  # a botnet: every guess from a new address
            try:
                accounts.log_in("Ida", f"gæt-{n}", f"bot-{n}", start + timedelta(seconds=n))
            except ChatError as error:
                outcomes.append((error.code, error.params.get("retry_after")))
        checked = sum(1 for code, _ in outcomes if code == "bad_credentials")
        slowed = [wait for code, wait in outcomes if code == "too_many_attempts"]
        # Her own phone has logged in before: its device token skips the turn.
        at = start + timedelta(seconds=15)
        assert accounts.log_in("Ida", "idas-kode-123", "idas-phone", at, device).token
        # From a new place without the token she waits her turn, then gets in.
        with pytest.raises(ChatError) as wait:
            accounts.log_in("Ida", "idas-kode-123", "library-pc", at)
        assert wait.value.code == "too_many_attempts" and 0 < wait.value.params["retry_after"] <= NAME_TURN_S
        later = at + timedelta(seconds=wait.value.params["retry_after"])
        assert accounts.log_in("Ida", "idas-kode-123", "library-pc", later).token
        figures(
            f"one name guessed from 15 sources: {checked} checked, then one try per {NAME_TURN_S} s "
            f"({len(slowed)} told to wait {min(slowed)}-{max(slowed)} s); the owner's phone got in at once, "
            f"a new device after {wait.value.params['retry_after']} s"
        )
        assert checked == free and len(slowed) == 15 - free

    def test_one_source_trying_many_names_is_stopped(self, tables):
        per_source = rate("log_in_per_source").limit
        codes = []
        for n in range(per_source + 3):
            try:
                accounts.log_in(f"navn{n}", "forkert-kode", "sprayer", NOW)
            except ChatError as error:
                codes.append(error.code)
        assert codes.count("bad_credentials") == per_source and codes[-3:] == ["too_many_attempts"] * 3

    def test_a_device_token_for_another_name_or_a_forged_one_does_not_skip_the_turn(self, tables):
        now = this_hour()
        signed_up("Ane", "anes-kode-123", now=now)
        signed_up("Bent", "bents-kode-123", now=now)
        bents_device = logged_in("Bent", "bents-kode-123", now=now).device_token
        for n in range(rate("log_in_per_name").limit):
            with pytest.raises(ChatError):
                accounts.log_in("Ane", "gæt", f"bot-{n}", now)
        for device in (bents_device, bents_device[:-3] + "abc", "not-a-token"):
            with pytest.raises(ChatError) as wait:
                accounts.log_in("Ane", "anes-kode-123", "new-place", now, device)
            assert wait.value.code == "too_many_attempts"

    def test_24_concurrent_wrong_mentor_log_ins_are_counted_exactly(self, tables):
        mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", NOW)
        k = rate("log_in_per_name_and_source").limit
        free = rate("log_in_per_name").limit

        def storm(source_of) -> list[str]:
            start = threading.Barrier(24)

            def guess(n: int) -> str:
                start.wait()
                try:
                    mentors.log_in("mette", f"wrong-{n}", source_of(n), NOW)
                except ChatError as error:
                    return error.code
                return "let in"

            with ThreadPoolExecutor(24) as pool:
                return list(pool.map(guess, range(24)))

        one_source = storm(lambda n: "one-laptop")
        counter = limiter.window(
            "log_in_per_name_and_source", f"{sources.hashed('mentor:mette', NOW)}:one-laptop", NOW
        ).key
        counted = int(storage.get_throttle(counter).hits)
        figures(
            f"24 concurrent wrong mentor log-ins from one source: {one_source.count('bad_credentials')} checked, "
            f"{one_source.count('too_many_attempts')} refused, counter = {counted}"
        )
        assert one_source.count("bad_credentials") == k == counted
        assert one_source.count("too_many_attempts") == 24 - k

        many_sources = storm(lambda n: f"bot-{n}")
        name_counter = limiter.window("log_in_per_name", sources.hashed("mentor:mette", NOW), NOW).key
        name_count = int(storage.get_throttle(name_counter).hits)
        figures(
            f"24 concurrent wrong mentor log-ins from 24 sources: {many_sources.count('bad_credentials')} "
            f"checked, {many_sources.count('too_many_attempts')} told to wait; name counter = {name_count}"
        )
        # The first storm counted k against the name as well.
        assert many_sources.count("bad_credentials") == free - k and name_count == free
        assert mentors.log_in("mette", "long-password-1", "home", NOW + timedelta(seconds=NAME_TURN_S)).token


# --- revocation reaches live sockets ------------------------------------------------------------------


@pytest.fixture
def lobby(chat, sender, room):
    """A mentor with two tabs and two teens in the open session of g1; Anna has two tabs too."""
    org_settings.forget()
    now = NOW
    admin_of_a = mentors.create("org-a", "leder", "Leder", "long-password-1", "admin", now)
    mette = mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", now)
    anna, bo = signed_up("Anna"), signed_up("Bo")
    tabs = {
        "m1": mentors.identity_of(mette),
        "m2": mentors.identity_of(mette),
        "a1": Identity(anna.participant_id, "Anna", "participant"),
        "a2": Identity(anna.participant_id, "Anna", "participant"),
        "b": Identity(bo.participant_id, "Bo", "participant"),
    }
    for connection_id, identity in tabs.items():
        chat.connect(caller(connection_id), identity, now)
        join(chat, caller(connection_id))
    sender.clear()
    return {"admin": mentors.identity_of(admin_of_a), "mette": mette, "anna": tabs["a1"]}


class TestRevocation:
    def test_deactivating_a_mentor_closes_their_sockets_before_the_call_returns(self, chat, sender, lobby):
        answer = admin.deactivate_mentor(lobby["admin"], lobby["mette"].mentor_id, Delivery(sender), NOW)
        figures(f"deactivation: {answer['connections_closed']} sockets closed before the answer")
        assert answer["connections_closed"] == 2
        assert sorted(sender.closed) == ["m1", "m2"]
        assert storage.get_connection("m1") is None and storage.get_connection("m2") is None
        assert sender.of("m1", "error")[0]["code"] == "account_revoked"
        assert [f["member"]["pseudonym"] for f in sender.of("b", "presence")] == ["Mette"]  # once, not per tab
        # A frame that still arrives from the old socket does nothing.
        chat.handle(caller("m1"), json.dumps({"action": "send", "text": "er jeg her stadig?"}), NOW)
        assert sender.last("m1")["code"] == "not_connected" and sender.of("b", "message") == []

    def test_a_deactivated_mentors_cached_authorizer_answer_is_refused_by_the_route(self, tables):
        mette = mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", NOW)

        # What API Gateway hands the route from its authorizer cache, up to ttl_seconds after the check.
        cached = SimpleNamespace(
            context={
                "authorizer": {
                    "mentor_id": mette.mentor_id,
                    "name": "Mette",
                    "role": "mentor",
                    "org_id": "org-a",
                    "username": "mette",
                }
            }
        )
        assert mentor_of(cached).user_id == mette.mentor_id
        storage.deactivate_mentor(mette, NOW + timedelta(days=365))
        with pytest.raises(ChatError) as refused:
            mentor_of(cached)
        assert (refused.value.code, refused.value.status) == ("account_revoked", 401)

    def test_deleting_an_account_closes_every_tab_before_the_call_returns(self, chat, sender, lobby):
        answer = accounts.delete_account(lobby["anna"], "hemmelig-kode", Delivery(sender))
        figures(f"deletion: {answer['connections_closed']} sockets closed before the answer")
        assert answer["connections_closed"] == 2 and sorted(sender.closed) == ["a1", "a2"]
        chat.handle(caller("a2"), json.dumps({"action": "send", "text": "stadig her"}), NOW)
        assert sender.last("a2")["code"] == "not_connected" and sender.of("b", "message") == []

    def test_a_revoked_token_is_refused_at_connect_and_the_check_says_why(self, gateway, sender, chat, room):
        mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", NOW)
        mette = storage.find_mentor("mette")
        token = issue(mentors.identity_of(mette), token_secret(), utcnow(), timedelta(hours=1))
        assert rest(gateway, "GET", "/connect-check", token=token) == (200, {"ok": True})
        storage.deactivate_mentor(mette, NOW + timedelta(days=365))
        assert edge.on_connect(chat, connect_event("x1", token))["statusCode"] == 401
        status, answer = rest(gateway, "GET", "/connect-check", token=token)
        assert (status, answer["error"]["code"]) == (401, "account_revoked")


def connect_event(connection_id: str, token: str, source: str = "phone", **query: str):
    class Event:
        def __init__(self) -> None:
            self.connection_id = connection_id

        def to_dict(self):
            return {
                "requestContext": {
                    "apiId": "local",
                    "stage": "test",
                    "connectionId": connection_id,
                    "identity": {"sourceIp": "127.0.0.1"},
                },
                "headers": {"X-Test-Source": source},
                "queryStringParameters": {"token": token, **query},
            }

    return Event()


# --- the door: $connect limits, and the reason the page can read ------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch):
    """The edge's clock held at the start of this hour, so a storm of connects falls in one window."""
    from chalicelib.edge import routes

    at = this_hour()
    monkeypatch.setattr(edge, "utcnow", lambda: at)
    monkeypatch.setattr(routes, "utcnow", lambda: at)
    return at


class TestConnect:
    def test_reconnect_storms_are_limited_per_person_and_the_check_tells_the_page(
        self, gateway, chat, room, fixed_clock
    ):
        signed = signed_up("Storm", now=fixed_clock)
        limit = rate("connect_per_person").limit
        statuses = [
            edge.on_connect(chat, connect_event(f"c{n}", signed.token, source=f"tab-{n}"))["statusCode"]
            for n in range(limit + 5)
        ]
        figures(f"$connect storm by one account: {statuses.count(200)} accepted, {statuses.count(429)} refused")
        assert statuses.count(200) == limit and statuses[limit:] == [429] * 5
        status, answer = rest(gateway, "GET", "/connect-check", token=signed.token)
        assert status == 429 and answer["error"]["code"] == "too_many_attempts" and answer["error"]["retry_after"] > 0

    def test_the_check_says_banned_for_a_banned_teens_group(self, gateway, room):
        signed = signed_up("Bandlyst", now=utcnow())
        storage.Restriction("group#g1", signed.participant_id, kind="ban", mentor_id="m").save()
        status, answer = rest(gateway, "GET", "/connect-check?group_id=g1", token=signed.token)
        assert (status, answer["error"]["code"]) == (403, "banned")
        assert rest(gateway, "GET", "/connect-check?group_id=g2", token=signed.token)[0] == 200

    def test_a_device_token_is_no_key_to_the_chat(self, chat, room):
        signed = signed_up("Enhed", now=utcnow())
        assert edge.on_connect(chat, connect_event("d1", signed.device_token))["statusCode"] == 401


# --- limits follow the participant, not the socket ---------------------------------------------------


@pytest.fixture
def four_tabs(chat, sender, room):
    org_settings.forget()
    mentor = Identity("m1", "Mette", "mentor", "org-a")
    chat.connect(caller("m"), mentor, NOW)
    join(chat, caller("m"))
    teen = signed_up("Fire Faner")
    me = Identity(teen.participant_id, "Fire Faner", "participant")
    tabs = [caller(f"t{n}") for n in range(4)]
    for tab in tabs:
        chat.connect(tab, me, NOW)
        join(chat, tab)
    other = signed_up("Nabo")
    chat.connect(caller("n"), Identity(other.participant_id, "Nabo", "participant"), NOW)
    join(chat, caller("n"))
    sender.clear()
    return tabs


class TestFourTabs:
    def test_a_flood_from_four_tabs_is_limited_as_one_participant(self, chat, sender, four_tabs):
        for n in range(20):
            tab = four_tabs[n % 4]
            chat.handle(tab, json.dumps({"action": "send", "text": f"spam {n}", "client_id": f"c{n}"}), NOW)
        delivered = len(sender.of("n", "message"))
        refused = sum(
            1 for tab in four_tabs for f in sender.of(tab.connection_id, "error") if f["code"] == "rate_limited"
        )
        figures(f"flood from four tabs: 20 sent, {delivered} delivered, {refused} refused (burst 5 per participant)")
        assert delivered == 5 and refused == 15

    def test_concurrent_sends_from_four_tabs_spend_one_allowance(self, chat, sender, four_tabs):
        start = threading.Barrier(20)

        def send(n: int) -> None:
            start.wait()
            chat.handle(four_tabs[n % 4], json.dumps({"action": "send", "text": f"samtidig {n}"}), NOW)

        with ThreadPoolExecutor(20) as pool:
            list(pool.map(send, range(20)))
        delivered = len(sender.of("n", "message"))
        figures(f"20 concurrent sends from four tabs: {delivered} delivered")
        assert delivered == 5

    def test_joining_again_and_again_is_limited_per_participant(self, chat, sender, four_tabs):
        limit = rate("join_per_person").limit
        for n in range(limit):  # four joins were spent by the fixture
            join(chat, four_tabs[n % 4])
        refusals = [f for tab in four_tabs for f in sender.of(tab.connection_id, "error")]
        assert len(refusals) == 4 and {f["code"] for f in refusals} == {"too_many_attempts"}


class TestReportSpam:
    def test_sixty_reports_of_one_message_make_one_report(self, chat, sender, four_tabs):
        chat.handle(caller("n"), json.dumps({"action": "send", "text": "noget grimt"}), NOW)
        message_id = sender.of("m", "message")[0]["message"]["id"]
        for n in range(60):
            chat.handle(four_tabs[n % 4], json.dumps({"action": "report", "message_id": message_id}), NOW)
        confirmed = sum(len(sender.of(tab.connection_id, "reported")) for tab in four_tabs)
        stored = [r for r in storage.open_reports("org-a") if r.kind == "report"]
        pushed = sender.of("m", "report")
        figures(
            f"60 reports of one message from four tabs: {len(stored)} stored, {len(pushed)} pushed to the "
            f"mentor, {confirmed} confirmed to the teen"
        )
        assert len(stored) == 1 and len(pushed) == 1 and confirmed == 60

    def test_reports_are_capped_per_participant_across_tabs(self, chat, sender, four_tabs):
        cap = rate("report_per_person").limit
        ids = []
        for n in range(cap + 4):
            chat.handle(caller("n"), json.dumps({"action": "send", "text": f"besked {n}"}), NOW + timedelta(minutes=n))
            ids.append(sender.of("m", "message")[-1]["message"]["id"])
        later = NOW + timedelta(minutes=cap + 5)
        for n, message_id in enumerate(ids):
            chat.handle(four_tabs[n % 4], json.dumps({"action": "report", "message_id": message_id}), later)
        refusals = [f for tab in four_tabs for f in sender.of(tab.connection_id, "error")]
        figures(
            f"{len(ids)} reports of different messages from four tabs: {len(sender.of('m', 'report'))} pushed, "
            f"{len(refusals)} refused"
        )
        assert len(sender.of("m", "report")) == cap
        assert len(refusals) == 4 and {f["code"] for f in refusals} == {"too_many_reports"}
        assert all(f["retry_after"] > 0 for f in refusals)
        # Another teen's report still gets through.
        other = signed_up("Vidne")
        chat.connect(caller("v"), Identity(other.participant_id, "Vidne", "participant"), later)
        join(chat, caller("v"), now=later)
        chat.handle(caller("v"), json.dumps({"action": "report", "message_id": ids[-1]}), later)
        assert sender.last("v")["type"] == "reported"


def test_limits_can_be_set_per_deployment(monkeypatch):
    from chalicelib import limits

    monkeypatch.setenv("RATE_LIMITS", "sign_up_per_source=3/600, report_per_person=2")
    limits.rates.cache_clear()
    try:
        assert limits.rate("sign_up_per_source") == limits.Rate(3, 600)
        assert limits.rate("report_per_person") == limits.Rate(2, 3600)
        monkeypatch.setenv("RATE_LIMITS", "no_such_rate=1/1")
        limits.rates.cache_clear()
        with pytest.raises(ValueError):
            limits.rates()
    finally:
        monkeypatch.delenv("RATE_LIMITS")
        limits.rates.cache_clear()
