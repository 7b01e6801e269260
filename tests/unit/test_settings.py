"""An organisation's settings: its own crisis terms, retention and flood limits, admins only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from chalice.config import Config
from chalice.local import LocalGateway

from chalicelib import storage
from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import Identity, issue
from chalicelib.edge.http import utcnow
from chalicelib.organisation import settings as org_settings
from local.gateway import call_rest
from tests.conftest import caller, join, make_group, make_org, make_session, signed_up

SECRET = "test-secret-not-for-production-0123456"
# Not a crisis line for the shipped detector; an organisation may know better.
LAKE = "i aften går jeg ned til søen alene"


@pytest.fixture
def orgs(tables):
    """Organisations A and B, each with a mentor and an admin, and a REST gateway with the real app."""
    import app as lambda_app

    org_settings.forget()
    now = utcnow()
    staff = {}
    for org in ("A", "B"):
        make_org(f"org-{org}")
        for role in ("mentor", "admin"):
            staff[f"{role} {org}"] = mentors.create(
                f"org-{org}", f"{role}-{org.lower()}", f"{role.title()} {org}", "long-password-1", role, now
            )
    gateway = LocalGateway(lambda_app.app, Config.create(lambda_timeout=29, lambda_memory_size=256))
    return {"staff": staff, "gateway": gateway}


def call(orgs, who: str, method: str, body: object = None) -> tuple[int, dict]:
    token = issue(mentors.identity_of(orgs["staff"][who]), SECRET, utcnow(), timedelta(hours=1))
    headers = {"content-type": "application/json", "host": "localhost", "authorization": f"Bearer {token}"}
    raw = json.dumps(body).encode() if body is not None else None
    status, _, payload = call_rest(orgs["gateway"], method, "/admin/settings", headers, raw)
    return status, json.loads(payload or b"{}")


def error_of(answer: dict) -> str:
    return answer["error"]["code"]


class TestWhoMay:
    def test_an_admin_reads_the_settings_in_force_with_defaults_and_bounds(self, orgs):
        status, answer = call(orgs, "admin A", "GET")
        assert status == 200
        assert answer["settings"] == {
            "extra_crisis_terms": [],
            "retention_days": 30,
            "flood_burst": 5,
            "flood_per_minute": 20,
            "inactive_account_months": None,  # the stage's default, named in defaults
        }
        assert answer["defaults"]["inactive_account_months"] == 12
        assert answer["bounds"]["retention_days"] == {"min": 7, "max": 365}
        assert answer["bounds"]["inactive_account_months"] == {"min": 3, "max": 36}
        assert answer["levels"] == ["concern", "ideation", "plan", "acute"]

    @pytest.mark.parametrize("method", ["GET", "PUT"])
    def test_a_mentor_who_is_not_an_admin_may_neither_read_nor_change_them(self, orgs, method):
        status, answer = call(orgs, "mentor A", method, {"retention_days": 60} if method == "PUT" else None)
        assert status == 403 and error_of(answer) == "forbidden"
        assert storage.get_organisation("org-A").retention_days == 30

    def test_another_organisations_admin_neither_sees_nor_changes_ours(self, orgs):
        assert (
            call(orgs, "admin A", "PUT", {"extra_crisis_terms": ["plan: ned til søen"], "retention_days": 60})[0] == 200
        )
        status, theirs = call(orgs, "admin B", "GET")
        assert status == 200 and "søen" not in json.dumps(theirs) and theirs["settings"]["retention_days"] == 30
        assert call(orgs, "admin B", "PUT", {"extra_crisis_terms": [], "retention_days": 7})[0] == 200
        ours = storage.get_organisation("org-A")
        assert list(ours.extra_crisis_terms) == ["plan: ned til søen"] and ours.retention_days == 60
        assert storage.get_organisation("org-B").retention_days == 7

    def test_every_change_is_in_the_audit_log_and_an_unchanged_value_is_not(self, orgs):
        call(
            orgs,
            "admin A",
            "PUT",
            {"retention_days": 90, "flood_burst": 5, "extra_crisis_terms": ["plan: ned til søen"]},
        )
        entries = {entry.target: entry for entry in storage.audit_entries("org-A")}
        assert set(entries) == {"retention_days", "extra_crisis_terms"}  # the burst stayed 5
        assert entries["retention_days"].action == "change_settings"
        assert entries["retention_days"].reason == "30 → 90" and entries["retention_days"].mentor_name == "Admin A"
        assert entries["extra_crisis_terms"].reason == "+ plan: ned til søen"
        assert storage.audit_entries("org-B") == []


class TestValidation:
    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"retention_days": 6}, "bad_retention"),
            ({"retention_days": 366}, "bad_retention"),
            ({"retention_days": "30"}, "bad_retention"),
            ({"retention_days": True}, "bad_retention"),
            ({"flood_burst": 0}, "bad_flood_limit"),
            ({"flood_burst": 21}, "bad_flood_limit"),
            ({"flood_per_minute": 121}, "bad_flood_limit"),
            ({"flood_per_minute": 2.5}, "bad_flood_limit"),
            ({"extra_crisis_terms": "plan: reb"}, "bad_crisis_terms"),
            ({"extra_crisis_terms": ["ok ord"] * 51}, "bad_crisis_terms"),
            ({"extra_crisis_terms": ["x" * 121]}, "bad_crisis_terms"),
            ({"extra_crisis_terms": ["ab"]}, "bad_crisis_terms"),
            ({"extra_crisis_terms": [12]}, "bad_crisis_terms"),
            ({"retention": 30}, "bad_request"),
        ],
    )
    def test_a_value_out_of_bounds_is_refused_and_nothing_changes(self, orgs, body, code):
        status, answer = call(orgs, "admin A", "PUT", body)
        assert status == 400 and error_of(answer) == code, answer
        organisation = storage.get_organisation("org-A")
        assert organisation.retention_days == 30 and organisation.flood_burst is None
        assert not organisation.extra_crisis_terms
        assert storage.audit_entries("org-A") == []

    @pytest.mark.parametrize(
        "term",
        [
            "akut: ned til søen",  # not a level the detector knows
            "Plan:",  # a level without words
            "selv-mord nu",  # a word the detector never sees whole
            "er du der?!",  # punctuation that ends a clause
            "ring # senere",  # the detector reads '#' as the start of a comment
        ],
    )
    def test_a_term_the_detector_cannot_use_is_refused_by_name(self, orgs, term):
        status, answer = call(orgs, "admin A", "PUT", {"extra_crisis_terms": ["concern: har det skidt", term]})
        assert status == 400 and error_of(answer) == "bad_crisis_term"
        assert answer["error"]["term"] == (term if term != "Plan:" else "plan:")
        assert not storage.get_organisation("org-A").extra_crisis_terms

    def test_terms_are_tidied_and_kept_once(self, orgs):
        status, answer = call(
            orgs,
            "admin A",
            "PUT",
            {
                "extra_crisis_terms": [
                    "  Plan :  ned   til søen ",
                    "plan: ned til søen",
                    "gemt .. på loftet",
                    "selvskad*",
                ]
            },
        )
        assert status == 200
        assert answer["settings"]["extra_crisis_terms"] == ["plan: ned til søen", "gemt .. på loftet", "selvskad*"]

    def test_an_empty_list_removes_the_terms(self, orgs):
        call(orgs, "admin A", "PUT", {"extra_crisis_terms": ["plan: ned til søen"]})
        status, answer = call(orgs, "admin A", "PUT", {"extra_crisis_terms": []})
        assert status == 200 and answer["settings"]["extra_crisis_terms"] == []
        assert not storage.get_organisation("org-A").extra_crisis_terms


class TestTakesEffect:
    @pytest.fixture
    def room_a(self, orgs, chat, sender):
        """A teen and a mentor of organisation A in its open session; the settings cache is warm."""
        make_group("gA", org_id="org-A")
        session = make_session("gA", org_id="org-A", starts_at=utcnow() - timedelta(minutes=10))
        sol_id = signed_up("Sol", now=utcnow()).participant_id
        teen, mentor = caller("t"), caller("m")
        chat.connect(teen, Identity(sol_id, "Sol", "participant"), utcnow())
        chat.connect(mentor, mentors.identity_of(orgs["staff"]["mentor A"]), utcnow())
        for who in (teen, mentor):
            join(chat, who, "gA", utcnow())
        assert org_settings.org_settings("org-A").retention_days == 30  # cached before the change
        return {"teen": teen, "session": session}

    def say(self, chat, who, text: str) -> None:
        chat.handle(who, json.dumps({"action": "send", "text": text, "client_id": text[:20]}), utcnow())

    def test_a_new_crisis_term_flags_the_next_message_at_once(self, orgs, chat, sender, room_a):
        self.say(chat, room_a["teen"], LAKE)
        assert sender.of("m", "report") == [] and sender.of("t", "help_lines") == []

        assert call(orgs, "admin A", "PUT", {"extra_crisis_terms": ["acute: ned til søen"]})[0] == 200
        self.say(chat, room_a["teen"], LAKE + " igen")
        alert = sender.of("m", "report")[-1]["report"]
        assert (alert["kind"], alert["severity"]) == ("crisis", "acute")
        assert sender.of("t", "help_lines")[-1]["lines"][0]["phone"] == "112"

    def test_new_flood_limits_and_retention_apply_to_what_comes_next(self, orgs, chat, sender, room_a):
        assert call(orgs, "admin A", "PUT", {"flood_burst": 1, "flood_per_minute": 1, "retention_days": 7})[0] == 200
        in_force = org_settings.org_settings("org-A")
        assert (in_force.limits.burst, in_force.limits.per_minute, in_force.retention_days) == (1, 1, 7)
        self.say(chat, room_a["teen"], "hej med jer")
        self.say(chat, room_a["teen"], "er der nogen?")
        assert [f["code"] for f in sender.of("t", "error")] == ["rate_limited"]
        # Written after the change by a teen who joined before it: kept for the new period.
        stored = storage.recent_messages(room_a["session"].session_id, 10)
        assert [m.text for m in stored] == ["hej med jer"]
        kept = stored[0].expires_at - room_a["session"].ends_at
        assert abs(kept - timedelta(days=7)) < timedelta(seconds=1)  # the expiry is stored in whole seconds


class TestInactiveAccountMonths:
    """How long an unused teen account is kept: whole months within 3–36, or null for the default."""

    @pytest.mark.parametrize(
        "months",
        [2, 37, 0, -6, 6.5, 12.0, "12", True, [12], {"months": 12}],
        ids=["too-short", "too-long", "zero", "negative", "half", "float", "text", "bool", "list", "object"],
    )
    def test_anything_but_whole_months_in_range_is_refused_and_nothing_changes(self, orgs, months):
        status, answer = call(orgs, "admin A", "PUT", {"inactive_account_months": months})
        assert status == 400 and error_of(answer) == "bad_inactive_months", answer
        assert (answer["error"]["min"], answer["error"]["max"]) == (3, 36)
        assert storage.get_organisation("org-A").inactive_account_months is None
        assert storage.audit_entries("org-A") == []

    def test_an_admin_sets_a_period_sees_it_and_it_is_audited(self, orgs):
        status, answer = call(orgs, "admin A", "PUT", {"inactive_account_months": 6})
        assert status == 200 and answer["settings"]["inactive_account_months"] == 6
        assert call(orgs, "admin A", "GET")[1]["settings"]["inactive_account_months"] == 6
        assert storage.get_organisation("org-A").inactive_account_months == 6
        (entry,) = storage.audit_entries("org-A")
        assert (entry.action, entry.target, entry.reason) == (
            "change_settings",
            "inactive_account_months",
            "default (12) → 6",
        )
        assert storage.get_organisation("org-B").inactive_account_months is None

    def test_null_goes_back_to_the_default(self, orgs):
        call(orgs, "admin A", "PUT", {"inactive_account_months": 36})
        status, answer = call(orgs, "admin A", "PUT", {"inactive_account_months": None})
        assert status == 200 and answer["settings"]["inactive_account_months"] is None
        assert storage.get_organisation("org-A").inactive_account_months is None
        reasons = [entry.reason for entry in storage.audit_entries("org-A")]
        assert sorted(reasons) == ["36 → default (12)", "default (12) → 36"]

    def test_the_bounds_themselves_are_allowed_and_left_out_keeps_the_value(self, orgs):
        assert call(orgs, "admin A", "PUT", {"inactive_account_months": 3})[0] == 200
        assert call(orgs, "admin A", "PUT", {"retention_days": 60})[1]["settings"]["inactive_account_months"] == 3
        assert call(orgs, "admin A", "PUT", {"inactive_account_months": 36})[0] == 200

    def test_a_mentor_who_is_not_an_admin_may_not_change_it(self, orgs):
        status, answer = call(orgs, "mentor A", "PUT", {"inactive_account_months": 6})
        assert status == 403 and error_of(answer) == "forbidden"
        assert storage.get_organisation("org-A").inactive_account_months is None

    def test_a_teen_who_follows_a_group_afterwards_is_kept_for_the_new_period(self, orgs):
        from chalicelib.accounts import participants

        make_group("gA", org_id="org-A")
        assert call(orgs, "admin A", "PUT", {"inactive_account_months": 4})[0] == 200
        now = utcnow()
        account = signed_up("Sol", now=now)
        participants.follow(Identity(account.participant_id, "Sol", "participant"), "gA", now)
        stored = storage.find_participant("sol")
        assert stored is not None and stored.delete_after is not None
        assert timedelta(days=118) <= stored.delete_after - now <= timedelta(days=124)  # four months, to the day
