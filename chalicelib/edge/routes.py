"""One function per REST route: read the request, call the product, answer in JSON.

``app.py`` registers each route with its path, method and authorizer and calls the function
of the same name here; the function names the domain call it makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Request, Response

from chalicelib import reminders
from chalicelib.abuse import challenge as abuse_challenge
from chalicelib.abuse import door
from chalicelib.abuse.sources import rest_source
from chalicelib.accounts import mentors, participants
from chalicelib.accounts.tokens import ANY_AUDIENCE, PARTICIPANT, verify
from chalicelib.chat.room import refuse_if_banned
from chalicelib.config import token_secret
from chalicelib.delivery import Delivery
from chalicelib.edge.auth import bearer_token, mentor_of, participant_of
from chalicelib.edge.http import int_param, json_body, optional_body, path_id, rest, utcnow
from chalicelib.moderation import reported_message
from chalicelib.moderation.actions import Moderation, require_admin
from chalicelib.moderation.waiting_room import WaitingRoom
from chalicelib.organisation import admin, catalogue, figures, handover, roster, settings

# --- participants and the public group list -----------------------------------------------------


@rest
def challenge(request: Request) -> dict[str, Any]:
    return abuse_challenge.new_challenge(utcnow())


@rest
def sign_up(request: Request) -> tuple[dict[str, Any], int]:
    body, now = json_body(request), utcnow()
    return participants.sign_up(
        body.get("pseudonym"), body.get("password"), body.get("challenge"), rest_source(request, now), now
    ).as_body(), 201


@rest
def log_in(request: Request) -> dict[str, Any]:
    body, now = json_body(request), utcnow()
    return participants.log_in(
        body.get("pseudonym"), body.get("password"), rest_source(request, now), now, body.get("device_tokens")
    ).as_body()


@rest
def recover(request: Request) -> dict[str, Any]:
    body, now = json_body(request), utcnow()
    return participants.recover(
        body.get("pseudonym"), body.get("recovery_code"), body.get("password"), rest_source(request, now), now
    ).as_body()


@rest
def list_groups(request: Request) -> dict[str, Any]:
    return {"groups": catalogue.list_groups(utcnow())}


@rest
def group_calendar(request: Request, group_id: str) -> Response:
    """A file, not JSON: calendar apps subscribe to this address and refresh it themselves."""
    return Response(
        body=catalogue.group_calendar(path_id(group_id), utcnow()).decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": 'attachment; filename="gruppechat.ics"',
            "Cache-Control": "public, max-age=3600",
        },
    )


@rest
def mentor_log_in(request: Request) -> dict[str, Any]:
    body, now = json_body(request), utcnow()
    return mentors.log_in(
        body.get("username"), body.get("password"), rest_source(request, now), now, body.get("device_tokens")
    ).as_body()


@rest
def connect_check(request: Request) -> dict[str, Any]:
    """What ``$connect`` would answer right now, as JSON the page can read (counts nothing)."""
    now = utcnow()
    identity = verify(bearer_token(request.headers.get("authorization")), token_secret(), now, ANY_AUDIENCE)
    door.admit_socket(identity, rest_source(request, now), now, count=False)
    params: Mapping[str, str] = request.query_params or {}
    group_id = params.get("group_id")
    if group_id and identity.role == PARTICIPANT:
        refuse_if_banned(group_id, identity.user_id, now)
    return {"ok": True}


# --- a participant's own account ----------------------------------------------------------------


@rest
def my_groups(request: Request) -> dict[str, Any]:
    return participants.my_groups(participant_of(request), utcnow())


@rest
def follow(request: Request, group_id: str) -> dict[str, Any]:
    return participants.follow(participant_of(request), path_id(group_id), utcnow())


@rest
def unfollow(request: Request, group_id: str) -> dict[str, Any]:
    return participants.unfollow(participant_of(request), path_id(group_id), utcnow())


@rest
def my_reminders(request: Request) -> dict[str, Any]:
    return reminders.view(participant_of(request), utcnow())


@rest
def subscribe_reminder(request: Request, group_id: str) -> dict[str, Any]:
    return reminders.subscribe(participant_of(request), path_id(group_id), json_body(request), utcnow())


@rest
def unsubscribe_reminder(request: Request, group_id: str) -> dict[str, Any]:
    return reminders.unsubscribe(participant_of(request), path_id(group_id))


@rest
def change_password(request: Request) -> dict[str, Any]:
    body = json_body(request)
    return participants.change_password(
        participant_of(request), body.get("password"), body.get("new_password"), utcnow()
    )


@rest
def renew_recovery_code(request: Request) -> dict[str, Any]:
    return participants.renew_recovery_code(participant_of(request), json_body(request).get("password"), utcnow())


@rest
def export_my_data(request: Request) -> dict[str, Any]:
    return participants.export(participant_of(request), utcnow())


@rest
def delete_account(request: Request, delivery: Delivery) -> dict[str, Any]:
    return participants.delete_account(participant_of(request), json_body(request).get("password"), delivery)


# --- mentors: the live sessions and moderation -------------------------------------------------------


@rest
def live_sessions(request: Request, moderation: Moderation) -> dict[str, Any]:
    return moderation.live_sessions(mentor_of(request), utcnow())


@rest
def mentor_groups(request: Request) -> dict[str, Any]:
    return admin.list_groups(mentor_of(request), utcnow())


@rest
def remove_message(request: Request, moderation: Moderation, session_id: str, message_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return moderation.remove_message(
        mentor_of(request), path_id(session_id), path_id(message_id), body.get("reason"), utcnow()
    )


@rest
def mute(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return moderation.mute(
        mentor_of(request),
        path_id(session_id),
        body.get("pseudonym"),
        body.get("minutes"),
        body.get("reason"),
        utcnow(),
    )


@rest
def kick(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return moderation.kick(mentor_of(request), path_id(session_id), body.get("pseudonym"), body.get("reason"), utcnow())


@rest
def ban(request: Request, moderation: Moderation, group_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return moderation.ban(
        mentor_of(request), path_id(group_id), body.get("pseudonym"), body.get("days"), body.get("reason"), utcnow()
    )


@rest
def set_topic(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    return moderation.set_topic(mentor_of(request), path_id(session_id), optional_body(request).get("topic"), utcnow())


@rest
def pin(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    return moderation.pin(mentor_of(request), path_id(session_id), optional_body(request).get("message_id"), utcnow())


@rest
def announce(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    return moderation.announce(mentor_of(request), path_id(session_id), optional_body(request).get("text"), utcnow())


@rest
def slow_mode(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    seconds = optional_body(request).get("seconds")
    return moderation.slow_mode(mentor_of(request), path_id(session_id), seconds, utcnow())


@rest
def open_early(request: Request, moderation: Moderation, group_id: str) -> dict[str, Any]:
    return moderation.open_early(mentor_of(request), path_id(group_id), utcnow())


@rest
def close(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    return moderation.close(mentor_of(request), path_id(session_id), utcnow())


@rest
def extend(request: Request, moderation: Moderation, session_id: str) -> dict[str, Any]:
    minutes = optional_body(request).get("minutes")
    return moderation.extend(mentor_of(request), path_id(session_id), minutes, utcnow())


@rest
def cancel_date(request: Request, moderation: Moderation, group_id: str) -> dict[str, Any]:
    return moderation.cancel(mentor_of(request), path_id(group_id), optional_body(request).get("date"), utcnow())


@rest
def admit(request: Request, waiting_room: WaitingRoom, session_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return waiting_room.admit(mentor_of(request), path_id(session_id), body.get("pseudonym"), body.get("all"), utcnow())


@rest
def decline(request: Request, waiting_room: WaitingRoom, session_id: str) -> dict[str, Any]:
    body = optional_body(request)
    return waiting_room.decline(
        mentor_of(request), path_id(session_id), body.get("pseudonym"), body.get("all"), utcnow()
    )


@rest
def lock(request: Request, waiting_room: WaitingRoom, session_id: str) -> dict[str, Any]:
    return waiting_room.lock(mentor_of(request), path_id(session_id), optional_body(request).get("locked"), utcnow())


@rest
def enrol(request: Request, waiting_room: WaitingRoom, group_id: str) -> tuple[dict[str, Any], int]:
    pseudonym = optional_body(request).get("pseudonym")
    return waiting_room.enrol(mentor_of(request), path_id(group_id), pseudonym, utcnow()), 201


@rest
def my_duties(request: Request) -> dict[str, Any]:
    return roster.my_duties(mentor_of(request), utcnow())


@rest
def cannot_come(request: Request, group_id: str, meeting: str) -> dict[str, Any]:
    return roster.cannot_come(mentor_of(request), path_id(group_id), path_id(meeting), utcnow())


@rest
def reports(request: Request, moderation: Moderation) -> dict[str, Any]:
    params: Mapping[str, str] = request.query_params or {}
    return moderation.reports(mentor_of(request), params.get("status"))


@rest
def resolve_report(request: Request, moderation: Moderation, report_id: str) -> dict[str, Any]:
    note = optional_body(request).get("note")
    return moderation.resolve(mentor_of(request), path_id(report_id), note, utcnow())


@rest
def remove_reported_message(request: Request, moderation: Moderation, report_id: str) -> dict[str, Any]:
    reason = optional_body(request).get("reason")
    return reported_message.remove_reported(moderation, mentor_of(request), path_id(report_id), reason, utcnow())


@rest
def claim_report(request: Request, moderation: Moderation, report_id: str) -> dict[str, Any]:
    return moderation.claim(mentor_of(request), path_id(report_id), utcnow())


@rest
def audit_log(request: Request, moderation: Moderation) -> dict[str, Any]:
    return moderation.audit(mentor_of(request))


# --- mentors: handover between weeks ---------------------------------------------------------


@rest
def group_notes(request: Request, group_id: str) -> dict[str, Any]:
    return handover.group_notes(mentor_of(request), path_id(group_id))


@rest
def write_note(request: Request, group_id: str) -> dict[str, Any]:
    body = json_body(request)
    return handover.write_note(
        mentor_of(request), path_id(group_id), body.get("pseudonym"), body.get("text"), body.get("version"), utcnow()
    )


@rest
def session_summaries(request: Request, group_id: str) -> dict[str, Any]:
    limit = int_param(request, "limit", handover.DEFAULT_SUMMARIES)
    return handover.summaries(mentor_of(request), path_id(group_id), limit, utcnow())


# --- admins: groups, mentors, figures -----------------------------------------------------------


@rest
def admin_groups(request: Request) -> dict[str, Any]:
    mentor = mentor_of(request)
    require_admin(mentor)
    return admin.list_groups(mentor, utcnow())


@rest
def create_group(request: Request) -> tuple[dict[str, Any], int]:
    return admin.create_group(mentor_of(request), json_body(request), utcnow()), 201


@rest
def update_group(request: Request, group_id: str) -> dict[str, Any]:
    return admin.update_group(mentor_of(request), path_id(group_id), json_body(request), utcnow())


@rest
def duty_roster(request: Request) -> dict[str, Any]:
    return roster.roster(mentor_of(request), utcnow())


@rest
def set_usual_duty(request: Request, group_id: str) -> dict[str, Any]:
    return roster.set_usual(mentor_of(request), path_id(group_id), json_body(request), utcnow())


@rest
def swap_duty(request: Request, group_id: str, meeting: str) -> dict[str, Any]:
    return roster.swap(mentor_of(request), path_id(group_id), path_id(meeting), json_body(request), utcnow())


@rest
def list_mentors(request: Request) -> dict[str, Any]:
    return admin.list_mentors(mentor_of(request))


@rest
def add_mentor(request: Request) -> tuple[dict[str, Any], int]:
    return admin.add_mentor(mentor_of(request), json_body(request), utcnow()), 201


@rest
def deactivate_mentor(request: Request, delivery: Delivery, mentor_id: str) -> dict[str, Any]:
    return admin.deactivate_mentor(mentor_of(request), path_id(mentor_id), delivery, utcnow())


@rest
def organisation_settings(request: Request) -> dict[str, Any]:
    return settings.view(mentor_of(request))


@rest
def change_organisation_settings(request: Request) -> dict[str, Any]:
    return settings.change(mentor_of(request), json_body(request), utcnow())


@rest
def organisation_figures(request: Request) -> dict[str, Any]:
    return figures.figures(mentor_of(request), int_param(request, "weeks", 8), utcnow())
