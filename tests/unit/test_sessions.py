"""Weekly sessions open, warn and close themselves, exactly once, on the group's local time."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import storage
from chalicelib.chat.service import ChatService
from chalicelib.delivery import Delivery
from chalicelib.sessions.keeper import SessionKeeper, plan_next
from tests.conftest import connect, join, make_org


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def keeper(tables, sender) -> SessionKeeper:
    return SessionKeeper(Delivery(sender))


def sunday_group(group_id: str = "sun", **schedule) -> storage.Group:
    make_org()
    group = storage.Group(
        group_id,
        org_id="org-a",
        name="Søndagsgruppen",
        weekday=6,
        start_time="19:00",
        duration_minutes=90,
        tz="Europe/Copenhagen",
        **schedule,
    )
    group.save()
    return group


def status_of(session_id: str) -> str:
    return storage.get_session(session_id).status


def sessions_of(group_id: str) -> list[storage.Session]:
    return list(storage.Session.by_group.query(group_id))


class TestAWeek:
    def test_a_group_is_walked_through_its_week(self, keeper, sender):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))  # a Monday
        assert planned.starts_at == at("2026-11-29T18:00")  # Sunday 19:00 CET
        assert planned.status == storage.SCHEDULED

        for quiet in ("2026-11-24T12:00", "2026-11-29T17:59"):
            assert keeper.tick(at(quiet)).counts() == {
                "opened": 0,
                "warned": 0,
                "closed": 0,
                "skipped": 0,
                "resumed": 0,
                "failed": 0,
                "paused": 0,
                "vanished": 0,
                "alerted": 0,
                "accounts_deleted": 0,
                "rounds_moved": 0,
                "reminded": 0,
            }
        assert keeper.tick(at("2026-11-29T18:00")).opened == [planned.session_id]
        assert status_of(planned.session_id) == storage.OPEN

        chat = ChatService(Delivery(sender))
        teen = connect(chat, "c1", "Anna")
        join(chat, teen, "sun", now=at("2026-11-29T18:10"))
        assert sender.of("c1", "joined")

        assert keeper.tick(at("2026-11-29T19:24")).counts()["warned"] == 0
        assert keeper.tick(at("2026-11-29T19:25")).warned == [planned.session_id]
        assert sender.of("c1", "session_closing")[0]["ends_at"] == "2026-11-29T19:30:00+00:00"

        assert keeper.tick(at("2026-11-29T19:30")).closed == [planned.session_id]
        assert sender.of("c1", "session_closed")
        assert sender.closed == ["c1"]
        assert storage.get_connection("c1") is None

        following = [s for s in sessions_of("sun") if s.status == storage.SCHEDULED]
        assert [s.starts_at for s in following] == [at("2026-12-06T18:00")]

    def test_a_closed_session_cannot_be_joined_until_the_next_opening(self, keeper, sender):
        group = sunday_group()
        plan_next(group, at("2026-11-23T12:00"))
        keeper.tick(at("2026-11-29T18:00"))
        keeper.tick(at("2026-11-29T19:30"))
        chat = ChatService(Delivery(sender))
        late = connect(chat, "c9", "Sen")
        join(chat, late, "sun", now=at("2026-11-29T19:31"))
        assert sender.last("c9")["code"] == "session_closed"
        keeper.tick(at("2026-12-06T18:00"))
        join(chat, late, "sun", now=at("2026-12-06T18:01"))
        assert sender.last("c9")["type"] == "joined"


class TestDaylightSaving:
    @pytest.mark.parametrize(
        "before, after",
        [
            # last Sunday of March: 19:00 CET is 18:00Z, then 19:00 CEST is 17:00Z
            (("2026-03-22T18:00", "2026-03-22T17:59"), ("2026-03-29T17:00", "2026-03-29T16:59")),
            # last Sunday of October: 19:00 CEST is 17:00Z, then 19:00 CET is 18:00Z
            (("2026-10-18T17:00", "2026-10-18T16:59"), ("2026-10-25T18:00", "2026-10-25T17:59")),
        ],
    )
    def test_sessions_open_at_19_local_on_both_sides_of_the_change(self, keeper, before, after):
        group = sunday_group()
        plan_next(group, at(before[0]) - timedelta(days=2))
        for opens, just_before in (before, after):
            assert keeper.tick(at(just_before)).opened == []
            opened = keeper.tick(at(opens)).opened
            assert len(opened) == 1
            assert storage.get_session(opened[0]).starts_at == at(opens)
            keeper.tick(at(opens) + timedelta(minutes=90))  # close, plan the next week


class TestExactlyOnce:
    def test_a_double_tick_opens_and_closes_once(self, keeper, sender):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))
        chat = ChatService(Delivery(sender))
        keeper.tick(at("2026-11-29T18:00"))
        assert keeper.tick(at("2026-11-29T18:00")).opened == []
        join(chat, connect(chat, "c1", "Anna"), "sun", now=at("2026-11-29T18:05"))
        keeper.tick(at("2026-11-29T19:26"))
        keeper.tick(at("2026-11-29T19:26"))
        first = keeper.tick(at("2026-11-29T19:31"))
        second = keeper.tick(at("2026-11-29T19:31"))
        assert first.closed == [planned.session_id] and second.closed == []
        assert len(sender.of("c1", "session_closing")) == 1
        assert len(sender.of("c1", "session_closed")) == 1
        assert len([s for s in sessions_of("sun") if s.status == storage.SCHEDULED]) == 1

    def test_concurrent_ticks_make_each_transition_once(self, keeper, sender):
        group = sunday_group()
        plan_next(group, at("2026-11-23T12:00"))
        chat = ChatService(Delivery(sender))

        def race(now: datetime, runners: int = 4) -> list:
            barrier = threading.Barrier(runners)
            reports = []

            def run():
                barrier.wait()
                reports.append(keeper.tick(now))

            threads = [threading.Thread(target=run) for _ in range(runners)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return reports

        opened = race(at("2026-11-29T18:00"))
        assert sum(len(r.opened) for r in opened) == 1
        join(chat, connect(chat, "c1", "Anna"), "sun", now=at("2026-11-29T18:05"))
        warned = race(at("2026-11-29T19:27"))
        assert sum(len(r.warned) for r in warned) == 1
        closed = race(at("2026-11-29T19:30"))
        assert sum(len(r.closed) for r in closed) == 1
        assert len(sender.of("c1", "session_closing")) == 1
        assert len(sender.of("c1", "session_closed")) == 1
        assert len([s for s in sessions_of("sun") if s.status == storage.SCHEDULED]) == 1


class TestCatchingUp:
    def test_a_session_whose_end_has_passed_is_never_opened(self, keeper, sender):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))
        report = keeper.tick(at("2026-11-29T21:00"))  # the tick was down all evening
        assert report.opened == [] and report.skipped == [planned.session_id]
        assert status_of(planned.session_id) == storage.CLOSED
        assert [s.starts_at for s in sessions_of("sun") if s.status == storage.SCHEDULED] == [at("2026-12-06T18:00")]

    def test_a_tick_after_an_hours_outage_opens_the_running_session(self, keeper):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))
        assert keeper.tick(at("2026-11-29T19:00")).opened == [planned.session_id]

    def test_a_tick_in_the_last_minutes_opens_and_warns_at_once(self, keeper):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))
        report = keeper.tick(at("2026-11-29T19:27"))
        assert report.opened == [planned.session_id] and report.warned == [planned.session_id]


class TestCalendar:
    def test_a_cancelled_date_is_skipped(self, keeper):
        group = sunday_group()
        planned = plan_next(group, at("2026-11-23T12:00"))
        cancelled = keeper.cancel_date(group, date(2026, 11, 29), at("2026-11-24T12:00"))
        assert cancelled == [planned.session_id]
        assert status_of(planned.session_id) == storage.CANCELLED
        assert keeper.tick(at("2026-11-29T18:00")).opened == []
        assert keeper.tick(at("2026-12-06T18:00")).opened == ["sun:20261206T1800Z"]

    def test_a_finished_course_plans_nothing_more(self, keeper):
        group = sunday_group(first_date="2026-11-29", meetings=2)
        plan_next(group, at("2026-11-23T12:00"))
        for day in ("2026-11-29", "2026-12-06"):
            assert len(keeper.tick(at(f"{day}T18:00")).opened) == 1
            keeper.tick(at(f"{day}T19:30"))
        assert [s for s in sessions_of("sun") if s.status == storage.SCHEDULED] == []
        assert keeper.tick(at("2026-12-13T18:00")).counts()["opened"] == 0


class TestMentorOverrides:
    def test_open_early_then_close_by_hand(self, keeper, sender):
        group = sunday_group()
        plan_next(group, at("2026-11-23T12:00"))
        early = keeper.open_early(group, at("2026-11-29T17:45"))
        assert early.status == storage.OPEN and early.starts_at == at("2026-11-29T17:45")
        assert keeper.open_early(group, at("2026-11-29T17:45")).session_id == early.session_id  # double-click
        assert keeper.tick(at("2026-11-29T18:00")).opened == []  # the tick does not open it again

        chat = ChatService(Delivery(sender))
        join(chat, connect(chat, "c1", "Anna"), "sun", now=at("2026-11-29T17:50"))
        closed = keeper.close_now(early, at("2026-11-29T18:30"))
        assert closed.status == storage.CLOSED
        assert sender.of("c1", "session_closed") and sender.closed == ["c1"]
        assert keeper.tick(at("2026-11-29T19:30")).closed == []

    def test_an_extra_session_closed_and_opened_again_within_a_minute_is_a_new_one(self, keeper):
        group = sunday_group()
        first = keeper.open_early(group, at("2026-11-25T12:00"))
        keeper.close_now(first, at("2026-11-25T12:00") + timedelta(seconds=20))
        again = keeper.open_early(group, at("2026-11-25T12:00") + timedelta(seconds=40))
        assert again.status == storage.OPEN and again.session_id != first.session_id
        assert storage.get_session(first.session_id).status == storage.CLOSED

    def test_open_early_without_a_meeting_soon_opens_an_extra_session(self, keeper):
        group = sunday_group()
        extra = keeper.open_early(group, at("2026-11-25T12:00"))
        assert extra.status == storage.OPEN
        assert extra.ends_at == at("2026-11-25T13:30")
        assert keeper.tick(at("2026-11-25T13:30")).closed == [extra.session_id]

    def test_close_late_pushes_the_end_and_warns_again(self, keeper, sender):
        group = sunday_group()
        plan_next(group, at("2026-11-23T12:00"))
        session = storage.get_session(keeper.tick(at("2026-11-29T18:00")).opened[0])
        chat = ChatService(Delivery(sender))
        join(chat, connect(chat, "c1", "Anna"), "sun", now=at("2026-11-29T18:05"))
        keeper.tick(at("2026-11-29T19:26"))
        keeper.extend(session, 15, at("2026-11-29T19:27"))
        assert sender.of("c1", "session_extended")[0]["ends_at"] == "2026-11-29T19:45:00+00:00"
        assert keeper.tick(at("2026-11-29T19:30")).closed == []
        assert keeper.tick(at("2026-11-29T19:40")).warned == [session.session_id]
        assert keeper.tick(at("2026-11-29T19:45")).closed == [session.session_id]
        assert len(sender.of("c1", "session_closing")) == 2
