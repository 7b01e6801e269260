"""The duty roster: one or two mentors on duty per meeting, swaps, "my duties", "I cannot come", gaps."""

from __future__ import annotations

import pytest

from chalicelib import storage
from chalicelib.accounts import mentors
from chalicelib.accounts.tokens import Identity
from chalicelib.errors import ChatError
from chalicelib.organisation import admin, roster
from tests.conftest import NOW, make_org


@pytest.fixture
def org(tables):
    make_org()
    make_org("org-b")
    storage.Group(
        "sun",
        org_id="org-a",
        name="Søndagsgruppen",
        weekday=6,
        start_time="19:00",
        duration_minutes=90,
        tz="Europe/Copenhagen",
    ).save()
    people = {
        name: mentors.create(org_id, name.lower(), name, "long-password-1", role, NOW)
        for name, role, org_id in (
            ("Mette", "mentor", "org-a"),
            ("Mads", "mentor", "org-a"),
            ("Anders", "admin", "org-a"),
            ("Xenia", "mentor", "org-b"),
        )
    }
    return {name: Identity(m.mentor_id, name, m.role, m.org_id) for name, m in people.items()}


def names(meeting: dict) -> list[str]:
    return [m["name"] for m in meeting["mentors"]]


def test_an_admin_sets_the_usual_mentors_and_sees_every_coming_meeting(org):
    answer = roster.set_usual(org["Anders"], "sun", {"mentors": [org["Mette"].user_id, org["Mads"].user_id]}, NOW)
    group = answer["groups"][0]
    assert [d["name"] for d in group["duty"]] == ["Mette", "Mads"]
    meetings = group["meetings"]
    assert len(meetings) == 6 and all(names(m) == ["Mette", "Mads"] for m in meetings)
    first = meetings[0]
    # Sunday 29 November, 19:00 in Copenhagen, 18:00 UTC: both shown, the page uses the viewer's zone.
    assert (first["meeting"], first["starts_at_utc"], first["starts_at_local"]) == (
        "20261129T1800Z",
        "2026-11-29T18:00:00Z",
        "2026-11-29T19:00:00+01:00",
    )
    assert answer["gaps"] == 0
    assert [e.action for e in storage.audit_entries("org-a")] == ["duty"]
    assert all(e.expires_at is not None for e in storage.audit_entries("org-a"))  # audit expires like the rest


def test_without_anyone_on_duty_every_meeting_is_a_gap(org):
    view = roster.roster(org["Anders"], NOW)
    assert view["gaps"] == 6 and all(m["gap"] for m in view["groups"][0]["meetings"])


def test_a_swap_changes_one_meeting_and_can_be_undone(org):
    roster.set_usual(org["Anders"], "sun", {"mentors": [org["Mette"].user_id]}, NOW)
    swapped = roster.swap(org["Anders"], "sun", "20261206T1800Z", {"mentors": [org["Mads"].user_id]}, NOW)
    meetings = swapped["groups"][0]["meetings"]
    assert [names(m) for m in meetings[:3]] == [["Mette"], ["Mads"], ["Mette"]]
    assert meetings[1]["changed"] is True and meetings[0]["changed"] is False
    back = roster.swap(org["Anders"], "sun", "20261206T1800Z", {"mentors": None}, NOW)
    assert names(back["groups"][0]["meetings"][1]) == ["Mette"]


def test_a_mentor_sees_their_duties_and_says_they_cannot_come_which_the_admin_sees_as_a_gap(org):
    roster.set_usual(org["Anders"], "sun", {"mentors": [org["Mette"].user_id]}, NOW)
    mine = roster.my_duties(org["Mette"], NOW)["duties"]
    assert [d["meeting"] for d in mine][:2] == ["20261129T1800Z", "20261206T1800Z"]
    assert roster.my_duties(org["Mads"], NOW)["duties"] == []

    after = roster.cannot_come(org["Mette"], "sun", "20261206T1800Z", NOW)["duties"]
    assert [d["cannot_come"] for d in after[:2]] == [False, True]
    view = roster.roster(org["Anders"], NOW)
    second = view["groups"][0]["meetings"][1]
    assert second["gap"] is True and [a["name"] for a in second["absent"]] == ["Mette"]
    assert view["gaps"] == 1
    assert storage.audit_entries("org-a")[0].action == "cannot_come"
    with pytest.raises(ChatError) as again:
        roster.cannot_come(org["Mette"], "sun", "20261206T1800Z", NOW)
    assert again.value.code == "not_on_duty"


def test_the_roster_refuses_what_it_cannot_honour(org):
    with pytest.raises(ChatError) as foreign:
        roster.set_usual(org["Anders"], "sun", {"mentors": [org["Xenia"].user_id]}, NOW)  # another organisation
    assert foreign.value.code == "bad_duty"
    with pytest.raises(ChatError) as three:
        roster.set_usual(
            org["Anders"], "sun", {"mentors": [org["Mette"].user_id, org["Mads"].user_id, org["Anders"].user_id]}, NOW
        )
    assert three.value.code == "bad_duty"
    with pytest.raises(ChatError) as not_admin:
        roster.set_usual(org["Mette"], "sun", {"mentors": []}, NOW)
    assert not_admin.value.status == 403
    with pytest.raises(ChatError) as no_meeting:
        roster.swap(org["Anders"], "sun", "20261130T1800Z", {"mentors": []}, NOW)  # a Monday: no meeting
    assert no_meeting.value.code == "meeting_not_found"
    with pytest.raises(ChatError) as other_org:
        roster.cannot_come(org["Xenia"], "sun", "20261129T1800Z", NOW)
    assert other_org.value.code == "forbidden"


def test_the_group_form_sets_the_entry_mode_and_the_usual_mentors(org):
    view = admin.update_group(
        org["Anders"], "sun", {"entry_mode": "waiting_room", "duty_mentors": [org["Mads"].user_id]}, NOW
    )
    assert view["entry_mode"] == "waiting_room" and view["duty_mentors"] == [org["Mads"].user_id]
    with pytest.raises(ChatError) as bad:
        admin.update_group(org["Anders"], "sun", {"entry_mode": "lobby"}, NOW)
    assert bad.value.code == "bad_entry_mode"
