"""The door of a session, in a mentor's hands: admit or decline who waits, lock, enrol by name.

Who waits, who walks straight in and who is refused is the admission table's to say
(:mod:`chalicelib.chat.admission`); here a mentor answers the knocks. Like every mentor action,
each answer is audited together with its effect, and only inside the mentor's organisation.
An admitted pseudonym becomes a member of the group and walks straight in next time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import frames, storage
from chalicelib.accounts.tokens import Identity
from chalicelib.chat import admission, room
from chalicelib.delivery import Delivery
from chalicelib.errors import ChatError
from chalicelib.moderation.actions import Moderation


class WaitingRoom:
    def __init__(self, delivery: Delivery, moderation: Moderation) -> None:
        self.delivery = delivery
        self.moderation = moderation

    def _open(self, mentor: Identity, session_id: str) -> tuple[storage.Session, storage.Group]:
        session = self.moderation.session(mentor, session_id)
        if session.status != storage.OPEN:
            raise ChatError("session_not_open")
        group = storage.get_group(session.group_id)
        if group is None:
            raise ChatError("group_not_found")
        return session, group

    def _chosen(self, session_id: str, pseudonym: object, everyone: object) -> list[storage.Waiting]:
        queue = storage.waiting_list(session_id)
        if everyone is True:
            return queue
        participant = self.moderation.participant(pseudonym)
        chosen = [waiting for waiting in queue if waiting.participant_id == participant.participant_id]
        if not chosen:
            raise ChatError("not_waiting")
        return chosen

    def admit(
        self, mentor: Identity, session_id: str, pseudonym: object, everyone: object, now: datetime
    ) -> dict[str, Any]:
        """Let one newcomer in (or all who wait, oldest first) while seats last; each becomes a member."""
        session, group = self._open(mentor, session_id)
        admitted: list[str] = []
        full: list[str] = []
        for waiting in self._chosen(session_id, pseudonym, everyone):
            members = storage.session_connections(session_id)
            sockets = room.waiting_sockets(waiting.participant_id, session_id)
            try:
                for socket in sockets[:1]:  # admitted, they are a member: the members' allowance applies
                    room.check_capacity(socket, members, group, admission.SEAT_OVER)
            except ChatError:
                full.append(waiting.pseudonym)
                continue
            member = storage.Member(
                group.group_id,
                waiting.participant_id,
                via=storage.ADMITTED,
                since=now,
                mentor_id=mentor.user_id,
                expires_at=now + room.MEMBERSHIP,
            )
            entry = self.moderation.entry(
                mentor,
                "admit",
                now,
                target=waiting.pseudonym,
                session_id=session_id,
                group_id=group.group_id,
                subject_id=waiting.participant_id,
            )
            if not storage.admit(waiting, member, entry):
                continue  # another mentor answered this knock first
            admitted.append(waiting.pseudonym)
            for socket in sockets:
                others = [m for m in storage.session_connections(session_id) if m.connection_id != socket.connection_id]
                room.enter(self.delivery, socket, session, group, others, now)
        room.tell_queue(self.delivery, session_id)
        if full and not admitted and everyone is not True:
            raise ChatError("session_full")
        return {"admitted": admitted, "full": full, "waiting": frames.queue_view(storage.waiting_list(session_id))}

    def decline(
        self, mentor: Identity, session_id: str, pseudonym: object, everyone: object, now: datetime
    ) -> dict[str, Any]:
        """Not today: they are told, kindly, and cannot knock again at this session."""
        session, group = self._open(mentor, session_id)
        declined = []
        for waiting in self._chosen(session_id, pseudonym, everyone):
            entry = self.moderation.entry(
                mentor,
                "decline",
                now,
                target=waiting.pseudonym,
                session_id=session_id,
                group_id=group.group_id,
                subject_id=waiting.participant_id,
            )
            if not storage.decline(waiting, entry):
                continue
            declined.append(waiting.pseudonym)
            sockets = room.waiting_sockets(waiting.participant_id, session_id)
            self.delivery.send_all(sockets, frames.admission("declined", session, group, True))
            for socket in sockets:
                storage.leave_session(socket)
        room.tell_queue(self.delivery, session_id)
        return {"declined": declined, "waiting": frames.queue_view(storage.waiting_list(session_id))}

    def lock(self, mentor: Identity, session_id: str, locked: object, now: datetime) -> dict[str, Any]:
        """Nobody new comes in until it is unlocked (those in the room, and those back today, may)."""
        if not isinstance(locked, bool):
            raise ChatError("bad_request", field="locked")
        session, group = self._open(mentor, session_id)
        entry = self.moderation.entry(
            mentor, "lock" if locked else "unlock", now, session_id=session_id, group_id=group.group_id
        )
        storage.set_locked(session, locked, entry)
        told = self.delivery.send_all(storage.session_connections(session_id), frames.locked(session_id, locked))
        return {"locked": locked, "told": len(told.delivered), "not_reached": len(told.failed)}

    def enrol(self, mentor: Identity, group_id: str, pseudonym: object, now: datetime) -> dict[str, Any]:
        """Members only: a mentor enrols a pseudonym by name; they walk straight in from now on."""
        group = self.moderation.group(mentor, group_id)
        participant = self.moderation.participant(pseudonym)
        if storage.get_member(group_id, participant.participant_id) is None:
            member = storage.Member(
                group_id,
                participant.participant_id,
                via=storage.ENROLLED,
                since=now,
                mentor_id=mentor.user_id,
                expires_at=now + room.MEMBERSHIP,
            )
            storage.enrol(
                member,
                self.moderation.entry(
                    mentor,
                    "enrol",
                    now,
                    target=participant.pseudonym,
                    group_id=group.group_id,
                    subject_id=participant.participant_id,
                ),
            )
        return {"enrolled": participant.pseudonym, "group_id": group.group_id}
