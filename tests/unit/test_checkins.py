"""Check-in and check-out: a teen's private answer, the mentors' spread without names, the figures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts.tags import attendance_tag
from chalicelib.accounts.tokens import ADMIN, Identity
from chalicelib.organisation import figures
from chalicelib.sessions.keeper import SessionKeeper
from tests.conftest import NOW, connect, join, make_group, make_org, make_session, mentor_joins

ADMIN_ANNE = Identity("m-anne", "Anne", ADMIN, "org-a")


def check_in(chat, who, mood, phase="in", now=NOW):
    chat.handle(who, json.dumps({"action": "checkin", "phase": phase, "mood": mood}), now)


def teens(chat, count, prefix="t"):
    callers = []
    for i in range(count):
        who = connect(chat, f"{prefix}{i}", f"Teen{prefix}{i}")
        join(chat, who)
        callers.append(who)
    return callers


class TestAnswering:
    def test_a_teen_is_asked_on_coming_in_and_sees_only_their_own_answer(self, chat, sender, room):
        mentor_joins(chat)
        anna, _bo = teens(chat, 2)
        assert sender.of("t0", "joined")[0]["checkin"] == {"ask": "in", "in": None, "out": None}
        check_in(chat, anna, 4)
        assert sender.of("t0", "checkin_saved")[-1]["mood"] == 4
        # Private: the other teen hears nothing of it, not even a count.
        assert sender.of("t1", "checkin_saved") == [] and sender.of("t1", "checkin_spread") == []

    def test_a_second_answer_replaces_the_first_and_counts_once(self, chat, sender, room):
        mentor_joins(chat)
        (anna,) = teens(chat, 1)
        check_in(chat, anna, 2)
        check_in(chat, anna, 5)
        check_in(chat, anna, 5)  # the same again changes nothing
        session = storage.get_session(room.session_id)
        assert [int(getattr(session, f"checkin_{step}") or 0) for step in range(1, 6)] == [0, 0, 0, 0, 1]
        items = list(storage.Checkin.query(room.session_id))
        assert len(items) == 1 and int(items[0].checkin) == 5
        # Coming back in another tab, the teen sees the answer they gave.
        again = connect(chat, "t0-tab2", "Teent0")
        join(chat, again)
        assert sender.of("t0-tab2", "joined")[-1]["checkin"] == {"ask": "in", "in": 5, "out": None}

    def test_the_answer_is_kept_by_a_one_way_tag_and_goes_a_day_after_the_session(self, chat, sender, room):
        mentor_joins(chat)
        (anna,) = teens(chat, 1)
        check_in(chat, anna, 3)
        (item,) = storage.Checkin.query(room.session_id)
        assert "Teent0" not in item.answer_key and "user-" not in item.answer_key
        assert item.expires_at == room.ends_at + timedelta(days=1)

    @pytest.mark.parametrize("mood", [0, 6, "3", 2.5, True, None])
    def test_only_the_five_steps_are_answers(self, chat, sender, room, mood):
        (anna,) = teens(chat, 1)
        check_in(chat, anna, mood)
        assert sender.last("t0")["code"] == "bad_mood"
        assert list(storage.Checkin.query(room.session_id)) == []

    def test_a_mentor_does_not_check_in_and_a_closed_session_takes_no_answer(self, chat, sender, room):
        mentor = mentor_joins(chat)
        check_in(chat, mentor, 3)
        assert sender.last("m0")["code"] == "forbidden"
        (anna,) = teens(chat, 1)
        check_in(chat, anna, 3, now=room.ends_at)
        assert sender.last("t0")["code"] == "session_closed"
        # Closed by a mentor before its end, while the answer was on its way: the socket is gone, and
        # an answer that read the session as open just before is refused by the write's condition.
        SessionKeeper(chat.delivery).close(storage.get_session(room.session_id), NOW)
        check_in(chat, anna, 3)
        assert sender.last("t0")["code"] == "not_connected"
        assert storage.record_checkin(room, "late-tag", "checkin", 3, NOW) is False  # ``room``: read while open
        assert sum(int(getattr(storage.get_session(room.session_id), f"checkin_{s}") or 0) for s in range(1, 6)) == 0
        assert list(storage.Checkin.query(room.session_id)) == []

    def test_after_the_closing_warning_a_newcomer_is_asked_how_they_leave(self, chat, sender, room):
        mentor_joins(chat)
        storage.Session(room.session_id).update(actions=[storage.Session.warned.set(True)])
        teens(chat, 1)
        assert sender.of("t0", "joined")[-1]["checkin"]["ask"] == "out"


class TestTheMentorsSpread:
    def test_mentors_see_counts_per_step_live_and_no_names(self, chat, sender, room):
        mentor_joins(chat)
        callers = teens(chat, 3)
        for who, mood in zip(callers, (1, 4, 4), strict=True):
            check_in(chat, who, mood)
        check_in(chat, callers[0], 2, phase="out")
        spread = sender.of("m0", "checkin_spread")[-1]
        assert spread == {
            "type": "checkin_spread",
            "session_id": room.session_id,
            "in": [1, 0, 0, 2, 0],
            "out": [0, 1, 0, 0, 0],
        }
        assert not any("Teen" in json.dumps(frame) for frame in sender.of("m0", "checkin_spread"))

    def test_a_mentor_who_comes_in_later_sees_the_spread_so_far(self, chat, sender, room):
        mentor_joins(chat)
        (anna,) = teens(chat, 1)
        check_in(chat, anna, 5)
        mentor_joins(chat, "m1", "Mads")
        assert sender.of("m1", "joined")[-1]["checkin_spread"] == {"in": [0, 0, 0, 0, 1], "out": [0, 0, 0, 0, 0]}
        assert "checkin" not in sender.of("m1", "joined")[-1]  # a mentor is not asked

    def test_mentors_of_other_sessions_hear_nothing(self, chat, sender, room):
        mentor_joins(chat)
        make_group("g2")
        make_session("g2")
        mentor_joins(chat, "m2", "Mie", group_id="g2")
        (anna,) = teens(chat, 1)
        check_in(chat, anna, 3)
        assert sender.of("m2", "checkin_spread") == []


def _answers(session, field, moods):
    storage.Session(session.session_id).update(
        actions=[getattr(storage.Session, f"{field}_{m}").add(moods.count(m)) for m in set(moods)]
    )


class TestFigures:
    def test_fewer_than_five_answers_show_nothing_and_five_show_the_averages(self, tables):
        make_org()
        make_group()
        week = timedelta(weeks=1)
        few = make_session(starts_at=NOW - 2 * week, status=storage.CLOSED)
        enough = make_session(starts_at=NOW - week, status=storage.CLOSED)
        _answers(few, "checkin", [1, 2, 3, 4])
        _answers(few, "checkout", [5, 5, 5, 5, 5])
        _answers(enough, "checkin", [1, 2, 3, 3, 4])  # 13 / 5 = 2.6
        _answers(enough, "checkout", [3, 4, 4, 4, 5, 5])  # 25 / 6 = 4.17

        rows = {row["session_id"]: row for row in figures.figures(ADMIN_ANNE, 8, NOW)["sessions"]}
        small = rows[few.session_id]
        assert small["checkin_answers"] is None and small["checkin_average"] is None
        assert small["mood_change"] is None
        mood_withheld = {field: why for field, why in small["withheld"].items() if why == "too_few_answers"}
        assert mood_withheld == {
            "checkin_answers": "too_few_answers",
            "checkin_average": "too_few_answers",
            "mood_change": "too_few_answers",
        }
        assert small["checkout_answers"] == 5 and small["checkout_average"] == 5.0
        shown = rows[enough.session_id]
        assert (shown["checkin_answers"], shown["checkin_average"]) == (5, 2.6)
        assert (shown["checkout_answers"], shown["checkout_average"]) == (6, 4.17)
        assert shown["mood_change"] == 1.57
        assert "too_few_answers" not in shown["withheld"].values()

    def test_the_returning_share_counts_anyone_who_came_in_the_eight_weeks_before(self, tables):
        make_org()
        make_group()
        tag = {name: attendance_tag("g1", f"user-{name}") for name in "abcdef"}
        week = timedelta(weeks=1)

        def met(weeks_ago, who):
            session = make_session(starts_at=NOW - weeks_ago * week, status=storage.CLOSED)
            storage.Session(session.session_id).update(actions=[storage.Session.attendees.add({tag[n] for n in who})])
            return session

        met(9, "e")  # more than 8 weeks before: does not count
        met(6, "a")
        met(2, "b")
        latest = met(1, "abcdf")  # a came 5 weeks before, b the week before; c, d, f are new; e is not here
        rows = figures.figures(ADMIN_ANNE, 1, NOW)["sessions"]
        (row,) = [r for r in rows if r["session_id"] == latest.session_id]
        assert row["participants"] == 5
        assert row["returning"] == 1  # the previous session: b only
        assert row["returning_8w"] == 2 and row["returning_share"] == 0.4

    def test_answers_through_the_chat_reach_the_figures(self, chat, sender, room):
        mentor_joins(chat)
        callers = teens(chat, 5)
        for who, mood in zip(callers, (2, 2, 3, 4, 4), strict=True):
            check_in(chat, who, mood)
        for who in callers[:4]:
            check_in(chat, who, 4, phase="out")
        (row,) = figures.figures(ADMIN_ANNE, 1, NOW)["sessions"]
        assert (row["checkin_answers"], row["checkin_average"]) == (5, 3.0)
        assert row["checkout_average"] is None and row["withheld"]["checkout_average"] == "too_few_answers"
        check_in(chat, callers[4], 5, phase="out")
        (row,) = figures.figures(ADMIN_ANNE, 1, NOW)["sessions"]
        assert (row["checkout_answers"], row["checkout_average"], row["mood_change"]) == (5, 4.2, 1.2)
