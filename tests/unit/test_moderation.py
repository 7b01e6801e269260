"""Mentors: who may do what (the authorization matrix), and each action's live effect."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from chalice.config import Config
from chalice.local import LocalGateway

from chalicelib import storage
from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import Identity, issue
from chalicelib.delivery import Delivery
from chalicelib.edge.http import utcnow
from chalicelib.moderation.actions import Moderation
from chalicelib.organisation import settings as org_settings
from chalicelib.sessions.keeper import SessionKeeper
from local.gateway import call_rest
from tests.conftest import NOW, join, logged_in, make_group, make_org, make_session, signed_up

SECRET = "test-secret-not-for-production-0123456"


# --- the authorization matrix ------------------------------------------------------------------------


@pytest.fixture
def world(tables):
    """Two organisations, each with an open session, a message, a report and staff."""
    import app as lambda_app

    org_settings.forget()
    now = utcnow()
    things = {}
    for org in ("A", "B"):
        make_org(f"org-{org}")
        make_group(f"g{org}", org_id=f"org-{org}")
        session = make_session(f"g{org}", org_id=f"org-{org}", starts_at=now - timedelta(minutes=10))
        message = storage.Message(
            session.session_id,
            f"01KAAAAAAAAAAAAAAAAAAAAAA{org}",
            author_id="p",
            pseudonym="Teen",
            role="participant",
            text="hej",
        )
        message.save()
        report = storage.Report(
            f"org-{org}",
            f"01KBBBBBBBBBBBBBBBBBBBBBB{org}",
            kind="report",
            priority="normal",
            session_id=session.session_id,
            group_id=f"g{org}",
            created_at=now,
            open_org=f"org-{org}",
            queue_key=f"1#x{org}",
        )
        report.save()
        staff = {
            role: mentors.create(f"org-{org}", f"{role}-{org.lower()}", f"{role} {org}", "long-password-1", role, now)
            for role in ("mentor", "admin")
        }
        things[org] = {
            "session": session.session_id,
            "message": message.message_id,
            "group": f"g{org}",
            "report": report.report_id,
            "mentor": staff["mentor"].mentor_id,
            "staff": staff,
        }
    signed_up("Teen", "hemmelig-kode", now)
    things["participant"] = logged_in("Teen", "hemmelig-kode", now).token
    things["gateway"] = LocalGateway(lambda_app.app, Config.create(lambda_timeout=29, lambda_memory_size=256))
    return things


def token_for(world, who: str) -> str | None:
    now = utcnow()
    if who == "none":
        return None
    if who == "participant":
        return world["participant"]
    if who == "expired":
        return issue(
            mentors.identity_of(world["A"]["staff"]["mentor"]), SECRET, now - timedelta(hours=3), timedelta(hours=2)
        )
    if who == "tampered":
        good = issue(mentors.identity_of(world["A"]["staff"]["admin"]), SECRET, now, timedelta(hours=1))
        head, claims, signature = good.split(".")
        return ".".join([head, claims, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
    role = "mentor" if who == "mentor A" else "admin"
    return issue(mentors.identity_of(world["A"]["staff"][role]), SECRET, now, timedelta(hours=1))


# (method, path, body, kind): kind says what a mentor and an admin of org A should get.
ROUTES = [
    ("GET", "/mentor/sessions", None, "list"),
    ("GET", "/mentor/groups", None, "list"),
    ("GET", "/mentor/reports", None, "list"),
    ("GET", "/mentor/audit", None, "list"),
    ("POST", "/mentor/sessions/{session}/messages/{message}/remove", {"reason": "r"}, "moderate"),
    ("POST", "/mentor/sessions/{session}/mute", {"pseudonym": "Teen", "minutes": 5}, "moderate"),
    ("POST", "/mentor/sessions/{session}/kick", {"pseudonym": "Teen"}, "moderate"),
    ("POST", "/mentor/groups/{group}/ban", {"pseudonym": "Teen", "days": 1}, "moderate"),
    ("POST", "/mentor/sessions/{session}/topic", {"topic": "Skole"}, "moderate"),
    ("POST", "/mentor/sessions/{session}/pin", {"message_id": None}, "moderate"),
    ("POST", "/mentor/sessions/{session}/announce", {"text": "Velkommen"}, "moderate"),
    ("POST", "/mentor/sessions/{session}/slow_mode", {"seconds": 10}, "moderate"),
    ("POST", "/mentor/sessions/{session}/extend", {"minutes": 10}, "moderate"),
    ("POST", "/mentor/groups/{group}/open", {}, "moderate"),
    ("POST", "/mentor/groups/{group}/cancel", {"date": "2030-01-06"}, "moderate"),
    ("POST", "/mentor/reports/{report}/resolve", {"note": "ok"}, "own_report"),
    ("POST", "/mentor/reports/{report}/claim", {}, "own_report"),
    ("POST", "/mentor/sessions/{session}/close", {}, "moderate"),
    ("GET", "/admin/groups", None, "admin_list"),
    ("GET", "/admin/mentors", None, "admin_list"),
    ("POST", "/admin/groups", {"name": "Ny gruppe", "weekday": 2, "start_time": "18:00"}, "admin_create"),
    ("PUT", "/admin/groups/{group}", {"description": "ny"}, "admin_target"),
    (
        "POST",
        "/admin/mentors",
        {"username": "ny-mentor", "display_name": "Ny", "password": "long-password-2"},
        "admin_create",
    ),
    ("POST", "/admin/mentors/{mentor}/deactivate", {}, "admin_own_mentor"),
    ("GET", "/admin/settings", None, "admin_list"),
    ("PUT", "/admin/settings", {"retention_days": 60}, "admin_list"),
]
WHO = ["none", "expired", "tampered", "participant", "mentor A", "admin A"]


def expected(who: str, kind: str, org: str) -> int:
    if who in ("none", "expired", "tampered", "participant"):
        return 401  # a participant's token has the participant audience: no mentor door opens for it
    admin_route = kind.startswith("admin")
    if admin_route and who != "admin A":
        return 403
    if kind in ("list", "admin_list"):
        return 200
    if kind == "admin_create":
        return 201
    if org == "B":
        # Another organisation's report or mentor is simply not found among your own.
        return 404 if kind in ("own_report", "admin_own_mentor") else 403
    return 200


def call(world, who: str, method: str, path: str, body) -> tuple[int, dict]:
    headers = {"content-type": "application/json", "host": "localhost"}
    token = token_for(world, who)
    if token:
        headers["authorization"] = f"Bearer {token}"
    raw = json.dumps(body).encode() if body is not None else None
    status, _, payload = call_rest(world["gateway"], method, path, headers, raw)
    return status, json.loads(payload or b"{}")


@pytest.mark.parametrize("who", WHO)
def test_every_mentor_and_admin_route_answers_exactly_as_expected(world, who):
    outcomes = []
    for org in ("A", "B"):
        for method, template, body, kind in ROUTES:
            if kind in ("list", "admin_list", "admin_create") and org == "B":
                continue  # these name no target: they act on the caller's own organisation
            path = template.format(**{k: v for k, v in world[org].items() if isinstance(v, str)})
            status, answer = call(world, who, method, path, body)
            want = expected(who, kind, org)
            outcomes.append((method, template, org, status, want))
            if status != want:
                pytest.fail(f"{who}: {method} {path} gave {status} {answer}, expected {want}")
            if status >= 400 and isinstance(answer.get("error"), dict):
                assert answer["error"]["code"] and answer["error"]["message"]
    untargeted = sum(kind in ("list", "admin_list", "admin_create") for *_, kind in ROUTES)
    assert len(outcomes) == len(ROUTES) * 2 - untargeted


@pytest.mark.parametrize("who", ["mentor A", "admin A"])
def test_nothing_of_another_organisation_is_readable(world, who):
    for path in ("/mentor/sessions", "/mentor/groups", "/mentor/reports?status=all", "/mentor/audit"):
        status, answer = call(world, who, "GET", path, None)
        assert status == 200
        text = json.dumps(answer)
        assert "org-B" not in text and world["B"]["session"] not in text and '"gB"' not in text


def test_a_deactivated_mentor_is_refused_at_once(world):
    status, _ = call(world, "admin A", "POST", f"/admin/mentors/{world['A']['mentor']}/deactivate", {})
    assert status == 200
    status, _ = call(world, "mentor A", "GET", "/mentor/sessions", None)
    assert status == 403


# --- log-in -----------------------------------------------------------------------------------------------


class TestMentorLogIn:
    def test_log_in_gives_a_short_lived_token_with_the_organisation(self, tables):
        mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", NOW)
        signed_in = mentors.log_in("Mette", "long-password-1", "own-device", NOW)
        assert signed_in.expires_at - NOW == timedelta(hours=2)
        assert signed_in.as_body()["mentor"]["org_id"] == "org-a"

    def test_repeated_failures_are_throttled_without_revealing_the_name(self, tables):
        from chalicelib.errors import ChatError

        mentors.create("org-a", "mette", "Mette", "long-password-1", "mentor", NOW)
        for name in ("mette", "nobody-here"):
            codes = []
            for attempt in range(6):
                try:
                    mentors.log_in(name, "wrong-password", "stranger", NOW + timedelta(seconds=attempt))
                except ChatError as error:
                    codes.append(error.status)
            assert codes == [401, 401, 401, 401, 401, 429]
        with pytest.raises(ChatError) as locked:
            mentors.log_in("mette", "long-password-1", "stranger", NOW + timedelta(minutes=1))
        assert locked.value.status == 429 and locked.value.params["retry_after"] > 0
        # The stranger's guesses cost the stranger's source, not the mentor:
        assert mentors.log_in("mette", "long-password-1", "own-device", NOW + timedelta(minutes=1)).token
        assert mentors.log_in("mette", "long-password-1", "stranger", NOW + timedelta(minutes=16)).token


# --- live effects ------------------------------------------------------------------------------------------


@pytest.fixture
def live(chat, sender, room):
    """A mentor and two teens in the open session of g1 (org-a)."""
    org_settings.forget()
    for name in ("Anna", "Bo"):
        signed_up(name, "hemmelig-kode", NOW)
    anna_id = logged_in("Anna", "hemmelig-kode", NOW).participant_id
    bo_id = logged_in("Bo", "hemmelig-kode", NOW).participant_id
    mentor = Identity("m1", "Mette", "mentor", "org-a")
    caller_m = _caller("m")
    chat.connect(caller_m, mentor, NOW)
    anna, bo = caller_for(chat, "a", anna_id, "Anna"), caller_for(chat, "b", bo_id, "Bo")
    for who in (caller_m, anna, bo):
        join(chat, who)
    sender.clear()
    return {
        "mentor": mentor,
        "anna": anna,
        "bo": bo,
        "session": room,
        "moderation": Moderation(Delivery(sender), SessionKeeper(Delivery(sender))),
    }


def caller_for(chat, connection_id, user_id, name):
    from tests.conftest import caller

    who = caller(connection_id)
    chat.connect(who, Identity(user_id, name, "participant"), NOW)
    return who


def say(chat, who, text, now=NOW):
    chat.handle(who, json.dumps({"action": "send", "text": text}), now)


class TestLiveModeration:
    def test_a_removed_message_disappears_for_everyone_and_from_history(self, chat, sender, live):
        say(chat, live["anna"], "noget grimt")
        message_id = sender.of("b", "message")[0]["message"]["id"]
        live["moderation"].remove_message(live["mentor"], live["session"].session_id, message_id, "grimt", NOW)
        for connection_id in ("a", "b", "m"):
            assert sender.of(connection_id, "message_removed")[0]["message_id"] == message_id
        join(chat, live["bo"])
        assert sender.of("b", "joined")[-1]["messages"] == []
        entry = storage.audit_entries("org-a")[0]
        assert (entry.action, entry.mentor_name, entry.reason) == ("remove", "Mette", "grimt")

    def test_a_muted_teen_cannot_send_until_the_time_has_passed(self, chat, sender, live):
        live["moderation"].mute(live["mentor"], live["session"].session_id, "Anna", 10, "pause", NOW)
        assert sender.of("a", "muted")[0]["until"] == (NOW + timedelta(minutes=10)).isoformat()
        say(chat, live["anna"], "hallo?", NOW + timedelta(minutes=1))
        error = sender.last("a")
        assert error["code"] == "muted" and error["until"]
        assert sender.of("b", "message") == []
        join(chat, live["anna"], now=NOW + timedelta(minutes=2))  # rejoining does not lift it
        say(chat, live["anna"], "og nu?", NOW + timedelta(minutes=3))
        assert sender.last("a")["code"] == "muted"
        say(chat, live["anna"], "tak", NOW + timedelta(minutes=11))
        assert [f["message"]["text"] for f in sender.of("b", "message")] == ["tak"]

    def test_a_kicked_teen_is_disconnected_and_may_rejoin(self, chat, sender, live):
        live["moderation"].kick(live["mentor"], live["session"].session_id, "Bo", "ro på", NOW)
        assert sender.of("b", "kicked") and "b" in sender.closed
        assert storage.get_connection("b") is None
        assert sender.of("a", "presence")[-1] == {
            "type": "presence",
            "event": "left",
            "member": {"pseudonym": "Bo", "role": "participant"},
        }
        again = caller_for(chat, "b2", logged_in("Bo", "hemmelig-kode", NOW).participant_id, "Bo")
        join(chat, again)
        assert sender.last("b2")["type"] == "joined"

    def test_a_banned_teen_is_disconnected_and_refused_at_connect_and_join(self, chat, sender, live):
        from chalicelib.errors import ChatError

        live["moderation"].ban(live["mentor"], "g1", "Bo", None, "chikane", NOW)
        assert sender.of("b", "banned")[0]["until"] is None and "b" in sender.closed
        bo_id = logged_in("Bo", "hemmelig-kode", NOW).participant_id
        with pytest.raises(ChatError) as refused:
            chat.connect(_caller("b3"), Identity(bo_id, "Bo", "participant"), NOW, group_id="g1")
        assert refused.value.code == "banned" and refused.value.status == 403
        again = caller_for(chat, "b4", bo_id, "Bo")
        join(chat, again)
        assert sender.last("b4")["code"] == "banned"

    def test_topic_pin_and_announcement_reach_everyone(self, chat, sender, live):
        session_id = live["session"].session_id
        moderation = live["moderation"]
        moderation.set_topic(live["mentor"], session_id, "Eksamensstress", NOW)
        say(chat, live["anna"], "husk at drikke vand")
        pinned_id = sender.of("a", "message")[0]["message"]["id"]
        moderation.pin(live["mentor"], session_id, pinned_id, NOW)
        moderation.announce(live["mentor"], session_id, "Vi holder 5 minutters pause", NOW)
        for connection_id in ("a", "b"):
            assert sender.of(connection_id, "topic")[0]["topic"] == "Eksamensstress"
            assert sender.of(connection_id, "pinned")[0]["pinned"]["text"] == "husk at drikke vand"
            announcement = sender.of(connection_id, "message")[-1]["message"]
            assert announcement["kind"] == "announcement" and announcement["role"] == "mentor"
        actions = [entry.action for entry in storage.audit_entries("org-a")]
        assert actions == ["announce", "pin", "topic"]

    def test_a_teens_report_reaches_the_mentor_live_and_in_the_queue(self, chat, sender, live):
        say(chat, live["anna"], "du er så dum")
        message_id = sender.of("b", "message")[0]["message"]["id"]
        chat.handle(live["bo"], json.dumps({"action": "report", "message_id": message_id, "reason": "ondt"}), NOW)
        assert sender.last("b") == {"type": "reported", "message_id": message_id}
        pushed = sender.of("m", "report")[0]["report"]
        assert pushed["text"] == "du er så dum" and pushed["kind"] == "report"
        assert sender.of("a", "report") == []  # only mentors see reports
        queue = live["moderation"].reports(live["mentor"], "open")["reports"]
        assert [r["id"] for r in queue] == [pushed["id"]]
        live["moderation"].resolve(live["mentor"], pushed["id"], "talt med dem", NOW)
        assert live["moderation"].reports(live["mentor"], "open")["reports"] == []

    def test_a_report_names_its_group_and_which_meeting_live_and_in_the_queue(self, chat, sender, live):
        # Last week's meeting of the same group, so this evening's is the second.
        make_session("g1", status=storage.CLOSED, starts_at=live["session"].starts_at - timedelta(days=7))
        say(chat, live["anna"], "du er så dum")
        message_id = sender.of("b", "message")[0]["message"]["id"]
        chat.handle(live["bo"], json.dumps({"action": "report", "message_id": message_id, "reason": "unkind"}), NOW)
        say(chat, live["bo"], "jeg vil ikke leve mere", NOW + timedelta(seconds=5))
        where = {
            "group_name": "Gruppe g1",
            "session_starts_at": live["session"].starts_at.isoformat(),
            "session_number": 2,
            "session_open": True,
        }
        for pushed in sender.of("m", "report"):
            assert {key: pushed["report"][key] for key in where} == where
        queue = live["moderation"].reports(live["mentor"], "open")["reports"]
        assert [r["kind"] for r in queue] == ["crisis", "report"]
        assert all({key: r[key] for key in where} == where for r in queue)
        resolved = live["moderation"].resolve(live["mentor"], queue[1]["id"], "talt med dem", NOW)["report"]
        assert resolved["group_name"] == "Gruppe g1"

    def test_reporting_an_unknown_message_is_refused(self, chat, sender, live):
        chat.handle(live["bo"], json.dumps({"action": "report", "message_id": "01KAAAAAAAAAAAAAAAAAAAAAAA"}), NOW)
        assert sender.last("b")["code"] == "message_not_found"

    def test_crisis_reports_queue_before_ordinary_ones(self, chat, sender, live):
        say(chat, live["anna"], "du er irriterende")
        message_id = sender.of("b", "message")[0]["message"]["id"]
        chat.handle(live["bo"], json.dumps({"action": "report", "message_id": message_id}), NOW)
        say(chat, live["bo"], "jeg vil ikke leve mere", NOW + timedelta(seconds=5))
        queue = live["moderation"].reports(live["mentor"], "open")["reports"]
        assert [r["kind"] for r in queue] == ["crisis", "report"]

    def test_slow_mode_spaces_out_messages(self, chat, sender, live):
        live["moderation"].slow_mode(live["mentor"], live["session"].session_id, 30, NOW)
        say(chat, live["anna"], "første", NOW)
        say(chat, live["anna"], "anden", NOW + timedelta(seconds=10))
        error = sender.last("a")
        assert error["code"] == "slow_mode" and error["retry_after"] == 20
        say(chat, live["anna"], "tredje", NOW + timedelta(seconds=31))
        assert [f["message"]["text"] for f in sender.of("b", "message")] == ["første", "tredje"]


def _caller(connection_id):
    from tests.conftest import caller

    return caller(connection_id)


class TestPseudonyms:
    @pytest.mark.parametrize("name", ["Mentor Mette", "ADMIN", "m.e.n.t.o.r", "Gruppechat-støtte"])
    def test_no_participant_can_take_a_name_that_passes_for_staff(self, tables, name):
        from chalicelib.errors import ChatError

        with pytest.raises(ChatError) as refused:
            signed_up(name, "hemmelig-kode", NOW)
        assert refused.value.code in ("reserved_pseudonym", "invalid_pseudonym")


class TestCrisisLevels:
    def test_an_acute_line_gives_help_lines_led_by_112_and_queues_first(self, chat, sender, live):
        say(chat, live["anna"], "jeg er ked af det i dag")
        say(chat, live["bo"], "jeg vil ikke leve mere", NOW + timedelta(seconds=5))
        say(chat, live["anna"], "jeg har taget 20 panodiler lige nu", NOW + timedelta(seconds=10))
        help_frames = sender.of("a", "help_lines")
        assert help_frames and help_frames[-1]["severity"] == "acute"
        assert help_frames[-1]["lines"][0]["phone"] == "112"
        queue = live["moderation"].reports(live["mentor"], "open")["reports"]
        assert [r["severity"] for r in queue][:2] == ["acute", "ideation"]
        alert = sender.of("m", "report")[-1]["report"]
        assert alert["severity"] == "acute" and alert["claimed_by"] is None

    def test_danger_from_others_is_its_own_kind_of_report(self, chat, sender, live):
        say(chat, live["bo"], "min stedfar slår mig og siger han slår mig ihjel")
        queue = live["moderation"].reports(live["mentor"], "open")["reports"]
        assert [r["kind"] for r in queue] == ["danger"]
        assert sender.of("b", "help_lines")[-1]["kind"] == "danger"

    def test_the_first_mentor_on_it_takes_the_alert_and_the_other_sees_who(self, chat, sender, live):
        sofie = Identity("m2", "Sofie", "mentor", "org-a")
        chat.connect(_caller("m2"), sofie, NOW)  # on duty, not in this session
        say(chat, live["anna"], "jeg står på broen nu og vil springe")
        report_id = sender.of("m", "report")[-1]["report"]["id"]
        assert sender.of("m2", "report")[-1]["report"]["id"] == report_id  # the off-session mentor is alerted
        taken = live["moderation"].claim(live["mentor"], report_id, NOW)
        assert taken["report"]["claimed_by"] == "Mette"
        assert sender.of("m2", "report_claimed")[-1]["report"]["claimed_by"] == "Mette"
        again = live["moderation"].claim(sofie, report_id, NOW + timedelta(seconds=2))
        assert again["report"]["claimed_by"] == "Mette"
        claims = [e for e in live["moderation"].audit(live["mentor"])["entries"] if e["action"] == "claim_report"]
        assert len(claims) == 1
