"""My groups, the organisation's figures, and leaving for good with everything one wrote."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import storage
from chalicelib.accounts import participants as accounts
from chalicelib.accounts.tokens import Identity
from chalicelib.chat.service import ChatService
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.organisation.figures import figures
from chalicelib.sessions.keeper import SessionKeeper, plan_next
from tests.conftest import NOW, caller, join, logged_in, make_group, make_org, mentor_joins, signed_up


def teen(name: str) -> Identity:
    signed = signed_up(name, "hemmelig-kode", NOW)
    return Identity(signed.participant_id, signed.pseudonym, "participant")


class TestMyGroups:
    def test_a_teen_follows_groups_and_sees_when_each_meets_next(self, room):
        make_group("g2")
        me = teen("Anna")
        accounts.follow(me, "g1", NOW)
        mine = accounts.follow(me, "g2", NOW)["groups"]
        assert [g["id"] for g in mine] == ["g1", "g2"]
        assert mine[0]["open"] is True and mine[1]["next_meetings"]
        assert [g["id"] for g in accounts.unfollow(me, "g1", NOW)["groups"]] == ["g2"]

    def test_following_twice_keeps_one_and_an_unknown_group_is_refused(self, room):
        me = teen("Anna")
        accounts.follow(me, "g1", NOW)
        assert len(accounts.follow(me, "g1", NOW)["groups"]) == 1
        with pytest.raises(ChatError) as missing:
            accounts.follow(me, "nope", NOW)
        assert missing.value.status == 404


class TestFigures:
    def test_figures_count_participants_returning_ones_messages_and_handled_reports(self, sender, tables):
        make_org()
        group = storage.Group("g1", org_id="org-a", name="Søndag", weekday=6, start_time="19:00", duration_minutes=90)
        group.save()
        keeper, chat = SessionKeeper(Delivery(sender)), ChatService(Delivery(sender))
        people = {name: teen(name) for name in ("Anna", "Bo", "Cy", "Dan", "Eli", "Fie", "Gry")}
        plan_next(group, datetime(2026, 11, 23, tzinfo=UTC))
        # The mentor is there a minute after the start the first week, ten minutes late the second.
        # Five each week (fewer would withhold the returning count); three come back the second.
        weeks = [
            ("2026-11-29", ["Anna", "Bo", "Dan", "Eli", "Fie"], 1),
            ("2026-12-06", ["Anna", "Cy", "Eli", "Fie", "Gry"], 10),
        ]
        for day, names, mentor_late in weeks:
            opens = datetime.fromisoformat(f"{day}T18:00").replace(tzinfo=UTC)
            keeper.tick(opens)
            mentor_joins(chat, f"m-{day}", group_id="g1", now=opens + timedelta(minutes=mentor_late))
            for n, name in enumerate(names):
                who = caller(f"{day}-{name}")
                chat.connect(who, people[name], opens)
                join(chat, who, "g1", now=opens + timedelta(minutes=1))
                chat.handle(
                    who,
                    json.dumps({"action": "send", "text": f"hej fra {name}"}),
                    opens + timedelta(minutes=mentor_late + 1, seconds=n),
                )
            keeper.tick(opens + timedelta(minutes=90))
        admin = Identity("a1", "Admin", "admin", "org-a")
        rows = figures(admin, 8, datetime(2026, 12, 7, tzinfo=UTC))["sessions"]
        assert [(r["participants"], r["returning"], r["messages"]) for r in rows] == [(5, 0, 5), (5, 3, 5)]
        assert [(r["minutes_with_mentor"], r["minutes_without_mentor"]) for r in rows] == [(89, 1), (80, 10)]
        assert "Anna" not in json.dumps(rows) and people["Anna"].user_id not in json.dumps(rows)

    def test_only_admins_see_figures(self, tables):
        with pytest.raises(ChatError) as refused:
            figures(Identity("m1", "Mette", "mentor", "org-a"), 8, NOW)
        assert refused.value.status == 403


class TestLeavingForGood:
    def test_deleting_the_account_removes_every_message_it_wrote_live(self, chat, sender, room):
        mentor_joins(chat)
        anna, bo = teen("Anna"), teen("Bo")
        for who, identity in ((caller("a"), anna), (caller("b"), bo)):
            chat.connect(who, identity, NOW)
            join(chat, who)
        chat.handle(caller("a"), '{"action":"send","text":"min hemmelighed"}', NOW)
        chat.handle(caller("b"), '{"action":"send","text":"jeg er her stadig"}', NOW + timedelta(seconds=1))
        removed_id = sender.of("b", "message")[0]["message"]["id"]

        with pytest.raises(ChatError):
            accounts.delete_account(anna, "forkert-kode", Delivery(sender))
        result = accounts.delete_account(anna, "hemmelig-kode", Delivery(sender))
        assert result == {"deleted": True, "messages": 1, "connections_closed": 1}
        assert sender.of("b", "message_removed")[0]["message_id"] == removed_id
        assert [m.text for m in storage.recent_messages(room.session_id, 10)] == ["jeg er her stadig"]
        assert storage.find_participant("anna") is None
        with pytest.raises(ChatError) as gone:
            logged_in("Anna", "hemmelig-kode", NOW)
        assert gone.value.status == 401
        signed_up("Anna", "ny-hemmelig-kode", NOW)  # the pseudonym is free again


def test_a_deleted_accounts_token_no_longer_connects(chat, sender, room):
    from chalicelib.edge import http
    from chalicelib.edge import websocket as edge

    signed = signed_up("Vandre", "hemmelig-kode", http.utcnow())  # a token valid right now
    me = Identity(signed.participant_id, signed.pseudonym, "participant")

    class Event:
        connection_id = "x1"

        def to_dict(self):
            return {
                "requestContext": {"apiId": "local", "stage": "test", "connectionId": "x1"},
                "queryStringParameters": {"token": signed.token},
            }

    assert edge.on_connect(chat, Event())["statusCode"] == 200
    accounts.delete_account(me, "hemmelig-kode", Delivery(sender))
    signed_up("Vandre", "en-helt-anden-kode", NOW)  # someone else takes the name
    assert edge.on_connect(chat, Event())["statusCode"] == 401
